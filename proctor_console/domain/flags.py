"""What the proctor must see: the flag rules of the domain.

Flags are computed from the row, the thresholds (settings, defaults from the
guide) and the server-corrected clock, so they change as time passes with no
event at all (OFFLINE appears when heartbeats stop).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from functools import lru_cache

from .devices import device_problems
from .rows import CandidateRow
from .states import FINAL_STATES, LIVE_STATES, WEAK_NETWORKS, AttemptState


class Severity(IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3


class Flag(StrEnum):
    LOCKED = "LOCKED"
    HELP_REQUESTED = "HELP_REQUESTED"
    LAST_CHANCE = "LAST_CHANCE"
    STUCK_SUBMITTING = "STUCK_SUBMITTING"
    OFFLINE = "OFFLINE"
    BATTERY_LOW = "BATTERY_LOW"
    BATTERY_WONT_LAST = "BATTERY_WONT_LAST"
    WEAK_NETWORK = "WEAK_NETWORK"
    AUTO_SUBMITTED = "AUTO_SUBMITTED"
    NOT_JOINED = "NOT_JOINED"
    INFO_PENDING = "INFO_PENDING"
    OUTDATED_DEVICE = "OUTDATED_DEVICE"
    DEVICE_CHANGED = "DEVICE_CHANGED"
    ESCALATED = "ESCALATED"

    @property
    def severity(self) -> Severity:
        return SEVERITY[self]


SEVERITY: dict[Flag, Severity] = {
    Flag.LOCKED: Severity.HIGH,
    Flag.HELP_REQUESTED: Severity.HIGH,
    Flag.LAST_CHANCE: Severity.HIGH,
    Flag.STUCK_SUBMITTING: Severity.HIGH,
    Flag.OFFLINE: Severity.MEDIUM,
    Flag.BATTERY_LOW: Severity.MEDIUM,
    Flag.BATTERY_WONT_LAST: Severity.MEDIUM,
    Flag.DEVICE_CHANGED: Severity.MEDIUM,
    Flag.WEAK_NETWORK: Severity.LOW,
    Flag.NOT_JOINED: Severity.LOW,
    Flag.INFO_PENDING: Severity.LOW,
    Flag.OUTDATED_DEVICE: Severity.LOW,
    Flag.AUTO_SUBMITTED: Severity.INFO,
    Flag.ESCALATED: Severity.INFO,
}

#: Order within one severity: the flag a proctor acts on first comes first.
FLAG_ORDER = list(Flag)
_RANK = {flag: (-SEVERITY[flag], i) for i, flag in enumerate(FLAG_ORDER)}


@lru_cache(maxsize=1024)
def _outdated_detail(
    platform: str | None, os_version: str | None, app_version: str | None, screen: str | None
) -> str | None:
    """OUTDATED_DEVICE's detail, or None: a hall has few device kinds, each checked once."""
    problems = device_problems(platform, os_version, app_version, screen)
    return "; ".join(p.field for p in problems) if problems else None


@dataclass(frozen=True)
class Thresholds:
    """Settings; defaults from domain rules of the guide."""

    offline_after_s: float = 30.0
    stuck_submitting_after_s: float = 60.0
    battery_low_pct: int = 20
    not_joined_after_s: float = 300.0
    #: heartbeats further apart than this count as irregular (they come every 5-10 s)
    irregular_heartbeat_s: float = 20.0


@dataclass(frozen=True)
class FlagHit:
    flag: Flag
    since: datetime | None
    detail: str = ""

    @property
    def severity(self) -> Severity:
        return self.flag.severity


@dataclass(frozen=True)
class RowContext:
    """What a flag needs beyond the row: the clock and what the console measured."""

    now: datetime
    session_starts_at: datetime | None = None
    session_ends_at: datetime | None = None
    #: measured battery drain in percent per minute (positive when draining)
    battery_drain_per_min: float | None = None
    #: the longest recent gap between heartbeats, in seconds
    heartbeat_gap_s: float | None = None


