"""Live chart (pyqtgraph): answering, locked, offline, submitted over time."""

from __future__ import annotations

from collections import deque

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ...domain.flags import Flag
from ...domain.states import AttemptState
from ..live_hall import LiveHall

SAMPLE_EVERY_MS = 5000
SAMPLES_KEPT = 720  # an hour at one sample per 5 s


def series_names() -> dict[str, tuple[str, str]]:
    return {
        "answering": (QCoreApplication.translate("LiveChart", "answering"), "#1a7f37"),
        "locked": (QCoreApplication.translate("LiveChart", "locked"), "#d1242f"),
        "offline": (QCoreApplication.translate("LiveChart", "offline"), "#9a6700"),
        "submitted": (QCoreApplication.translate("LiveChart", "submitted"), "#0550ae"),
    }


class LiveChart(QWidget):
    """objectName ``liveChart``; one sample every 5 s from the hall's counts."""

    def __init__(self, live: LiveHall, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("liveChart")
        self.live = live
        self.times: deque[float] = deque(maxlen=SAMPLES_KEPT)
        self.values: dict[str, deque[int]] = {k: deque(maxlen=SAMPLES_KEPT) for k in series_names()}
        self.plot = pg.PlotWidget(background="w")
        self.plot.showGrid(x=True, y=True, alpha=0.3)
        self.plot.addLegend(offset=(5, 5))
        self.plot.setAxisItems({"bottom": pg.DateAxisItem()})
        self.curves = {
            key: self.plot.plot([], [], name=label, pen=pg.mkPen(color, width=2))
            for key, (label, color) in series_names().items()
        }
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.timer = QTimer(self)
        self.timer.setInterval(SAMPLE_EVERY_MS)
        self.timer.timeout.connect(self.sample)
        self.timer.start()

    def sample(self) -> None:
        if self.live.connection.state != "live" or not self.live.hall.rows:
            return  # stale counts are not plotted as if they were current
        states = self.live.state_counts
        self.times.append(self.live.clock().timestamp())
        self.values["answering"].append(states.get(AttemptState.ANSWERING, 0))
        self.values["locked"].append(states.get(AttemptState.LOCKED, 0))
        self.values["offline"].append(self.live.flag_counts.get(Flag.OFFLINE, 0))
        self.values["submitted"].append(
            states.get(AttemptState.SUBMITTED, 0) + states.get(AttemptState.AUTO_SUBMITTED, 0)
        )
        xs = list(self.times)
        for key, curve in self.curves.items():
            curve.setData(xs, list(self.values[key]))
