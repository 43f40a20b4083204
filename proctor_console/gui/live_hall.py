"""The hall's live data for the views: HallState plus batching and the clock.

Rows from the feed are queued and applied together every ~75 ms (one frame
or so), so 500 updates a second cost a few model signals, not 500. Flags are
computed by ``domain`` from the row, the thresholds and the server-corrected
clock, for the changed rows at once and, once a second, for every row whose
flags the passing time may have changed (OFFLINE appears with no event at
all). The counts and the attention list follow each flag change as it is made,
so a batch costs the rows it changed, never the size of the hall.
"""

from __future__ import annotations

import gc
import logging
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ..domain.flags import Flag, FlagHit, Severity, Thresholds, attention_key
from ..domain.hall import HallState
from ..domain.rows import CandidateRow, RowError, parse_row
from ..domain.states import AttemptState
from .models.attention import AttentionModel
from .models.candidates import CandidateFilterProxy, CandidateTableModel

_KNOWN_STATES = {state.value for state in AttemptState}
log = logging.getLogger("proctor.hall")

FLUSH_INTERVAL_MS = 75
TICK_INTERVAL_MS = 1000
RESORT_MIN_INTERVAL_S = 1.0
#: How long "unlocked ✓" stays on a row after the phone confirmed.
UNLOCK_NOTE_KEPT_S = 60.0
#: What raises a tray notification (console.md): a new lock, a stuck submission, an auto-submit.
ALERT_FLAGS = frozenset({Flag.LOCKED, Flag.STUCK_SUBMITTING, Flag.AUTO_SUBMITTED})


@dataclass(frozen=True)
class ConnectionView:
    """What the connection light shows: 'live', 'reconnecting' or 'stale'."""

    state: str
    since: datetime | None = None
    next_try_at: datetime | None = None
    detail: str = ""


def _seat_key(row: CandidateRow) -> tuple[int, int, str]:
    return (row.seat_row or 0, row.seat_col or 0, row.candidate_no)


