"""The hall as it was at a past moment, rebuilt from the session's event log.

The log is the service's ``GET /sessions/{sid}/timeline?include_rows=true``:
entries in log order, each candidate entry with ``at`` (when it happened)
and ``row`` (the candidate row after it, with its ``version``). Replaying the
rows up to a moment into a :class:`~.hall.HallState` gives that moment's seat
map, counts and attention list with the same code the live console uses.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .flags import FlagHit, Thresholds
from .hall import HallState
from .rows import CandidateRow, RowError, parse_row, parse_time
from .states import AttemptState


@dataclass(frozen=True)
class LoggedRow:
    """One change of one candidate: when, what kind (None for telemetry), the row after it."""

    at: datetime
    order: int
    kind: str | None
    row: CandidateRow


def logged_rows(entries: Iterable[Mapping[str, Any]]) -> list[LoggedRow]:
    """The entries that carry a row, in log order (entries without a time or row are skipped)."""
    out: list[LoggedRow] = []
    for e in entries:
        at = parse_time(e.get("at"))
        data = e.get("row")
        if at is None or not isinstance(data, Mapping):
            continue
        try:
            row = parse_row(dict(data)).row
        except RowError:
            continue
        raw = str(e.get("id") or "0")
        out.append(LoggedRow(at, int(raw) if raw.isdigit() else 0, e.get("kind"), row))
    out.sort(key=lambda lr: (lr.at, lr.order))
    return out


def blank_row(row: CandidateRow) -> CandidateRow:
    """The roster row before anything happened: who and where, nothing else (version 0)."""
    return CandidateRow(
        attempt_id=row.attempt_id, version=0, session_id=row.session_id,
        candidate_no=row.candidate_no, name=row.name, hall_id=row.hall_id, seat=row.seat,
        seat_row=row.seat_row, seat_col=row.seat_col, max_locks=row.max_locks,
        total_questions=row.total_questions,
    )  # fmt: skip


class Replay:
    """Moves a HallState through the log; forward steps are incremental, backward ones rebuild."""

    def __init__(
        self,
        roster: Iterable[CandidateRow],
        entries: Iterable[Mapping[str, Any]],
        *,
        thresholds: Thresholds | None = None,
        starts_at: datetime | None = None,
        ends_at: datetime | None = None,
    ) -> None:
        self.roster = [blank_row(r) for r in roster]
        self.log = logged_rows(entries)
        self._times = [lr.at for lr in self.log]
        self._locks = [lr.at for lr in self.log if lr.kind == "locked"]
        self.thresholds = thresholds or Thresholds()
        self.starts_at = starts_at
        self.ends_at = ends_at
        self.hall = HallState(self.thresholds)
        self._applied = 0
        self.moment: datetime | None = None
        self._reset()

    def _reset(self) -> None:
        self.hall.clear()
        self.hall.session_starts_at = self.starts_at
        self.hall.session_ends_at = self.ends_at
        self.hall.apply_many(dataclasses.replace(r) for r in self.roster)
        self._applied = 0

    @property
    def first(self) -> datetime | None:
        return self._times[0] if self._times else self.starts_at

    @property
    def last(self) -> datetime | None:
        return self._times[-1] if self._times else self.ends_at

    def seek(self, moment: datetime) -> HallState:
        """The hall at ``moment`` (every change logged at or before it applied)."""
        upto = bisect.bisect_right(self._times, moment)
        if upto < self._applied:
            self._reset()
        for lr in self.log[self._applied : upto]:
            self.hall.apply(lr.row)
        self._applied = upto
        self.moment = moment
        return self.hall

    def counts(self) -> Counter[AttemptState]:
        return self.hall.state_counts()

    def attention(self) -> list[tuple[CandidateRow, FlagHit]]:
        if self.moment is None:
            return []
        return self.hall.attention(self.moment)

    def lock_moments(self) -> list[datetime]:
        """When each lock happened, in order (a lead steps from lock to lock)."""
        return list(self._locks)

    def next_lock(self, after: datetime) -> datetime | None:
        moments = self._locks
        i = bisect.bisect_right(moments, after)
        return moments[i] if i < len(moments) else None

    def previous_lock(self, before: datetime) -> datetime | None:
        moments = self._locks
        i = bisect.bisect_left(moments, before)
        return moments[i - 1] if i > 0 else None
