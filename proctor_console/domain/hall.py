"""The hall's state: rows by attempt, newer versions only, plus what the
console measures over time (battery drain, heartbeat gaps).

Used live by the console, and to rebuild the hall at a past moment from the
event log (replay) and for reports.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .flags import (
    FlagHit,
    RowContext,
    Severity,
    Thresholds,
    attention_key,
    compute_flags,
    flags_change_at,
)
from .rows import CandidateRow
from .states import LIVE_STATES, AttemptState

_SAMPLES_KEPT = 12


@dataclass
class _Telemetry:
    battery: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=_SAMPLES_KEPT))
    seen: deque[float] = field(default_factory=lambda: deque(maxlen=_SAMPLES_KEPT))
    #: the gaps between the kept heartbeats, kept as they arrive (the oldest goes with its sample)
    gaps: deque[float] = field(default_factory=lambda: deque(maxlen=_SAMPLES_KEPT - 1))
    # Flags are computed for every row every second, the samples change only with a
    # heartbeat: keep the last answers, keyed by the samples they came from
    # (the newest sample and the count identify them: timestamps only grow).
    _drain: tuple[object, float | None] = (None, None)

    def drain_per_min(self) -> float | None:
        """Least-squares slope of battery over time, percent per minute (drain > 0)."""
        key = (len(self.battery), self.battery[-1]) if self.battery else 0
        if self._drain[0] == key:
            return self._drain[1]
        value = self._compute_drain()
        self._drain = (key, value)
        return value

    def _compute_drain(self) -> float | None:
        pts = list(self.battery)
        if len(pts) < 3 or pts[-1][0] - pts[0][0] < 60:
            return None
        n = len(pts)
        mt = sum(p[0] for p in pts) / n
        mb = sum(p[1] for p in pts) / n
        var = sum((p[0] - mt) ** 2 for p in pts)
        if var == 0:
            return None
        slope = sum((p[0] - mt) * (p[1] - mb) for p in pts) / var
        return -slope * 60.0

    def max_gap_s(self) -> float | None:
        return max(self.gaps) if self.gaps else None

    def add_seen(self, ts: float) -> None:
        if self.seen:
            self.gaps.append(ts - self.seen[-1])
        self.seen.append(ts)


class HallState:
    """Rows keyed by attempt_id; a row whose version is not newer is ignored."""

    def __init__(self, thresholds: Thresholds | None = None) -> None:
        self.rows: dict[str, CandidateRow] = {}
        self.thresholds = thresholds or Thresholds()
        self.session_starts_at: datetime | None = None
        self.session_ends_at: datetime | None = None
        self._telemetry: dict[str, _Telemetry] = {}

    def clear(self) -> None:
        self.rows.clear()
        self._telemetry.clear()

    def apply(self, row: CandidateRow) -> bool:
        """Take the row if it is newer than what we hold. True when it changed."""
        held = self.rows.get(row.attempt_id)
        if held is not None and row.version <= held.version:
            return False
        self.rows[row.attempt_id] = row
        tele = self._telemetry.get(row.attempt_id)
        if tele is None:  # (not setdefault: that builds two deques per update to throw away)
            tele = self._telemetry[row.attempt_id] = _Telemetry()
        if row.last_seen is not None:
            ts = row.last_seen.timestamp()
            if not tele.seen or ts > tele.seen[-1]:
                tele.add_seen(ts)
                if row.battery_pct is not None and not row.charging:
                    tele.battery.append((ts, row.battery_pct))
                elif row.charging:
                    tele.battery.clear()
        return True

    def apply_many(self, rows: Iterable[CandidateRow]) -> list[str]:
        return [r.attempt_id for r in rows if self.apply(r)]

    def context(self, attempt_id: str, now: datetime) -> RowContext:
        tele = self._telemetry.get(attempt_id)
        return RowContext(
            now=now,
            session_starts_at=self.session_starts_at,
            session_ends_at=self.session_ends_at,
            battery_drain_per_min=tele.drain_per_min() if tele else None,
            heartbeat_gap_s=tele.max_gap_s() if tele else None,
        )

    def battery_history(self, attempt_id: str) -> list[tuple[float, int]]:
        tele = self._telemetry.get(attempt_id)
        return list(tele.battery) if tele else []

    def flags(self, attempt_id: str, now: datetime) -> list[FlagHit]:
        row = self.rows[attempt_id]
        return compute_flags(row, self._flag_context(row, now), self.thresholds)

    def flags_until(self, attempt_id: str, now: datetime) -> tuple[list[FlagHit], datetime | None]:
        """The row's flags now, and until when they hold if only the clock moves
        (:func:`flags_change_at`; None: until the row or a setting changes)."""
        row = self.rows[attempt_id]
        ctx = self._flag_context(row, now)
        return compute_flags(row, ctx, self.thresholds), flags_change_at(row, ctx, self.thresholds)

    def _flag_context(self, row: CandidateRow, now: datetime) -> RowContext:
        """What compute_flags reads: the battery drain (a least-squares fit) only where a
        flag uses it, a live phone on battery with an end to reach."""
        tele = self._telemetry.get(row.attempt_id)
        if tele is None:
            return RowContext(now, self.session_starts_at, self.session_ends_at)
        drain = None
        if (
            row.battery_pct is not None
            and not row.charging
            and (row.deadline or self.session_ends_at) is not None
            and row.state in LIVE_STATES
        ):
            drain = tele.drain_per_min()
        return RowContext(
            now, self.session_starts_at, self.session_ends_at, drain, tele.max_gap_s()
        )

    def state_counts(self) -> Counter[AttemptState]:
        return Counter(r.state for r in self.rows.values())

    def attention(self, now: datetime) -> list[tuple[CandidateRow, FlagHit]]:
        """(row, its most severe flag) for every flagged row, most severe and oldest first."""
        out: list[tuple[CandidateRow, FlagHit]] = []
        for aid, row in self.rows.items():
            hits = self.flags(aid, now)
            if hits and hits[0].severity > Severity.INFO:
                out.append((row, hits[0]))
        out.sort(key=lambda pair: attention_key(pair[1]))
        return out
