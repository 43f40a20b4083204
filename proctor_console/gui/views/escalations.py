"""Support staff's work in the console: the escalation queue, an escalation's
page (claim, comment, resolve, and the privileged actions reopen, reset locks,
extend), and :class:`SupportViews`, which puts them and the audit into the
main window for the roles that may see them.

What a role may do is decided once (:func:`support_rights`) and the console
only shows that; the service checks every call again and refuses the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QSplitter,
    QSystemTrayIcon,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...client.errors import ConsoleError
from ...client.records import Escalation, RecordError, TimelineEvent
from ...domain.rows import CandidateRow
from ...domain.states import FINAL_STATES, EscalationCategory, EscalationStatus, Role
from ..forms import child, load_form
from ..labels import clock_text, duration_text, state_text
from ..models.escalations import (
    DEFAULT_AGE_LIMIT_MIN,
    ESCALATION_ID_ROLE,
    EscalationColumn,
    EscalationFilterProxy,
    EscalationTableModel,
    age_seconds,
    escalation_category_text,
    escalation_status_text,
    is_unresolved,
)
from .audit import AuditView
from .candidate_detail import timeline_kind_text

if TYPE_CHECKING:
    from ..main_window import MainWindow

log = logging.getLogger("proctor.support")

AGE_LIMIT_KEY = "escalations/age_limit_min"
# The queue is fetched again this often: escalations of sessions the feed does not follow.
REFRESH_INTERVAL_MS = 30_000


@dataclass(frozen=True)
class SupportRights:
    """What the console offers a role (api.md: the service is the guard)."""

    see_queue: bool
    work: bool  # claim, resolve, reopen, reset locks, extend: support only
    comment: bool  # support, and proctors on their own halls' escalations
    see_audit: bool  # support and leads (and admins)


def support_rights(role: Role | str) -> SupportRights:
    value = str(role)
    return SupportRights(
        see_queue=value in (Role.PROCTOR.value, Role.SUPPORT.value, Role.LEAD.value, Role.ADMIN.value),
        work=value == Role.SUPPORT.value,
        comment=value in (Role.SUPPORT.value, Role.PROCTOR.value),
        see_audit=value in (Role.SUPPORT.value, Role.LEAD.value, Role.ADMIN.value),
    )


def age_limit_minutes(store: Any) -> int:
    """The setting: an open escalation's age turns red after this many minutes (default 5)."""
    try:
        value = int(store.value(AGE_LIMIT_KEY, DEFAULT_AGE_LIMIT_MIN))
    except (TypeError, ValueError):
        return DEFAULT_AGE_LIMIT_MIN
    return value if value > 0 else DEFAULT_AGE_LIMIT_MIN


# -- the privileged actions -------------------------------------------------------------

REOPEN = "reopen"
RESET_LOCKS = "reset_locks"
EXTEND = "extend"


def reason_example(kind: str) -> str:
    """An example reason, shown greyed in the empty reason box: the reason itself must be written."""
    if kind == REOPEN:
        return QCoreApplication.translate(
            "SupportActionDialog", "e.g. shows submitted, but the candidate did not submit (checked with the proctor)"
        )
    if kind == RESET_LOCKS:
        return QCoreApplication.translate(
            "SupportActionDialog", "e.g. locks caused by a device fault, not by the candidate"
        )
    return QCoreApplication.translate("SupportActionDialog", "e.g. time lost to a device or network failure")


def action_effect(kind: str, row: CandidateRow | None, minutes: int = 0) -> str:
    """What the action will do, in a sentence, for the confirmation."""
    if kind == REOPEN:
        if row is None:
            return QCoreApplication.translate(
                "SupportActionDialog", "The submitted paper is set aside and the candidate can answer again."
            )
        if row.receipt_id:
            text = QCoreApplication.translate(
                "SupportActionDialog",
                "The paper with receipt %1 is set aside: the candidate answers again (state Answering) "
                "until %2 and must submit again. Answers saved so far are kept.",
            ).replace("%1", row.receipt_id)
        else:
            text = QCoreApplication.translate(
                "SupportActionDialog",
                "The auto-submitted paper is set aside: the candidate answers again (state Answering) "
                "until %2 and must submit again. Answers saved so far are kept.",
            )
        return text.replace("%2", clock_text(row.deadline))
    if kind == RESET_LOCKS:
        if row is None:
            return QCoreApplication.translate("SupportActionDialog", "The lock count goes back to 0.")
        return (
            QCoreApplication.translate("SupportActionDialog", "The lock count goes from %1/%2 back to 0/%2.")
            .replace("%1", str(row.lock_count))
            .replace("%2", str(row.max_locks))
        )
    if row is None or row.deadline is None:
        return QCoreApplication.translate("SupportActionDialog", "The attempt gets %1 more minutes.").replace(
            "%1", str(minutes)
        )
    later = row.deadline + timedelta(minutes=minutes)
    return (
        QCoreApplication.translate(
            "SupportActionDialog", "The attempt gets %1 more minutes: its end moves from %2 to %3."
        )
        .replace("%1", str(minutes))
        .replace("%2", clock_text(row.deadline))
        .replace("%3", clock_text(later))
    )


