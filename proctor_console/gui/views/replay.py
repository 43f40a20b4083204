"""Replay (objectName ``replayView``): the hall as it was at a moment of the exam.

A time slider over the exam; the seat map, the counts and the attention list
show the hall at the slider's moment, rebuilt from the session's event log by
``domain.replay.Replay`` (the same HallState and flags as the live console).
"Previous lock" / "Next lock" jump from lock to lock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSlider,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...client.review import ExamReview
from ...domain.flags import FlagHit
from ...domain.hall import HallState
from ...domain.replay import Replay
from ...domain.states import AttemptState
from ..labels import state_text
from ..live_hall import LiveHall
from ..models.attention import AttentionModel, attention_entries
from .seat_map import SeatMap

# slider steps are milliseconds: a simulated exam can pass in seconds
STEP = timedelta(milliseconds=1)


class ReplayHall(QObject):
    """What the seat map reads from a LiveHall, filled from a replay instead of a live feed."""

    countsChanged = Signal()
    connectionChanged = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hall = HallState()
        self.flags: dict[str, list[FlagHit]] = {}
        self.connection = SimpleNamespace(state="live")  # a replay is never stale


def counts_text(counts: dict[AttemptState, int]) -> str:
    parts = [f"{state_text(state)} {counts[state]}" for state in AttemptState if counts.get(state)]
    return " · ".join(parts) or "—"


class ReplayView(QWidget):
    """objectName ``replayView``; one hall at a time (the seat map is a hall's)."""

    def __init__(self, review: ExamReview | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replayView")
        self.review: ExamReview | None = None
        self.replay: Replay | None = None
        self.moment: datetime | None = None
        self.source = ReplayHall(self)

        self.hallCombo = QComboBox()
        self.hallCombo.setObjectName("replayHall")
        self.hallCombo.currentIndexChanged.connect(self._hall_chosen)
        self.previousLockButton = QPushButton(
            QCoreApplication.translate("Replay", "◀ Previous lock")
        )
        self.previousLockButton.setObjectName("previousLockButton")
        self.previousLockButton.clicked.connect(self.previous_lock)
        self.nextLockButton = QPushButton(QCoreApplication.translate("Replay", "Next lock ▶"))
        self.nextLockButton.setObjectName("nextLockButton")
        self.nextLockButton.clicked.connect(self.next_lock)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("replaySlider")
        self.slider.valueChanged.connect(self._slid)
        self.timeLabel = QLabel("—")
        self.timeLabel.setObjectName("replayTime")
        self.countsLabel = QLabel("—")
        self.countsLabel.setObjectName("replayCounts")
        self.countsLabel.setWordWrap(True)
        self.notice = QLabel("")
        self.notice.setWordWrap(True)

        self.seatMap = SeatMap(cast(LiveHall, self.source))
        self.seatMap.setObjectName("replaySeatMap")  # not the live hall's seatMap
        self.attention = AttentionModel(self)
        self.attentionList = QTableView()
        self.attentionList.setObjectName("replayAttention")
        self.attentionList.setModel(self.attention)
        self.attentionList.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.attentionList.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.attentionList.verticalHeader().hide()
        self.attentionList.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.attentionList.horizontalHeader().setStretchLastSection(True)
        self.attentionList.clicked.connect(self._attention_clicked)

        top = QHBoxLayout()
        top.addWidget(QLabel(QCoreApplication.translate("Replay", "Hall:")))
        top.addWidget(self.hallCombo)
        top.addWidget(self.previousLockButton)
        top.addWidget(self.nextLockButton)
        top.addWidget(self.timeLabel)
        top.addStretch(1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.seatMap)
        split.addWidget(self.attentionList)
        split.setSizes([600, 500])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.slider)
        layout.addWidget(self.countsLabel)
        layout.addWidget(self.notice)
        layout.addWidget(split, 1)
        if review is not None:
            self.set_review(review)

    def set_review(self, review: ExamReview) -> None:
        self.review = review
        self.notice.setText(
            ""
            if review.replayable
            else QCoreApplication.translate(
                "Replay",
                "This service does not give the session's event log: there is nothing to replay.",
            )
        )
        self.hallCombo.blockSignals(True)
        self.hallCombo.clear()
        for hall_id in review.figures_by_hall():
            self.hallCombo.addItem(review.hall_name(hall_id), hall_id)
        self.hallCombo.blockSignals(False)
        self.show_hall(self.hallCombo.itemData(0) if self.hallCombo.count() else None)

    def _hall_chosen(self, index: int) -> None:
        self.show_hall(self.hallCombo.itemData(index))

    def show_hall(self, hall_id: str | None) -> None:
        if self.review is None or hall_id is None:
            return
        if self.hallCombo.currentData() != hall_id:
            index = self.hallCombo.findData(hall_id)
            if index >= 0:
                self.hallCombo.blockSignals(True)
                self.hallCombo.setCurrentIndex(index)
                self.hallCombo.blockSignals(False)
        hall = self.review.halls.get(hall_id)
        self.seatMap.set_hall_size(hall.rows if hall else 0, hall.columns if hall else 0)
        self.replay = self.review.replay(hall_id)
        self.source.hall = self.replay.hall
        first, last = self.replay.first, self.replay.last
        span = int((last - first) / STEP) if first and last else 0
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(span, 0))
        self.slider.setPageStep(max(1, span // 20))
        self.slider.setValue(0)
        self.slider.blockSignals(False)
        if first is not None:
            self.seek(first)

    # ----- moving in time -----

    def seek(self, moment: datetime) -> None:
        """Show the hall as it was at ``moment`` (moves the slider too)."""
        if self.replay is None:
            return
        first = self.replay.first
        if first is not None:
            self.slider.blockSignals(True)
            self.slider.setValue(int((moment - first) / STEP))
            self.slider.blockSignals(False)
        self.replay.seek(moment)
        self.moment = moment
        self._show()

    def _slid(self, value: int) -> None:
        if self.replay is not None and self.replay.first is not None:
            self.seek(self.replay.first + value * STEP)

    def next_lock(self) -> None:
        if self.replay is not None and self.moment is not None:
            found = self.replay.next_lock(self.moment)
            if found is not None:
                self.seek(found)

    def previous_lock(self) -> None:
        if self.replay is not None and self.moment is not None:
            found = self.replay.previous_lock(self.moment)
            if found is not None:
                self.seek(found)

    def _show(self) -> None:
        replay = self.replay
        if replay is None or self.moment is None:
            return
        hall = replay.hall
        self.source.flags = {aid: hall.flags(aid, self.moment) for aid in hall.rows}
        self.source.countsChanged.emit()
        self.seatMap.update()
        self.countsLabel.setText(counts_text(dict(replay.counts())))
        self.attention.set_entries(attention_entries(hall.rows, self.source.flags), self.moment)
        local = self.moment.astimezone()
        self.timeLabel.setText(
            QCoreApplication.translate("Replay", "At %1").replace(
                "%1", local.strftime("%H:%M:%S.") + f"{local.microsecond // 100_000}"
            )
        )
        self.previousLockButton.setEnabled(replay.previous_lock(self.moment) is not None)
        self.nextLockButton.setEnabled(replay.next_lock(self.moment) is not None)

    def _attention_clicked(self, index: Any) -> None:
        row, _ = self.attention.entry(index.row())
        self.seatMap.select(row.attempt_id)
