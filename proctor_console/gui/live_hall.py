"""The hall's live data for the views: HallState plus batching and the clock.

Rows from the feed are queued and applied together every ~75 ms (one frame
or so), so 500 updates a second cost a few model signals, not 500. Flags are
computed by ``domain`` from the row, the thresholds and the server-corrected
clock, for the changed rows at once and for every row once a second (OFFLINE
appears with no event at all).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ..domain.flags import Flag, FlagHit, Thresholds
from ..domain.hall import HallState
from ..domain.rows import CandidateRow, RowError, parse_row
from ..domain.states import AttemptState
from .models.attention import AttentionModel, attention_entries
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
            rows = sorted(self.hall.rows.values(), key=_seat_key)
            self.flags = {r.attempt_id: self.hall.flags(r.attempt_id, now) for r in rows}
            self.table.reset_rows(rows)
            self.table.set_flags(self.flags, now)
            self._after_change(now, resort=True)
            return
        before = {r.attempt_id: self.hall.rows.get(r.attempt_id) for r in pending}
        changed_ids = list(dict.fromkeys(self.hall.apply_many(pending)))
        if not changed_ids:
            return
        changed_rows = [self.hall.rows[aid] for aid in changed_ids]
        for row in changed_rows:
            self._check_unlock(before.get(row.attempt_id), row)
        self.table.update_rows(changed_rows)
        new_flags = {aid: self.hall.flags(aid, now) for aid in changed_ids}
        self._raise_alerts(new_flags)
        self.flags.update(new_flags)
        self.table.set_flags(new_flags, now)
        self._after_change(now, resort=False)

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
        """Once a second: flags for every row at the server-corrected time."""
        if self._pending and not self._flush_timer.isActive():
            self.flush()
        now = self.clock()
        for aid, at in list(self._confirmed_at.items()):
            if (now - at).total_seconds() > UNLOCK_NOTE_KEPT_S:
                del self._confirmed_at[aid]
                self.table.set_note(aid, None)
        fresh = {aid: self.hall.flags(aid, now) for aid in self.hall.rows}
        self._raise_alerts(fresh)
        self.flags = fresh
        flags_moved = self.table.set_flags(self.flags, now)
        self.table.tick(now)
        self._after_change(now, resort=False, rows_moved=flags_moved > 0)
        if self._resort_due:
            self.resort()

    def resort(self) -> None:
        """Re-sort and re-filter the proxy (at most once a second on its own)."""
        self._resort_due = False
        self.proxy.refresh()

    def _after_change(self, now: datetime, resort: bool, rows_moved: bool = True) -> None:
        self.state_counts = self.hall.state_counts()
        self.flag_counts = Counter(h.flag for hits in self.flags.values() for h in hits)
        self._rebuild_attention(now)
        # Sorting 5,000 rows costs; do it only when something it sorts by moved.
        self._resort_due = self._resort_due or rows_moved
        if resort:
            self.resort()
        self.countsChanged.emit()

    def _rebuild_attention(self, now: datetime) -> None:
        entries = attention_entries(self.hall.rows, self.flags)
        self.attention.set_entries(entries, now, stale=self.connection.state != "live")
