"""Alerts for the proctor: one notification per event, except a lock storm.

When many phones lock at once (a fire alarm, a network switch rebooting, a
bad app release), twenty notifications say nothing twenty times. Locks are
held for a moment (``hold_s``); if by then ``threshold`` or more locks fell
within ``window_s``, one *storm* alert says how many, and further locks join
that storm silently until the hall has been quiet for ``window_s``. Other
alerts (LAST_CHANCE, stuck submission, auto-submit) pass at once.

:class:`AlertCoalescer` is plain Python (times are seconds from any monotonic
clock) so the rule is testable without Qt; :class:`AlertDesk` drives it from
``LiveHall.alertRaised`` with a timer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QTimer, Signal

from ..domain.flags import Flag

#: Defaults from console.md's "say 20 in 10 s".
STORM_THRESHOLD = 20
STORM_WINDOW_S = 10.0
#: How long a lock waits before it is told alone (the feed delivers a burst within ~0.1 s).
LOCK_HOLD_S = 1.5


@dataclass(frozen=True)
class Alert:
    """One notification: a single candidate's flag, or a storm of locks."""

    flag: str
    attempt_ids: tuple[str, ...]
    storm: bool = False
    window_s: float = STORM_WINDOW_S


@dataclass
class AlertCoalescer:
    threshold: int = STORM_THRESHOLD
    window_s: float = STORM_WINDOW_S
    hold_s: float = LOCK_HOLD_S
    _lock_times: list[tuple[float, str]] = field(default_factory=list)
    _pending: list[tuple[float, str]] = field(default_factory=list)
    #: The current (or last) storm's candidates, in the order they locked.
    storm_ids: list[str] = field(default_factory=list)
    _storm_last: float | None = None

    def add(self, attempt_id: str, flag: str, now: float) -> list[Alert]:
        """A new alert flag on a candidate; returns what to show now."""
        if flag != Flag.LOCKED.value:
            return [Alert(flag, (attempt_id,))]
        self._lock_times.append((now, attempt_id))
        if self.storm_active(now):
            self._storm_last = now
            if attempt_id not in self.storm_ids:
                self.storm_ids.append(attempt_id)
            return []
        self._pending.append((now, attempt_id))
        return []

    def storm_active(self, now: float) -> bool:
        return self._storm_last is not None and now - self._storm_last < self.window_s

    def poll(self, now: float) -> list[Alert]:
        """Release held locks whose time has come: as one storm, or one by one."""
        self._lock_times = [(t, a) for t, a in self._lock_times if now - t < self.window_s]
        recent = list(dict.fromkeys(a for _, a in self._lock_times))
        oldest_due = bool(self._pending) and now - self._pending[0][0] >= self.hold_s
        if oldest_due and len(recent) >= self.threshold:
            self._pending.clear()
            self.storm_ids = recent
            self._storm_last = now
            return [Alert(Flag.LOCKED.value, tuple(recent), storm=True, window_s=self.window_s)]
        due = [a for t, a in self._pending if now - t >= self.hold_s]
        self._pending = [(t, a) for t, a in self._pending if now - t < self.hold_s]
        return [Alert(Flag.LOCKED.value, (aid,)) for aid in due]

    @property
    def holding(self) -> bool:
        return bool(self._pending)


class AlertDesk(QObject):
    """Qt side: ``add`` from ``LiveHall.alertRaised``; ``alertReady`` per alert to show."""

    alertReady = Signal(object)  # Alert

    def __init__(
        self,
        coalescer: AlertCoalescer | None = None,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.coalescer = coalescer or AlertCoalescer()
        self.clock = clock
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.poll)

    def add(self, attempt_id: str, flag: str) -> None:
        self._emit(self.coalescer.add(attempt_id, flag, self.clock()))
        if self.coalescer.holding and not self._timer.isActive():
            self._timer.start()

    def poll(self) -> None:
        self._emit(self.coalescer.poll(self.clock()))
        if not self.coalescer.holding:
            self._timer.stop()

    def _emit(self, alerts: list[Alert]) -> None:
        for alert in alerts:
            self.alertReady.emit(alert)