class LiveHall(QObject):
    """Owns the hall's state and feeds the table, the attention list and the counts."""

    countsChanged = Signal()
    connectionChanged = Signal()
    #: attempt_id: the phone confirmed an unlock the console sent
    unlockConfirmed = Signal(str)
    #: (attempt_id, flag name): a new lock, stuck submission or auto-submit (for a notification)
    alertRaised = Signal(str, str)

    def __init__(
        self,
        clock: Callable[[], datetime] | None = None,
        thresholds: Thresholds | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.hall = HallState(thresholds)
        self.table = CandidateTableModel(self)
        self.proxy = CandidateFilterProxy(self)
        self.proxy.setSourceModel(self.table)
        self.attention = AttentionModel(self)
        self.flags: dict[str, list[FlagHit]] = {}
        self.state_counts: Counter[AttemptState] = Counter()
        self.flag_counts: Counter[Flag] = Counter()
        # When each row's flags are next due with no event (flags_change_at; absent: never),
        # what they were computed with, and the latest clock they were computed at.
        self._flags_due: dict[str, float] = {}
        self._flags_basis: tuple[object, ...] | None = None
        self._flags_clock = float("-inf")
        # The attention list, kept sorted as flags change: (severity, since, hall order, id).
        # Ties go in the hall's order (first seen), as a sort of all flags in that order would.
        self._hall_order: dict[str, int] = {}
        self._attention_tops: dict[str, FlagHit] = {}
        self._attention_keys: dict[str, tuple[int, float, int, str]] = {}
        self._attention_sorted: list[tuple[int, float, int, str]] = []
        self._attention_ids: list[str] = []
        self._attention_moved = False
        self._attention_flag_moved = False
        self.connection = ConnectionView("reconnecting")
        self.dropped_events = 0
        self._pending: list[CandidateRow] = []
        self._pending_reset = False
        self._awaiting_unlock: set[str] = set()
        self._confirmed_at: dict[str, datetime] = {}
        self._resort_due = False
        self._last_resort = 0.0
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_INTERVAL_MS)
        self._flush_timer.timeout.connect(self.flush)
        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(TICK_INTERVAL_MS)
        self._tick_timer.timeout.connect(self.tick)
        self._tick_timer.start()

    # -- input from the feed ---------------------------------------------------

    def feed_rows(self, rows: Iterable[Any], reset: bool = False) -> None:
        """Rows (CandidateRow or JSON dicts) from a snapshot (reset) or the stream."""
        parsed: list[CandidateRow] = []
        for item in rows:
            if isinstance(item, CandidateRow):
                parsed.append(item)
                continue
            try:
                result = parse_row(item)
            except RowError as exc:
                self.dropped_events += 1
                log.warning("ignored a malformed candidate row: %s", exc)
                continue
            if result.problems:
                log.warning("row %s: %s", result.row.attempt_id, "; ".join(result.problems))
                if isinstance(item.get("state"), str) and item["state"] not in _KNOWN_STATES:
                    # A state this console does not know (a newer service): keep the last
                    # known one rather than show a present candidate as absent.
                    held = self.hall.rows.get(result.row.attempt_id)
                    if held is not None:
                        result.row.state = held.state
            parsed.append(result.row)
        if reset:
            self._pending = parsed
            self._pending_reset = True
        else:
            self._pending.extend(parsed)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def set_connection(self, view: ConnectionView) -> None:
        self.connection = view
        stale = view.state != "live"
        self.table.set_stale(stale)
        self.connectionChanged.emit()
        self._rebuild_attention(self.clock())

    def set_session_times(self, starts_at: datetime | None, ends_at: datetime | None) -> None:
        self.hall.session_starts_at = starts_at
        self.hall.session_ends_at = ends_at

    def set_thresholds(self, thresholds: Thresholds) -> None:
        self.hall.thresholds = thresholds
        self.tick()

    def expect_unlock(self, attempt_id: str, note: str) -> None:
        """The console sent an unlock: show ``note`` until the phone confirms."""
        self._awaiting_unlock.add(attempt_id)
        self.table.set_note(attempt_id, note)

    # -- batching --------------------------------------------------------------

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        reset, self._pending_reset = self._pending_reset, False
        now = self.clock()
        if reset:
            self.hall.clear()
            self.hall.apply_many(pending)
            self._forget_derived()
            self._hall_order = {aid: i for i, aid in enumerate(self.hall.rows)}
            self.state_counts = self.hall.state_counts()
            rows = sorted(self.hall.rows.values(), key=_seat_key)
            self._store_flags(self._all_flags(now))
            self.table.reset_rows(rows)
            self.table.set_flags(self.flags, now)
            self._after_change(now, resort=True)
            # The hall just loaded is long-lived: out of the collector's sight, a full
            # collection no longer walks 20,000 rows and their flags (stalls of up to
            # 300 ms every few seconds under a heavy stream). Rows replaced later are
            # still freed at once (reference counts); only cycles among them would wait.
            gc.freeze()
            return
        before = {r.attempt_id: self.hall.rows.get(r.attempt_id) for r in pending}
        changed_ids = list(dict.fromkeys(self.hall.apply_many(pending)))
        if not changed_ids:
            return
        changed_rows = [self.hall.rows[aid] for aid in changed_ids]
        counts = self.state_counts
        for row in changed_rows:
            held = before.get(row.attempt_id)
            if held is None:
                self._hall_order[row.attempt_id] = len(self._hall_order)
            elif held.state is not row.state:
                _count_down(counts, held.state)
            if held is None or held.state is not row.state:
                counts[row.state] += 1
            self._check_unlock(held, row)
        new_flags = self._compute_flags(changed_ids, now)
        self._raise_alerts(new_flags)
        self._store_flags(new_flags)
        self.table.update_rows(changed_rows, new_flags, now)
        self._after_change(now, resort=False)

    # -- flags, counts and the attention list, kept as flags change ----------------

    def _forget_derived(self) -> None:
        self.flags = {}
        self.flag_counts = Counter()
        self._flags_due.clear()
        self._attention_tops.clear()
        self._attention_keys.clear()
        self._attention_sorted.clear()
        self._attention_moved = True

    def _compute_flags(self, attempt_ids: Iterable[str], now: datetime) -> dict[str, list[FlagHit]]:
        fresh: dict[str, list[FlagHit]] = {}
        due = self._flags_due
        for aid in attempt_ids:
            hits, until = self.hall.flags_until(aid, now)
            fresh[aid] = hits
            if until is None:
                due.pop(aid, None)
            else:
                due[aid] = until.timestamp()
        self._flags_clock = max(self._flags_clock, now.timestamp())
        return fresh

    def _all_flags(self, now: datetime) -> dict[str, list[FlagHit]]:
        fresh = self._compute_flags(list(self.hall.rows), now)
        self._flags_basis = self._basis()
        self._flags_clock = now.timestamp()
        return fresh

    def _basis(self) -> tuple[object, ...]:
        hall = self.hall
        return (hall.thresholds, hall.session_starts_at, hall.session_ends_at)

    def _due_flags(self, now: datetime) -> dict[str, list[FlagHit]]:
        """Flags of the rows the passing time may have changed (all of them after a change
        of thresholds or session times, or when the clock went back)."""
        at = now.timestamp()
        if self._flags_basis != self._basis() or at < self._flags_clock:
            return self._all_flags(now)
        return self._compute_flags([aid for aid, t in self._flags_due.items() if t <= at], now)

    def _store_flags(self, fresh: dict[str, list[FlagHit]]) -> None:
        """Keep ``flags``, ``flag_counts`` and the attention list in step with new flags."""
        counts = self.flag_counts
        for aid, hits in fresh.items():
            old = self.flags.get(aid)
            if old is not None and old == hits:
                # Unchanged: keep the list held (fewer long-lived objects for the GC to walk).
                fresh[aid] = old
                continue
            self.flags[aid] = hits
            if old is not None:
                if len(old) == len(hits) and all(
                    a.flag is b.flag for a, b in zip(old, hits, strict=True)
                ):
                    if hits:
                        self._place_in_attention(aid, hits[0])
                    continue
                for hit in old:
                    _count_down(counts, hit.flag)
            for hit in hits:
                counts[hit.flag] += 1
            self._place_in_attention(aid, hits[0] if hits else None)

    def _place_in_attention(self, aid: str, top: FlagHit | None) -> None:
        if top is not None and top.severity <= Severity.INFO:
            top = None
        old_key = self._attention_keys.get(aid)
        if top is None:
            if old_key is not None:
                self._drop_from_attention(aid, old_key)
            return
        held = self._attention_tops.get(aid)
        self._attention_tops[aid] = top
        if held is not None and held.flag is not top.flag:
            self._attention_flag_moved = True
        severity, since = attention_key(top)
        key = (severity, since, self._hall_order.get(aid, 0), aid)
        if key == old_key:
            return
        if old_key is not None:
            del self._attention_sorted[bisect_left(self._attention_sorted, old_key)]
        insort(self._attention_sorted, key)
        self._attention_keys[aid] = key
        self._attention_moved = True

    def _drop_from_attention(self, aid: str, key: tuple[int, float, int, str]) -> None:
        del self._attention_sorted[bisect_left(self._attention_sorted, key)]
        del self._attention_keys[aid]
        del self._attention_tops[aid]
        self._attention_moved = True

    def _check_unlock(self, before: CandidateRow | None, row: CandidateRow) -> None:
        if row.attempt_id not in self._awaiting_unlock:
            return
        if row.state is not AttemptState.LOCKED:
            self._awaiting_unlock.discard(row.attempt_id)
            if row.state is AttemptState.ANSWERING:
                self.table.set_note(row.attempt_id, self.tr("unlocked ✓"))
                self._confirmed_at[row.attempt_id] = self.clock()
                self.unlockConfirmed.emit(row.attempt_id)
            else:
                self.table.set_note(row.attempt_id, None)

    def _raise_alerts(self, new_flags: dict[str, list[FlagHit]]) -> None:
        for aid, hits in new_flags.items():
            had = {h.flag for h in self.flags.get(aid, [])}
            for hit in hits:
                if hit.flag in ALERT_FLAGS and hit.flag not in had:
                    self.alertRaised.emit(aid, hit.flag.value)

    def tick(self) -> None:
        """Once a second: flags, at the server-corrected time, of every row whose flags
        the passing time may have changed."""
        if self._pending and not self._flush_timer.isActive():
            self.flush()
        now = self.clock()
        for aid, at in list(self._confirmed_at.items()):
            if (now - at).total_seconds() > UNLOCK_NOTE_KEPT_S:
                del self._confirmed_at[aid]
                self.table.set_note(aid, None)
        fresh = self._due_flags(now)
        self._raise_alerts(fresh)
        self._store_flags(fresh)
        flags_moved = self.table.set_flags(fresh, now)
        self.table.tick(now)
        self._after_change(now, resort=False, rows_moved=flags_moved > 0)
        if self._resort_due:
            self.resort()

    def resort(self) -> None:
        """Re-sort and re-filter the proxy (at most once a second on its own)."""
        self._resort_due = False
        self.proxy.refresh()

    def _after_change(self, now: datetime, resort: bool, rows_moved: bool = True) -> None:
        self._rebuild_attention(now)
        # Sorting 5,000 rows costs; do it only when something it sorts by moved.
        self._resort_due = self._resort_due or rows_moved
        if resort:
            self.resort()
        self.countsChanged.emit()

    def _rebuild_attention(self, now: datetime) -> None:
        if self._attention_moved:
            self._attention_ids = [key[-1] for key in self._attention_sorted]
            self._attention_moved = False
        self.attention.show_live(
            self._attention_ids,
            self.hall.rows,
            self._attention_tops,
            now,
            stale=self.connection.state != "live",
            flags_moved=self._attention_flag_moved,
        )
        self._attention_flag_moved = False


def _count_down(counts: Counter[Any], key: Any) -> None:
    left = counts[key] - 1
    if left > 0:
        counts[key] = left
    else:
        del counts[key]