def action_title(kind: str) -> str:
    titles = {
        REOPEN: QCoreApplication.translate("SupportActionDialog", "Reopen the submitted paper?"),
        RESET_LOCKS: QCoreApplication.translate("SupportActionDialog", "Reset the lock count?"),
        EXTEND: QCoreApplication.translate("SupportActionDialog", "Extend the time?"),
    }
    return titles[kind]


class SupportActionDialog(QObject):
    """``supportActionDialog``: who, what it will do, a reason (required); OK acts."""

    def __init__(
        self, kind: str, description: str, row: CandidateRow | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.row = row
        self.dialog: QDialog = load_form("support_action_dialog.ui", parent)  # type: ignore[assignment]
        self.titleLabel = child(self.dialog, QLabel, "titleLabel")
        self.effectLabel = child(self.dialog, QLabel, "effectLabel")
        self.reasonEdit = child(self.dialog, QLineEdit, "reasonEdit")
        self.minutesSpin = child(self.dialog, QSpinBox, "minutesSpin")
        self.buttonBox = child(self.dialog, QDialogButtonBox, "buttonBox")
        child(self.dialog, QLabel, "candidateLabel").setText(description)
        self.titleLabel.setText(action_title(kind))
        self.dialog.setWindowTitle(action_title(kind))
        extending = kind == EXTEND
        self.minutesSpin.setVisible(extending)
        child(self.dialog, QLabel, "minutesLabel").setVisible(extending)
        self.minutesSpin.valueChanged.connect(self._show_effect)
        self.reasonEdit.setPlaceholderText(reason_example(kind))
        self.okButton = self.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        self.okButton.setText(
            {REOPEN: self.tr("Reopen"), RESET_LOCKS: self.tr("Reset locks"), EXTEND: self.tr("Extend")}[kind]
        )
        self.reasonEdit.textChanged.connect(self._reason_changed)
        self.buttonBox.accepted.connect(self.dialog.accept)
        self.buttonBox.rejected.connect(self.dialog.reject)
        self._reason_changed()
        self._show_effect()

    def _reason_changed(self) -> None:
        self.okButton.setEnabled(bool(self.reason))

    def _show_effect(self) -> None:
        self.effectLabel.setText(action_effect(self.kind, self.row, self.minutes))

    @property
    def reason(self) -> str:
        return self.reasonEdit.text().strip()

    @property
    def minutes(self) -> int:
        return int(self.minutesSpin.value())


# -- an escalation's page --------------------------------------------------------------


class EscalationPage(QWidget):
    """``escalationPage``: the escalation, its candidate, comments, timeline and the actions.

    Emits what the user asked for; :class:`SupportViews` calls the service.
    """

    claimRequested = Signal(str)
    commentRequested = Signal(str, str)  # escalation id, text
    resolveRequested = Signal(str, str)  # escalation id, resolution
    actionRequested = Signal(str, str)  # escalation id, REOPEN | RESET_LOCKS | EXTEND
    candidateRequested = Signal(str)  # attempt id: show the candidate in the hall

    def __init__(self, rights: SupportRights, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("escalationPage")
        self.rights = rights
        self.escalation: Escalation | None = None
        self.row: CandidateRow | None = None
        self.headline = QLabel(self)
        self.headline.setObjectName("escalationHeadline")
        self.headline.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.headline.setWordWrap(True)
        self.statusLabel = QLabel(self)
        self.statusLabel.setObjectName("escalationStatus")
        self.statusLabel.setWordWrap(True)
        self.noteLabel = QLabel(self)
        self.noteLabel.setWordWrap(True)
        self.noteLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rowLabel = QLabel(self)
        self.rowLabel.setObjectName("escalationCandidateRow")
        self.rowLabel.setWordWrap(True)
        self.rowLabel.setStyleSheet("padding: 4px; background: #f3f6fa; border: 1px solid #c8d3e0;")

        self.showCandidateButton = QPushButton(self.tr("Show in the hall"), self)
        self.showCandidateButton.setObjectName("showCandidateButton")
        self.showCandidateButton.setToolTip(self.tr("Select the candidate in the hall's table and open the detail"))
        self.claimButton = QPushButton(self.tr("Claim"), self)
        self.claimButton.setObjectName("claimButton")
        self.reopenButton = QPushButton(self.tr("Reopen paper…"), self)
        self.reopenButton.setObjectName("reopenButton")
        self.resetLocksButton = QPushButton(self.tr("Reset lock count…"), self)
        self.resetLocksButton.setObjectName("resetLocksButton")
        self.extendButton = QPushButton(self.tr("Extend time…"), self)
        self.extendButton.setObjectName("extendButton")
        self.commentEdit = QLineEdit(self)
        self.commentEdit.setObjectName("commentEdit")
        self.commentEdit.setPlaceholderText(self.tr("Add a comment…"))
        self.commentButton = QPushButton(self.tr("Comment"), self)
        self.commentButton.setObjectName("commentButton")
        self.resolutionEdit = QLineEdit(self)
        self.resolutionEdit.setObjectName("resolutionEdit")
        self.resolutionEdit.setPlaceholderText(self.tr("Resolution: what was done…"))
        self.resolveButton = QPushButton(self.tr("Resolve"), self)
        self.resolveButton.setObjectName("resolveButton")
        self.messageLabel = QLabel(self)
        self.messageLabel.setObjectName("escalationMessage")
        self.messageLabel.setWordWrap(True)

        self.comments = QTreeWidget(self)
        self.comments.setObjectName("commentList")
        self.comments.setRootIsDecorated(False)
        self.comments.setHeaderLabels([self.tr("Time"), self.tr("By"), self.tr("Comment")])
        self.comments.setColumnWidth(0, 80)
        self.timeline = QTreeWidget(self)
        self.timeline.setObjectName("escalationTimeline")
        self.timeline.setRootIsDecorated(False)
        self.timeline.setHeaderLabels([self.tr("Time"), self.tr("Event"), self.tr("By"), self.tr("Details")])
        self.timeline.setColumnWidth(0, 80)
        self.timeline.setColumnWidth(1, 200)

        actions = QHBoxLayout()
        for button in (self.claimButton, self.reopenButton, self.resetLocksButton, self.extendButton):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.showCandidateButton)
        comment_line = QHBoxLayout()
        comment_line.addWidget(self.commentEdit, 1)
        comment_line.addWidget(self.commentButton)
        resolve_line = QHBoxLayout()
        resolve_line.addWidget(self.resolutionEdit, 1)
        resolve_line.addWidget(self.resolveButton)
        # Comments and timeline share the page's lower half as tabs: a dock is not tall.
        self.lists = QTabWidget(self)
        self.lists.setObjectName("escalationTabs")
        self.lists.addTab(self.comments, "")
        self.lists.addTab(self.timeline, "")
        self._tab_titles()
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.statusLabel)
        layout.addWidget(self.noteLabel)
        layout.addWidget(self.rowLabel)
        layout.addLayout(actions)
        layout.addLayout(comment_line)
        layout.addLayout(resolve_line)
        layout.addWidget(self.messageLabel)
        layout.addWidget(self.lists, 1)

        # A role sees only what it may do: the buttons of the others are absent, not greyed.
        for button in (self.claimButton, self.reopenButton, self.resetLocksButton, self.extendButton):
            button.setVisible(rights.work)
        self.resolutionEdit.setVisible(rights.work)
        self.resolveButton.setVisible(rights.work)
        self.commentEdit.setVisible(rights.comment)
        self.commentButton.setVisible(rights.comment)

        self.claimButton.clicked.connect(lambda: self._emit_id(self.claimRequested))
        self.showCandidateButton.clicked.connect(self._show_candidate)
        self.commentButton.clicked.connect(self._comment)
        self.commentEdit.returnPressed.connect(self._comment)
        self.resolveButton.clicked.connect(self._resolve)
        self.reopenButton.clicked.connect(lambda: self._action(REOPEN))
        self.resetLocksButton.clicked.connect(lambda: self._action(RESET_LOCKS))
        self.extendButton.clicked.connect(lambda: self._action(EXTEND))
        self.set_escalation(None, None, "")

    # -- user input -------------------------------------------------------------

    def _emit_id(self, signal: Any) -> None:
        if self.escalation is not None:
            signal.emit(self.escalation.id)

    def _show_candidate(self) -> None:
        if self.escalation is not None:
            self.candidateRequested.emit(self.escalation.attempt_id)

    def _comment(self) -> None:
        text = self.commentEdit.text().strip()
        if self.escalation is None or not text:
            return
        self.commentRequested.emit(self.escalation.id, text)

    def _resolve(self) -> None:
        text = self.resolutionEdit.text().strip()
        if self.escalation is None:
            return
        if not text:
            self.show_message(self.tr("Write the resolution first: what was done."), error=True)
            self.resolutionEdit.setFocus()
            return
        self.resolveRequested.emit(self.escalation.id, text)

    def _action(self, kind: str) -> None:
        if self.escalation is not None:
            self.actionRequested.emit(self.escalation.id, kind)

    def show_message(self, text: str, error: bool = False) -> None:
        self.messageLabel.setStyleSheet("color: #c62828;" if error else "color: #1a7f37;")
        self.messageLabel.setText(text)

    # -- shown data ---------------------------------------------------------------

    def set_escalation(
        self, escalation: Escalation | None, row: CandidateRow | None, hall_name: str, now: datetime | None = None
    ) -> None:
        changed = escalation is None or self.escalation is None or escalation.id != self.escalation.id
        self.escalation = escalation
        if changed:
            self.timeline.clear()
            self.commentEdit.clear()
            self.resolutionEdit.clear()
            self.messageLabel.clear()
        if escalation is None:
            self.headline.setText(self.tr("No escalation selected"))
            for label in (self.statusLabel, self.noteLabel, self.rowLabel):
                label.clear()
            self.rowLabel.hide()
            self.comments.clear()
            self._tab_titles()
            for button in (
                self.claimButton, self.reopenButton, self.resetLocksButton, self.extendButton,
                self.commentButton, self.resolveButton, self.showCandidateButton,
            ):  # fmt: skip
                button.setEnabled(False)
            return
        self.headline.setText(
            self.tr("%1 — seat %2 · %3 %4 · %5")
            .replace("%1", escalation_category_text(escalation.category))
            .replace("%2", escalation.seat)
            .replace("%3", escalation.candidate_no)
            .replace("%4", escalation.name)
            .replace("%5", hall_name)
        )
        self.statusLabel.setText(self.status_text(escalation, now))
        self.noteLabel.setText(
            self.tr("Note from %1: %2").replace("%1", escalation.raised_by or "?").replace("%2", escalation.note)
            if escalation.note
            else self.tr("No note.")
        )
        self.comments.clear()
        for comment in escalation.comments:
            item = QTreeWidgetItem([clock_text(comment.at), comment.by, comment.text])
            item.setToolTip(2, comment.text)
            self.comments.addTopLevelItem(item)
        self._tab_titles()
        self.set_row(row)

    def _tab_titles(self) -> None:
        self.lists.setTabText(0, self.tr("Comments (%1)").replace("%1", str(self.comments.topLevelItemCount())))
        self.lists.setTabText(
            1, self.tr("Candidate's timeline (%1)").replace("%1", str(self.timeline.topLevelItemCount()))
        )

    def status_text(self, e: Escalation, now: datetime | None) -> str:
        text = (
            self.tr("%1 · raised by %2 at %3")
            .replace("%1", escalation_status_text(e.status))
            .replace("%2", e.raised_by or "?")
            .replace("%3", clock_text(e.raised_at))
        )
        if now is not None and is_unresolved(e):
            text += " · " + self.tr("waiting %1").replace("%1", duration_text(age_seconds(e, now)))
        if e.claimed_by:
            text += " · " + self.tr("claimed by %1 at %2").replace("%1", e.claimed_by).replace(
                "%2", clock_text(e.claimed_at)
            )
        if e.status == EscalationStatus.RESOLVED.value:
            text += " · " + (
                self.tr("resolved by %1 at %2: %3")
                .replace("%1", e.resolved_by or "?")
                .replace("%2", clock_text(e.resolved_at))
                .replace("%3", e.resolution or "")
            )
        return text

    def set_row(self, row: CandidateRow | None) -> None:
        """The candidate's current row (from the live hall, or the answer to an action)."""
        self.row = row
        e = self.escalation
        unresolved = e is not None and is_unresolved(e)
        if row is None:
            self.rowLabel.setText(self.tr("The candidate is not in the open session's view."))
        else:
            parts = [
                state_text(row.state),
                self.tr("locks %1/%2").replace("%1", str(row.lock_count)).replace("%2", str(row.max_locks)),
                self.tr("answered %1/%2").replace("%1", str(row.answered)).replace("%2", str(row.total_questions)),
                self.tr("ends %1").replace("%1", clock_text(row.deadline)),
            ]
            if row.receipt_id:
                parts.append(
                    self.tr("receipt %1 at %2").replace("%1", row.receipt_id).replace("%2", clock_text(row.received_at))
                )
            self.rowLabel.setText(" · ".join(parts))
        self.rowLabel.show()
        self.claimButton.setEnabled(e is not None and e.status == EscalationStatus.OPEN.value)
        self.showCandidateButton.setEnabled(row is not None)
        self.resolveButton.setEnabled(unresolved)
        self.commentButton.setEnabled(e is not None)
        self.reopenButton.setEnabled(e is not None and (row is None or row.state in FINAL_STATES))
        self.resetLocksButton.setEnabled(e is not None and (row is None or row.lock_count > 0))
        self.extendButton.setEnabled(e is not None)

    def set_timeline(self, attempt_id: str, events: Sequence[TimelineEvent]) -> None:
        if self.escalation is None or self.escalation.attempt_id != attempt_id:
            return
        self.timeline.clear()
        for event in events:
            detail = ", ".join(
                f"{k}: {v}" for k, v in event.detail.items() if k != "code" and v not in (None, "", [], {})
            )
            item = QTreeWidgetItem(
                [clock_text(event.at), timeline_kind_text(event.kind), event.actor or self.tr("phone"), detail]
            )
            item.setToolTip(3, detail)
            self.timeline.addTopLevelItem(item)
        self._tab_titles()


