"""The lead's figures of an exam, computed from candidate rows and the event log.

One function, used by the console's summary view, the PDF report and the
`report` command, so a figure is the same wherever it is shown.

Events are the service's timeline entries ``{id, at, kind, attempt_id,
actor, detail}`` (``GET /sessions/{sid}/timeline`` pages them for a whole
session). The kinds and details read here are the service's own:

- ``locked`` ``{reason, lock_count}``; ``unlock_issued`` (actor = proctor)
  ``{mode, reason, lock_count}``; ``unlocked`` ``{mode, lock_count}`` (the
  phone's confirmation: actor null);
- ``submit_pending`` ``{receipt_id}`` (the receipt the server already held,
  or null); ``submitted`` ``{receipt_id}``; ``auto_submitted`` /
  ``force_submitted`` ``{cause, receipt_id?}``;
- ``escalation_raised`` ``{escalation_id, category}``, ``escalation_resolved``
  ``{escalation_id, resolution}``; ``reopened``, ``locks_reset``,
  ``help_requested``, ``device_changed``.

Entries may also carry ``row`` (the candidate row after that event, with
``include_rows=true``): then battery and network incidents are counted too.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from .flags import Thresholds
from .rows import CandidateRow, parse_time
from .states import FINAL_STATES, AttemptState, SubmitCause

#: How a stuck submission ended, in the order reports list them.
STUCK_OUTCOMES = ("server_held", "resubmitted", "escalated", "auto_submitted", "unresolved")
#: Networks that count as weak (the phone still reports, slowly).
WEAK_NETWORKS = frozenset({"2g", "3g"})


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
    receipts: int = 0
    locks_total: int = 0
    unlocks_total: int = 0
    #: number of locks -> how many joined candidates had that many
    locks_histogram: dict[int, int] = field(default_factory=dict)
    locks_by_reason: dict[str, int] = field(default_factory=dict)
    lock_to_unlock: DurationStats = field(default_factory=DurationStats)
    lock_to_unlock_by_proctor: dict[str, DurationStats] = field(default_factory=dict)
    unlocks_by_mode: dict[str, int] = field(default_factory=dict)
    #: candidates whose phone spun on "submitting", by how it ended (STUCK_OUTCOMES)
    stuck_submissions: dict[str, int] = field(default_factory=dict)
    device_changes: int = 0
    resumes: int = 0
    help_requests: int = 0
    #: None when the events carried no rows (telemetry unknown)
    battery_low_candidates: int | None = None
    offline_incidents: int | None = None
    weak_network_candidates: int | None = None
    escalations_by_category: dict[str, int] = field(default_factory=dict)
    escalation_resolve: DurationStats = field(default_factory=DurationStats)
    #: 'HH:MM' (UTC) -> papers received in that minute
    submissions_per_minute: dict[str, int] = field(default_factory=dict)

    @property
    def auto_submitted(self) -> int:
        return self.auto_submitted_lock_limit + self.auto_submitted_time + self.force_submitted

    @property
    def stuck_total(self) -> int:
        return sum(self.stuck_submissions.values())

    @property
    def escalations_total(self) -> int:
        return sum(self.escalations_by_category.values())

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _at(event: Mapping[str, Any]) -> datetime | None:
    return parse_time(event.get("at"))


def _order(event: Mapping[str, Any]) -> int:
    raw = str(event.get("id") or "0")
    return int(raw) if raw.isdigit() else 0


class _Telemetry:
    """Battery and network incidents of one attempt, from its rows in log order."""

    def __init__(self, thresholds: Thresholds) -> None:
        self.t = thresholds
        self.battery_low = False
        self.weak = False
        self.offline = 0
        self.seen: datetime | None = None
        self.seen_any = False

    def take(self, row: Mapping[str, Any]) -> None:
        self.seen_any = True
        battery, charging = row.get("battery_pct"), row.get("charging")
        if isinstance(battery, int) and battery < self.t.battery_low_pct and not charging:
            self.battery_low = True
        network = row.get("network")
        if network in WEAK_NETWORKS or network == "none":
            self.weak = True
        seen = parse_time(row.get("last_seen"))
        if seen is None:
            return
        live = row.get("state") not in {s.value for s in FINAL_STATES} | {"not_joined"}
        # A heartbeat after a silence longer than the offline threshold: the phone was offline.
        if (
            live
            and self.seen is not None
            and (seen - self.seen).total_seconds() > self.t.offline_after_s
        ):
            self.offline += 1
        if self.seen is None or seen > self.seen:
            self.seen = seen


def compute_figures(
    rows: Iterable[CandidateRow],
    events: Iterable[Mapping[str, Any]],
    thresholds: Thresholds | None = None,
) -> ExamFigures:
    """Figures of one exam (or one hall: events of other halls' attempts are ignored)."""
    rows = list(rows)
    thresholds = thresholds or Thresholds()
    by_attempt: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for ev in events:
        by_attempt[str(ev.get("attempt_id"))].append(ev)
    for evs in by_attempt.values():
        evs.sort(key=_order)
    have_events = bool(by_attempt)

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
    battery_low = weak = offline = 0
    any_rows = False

    for row in rows:
        joined = row.state is not AttemptState.NOT_JOINED
        f.joined += joined
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
        elif joined:
            f.still_open += 1
        if row.receipt_id:
            f.receipts += 1
        if row.received_at is not None:
            per_minute[row.received_at.strftime("%H:%M")] += 1

        locks = 0
        locked_at: datetime | None = None
        lock_no: int | None = None
        issuer: str | None = None
        outcome: str | None = None  # of this attempt's first stuck submission
        pending = False
        raised: dict[str, datetime] = {}
        tele = _Telemetry(thresholds)
        for ev in by_attempt.get(row.attempt_id, []):
            if isinstance(ev.get("row"), Mapping):
                tele.take(ev["row"])
            kind = ev.get("kind")
            detail = ev.get("detail") or {}
            at = _at(ev)
            if kind == "locked":
                locks += 1
                reasons[str(detail.get("reason") or "other")] += 1
                locked_at, lock_no, issuer = at, detail.get("lock_count"), None
            elif kind == "unlock_issued":
                # The proctor who issued the unlock for this lock answers for its wait.
                if detail.get("lock_count") in (None, lock_no):
                    issuer = ev.get("actor") or issuer
            elif kind == "unlocked":
                f.unlocks_total += 1
                modes[str(detail.get("mode") or "push")] += 1
                # An offline unlock is reported when the network is back; the phone says when it
                # really opened (never later than the report).
                opened = parse_time(detail.get("unlocked_at")) if detail.get("unlocked_at") else None
                if opened is not None and at is not None:
                    at = min(at, opened)
                if locked_at is not None and at is not None:
                    wait = max(0.0, (at - locked_at).total_seconds())
                    unlock_waits.append(wait)
                    by_proctor[str(issuer or ev.get("actor") or "?")].append(wait)
                locked_at = None
            elif kind in ("locks_reset", "auto_submitted", "force_submitted"):
                locked_at = None
                if pending and kind != "locks_reset":
                    outcome, pending = "auto_submitted", False
            elif kind == "reopened":
                f.reopened += 1
            elif kind == "help_requested":
                f.help_requests += 1
            elif kind == "submit_pending":
                if outcome is None and not pending:
                    # A receipt at the first spin: the server had the paper all along.
                    if detail.get("receipt_id"):
                        outcome = "server_held"
                    else:
                        pending = True
            elif kind == "escalation_raised":
                categories[str(detail.get("category") or "other")] += 1
                if at is not None:
                    raised[str(detail.get("escalation_id") or "")] = at
                if pending and detail.get("category") == "stuck_submission":
                    outcome, pending = "escalated", False
            elif kind == "escalation_resolved":
                start = raised.get(str(detail.get("escalation_id") or ""))
                if start is not None and at is not None:
                    resolve_times.append((at - start).total_seconds())
            elif kind == "submitted" and pending:
                outcome, pending = "resubmitted", False
        if pending:
            outcome = "server_held" if row.receipt_id else "unresolved"
        if outcome is not None:
            stuck[outcome] += 1
        if tele.seen_any:
            any_rows = True
            battery_low += tele.battery_low
            weak += tele.weak
            offline += tele.offline
        count = locks if have_events else row.lock_count
        if joined:
            histogram[count] += 1
        f.locks_total += count

    f.absent = f.rostered - f.joined
    f.locks_histogram = dict(sorted(histogram.items()))
    f.locks_by_reason = dict(reasons.most_common())
    f.lock_to_unlock = DurationStats.of(unlock_waits)
    f.lock_to_unlock_by_proctor = {k: DurationStats.of(v) for k, v in sorted(by_proctor.items())}
    f.unlocks_by_mode = dict(modes.most_common())
    f.stuck_submissions = {k: stuck[k] for k in STUCK_OUTCOMES if stuck[k]}
    f.escalations_by_category = dict(categories.most_common())
    f.escalation_resolve = DurationStats.of(resolve_times)
    f.submissions_per_minute = dict(sorted(per_minute.items()))
    if any_rows:
        f.battery_low_candidates, f.weak_network_candidates, f.offline_incidents = (
            battery_low,
            weak,
            offline,
        )
    return f


def figures_by_hall(
    rows: Iterable[CandidateRow],
    events: Iterable[Mapping[str, Any]],
    thresholds: Thresholds | None = None,
) -> dict[str, ExamFigures]:
    """The figures of each hall (hall_id -> figures), for the side-by-side comparison."""
    rows = list(rows)
    events = list(events)
    halls = sorted({r.hall_id for r in rows})
    out: dict[str, ExamFigures] = {}
    for hall in halls:
        mine = [r for r in rows if r.hall_id == hall]
        ids = {r.attempt_id for r in mine}
        out[hall] = compute_figures(
            mine, [e for e in events if e.get("attempt_id") in ids], thresholds
        )
    return out
