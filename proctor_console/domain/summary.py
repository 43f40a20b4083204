"""The lead's figures of an exam, computed from candidate rows and the event log.

One function, used by the service's summary, the console's summary view and
the `report` command, so a figure is the same wherever it is shown.

Events are timeline entries: ``{id, at, kind, attempt_id, actor, detail}``.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from .rows import CandidateRow, parse_time
from .states import AttemptState, SubmitCause


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile (pct in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(pct / 100.0 * len(ordered))))
    return ordered[rank - 1]


@dataclass
class DurationStats:
    count: int = 0
    median_s: float | None = None
    p90_s: float | None = None

    @classmethod
    def of(cls, values: list[float]) -> DurationStats:
        if not values:
            return cls()
        return cls(len(values), statistics.median(values), percentile(values, 90))


@dataclass
class ExamFigures:
    rostered: int = 0
    joined: int = 0
    absent: int = 0
    submitted_normally: int = 0
    auto_submitted_lock_limit: int = 0
    auto_submitted_time: int = 0
    force_submitted: int = 0
    reopened: int = 0
    still_open: int = 0
    locks_total: int = 0
    #: number of locks -> how many candidates had that many
    locks_histogram: dict[int, int] = field(default_factory=dict)
    locks_by_reason: dict[str, int] = field(default_factory=dict)
    lock_to_unlock: DurationStats = field(default_factory=DurationStats)
    lock_to_unlock_by_proctor: dict[str, DurationStats] = field(default_factory=dict)
    unlocks_by_mode: dict[str, int] = field(default_factory=dict)
    #: stuck submissions by how they ended: server_held, resubmitted, escalated, unresolved
    stuck_submissions: dict[str, int] = field(default_factory=dict)
    device_changes: int = 0
    resumes: int = 0
    help_requests: int = 0
    escalations_by_category: dict[str, int] = field(default_factory=dict)
    escalation_resolve: DurationStats = field(default_factory=DurationStats)
    #: 'HH:MM' (UTC) -> papers received in that minute
    submissions_per_minute: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _at(event: Mapping[str, Any]) -> datetime | None:
    return parse_time(event.get("at"))


def compute_figures(
    rows: Iterable[CandidateRow], events: Iterable[Mapping[str, Any]]
) -> ExamFigures:
    """Figures of one exam (or one hall: pass only its rows and events)."""
    rows = list(rows)
    by_attempt: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for ev in events:
        by_attempt[str(ev.get("attempt_id"))].append(ev)
    for evs in by_attempt.values():
        evs.sort(key=lambda e: int(e.get("id") or 0) if str(e.get("id") or "0").isdigit() else 0)

    f = ExamFigures(rostered=len(rows))
    histogram: Counter[int] = Counter()
    reasons: Counter[str] = Counter()
    unlock_waits: list[float] = []
    by_proctor: dict[str, list[float]] = defaultdict(list)
    modes: Counter[str] = Counter()
    stuck: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    resolve_times: list[float] = []
    per_minute: Counter[str] = Counter()

    for row in rows:
        if row.state is not AttemptState.NOT_JOINED:
            f.joined += 1
        f.resumes += row.resumes
        if row.device_count > 1:
            f.device_changes += 1
        if row.state is AttemptState.SUBMITTED:
            f.submitted_normally += 1
        elif row.state is AttemptState.AUTO_SUBMITTED:
            if row.submit_cause == SubmitCause.LOCK_LIMIT:
                f.auto_submitted_lock_limit += 1
            elif row.submit_cause == SubmitCause.PROCTOR:
                f.force_submitted += 1
            else:
                f.auto_submitted_time += 1
        elif row.state is not AttemptState.NOT_JOINED:
            f.still_open += 1
        if row.received_at is not None:
            per_minute[row.received_at.strftime("%H:%M")] += 1

        evs = by_attempt.get(row.attempt_id, [])
        locks = 0
        locked_at: datetime | None = None
        issuer: str | None = None
        pending = False
        raised: dict[str, datetime] = {}
        for ev in evs:
            kind = ev.get("kind")
            detail = ev.get("detail") or {}
            at = _at(ev)
            if kind == "locked":
                locks += 1
                reasons[str(detail.get("reason") or "other")] += 1
                locked_at, issuer = at, None
            elif kind == "unlock_issued":
                issuer = ev.get("actor") or issuer
            elif kind == "unlocked":
                modes[str(detail.get("mode") or "push")] += 1
                if locked_at is not None and at is not None:
                    wait = (at - locked_at).total_seconds()
                    unlock_waits.append(wait)
                    by_proctor[str(issuer or ev.get("actor") or "?")].append(wait)
                locked_at = None
            elif kind == "locks_reset":
                locked_at = None
            elif kind == "reopened":
                f.reopened += 1
            elif kind == "help_requested":
                f.help_requests += 1
            elif kind == "submit_pending":
                pending = True
            elif kind == "escalation_raised":
                categories[str(detail.get("category") or "other")] += 1
                if at is not None:
                    raised[str(detail.get("escalation_id") or "")] = at
                if pending and detail.get("category") == "stuck_submission":
                    stuck["escalated"] += 1
                    pending = False
            elif kind == "escalation_resolved":
                start = raised.get(str(detail.get("escalation_id") or ""))
                if start is not None and at is not None:
                    resolve_times.append((at - start).total_seconds())
            elif kind == "submitted" and pending:
                # The paper arrived while the phone spun: a retry brought it in
                # (resubmitted) or the first try had already reached the server.
                stuck["resubmitted" if detail.get("retry") else "server_held"] += 1
                pending = False
        if pending:
            stuck["server_held" if row.receipt_id else "unresolved"] += 1
        histogram[locks or row.lock_count] += 1
        f.locks_total += locks or row.lock_count

    f.absent = f.rostered - f.joined
    f.locks_histogram = dict(sorted(histogram.items()))
    f.locks_by_reason = dict(reasons.most_common())
    f.lock_to_unlock = DurationStats.of(unlock_waits)
    f.lock_to_unlock_by_proctor = {k: DurationStats.of(v) for k, v in sorted(by_proctor.items())}
    f.unlocks_by_mode = dict(modes)
    f.stuck_submissions = dict(stuck)
    f.escalations_by_category = dict(categories.most_common())
    f.escalation_resolve = DurationStats.of(resolve_times)
    f.submissions_per_minute = dict(sorted(per_minute.items()))
    return f