def compute_flags(
    row: CandidateRow, ctx: RowContext, thresholds: Thresholds | None = None
) -> list[FlagHit]:
    """Every flag that holds for the row now, most severe first."""
    t = thresholds or Thresholds()
    hits: list[FlagHit] = []
    now = ctx.now
    state = row.state
    live = state in LIVE_STATES

    if state is AttemptState.LOCKED:
        reason = row.last_lock_reason or "?"
        hits.append(
            FlagHit(Flag.LOCKED, row.locked_since, f"{reason} {row.lock_count}/{row.max_locks}")
        )
    if row.help_requested_since is not None and state not in FINAL_STATES:
        hits.append(FlagHit(Flag.HELP_REQUESTED, row.help_requested_since, row.help_reason or ""))
    if live and row.max_locks > 1 and row.lock_count == row.max_locks - 1:
        hits.append(
            FlagHit(Flag.LAST_CHANCE, row.locked_since, f"{row.lock_count}/{row.max_locks}")
        )
    if (
        row.submit_pending_since is not None
        and (now - row.submit_pending_since).total_seconds() > t.stuck_submitting_after_s
    ):
        held = f"receipt {row.receipt_id}" if row.receipt_id else "no paper on server"
        hits.append(FlagHit(Flag.STUCK_SUBMITTING, row.submit_pending_since, held))
    if live and row.last_seen is not None:
        silent = (now - row.last_seen).total_seconds()
        if silent > t.offline_after_s:
            hits.append(FlagHit(Flag.OFFLINE, row.last_seen, f"{int(silent)} s"))
    if live and row.battery_pct is not None and not row.charging:
        if row.battery_pct < t.battery_low_pct:
            hits.append(FlagHit(Flag.BATTERY_LOW, row.last_seen, f"{row.battery_pct} %"))
        ends = row.deadline or ctx.session_ends_at
        rate = ctx.battery_drain_per_min
        if ends is not None and rate is not None and rate > 0:
            empty_at = now + timedelta(minutes=row.battery_pct / rate)
            if empty_at < ends:
                hits.append(
                    FlagHit(Flag.BATTERY_WONT_LAST, row.last_seen, f"empty ~{empty_at:%H:%M}")
                )
    if live and (
        (row.network is not None and row.network in WEAK_NETWORKS)
        or (ctx.heartbeat_gap_s is not None and ctx.heartbeat_gap_s > t.irregular_heartbeat_s)
    ):
        hits.append(FlagHit(Flag.WEAK_NETWORK, row.last_seen, row.network or ""))
    if state is AttemptState.AUTO_SUBMITTED:
        hits.append(FlagHit(Flag.AUTO_SUBMITTED, row.received_at, row.submit_cause or ""))
    if (
        state is AttemptState.NOT_JOINED
        and ctx.session_starts_at is not None
        and (now - ctx.session_starts_at).total_seconds() > t.not_joined_after_s
    ):
        hits.append(
            FlagHit(
                Flag.NOT_JOINED, ctx.session_starts_at + timedelta(seconds=t.not_joined_after_s)
            )
        )
    if state is AttemptState.INFO_PENDING:
        hits.append(FlagHit(Flag.INFO_PENDING, row.last_seen))
    if state is not AttemptState.NOT_JOINED:
        outdated = _outdated_detail(row.platform, row.os_version, row.app_version, row.screen)
        if outdated is not None:
            hits.append(FlagHit(Flag.OUTDATED_DEVICE, None, outdated))
    if row.device_count > 1:
        hits.append(FlagHit(Flag.DEVICE_CHANGED, None, f"{row.device_count}"))
    if row.open_escalations > 0:
        hits.append(FlagHit(Flag.ESCALATED, None, f"{row.open_escalations}"))
    if len(hits) > 1:
        hits.sort(key=lambda h: _RANK[h.flag])
    return hits


def flags_change_at(
    row: CandidateRow, ctx: RowContext, thresholds: Thresholds | None = None
) -> datetime | None:
    """When :func:`compute_flags` may first answer differently for this row and these
    measures as only the clock moves on from ``ctx.now``; None: not until something else
    changes. Lets a caller recompute a row's flags only when due, not every second.
    Mirrors every use of ``now`` in compute_flags (keep them together)."""
    t = thresholds or Thresholds()
    now = ctx.now
    state = row.state
    live = state in LIVE_STATES
    moments: list[datetime] = []
    if row.submit_pending_since is not None:
        stuck_at = row.submit_pending_since + timedelta(seconds=t.stuck_submitting_after_s)
        if now <= stuck_at:
            moments.append(stuck_at)
    if live and row.last_seen is not None:
        silent = (now - row.last_seen).total_seconds()
        if silent > t.offline_after_s:
            # OFFLINE says how long in whole seconds: the next second changes it
            moments.append(row.last_seen + timedelta(seconds=int(silent) + 1))
        else:
            moments.append(row.last_seen + timedelta(seconds=t.offline_after_s))
    if live and row.battery_pct is not None and not row.charging:
        ends = row.deadline or ctx.session_ends_at
        rate = ctx.battery_drain_per_min
        if ends is not None and rate is not None and rate > 0:
            to_empty = timedelta(minutes=row.battery_pct / rate)
            empty_at = now + to_empty
            if empty_at < ends:
                # its "empty ~HH:MM" moves with the clock; the flag goes once empty_at reaches ends
                next_minute = empty_at.replace(second=0, microsecond=0) + timedelta(minutes=1)
                moments.append(next_minute - to_empty)
                moments.append(ends - to_empty)
    if state is AttemptState.NOT_JOINED and ctx.session_starts_at is not None:
        absent_at = ctx.session_starts_at + timedelta(seconds=t.not_joined_after_s)
        if now <= absent_at:
            moments.append(absent_at)
    return min(moments) if moments else None


def attention_key(hit: FlagHit) -> tuple[int, float]:
    """Sort key for the attention list: most severe first, then oldest first."""
    since = hit.since.timestamp() if hit.since is not None else float("inf")
    return (-int(hit.severity), since)
