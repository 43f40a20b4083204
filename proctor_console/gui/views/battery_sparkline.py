"""A candidate's battery over the last heartbeats, with where it is heading.

The dots are the battery samples ``HallState`` keeps (while not charging);
the dashed line is the projection behind BATTERY_WONT_LAST: from the current
level down at the measured drain, to empty. The vertical line is the
attempt's end: a projection reaching 0 % left of it is why the flag is up.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..labels import clock_text


def projection(
    level_pct: int, drain_per_min: float | None, now: datetime, ends: datetime | None
) -> tuple[list[float], list[float], datetime | None]:
    """The projection line's points (timestamps, percent) and when it reaches 0 %;
    empty when the battery is not draining. Same arithmetic as the flag."""
    if drain_per_min is None or drain_per_min <= 0:
        return [], [], None
    empty_at = now + timedelta(minutes=level_pct / drain_per_min)
    stop = empty_at if ends is None or empty_at <= ends else ends
    minutes = (stop - now).total_seconds() / 60.0
    end_level = max(0.0, level_pct - drain_per_min * minutes)
    return [now.timestamp(), stop.timestamp()], [float(level_pct), end_level], empty_at


class BatterySparkline(QWidget):
    """objectName ``batterySparkline``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batterySparkline")
        self.plot = pg.PlotWidget(background=None)
        self.plot.setFixedHeight(90)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setYRange(0, 100, padding=0.05)
        self.plot.setAxisItems({"bottom": pg.DateAxisItem()})
        self.plot.getAxis("left").setWidth(28)
        self.samples = self.plot.plot([], [], pen=pg.mkPen("#1a7f37", width=2), symbol="o", symbolSize=4,
                                      symbolBrush="#1a7f37")
        self.projected = self.plot.plot([], [], pen=pg.mkPen("#d1242f", width=2, style=Qt.PenStyle.DashLine))
        self.endLine = pg.InfiniteLine(angle=90, pen=pg.mkPen("#888888", width=1, style=Qt.PenStyle.DotLine))
        self.plot.addItem(self.endLine)
        self.caption = QLabel(self)
        self.caption.setObjectName("batteryCaption")
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.plot)
        self.empty_at: datetime | None = None
        self._shown: object = None

    def set_history(
        self,
        history: list[tuple[float, int]],
        level_pct: int | None,
        charging: bool,
        drain_per_min: float | None,
        now: datetime,
        ends: datetime | None,
    ) -> None:
        key = (tuple(history), level_pct, charging, drain_per_min, ends, int(now.timestamp()) // 30)
        if key == self._shown:
            return  # nothing new (the detail is refreshed every second)
        self._shown = key
        self.samples.setData([t for t, _ in history], [p for _, p in history])
        xs: list[float] = []
        ys: list[float] = []
        self.empty_at = None
        if level_pct is not None and not charging:
            xs, ys, self.empty_at = projection(level_pct, drain_per_min, now, ends)
        self.projected.setData(xs, ys)
        if ends is not None:
            self.endLine.setPos(ends.timestamp())
            self.endLine.show()
        else:
            self.endLine.hide()
        if level_pct is None:
            text = QCoreApplication.translate("Battery", "Battery: not reported")
        elif charging:
            text = QCoreApplication.translate("Battery", "Battery %1 %, charging").replace("%1", str(level_pct))
        elif self.empty_at is None:
            text = QCoreApplication.translate("Battery", "Battery %1 % (drain not measured yet: needs a minute of heartbeats)").replace(
                "%1", str(level_pct)
            )
        else:
            assert drain_per_min is not None
            text = (
                QCoreApplication.translate("Battery", "Battery %1 %, −%2 %/min, empty ~%3")
                .replace("%1", str(level_pct))
                .replace("%2", f"{drain_per_min:.1f}")
                .replace("%3", clock_text(self.empty_at))
            )
            if ends is not None and self.empty_at < ends:
                text += " — " + QCoreApplication.translate("Battery", "before the end (%1)").replace("%1", clock_text(ends))
        self.caption.setText(text)
        first = history[0][0] if history else now.timestamp()
        last = max([now.timestamp(), *(xs or [now.timestamp()])] + ([ends.timestamp()] if ends else []))
        self.plot.setXRange(first, last, padding=0.02)
