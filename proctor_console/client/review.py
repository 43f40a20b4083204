"""Everything a lead's look back at one exam needs, fetched once (no Qt here).

The figures (``domain.summary``), the replay (``domain.replay``), the summary
view, the PDF report and ``proctor-console report`` all start from an
:class:`ExamReview`, so they show the same numbers.

The session's log comes from ``GET /sessions/{sid}/timeline`` (paged by
``after``, rows included for replay). A service without that route (another
backend of api.md) answers 404; then the per-attempt timelines are fetched
instead: the figures are the same, but there is nothing to replay.
"""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ..domain.replay import Replay
from ..domain.rows import CandidateRow
from ..domain.summary import ExamFigures, compute_figures, figures_by_hall
from .api import ConsoleApi, _segment
from .errors import NotFound
from .records import ExamSession, Hall

PAGE = 5000
UTF8_BOM = "\ufeff"
#: The service's export columns (``/sessions/{sid}/export.csv``) with the hall's name after its id.
CSV_COLUMNS = [
    "candidate_no", "name", "hall_id", "hall", "seat", "state", "lock_count", "max_locks",
    "last_lock_reason", "answered", "total_questions", "resumes", "device_count", "receipt_id",
    "received_at", "submit_cause", "last_unlock_mode", "open_escalations", "app_version",
    "platform", "os_version", "last_seen",
]  # fmt: skip
PARALLEL_TIMELINES = 8


@dataclass
class ExamReview:
    session: ExamSession
    rows: list[CandidateRow]
    events: list[dict[str, Any]]
    halls: dict[str, Hall] = field(default_factory=dict)
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    #: False when the service gave per-attempt timelines only (no rows: no replay)
    replayable: bool = True

    def hall_name(self, hall_id: str) -> str:
        hall = self.halls.get(hall_id)
        return hall.name if hall and hall.name else hall_id

    def figures(self) -> ExamFigures:
        return compute_figures(self.rows, self.events)

    def figures_by_hall(self) -> dict[str, ExamFigures]:
        """Figures per hall, in the order of the halls' names."""
        found = figures_by_hall(self.rows, self.events)
        return {h: found[h] for h in sorted(found, key=self.hall_name)}

    @property
    def ends_at(self) -> datetime | None:
        starts = self.session.starts_at
        return starts + timedelta(minutes=self.session.duration_minutes) if starts else None

    def replay(self, hall_id: str | None = None) -> Replay:
        rows = [r for r in self.rows if hall_id is None or r.hall_id == hall_id]
        ids = {r.attempt_id for r in rows}
        events = [e for e in self.events if e.get("attempt_id") in ids]
        return Replay(rows, events, starts_at=self.session.starts_at, ends_at=self.ends_at)


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet must not run a name as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def review_csv(review: ExamReview, hall_id: str | None = None) -> bytes:
    """One row per candidate (by hall and seat), UTF-8 with BOM so Excel reads Chinese names."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    rows = [r for r in review.rows if hall_id is None or r.hall_id == hall_id]
    rows.sort(key=lambda r: (review.hall_name(r.hall_id), r.seat_row or 0, r.seat_col or 0))
    for row in rows:
        data = row.to_json()
        data["hall"] = review.hall_name(row.hall_id)
        writer.writerow([_cell(data.get(k)) for k in CSV_COLUMNS])
    return (UTF8_BOM + out.getvalue()).encode("utf-8")


async def session_log(api: ConsoleApi, session_id: str) -> list[dict[str, Any]] | None:
    """Every timeline entry of the session, rows included; None when the service has no such route."""
    out: list[dict[str, Any]] = []
    after = 0
    path = f"/sessions/{_segment(session_id)}/timeline"
    while True:
        params = {"after": str(after), "limit": str(PAGE), "include_rows": "true"}
        try:
            body = await api.get_json(path, params=params, what="the session's event log")
        except NotFound:
            if after == 0:  # the session was found just before: it is the route that is missing
                return None
            raise
        page = body.get("events") if isinstance(body, dict) else None
        if not isinstance(page, list):
            return None
        out.extend(e for e in page if isinstance(e, dict))
        if not body.get("more") or not page:
            return out
        after = int(body.get("next_after") or 0)


async def _per_attempt_log(api: ConsoleApi, rows: list[CandidateRow]) -> list[dict[str, Any]]:
    gate = asyncio.Semaphore(PARALLEL_TIMELINES)

    async def one(aid: str) -> list[dict[str, Any]]:
        async with gate:
            return [
                {"id": e.id, "at": e.at.isoformat() if e.at else None, "kind": e.kind,
                 "attempt_id": e.attempt_id or aid, "actor": e.actor, "detail": e.detail}
                for e in await api.timeline(aid)
            ]  # fmt: skip

    joined = [r.attempt_id for r in rows if r.state.value != "not_joined"]
    found = await asyncio.gather(*(one(aid) for aid in joined))
    return [e for evs in found for e in evs]


async def fetch_review(api: ConsoleApi, session_id: str) -> ExamReview:
    """The session, its rows, halls and log (raises the client's ConsoleErrors)."""
    body = await api.get_json(f"/sessions/{_segment(session_id)}", what="the exam session")
    session = ExamSession.from_json(body.get("session", body) if isinstance(body, dict) else body)
    snapshot = await api.snapshot(session_id)
    halls = {h.id: h for h in await api.halls()}
    events = await session_log(api, session_id)
    replayable = events is not None
    if events is None:
        events = await _per_attempt_log(api, snapshot.rows)
    return ExamReview(session, snapshot.rows, events, halls, replayable=replayable)