# -- the queue -----------------------------------------------------------------------------


class EscalationQueue(QWidget):
    """``escalationQueue``: every escalation the user may see; sort, filter, red when old."""

    escalationChosen = Signal(str)
    refreshRequested = Signal()
    ageLimitChanged = Signal(int)

    def __init__(self, model: EscalationTableModel, age_limit_min: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("escalationQueue")
        self.model = model
        self.proxy = EscalationFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.filterEdit = QLineEdit(self)
        self.filterEdit.setObjectName("escalationFilterEdit")
        self.filterEdit.setPlaceholderText(self.tr("Filter: candidate, seat, hall, who…"))
        self.filterEdit.setClearButtonEnabled(True)
        self.filterEdit.setMinimumWidth(160)
        self.statusCombo = QComboBox(self)
        self.statusCombo.setObjectName("escalationStatusCombo")
        self.statusCombo.addItem(self.tr("Not resolved"), EscalationFilterProxy.UNRESOLVED)
        for status in EscalationStatus:
            self.statusCombo.addItem(escalation_status_text(status.value), status.value)
        self.statusCombo.addItem(self.tr("All"), EscalationFilterProxy.ALL)
        self.categoryCombo = QComboBox(self)
        self.categoryCombo.setObjectName("escalationCategoryCombo")
        self.categoryCombo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.categoryCombo.setMinimumContentsLength(14)
        self.categoryCombo.addItem(self.tr("Every category"), "")
        for category in EscalationCategory:
            self.categoryCombo.addItem(escalation_category_text(category.value), category.value)
        self.ageLimitSpin = QSpinBox(self)
        self.ageLimitSpin.setObjectName("escalationAgeLimitSpin")
        self.ageLimitSpin.setRange(1, 240)
        self.ageLimitSpin.setValue(age_limit_min)
        self.ageLimitSpin.setPrefix(self.tr("red after "))
        self.ageLimitSpin.setSuffix(self.tr(" min"))
        self.ageLimitSpin.setToolTip(self.tr("An open escalation's age turns red after this many minutes"))
        self.refreshButton = QPushButton(self.tr("Refresh"), self)
        self.refreshButton.setObjectName("escalationRefreshButton")
        self.countLabel = QLabel(self)
        self.countLabel.setObjectName("escalationCount")
        self.table = QTableView(self)
        self.table.setObjectName("escalationTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(EscalationColumn.AGE, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in (
            (EscalationColumn.CATEGORY, 190), (EscalationColumn.CANDIDATE, 130), (EscalationColumn.SEAT, 50),
            (EscalationColumn.HALL, 120), (EscalationColumn.RAISED_BY, 100), (EscalationColumn.AGE, 90),
            (EscalationColumn.CLAIMED_BY, 100),
        ):  # fmt: skip
            self.table.setColumnWidth(column, width)
        top = QHBoxLayout()
        top.addWidget(self.filterEdit, 2)
        top.addWidget(self.statusCombo)
        top.addWidget(self.categoryCombo, 1)
        top.addWidget(self.ageLimitSpin)
        top.addWidget(self.refreshButton)
        top.addWidget(self.countLabel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

        self.filterEdit.textChanged.connect(self.proxy.set_text_filter)
        self.statusCombo.currentIndexChanged.connect(
            lambda: self.proxy.set_status_filter(str(self.statusCombo.currentData()))
        )
        self.categoryCombo.currentIndexChanged.connect(
            lambda: self.proxy.set_category_filter(str(self.categoryCombo.currentData()))
        )
        self.ageLimitSpin.valueChanged.connect(self.ageLimitChanged.emit)
        self.refreshButton.clicked.connect(self.refreshRequested.emit)
        self.table.activated.connect(self._chosen)
        self.table.clicked.connect(self._chosen)
        proxy = self.proxy
        for signal in (proxy.rowsInserted, proxy.rowsRemoved, proxy.modelReset, proxy.layoutChanged):
            signal.connect(self.update_count)
        self.update_count()

    def _chosen(self, index: QModelIndex) -> None:
        escalation_id = index.data(ESCALATION_ID_ROLE)
        if escalation_id:
            self.escalationChosen.emit(str(escalation_id))

    def update_count(self, *_: Any) -> None:
        waiting = sum(1 for e in self.model.items() if is_unresolved(e))
        self.countLabel.setText(
            self.tr("%1 shown · %2 waiting").replace("%1", str(self.proxy.rowCount())).replace("%2", str(waiting))
        )

    def select(self, escalation_id: str) -> None:
        for position in range(self.proxy.rowCount()):
            index = self.proxy.index(position, 0)
            if index.data(ESCALATION_ID_ROLE) == escalation_id:
                self.table.selectRow(position)
                self.table.scrollTo(index)
                return

    def row_texts(self, escalation_id: str) -> dict[EscalationColumn, str]:
        """What the queue shows for one escalation (tests, and 'what does the user see')."""
        for position in range(self.proxy.rowCount()):
            if self.proxy.index(position, 0).data(ESCALATION_ID_ROLE) == escalation_id:
                return {c: str(self.proxy.index(position, c).data()) for c in EscalationColumn}
        return {}


# -- in the main window ---------------------------------------------------------------------


class SupportViews(QObject):
    """The escalation queue with its page, and the audit, as docks of the main window.

    The main window creates one (``self.support = SupportViews(self)``) and hands
    it the feed's events (``self.support.feed_event(kind, data)``).
    """

    # escalation id, when a new unresolved escalation arrives (after the first load)
    escalationArrived = Signal(str)

    def __init__(self, main: MainWindow) -> None:
        super().__init__(main)
        self.main = main
        self.api = main.api
        self.rights = support_rights(main.user.role)
        self.username = main.user.username
        self.model = EscalationTableModel(self, clock=main.api.server_now)
        store = main.settings.store
        self.model.set_age_limit(age_limit_minutes(store) * 60.0)
        self.loaded = False
        self.current_id: str | None = None
        self.hall_names: dict[str, str] = {}
        self._dialog: SupportActionDialog | None = None

        self.queue = EscalationQueue(self.model, age_limit_minutes(store))
        self.page = EscalationPage(self.rights)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("escalationSplitter")
        self.splitter.addWidget(self.queue)
        self.splitter.addWidget(self.page)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([600, 450])  # proportions until the dock has its real width
        window = main.window
        self.escalationDock = QDockWidget(self.tr("Escalations"), window)
        self.escalationDock.setObjectName("escalationDock")
        self.escalationDock.setWidget(self.splitter)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.escalationDock)
        self.audit = AuditView(main.api, main.tasks, lambda: main.session.id if main.session else None)
        self.auditDock = QDockWidget(self.tr("Audit"), window)
        self.auditDock.setObjectName("auditDock")
        self.auditDock.setWidget(self.audit)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.auditDock)
        window.tabifyDockWidget(self.escalationDock, self.auditDock)

        self.escalationsAction = self._menu_action(self.escalationDock, self.tr("&Escalations"), "F6")
        self.escalationsAction.setObjectName("actionEscalations")
        self.auditAction = self._menu_action(self.auditDock, self.tr("&Audit"), "F7")
        self.auditAction.setObjectName("actionAudit")
        # The window restored its layout before these docks existed: again now, then the role decides.
        saved = main.settings.window_state()[1]
        if saved is not None:
            window.restoreState(saved)
        self.escalationsAction.setVisible(self.rights.see_queue)
        self.auditAction.setVisible(self.rights.see_audit)
        # Support works the queue: it is open at every start. The others open it with F6;
        # the saved layout is shared by every account on this workstation, so a layout
        # saved by support must not give a proctor half a screen of queue.
        self.escalationDock.setVisible(self.rights.work)
        if saved is None or not self.rights.see_audit:
            self.auditDock.hide()
        if self.rights.work:
            self.escalationDock.raise_()
            if saved is None:  # first start: the hall keeps the upper half
                window.resizeDocks([self.escalationDock], [max(300, window.height() // 2)], Qt.Orientation.Vertical)

        self.queue.escalationChosen.connect(self.open_escalation)
        self.queue.refreshRequested.connect(self.refresh)
        self.queue.ageLimitChanged.connect(self._age_limit_changed)
        self.page.claimRequested.connect(lambda eid: self._start(self._claim(eid), "claim"))
        self.page.commentRequested.connect(lambda eid, text: self._start(self._comment(eid, text), "comment"))
        self.page.resolveRequested.connect(lambda eid, text: self._start(self._resolve(eid, text), "resolve"))
        self.page.actionRequested.connect(self.ask_action)
        self.page.candidateRequested.connect(self.show_candidate)
        self.escalationDock.visibilityChanged.connect(self._dock_shown)
        self.auditDock.visibilityChanged.connect(self._audit_shown)
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._every_second)
        self.timer.start()
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_INTERVAL_MS)
        self.refresh_timer.timeout.connect(self.refresh)
        if self.rights.see_queue:
            self.refresh_timer.start()
            self.refresh()

    def _menu_action(self, dock: QDockWidget, text: str, key: str) -> QAction:
        action = dock.toggleViewAction()
        action.setText(text)
        # Docks share one tab bar: opening one brings it to the front.
        action.triggered.connect(lambda checked: dock.raise_() if checked else None)
        action.setShortcut(QKeySequence(key))
        menu = self.main.window.findChild(QMenu, "menuView")
        if menu is not None:
            menu.addSeparator()
            menu.addAction(action)
        else:
            self.main.window.addAction(action)
        return action

    def _start(self, coro: Any, name: str) -> None:
        self.main.tasks.start(coro, f"support-{name}")

    # -- data in ------------------------------------------------------------------

    def refresh(self) -> None:
        if self.rights.see_queue:
            self._start(self._load(), "queue")

    async def _load(self) -> None:
        try:
            if not self.hall_names:
                self.hall_names = {h.id: h.name for h in await self.api.halls()}
                self.model.set_hall_names(self.hall_names)
            items = await self.api.escalations()
        except ConsoleError as exc:
            self.queue.countLabel.setText(str(exc))
            return
        if not self.loaded:
            self.model.reset_items(items)
            arrived = []
        else:  # in place: the user's selection and scroll position stay
            arrived = [e for e in items if self.model.upsert(e) and is_unresolved(e)]
        self.queue.update_count()
        self.loaded = True
        for e in arrived:
            self._arrived(e)
        self._show_current()

    def feed_event(self, kind: str, data: dict[str, Any]) -> None:
        """An event of the main window's live feed; escalations update the queue at once."""
        if kind != "escalation" or not self.rights.see_queue:
            return
        try:
            escalation = Escalation.from_json(data)
        except RecordError as exc:
            log.warning("ignored a malformed escalation event: %s", exc)
            return
        new = self.model.upsert(escalation)
        self.queue.update_count()
        if new and self.loaded and is_unresolved(escalation):
            self._arrived(escalation)
        if escalation.id == self.current_id:
            self._show_current()
            self._start(self._load_timeline(escalation.attempt_id), "timeline")

    def _arrived(self, e: Escalation) -> None:
        """A new escalation alerts like a new lock: tray notification and the optional sound."""
        self.escalationArrived.emit(e.id)
        if not self.rights.work or e.raised_by == self.username:
            return
        text = (
            self.tr("New escalation: %1 — seat %2 · %3 %4 (%5)")
            .replace("%1", escalation_category_text(e.category))
            .replace("%2", e.seat)
            .replace("%3", e.candidate_no)
            .replace("%4", e.name)
            .replace("%5", self.model.hall_text(e.hall_id))
        )
        self.main.alerts.append(text)
        tray = self.main.tray
        if tray is not None and not self.main.window.isActiveWindow():
            tray.showMessage(self.tr("Proctor Console"), text, QSystemTrayIcon.MessageIcon.Warning, 8000)
        if self.main.settings.sound:
            QApplication.beep()
        self.main.status(text)

    def _row_of(self, attempt_id: str) -> CandidateRow | None:
        return self.main.live.table.row_by_id(attempt_id)

    def _dock_shown(self, visible: bool) -> None:
        if visible and not self.loaded:
            self.refresh()

    def _audit_shown(self, visible: bool) -> None:
        if visible:
            self.audit.refresh_once()

    def show_audit(self) -> None:
        self.auditDock.show()
        self.auditDock.raise_()
        self.audit.refresh()

    def _every_second(self) -> None:
        if not self.escalationDock.isVisible():
            return
        self.model.tick()
        if self.current_id is not None:
            e = self.model.escalation(self.current_id)
            if e is not None:
                self.page.statusLabel.setText(self.page.status_text(e, self.api.server_now()))
                row = self._row_of(e.attempt_id)
                if row is not None and row != self.page.row:
                    self.page.set_row(row)

    def _age_limit_changed(self, minutes: int) -> None:
        self.main.settings.store.setValue(AGE_LIMIT_KEY, minutes)
        self.model.set_age_limit(minutes * 60.0)

    # -- an escalation's page -------------------------------------------------------

    def open_escalation(self, escalation_id: str) -> None:
        self.current_id = escalation_id
        if not self.escalationDock.isVisible():
            self.escalationDock.show()
        self.queue.select(escalation_id)
        self._show_current()
        e = self.model.escalation(escalation_id)
        if e is not None:
            self._start(self._load_timeline(e.attempt_id), "timeline")

    def show_candidate(self, attempt_id: str) -> None:
        """The escalation's candidate in the hall: selected in the table, with the detail open."""
        if self.main.monitor.select_attempt(attempt_id):
            self.main.show_details(attempt_id)

    def _show_current(self) -> None:
        e = self.model.escalation(self.current_id) if self.current_id else None
        if e is None:
            return
        row = self._row_of(e.attempt_id)
        if row is None and self.page.escalation is not None and self.page.escalation.attempt_id == e.attempt_id:
            row = self.page.row  # the answer of the last action, when the live hall does not hold it
        self.page.set_escalation(e, row, self.model.hall_text(e.hall_id), self.api.server_now())

    async def _load_timeline(self, attempt_id: str) -> None:
        try:
            events = await self.api.timeline(attempt_id)
        except ConsoleError as exc:
            self.page.show_message(str(exc), error=True)
            return
        self.page.set_timeline(attempt_id, events)

    def _took(self, e: Escalation, message: str) -> None:
        self.model.upsert(e)
        if e.id == self.current_id:
            self._show_current()
            self._start(self._load_timeline(e.attempt_id), "timeline")
        self.page.show_message(message)

    async def _claim(self, escalation_id: str) -> None:
        try:
            e = await self.api.claim(escalation_id)
        except ConsoleError as exc:
            self.page.show_message(self.tr("Not claimed: %1").replace("%1", str(exc)), error=True)
            return
        self._took(e, self.tr("Claimed: it is yours now."))

    async def _comment(self, escalation_id: str, text: str) -> None:
        try:
            e = await self.api.comment(escalation_id, text)
        except ConsoleError as exc:
            self.page.show_message(self.tr("Comment not saved: %1").replace("%1", str(exc)), error=True)
            return
        self.page.commentEdit.clear()
        self._took(e, self.tr("Comment saved."))

    async def _resolve(self, escalation_id: str, resolution: str) -> None:
        try:
            e = await self.api.resolve(escalation_id, resolution)
        except ConsoleError as exc:
            self.page.show_message(self.tr("Not resolved: %1").replace("%1", str(exc)), error=True)
            return
        self.page.resolutionEdit.clear()
        self._took(e, self.tr("Resolved."))

    def ask_action(self, escalation_id: str, kind: str) -> SupportActionDialog | None:
        """Reopen / reset locks / extend: confirm with a reason, then act."""
        e = self.model.escalation(escalation_id)
        if e is None:
            return None
        description = f"{e.seat} · {e.candidate_no} {e.name} · {self.model.hall_text(e.hall_id)}"
        dialog = SupportActionDialog(kind, description, self.page.row, self.main.window)
        dialog.dialog.accepted.connect(
            lambda: self._start(self._act(e, kind, dialog.reason, dialog.minutes), kind)
        )
        dialog.dialog.open()
        self._dialog = dialog
        return dialog

    async def _act(self, e: Escalation, kind: str, reason: str, minutes: int) -> None:
        calls: dict[str, Callable[[], Any]] = {
            REOPEN: lambda: self.api.reopen(e.attempt_id, reason),
            RESET_LOCKS: lambda: self.api.reset_locks(e.attempt_id, reason),
            EXTEND: lambda: self.api.extend(e.attempt_id, reason, minutes),
        }
        try:
            row = await calls[kind]()
        except ConsoleError as exc:
            self.page.show_message(self.tr("Not done: %1").replace("%1", str(exc)), error=True)
            return
        done = {
            REOPEN: self.tr("Paper reopened: the candidate can answer again."),
            RESET_LOCKS: self.tr("Lock count reset to 0."),
            EXTEND: self.tr("Time extended by %1 min.").replace("%1", str(minutes)),
        }[kind]
        if e.id == self.current_id:
            self.page.set_row(row)
            self._start(self._load_timeline(e.attempt_id), "timeline")
        self.page.show_message(done)
        self.main.status(f"{e.candidate_no}: {done}")
