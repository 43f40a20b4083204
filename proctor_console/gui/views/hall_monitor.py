"""The hall monitor: header, connection light, counts, attention list, table.

A custom widget (built in code, placed into the main window's frame). It
shows what :class:`~proctor_console.gui.live_hall.LiveHall` holds and says
what the proctor selected; actions are the main window's business.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.flags import Flag, Severity
from ...domain.states import AttemptState
from ..labels import clock_text, duration_text, flag_text, state_text
from ..live_hall import LiveHall
from ..models.candidates import ATTEMPT_ID_ROLE, Column

#: The counts a proctor reads: states first, then the flags worth a glance.
COUNTED_STATES = (
    AttemptState.LOCKED,
    AttemptState.ANSWERING,
    AttemptState.SUBMITTING,
    AttemptState.SUBMITTED,
    AttemptState.AUTO_SUBMITTED,
    AttemptState.NOT_JOINED,
    AttemptState.JOINED,
    AttemptState.INFO_PENDING,
    AttemptState.READY,
)
COUNTED_FLAGS = (
    Flag.HELP_REQUESTED,
    Flag.LAST_CHANCE,
    Flag.STUCK_SUBMITTING,
    Flag.OFFLINE,
    Flag.BATTERY_LOW,
    Flag.BATTERY_WONT_LAST,
    Flag.WEAK_NETWORK,
    Flag.DEVICE_CHANGED,
    Flag.OUTDATED_DEVICE,
    Flag.ESCALATED,
)
_STATE_STYLE = {
    AttemptState.LOCKED: "QToolButton { background: #f8c9c4; font-weight: bold; }",
    AttemptState.SUBMITTING: "QToolButton { background: #fde7b0; }",
}
_FLAG_STYLE = {
    Severity.HIGH: "QToolButton { background: #f8c9c4; font-weight: bold; }",
    Severity.MEDIUM: "QToolButton { background: #fde7b0; }",
}
_LIGHT = {
    "live": ("#1a7f37", "●"),
    "connecting": ("#9a6700", "●"),
    "reconnecting": ("#9a6700", "●"),
    "stale": ("#b00020", "●"),
}


class HallMonitor(QWidget):
    """objectName ``hallMonitor``; children named as console.md lists them."""

    detailsRequested = Signal(str)
    selectionChanged = Signal()
    contextActionsRequested = Signal(QMenu)

    def __init__(self, live: LiveHall, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hallMonitor")
        self.live = live
        self._ends_at: datetime | None = None
        self._clock: Callable[[], datetime] = live.clock

        # -- header ------------------------------------------------------------
        self.titleLabel = QLabel(self)
        self.titleLabel.setObjectName("sessionTitleLabel")
        self.titleLabel.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.examCodeLabel = QLabel(self)
        self.examCodeLabel.setObjectName("examCodeLabel")
        self.examCodeLabel.setStyleSheet("font-size: 13pt;")
        self.timeLeftLabel = QLabel(self)
        self.timeLeftLabel.setObjectName("timeLeftLabel")
        self.timeLeftLabel.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.connectionIndicator = QLabel(self)
        self.connectionIndicator.setObjectName("connectionIndicator")
        self.connectionIndicator.setStyleSheet("font-size: 12pt;")
        header = QHBoxLayout()
        header.addWidget(self.titleLabel)
        header.addSpacing(16)
        header.addWidget(self.examCodeLabel)
        header.addStretch(1)
        header.addWidget(self.timeLeftLabel)
        header.addSpacing(24)
        header.addWidget(self.connectionIndicator)

        # -- counts (each a click to filter) -----------------------------------
        self.stateCounts = QFrame(self)
        self.stateCounts.setObjectName("stateCounts")
        counts = QHBoxLayout(self.stateCounts)
        counts.setContentsMargins(0, 0, 0, 0)
        self.state_buttons: dict[AttemptState, QToolButton] = {}
        self.flag_buttons: dict[Flag, QToolButton] = {}
        for state in COUNTED_STATES:
            button = self._count_button(_STATE_STYLE.get(state, ""))
            button.toggled.connect(self._apply_count_filters)
            self.state_buttons[state] = button
            counts.addWidget(button)
        separator = QFrame(self.stateCounts)
        separator.setFrameShape(QFrame.Shape.VLine)
        counts.addWidget(separator)
        for flag in COUNTED_FLAGS:
            button = self._count_button(_FLAG_STYLE.get(flag.severity, ""))
            button.toggled.connect(self._apply_count_filters)
            self.flag_buttons[flag] = button
            counts.addWidget(button)
        counts.addStretch(1)

        # -- attention list ----------------------------------------------------
        self.attentionTitle = QLabel(self.tr("Needs you now"), self)
        self.attentionTitle.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.attentionList = QTableView(self)
        self.attentionList.setObjectName("attentionList")
        self.attentionList.setModel(live.attention)
        self.attentionList.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.attentionList.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.attentionList.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.attentionList.verticalHeader().hide()
        self.attentionList.setWordWrap(False)
        att_header = self.attentionList.horizontalHeader()
        # Columns fit the rows in view, at most once a second: fitted at every change
        # (ResizeToContents), the list's measuring took ~40 % of the console's time under
        # a stream of 500 changes a second (tests/bench/RESULTS.md).
        att_header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        att_header.setResizeContentsPrecision(0)
        att_header.setStretchLastSection(True)
        self._fit_attention = QTimer(self)
        self._fit_attention.setSingleShot(True)
        self._fit_attention.setInterval(1000)
        self._fit_attention.timeout.connect(self.attentionList.resizeColumnsToContents)
        for changed in (live.attention.modelReset, live.attention.dataChanged, live.attention.rowsInserted):
            changed.connect(self._attention_changed)
        self._fit_attention.start()
        self.attentionList.clicked.connect(self._attention_clicked)
        self.attentionList.doubleClicked.connect(self._attention_activated)
        attention_box = QWidget(self)
        attention_layout = QVBoxLayout(attention_box)
        attention_layout.setContentsMargins(0, 0, 0, 0)
        attention_layout.addWidget(self.attentionTitle)
        # A lock storm: one line and one action for all of them (the main window fills it in).
        self.stormButton = QPushButton(self)
        self.stormButton.setObjectName("stormButton")
        self.stormButton.setStyleSheet("font-weight: bold; padding: 4px;")
        self.stormButton.hide()
        attention_layout.addWidget(self.stormButton)
        attention_layout.addWidget(self.attentionList)

        # -- candidate table -------------------------------------------------------
        self.filterEdit = QLineEdit(self)
        self.filterEdit.setObjectName("filterEdit")
        self.filterEdit.setClearButtonEnabled(True)
        self.filterEdit.setPlaceholderText(
            self.tr("Filter by seat, candidate no. or name (Ctrl+F or /)")
        )
        self.filterEdit.textChanged.connect(live.proxy.set_text)
        self.filterEdit.returnPressed.connect(self._focus_table)
        self.filterSummary = QLabel(self)
        self.filterSummary.setObjectName("filterSummary")
        self.candidateTable = QTableView(self)
        self.candidateTable.setObjectName("candidateTable")
        self.candidateTable.setModel(live.proxy)
        self.candidateTable.setSortingEnabled(True)
        self.candidateTable.sortByColumn(Column.SEAT, Qt.SortOrder.AscendingOrder)
        self.candidateTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.candidateTable.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.candidateTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.candidateTable.setAlternatingRowColors(True)
        self.candidateTable.verticalHeader().hide()
        self.candidateTable.verticalHeader().setDefaultSectionSize(24)
        self.candidateTable.setWordWrap(False)
        table_header = self.candidateTable.horizontalHeader()
        table_header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table_header.setStretchLastSection(True)
        for col, width in (
            (Column.SEAT, 60), (Column.NUMBER, 110), (Column.NAME, 90), (Column.STATE, 200),
            (Column.FLAGS, 150), (Column.LOCKS, 55), (Column.BATTERY, 70), (Column.NETWORK, 65),
            (Column.LAST_SEEN, 85), (Column.PROGRESS, 70),
        ):  # fmt: skip
            self.candidateTable.setColumnWidth(col, width)
        self.candidateTable.doubleClicked.connect(self._table_activated)
        self.candidateTable.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.candidateTable.customContextMenuRequested.connect(self._context_menu)
        self.candidateTable.selectionModel().selectionChanged.connect(
            lambda *_: self.selectionChanged.emit()
        )
        table_box = QWidget(self)
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filterEdit, 1)
        filter_row.addWidget(self.filterSummary)
        table_layout.addLayout(filter_row)
        table_layout.addWidget(self.candidateTable)

        # -- seat map and live chart, under the attention list ----------------------
        from .live_chart import LiveChart
        from .seat_map import SeatMap

        self.seatMap = SeatMap(live, self)
        self.seatMap.seatClicked.connect(self.select_attempt)
        self.liveChart = LiveChart(live, self)
        self.overviewTabs = QTabWidget(self)
        self.overviewTabs.setObjectName("overviewTabs")
        self.overviewTabs.addTab(self.seatMap, self.tr("Seat map"))
        self.overviewTabs.addTab(self.liveChart, self.tr("Chart"))
        self.leftSplitter = QSplitter(Qt.Orientation.Vertical, self)
        self.leftSplitter.addWidget(attention_box)
        self.leftSplitter.addWidget(self.overviewTabs)
        self.leftSplitter.setSizes([450, 400])

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("hallSplitter")
        self.splitter.addWidget(self.leftSplitter)
        self.splitter.addWidget(table_box)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setSizes([640, 960])

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.stateCounts)
        layout.addWidget(self.splitter, 1)

        self.selectionChanged.connect(lambda: self.seatMap.select(self.current_id()))
        live.countsChanged.connect(self._update_counts)
        live.connectionChanged.connect(self._update_connection)
        live.attention.modelReset.connect(self._update_attention_title)
        self._update_counts()
        self._update_connection()

    def _count_button(self, style: str) -> QToolButton:
        button = QToolButton(self.stateCounts)
        button.setCheckable(True)
        button.setAutoRaise(False)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setStyleSheet(style + " QToolButton:checked { border: 2px solid #0550ae; }")
        return button

    # -- header ------------------------------------------------------------------

    def set_session(self, title: str, exam_code: str, ends_at: datetime | None) -> None:
        self.titleLabel.setText(title)
        self.examCodeLabel.setText(self.tr("Exam code %1").replace("%1", exam_code))
        self._ends_at = ends_at
        self.update_clock()

    def update_clock(self) -> None:
        if self._ends_at is None:
            self.timeLeftLabel.setText("")
            return
        left = (self._ends_at - self._clock()).total_seconds()
        if left <= 0:
            self.timeLeftLabel.setText(self.tr("Time is up"))
        else:
            hours, rest = divmod(int(left), 3600)
            self.timeLeftLabel.setText(
                self.tr("Time left %1").replace("%1", f"{hours}:{rest // 60:02d}:{rest % 60:02d}")
            )

    def _update_connection(self) -> None:
        view = self.live.connection
        color, dot = _LIGHT.get(view.state, ("#b00020", "●"))
        if view.state == "live":
            text = self.tr("Live")
        elif view.state == "connecting":
            text = self.tr("Connecting…")
        elif view.state == "reconnecting":
            if view.next_try_at is not None:
                text = self.tr("Reconnecting at %1").replace("%1", clock_text(view.next_try_at))
            else:
                text = self.tr("Reconnecting…")
        else:
            text = self.tr("STALE since %1").replace("%1", clock_text(view.since))
        if view.state != "live" and view.since is not None and view.state != "stale":
            text += " · " + self.tr("data from %1").replace("%1", clock_text(view.since))
        self.connectionIndicator.setText(f'<span style="color:{color}">{dot}</span> {text}')
        self.connectionIndicator.setToolTip(view.detail or "")
        self.connectionIndicator.setProperty("state", view.state)

    # -- counts and filters ----------------------------------------------------------

    def _update_counts(self) -> None:
        for state, button in self.state_buttons.items():
            n = self.live.state_counts.get(state, 0)
            button.setText(f"{state_text(state)} {n}")
            button.setVisible(n > 0 or button.isChecked() or state is AttemptState.LOCKED)
        for flag, button in self.flag_buttons.items():
            n = self.live.flag_counts.get(flag, 0)
            button.setText(f"{flag_text(flag)} {n}")
            button.setVisible(n > 0 or button.isChecked())
        shown = self.live.proxy.rowCount()
        total = self.live.table.rowCount()
        self.filterSummary.setText(
            self.tr("%1 of %2 shown").replace("%1", str(shown)).replace("%2", str(total))
        )

    def _update_attention_title(self) -> None:
        n = self.live.attention.rowCount()
        self.attentionTitle.setText(self.tr("Needs you now (%1)").replace("%1", str(n)))

    def _apply_count_filters(self) -> None:
        self.live.proxy.set_states(s for s, b in self.state_buttons.items() if b.isChecked())
        self.live.proxy.set_flags(f for f, b in self.flag_buttons.items() if b.isChecked())
        self._update_counts()

    def clear_filters(self) -> None:
        for button in (*self.state_buttons.values(), *self.flag_buttons.values()):
            button.blockSignals(True)
            button.setChecked(False)
            button.blockSignals(False)
        self.filterEdit.clear()
        self.live.proxy.clear_filters()
        self._update_counts()

    def focus_filter(self) -> None:
        self.filterEdit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filterEdit.selectAll()

    def _focus_table(self) -> None:
        self.candidateTable.setFocus()
        if not self.candidateTable.selectionModel().hasSelection() and self.live.proxy.rowCount():
            self.select_attempt(self.live.proxy.index(0, 0).data(ATTEMPT_ID_ROLE))

    # -- selection -------------------------------------------------------------

    def selected_ids(self) -> list[str]:
        rows = self.candidateTable.selectionModel().selectedRows()
        return [str(index.data(ATTEMPT_ID_ROLE)) for index in rows]

    def current_id(self) -> str | None:
        ids = self.selected_ids()
        if ids:
            return ids[0]
        index = self.candidateTable.currentIndex()
        return str(index.data(ATTEMPT_ID_ROLE)) if index.isValid() else None

    def select_attempt(self, attempt_id: str) -> bool:
        """Select the candidate in the table (clearing a filter that hides it)."""
        pos = self.live.table.position_of(attempt_id)
        if pos is None:
            return False
        source = self.live.table.index(pos, 0)
        index = self.live.proxy.mapFromSource(source)
        if not index.isValid():
            self.clear_filters()
            index = self.live.proxy.mapFromSource(source)
        selection = self.candidateTable.selectionModel()
        selection.setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.candidateTable.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.seatMap.select(attempt_id)
        apos = self.live.attention.position_of(attempt_id)
        if apos is not None:
            self.attentionList.selectRow(apos)
        else:
            self.attentionList.clearSelection()
        return True

    def step_flagged(self, forward: bool) -> str | None:
        """N / P: the next (previous) candidate of the attention list."""
        ids = self.live.attention.attempt_ids()
        if not ids:
            return None
        current = self.current_id()
        if current in ids:
            i = ids.index(current) + (1 if forward else -1)
        else:
            i = 0 if forward else len(ids) - 1
        target = ids[i % len(ids)]
        self.select_attempt(target)
        return target

    def _attention_changed(self, *_: object) -> None:
        if not self._fit_attention.isActive():
            self._fit_attention.start()

    def _attention_clicked(self, index: QModelIndex) -> None:
        self.select_attempt(str(index.data(ATTEMPT_ID_ROLE)))

    def _attention_activated(self, index: QModelIndex) -> None:
        attempt_id = str(index.data(ATTEMPT_ID_ROLE))
        self.select_attempt(attempt_id)
        self.detailsRequested.emit(attempt_id)

    def _table_activated(self, index: QModelIndex) -> None:
        self.detailsRequested.emit(str(index.data(ATTEMPT_ID_ROLE)))

    def _context_menu(self, pos: QPoint) -> None:
        if not self.selected_ids():
            index = self.candidateTable.indexAt(pos)
            if not index.isValid():
                return
            self.select_attempt(str(index.data(ATTEMPT_ID_ROLE)))
        menu = QMenu(self)
        self.contextActionsRequested.emit(menu)
        if not menu.isEmpty():
            menu.exec(self.candidateTable.viewport().mapToGlobal(pos))

    def add_context_actions(self, menu: QMenu, actions: list[QAction]) -> None:
        for action in actions:
            menu.addAction(action)

    def describe(self, attempt_id: str) -> str:
        """'3-7 20260042 Name' for dialogs."""
        row = self.live.table.row_by_id(attempt_id)
        if row is None:
            return attempt_id
        return f"{row.seat} · {row.candidate_no} {row.name}"

    def since_text(self, moment: datetime | None) -> str:
        if moment is None:
            return ""
        return duration_text((self._clock() - moment).total_seconds())
