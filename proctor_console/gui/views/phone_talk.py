"""Talking with the phone, the console's side: messages to candidates (preset
texts in both languages, editable, kept in QSettings; sent / delivered per
message) and force-submit (reason required, a confirmation that names who and
where; for a selection the proctor types the number of papers).

``PhoneTalk`` hooks itself into the main window: the Candidate menu, the
context menu, the detail's buttons, the key ``M``. Leads see none of it (the
service refuses them anyway). Dialogs are opened with ``open()``, never a
nested ``exec()`` on the qasync loop.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...client.errors import ConsoleError
from ...domain.states import ACTING_ROLES, LIVE_STATES, AttemptState
from ..labels import clock_text

if TYPE_CHECKING:
    from ..main_window import MainWindow

log = logging.getLogger("proctor.talk")

MESSAGE_MAX_CHARS = 200  # the service's limit (api.md)
PRESETS_KEY = "talk/message_presets"


def default_message_presets() -> list[str]:
    """Both languages in one text: the candidate reads either."""
    return [
        "请到前台来。/ Please come to the front desk.",
        "请留在座位上，监考老师马上过来。/ Please stay in your seat; a proctor is coming.",
        "你的考试时间延长了10分钟。/ Your time is extended by 10 minutes.",
        "请把手机放平，不要切换应用。/ Keep your phone flat and do not switch apps.",
        "请给手机充电或换到有电源的座位。/ Please charge your phone or move to a seat with power.",
        "请重新输入考试码进入考试。/ Please enter the exam code again to re-enter the exam.",
    ]


class MessagePresets:
    """The preset texts in QSettings (a JSON list: a one-item list survives INI files)."""

    def __init__(self, store: QSettings) -> None:
        self.store = store

    def load(self) -> list[str]:
        raw = self.store.value(PRESETS_KEY, None)
        if raw is None:
            return default_message_presets()
        try:
            value = json.loads(str(raw))
        except ValueError:
            return default_message_presets()
        if not isinstance(value, list):
            return default_message_presets()
        return [str(v) for v in value if str(v).strip()]

    def save(self, presets: Sequence[str]) -> None:
        self.store.setValue(PRESETS_KEY, json.dumps(list(presets), ensure_ascii=False))


def _names(descriptions: Sequence[str], limit: int = 8) -> str:
    shown = "<br>".join(f"<b>{d}</b>" for d in descriptions[:limit])
    more = len(descriptions) - limit
    if more > 0:
        shown += "<br>" + QCoreApplication.translate("PhoneTalk", "and %1 more").replace("%1", str(more))
    return shown


class MessageDialog(QObject):
    """``messageDialog``: to whom, a preset or own text (≤ 200 characters), Send."""

    def __init__(
        self,
        descriptions: Sequence[str],
        presets: MessagePresets,
        parent: QWidget | None = None,
        offline: int = 0,
    ) -> None:
        super().__init__(parent)
        self.presets = presets
        d = self.dialog = QDialog(parent)
        d.setObjectName("messageDialog")
        d.setWindowTitle(self.tr("Message to %1 phone(s)").replace("%1", str(len(descriptions))))
        d.setMinimumWidth(520)
        self.recipientsLabel = QLabel(
            self.tr("Send to:") + "<br>" + _names(descriptions), d
        )
        self.recipientsLabel.setObjectName("recipientsLabel")
        self.recipientsLabel.setWordWrap(True)
        self.presetCombo = QComboBox(d)
        self.presetCombo.setObjectName("presetCombo")
        self.presetCombo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.presetCombo.setMinimumContentsLength(30)
        self.messageEdit = QPlainTextEdit(d)
        self.messageEdit.setObjectName("messageEdit")
        self.messageEdit.setPlaceholderText(self.tr("Choose a preset above, or write the message here"))
        self.messageEdit.setFixedHeight(90)
        self.countLabel = QLabel(d)
        self.countLabel.setObjectName("countLabel")
        self.keepButton = QPushButton(self.tr("Keep as preset"), d)
        self.keepButton.setObjectName("keepPresetButton")
        self.removeButton = QPushButton(self.tr("Remove preset"), d)
        self.removeButton.setObjectName("removePresetButton")
        self.buttonBox = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, d
        )
        self.buttonBox.setObjectName("buttonBox")
        self.sendButton = self.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        self.sendButton.setText(self.tr("Send"))
        self.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        presetRow = QHBoxLayout()
        presetRow.addWidget(QLabel(self.tr("Preset:"), d))
        presetRow.addWidget(self.presetCombo, 1)
        editRow = QHBoxLayout()
        editRow.addWidget(self.countLabel, 1)
        editRow.addWidget(self.keepButton)
        editRow.addWidget(self.removeButton)
        hint = QLabel(
            self.tr("The phone shows it with its next heartbeat (5–10 s); the console shows when it was delivered."),
            d,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        self.offlineLabel = QLabel(d)
        self.offlineLabel.setObjectName("offlineLabel")
        self.offlineLabel.setWordWrap(True)
        self.offlineLabel.setStyleSheet("color: #8a5a00; font-weight: bold;")
        self.offlineLabel.setText(
            self.tr("%1 of these phones are offline now: they get the message when they are back.").replace(
                "%1", str(offline)
            )
        )
        self.offlineLabel.setVisible(offline > 0)
        layout = QVBoxLayout(d)
        layout.addWidget(self.recipientsLabel)
        layout.addLayout(presetRow)
        layout.addWidget(self.messageEdit)
        layout.addLayout(editRow)
        layout.addWidget(hint)
        layout.addWidget(self.offlineLabel)
        layout.addWidget(self.buttonBox)
        self.buttonBox.accepted.connect(d.accept)
        self.buttonBox.rejected.connect(d.reject)
        self.presetCombo.activated.connect(self._preset_chosen)
        self.messageEdit.textChanged.connect(self._text_changed)
        self.keepButton.clicked.connect(self.keep_preset)
        self.removeButton.clicked.connect(self.remove_preset)
        self._fill_presets()
        self._text_changed()

    def _fill_presets(self) -> None:
        self.presetCombo.clear()
        self.presetCombo.addItem(self.tr("(choose a preset)"), "")
        for text in self.presets.load():
            self.presetCombo.addItem(text, text)

    def _preset_chosen(self, index: int) -> None:
        text = str(self.presetCombo.itemData(index) or "")
        if text:
            self.messageEdit.setPlainText(text)

    @property
    def text(self) -> str:
        return self.messageEdit.toPlainText().strip()

    def _text_changed(self) -> None:
        n = len(self.text)
        self.countLabel.setText(self.tr("%1/%2 characters").replace("%1", str(n)).replace("%2", str(MESSAGE_MAX_CHARS)))
        too_long = n > MESSAGE_MAX_CHARS
        self.countLabel.setStyleSheet("color: #b00020; font-weight: bold;" if too_long else "")
        self.sendButton.setEnabled(0 < n <= MESSAGE_MAX_CHARS)
        known = self.text in self.presets.load()
        self.keepButton.setEnabled(0 < n <= MESSAGE_MAX_CHARS and not known)
        self.removeButton.setEnabled(known)

    def keep_preset(self) -> None:
        text = self.text
        presets = self.presets.load()
        if text and text not in presets:
            self.presets.save([*presets, text])
            self._fill_presets()
            self.presetCombo.setCurrentIndex(self.presetCombo.findData(text))
        self._text_changed()

    def remove_preset(self) -> None:
        text = self.text
        self.presets.save([p for p in self.presets.load() if p != text])
        self._fill_presets()
        self._text_changed()


def force_reason_presets() -> list[str]:
    return [
        QCoreApplication.translate("ForceSubmitDialog", "Caught cheating (evidence kept)"),
        QCoreApplication.translate("ForceSubmitDialog", "Left the hall without submitting"),
        QCoreApplication.translate("ForceSubmitDialog", "Another person answered for the candidate"),
    ]


class ForceSubmitDialog(QObject):
    """``forceSubmitDialog``: names the candidates and seats; a reason is
    required; for more than one paper the proctor types how many."""

    def __init__(self, descriptions: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.count = len(descriptions)
        d = self.dialog = QDialog(parent)
        d.setObjectName("forceSubmitDialog")
        d.setMinimumWidth(500)
        title = self.tr("Submit %1 paper(s) now?").replace("%1", str(self.count))
        d.setWindowTitle(title)
        self.summaryLabel = QLabel(d)
        self.summaryLabel.setObjectName("summaryLabel")
        self.summaryLabel.setWordWrap(True)
        self.summaryLabel.setText(
            f"<span style='font-size: 13pt; font-weight: bold; color: #b00020;'>{title}</span><br>"
            + _names(descriptions)
            + "<br><br>"
            + self.tr(
                "The paper is submitted with the answers saved so far; the candidate cannot "
                "answer any more. Only support staff can reopen it. Your name and the reason are recorded."
            )
        )
        self.reasonCombo = QComboBox(d)
        self.reasonCombo.setObjectName("reasonCombo")
        self.reasonCombo.setEditable(True)
        self.reasonCombo.addItems(force_reason_presets())
        self.reasonCombo.setCurrentIndex(-1)
        self.reasonCombo.setEditText("")
        line = self.reasonCombo.lineEdit()
        if line is not None:
            line.setPlaceholderText(self.tr("Why (required)"))
        self.confirmLabel = QLabel(
            self.tr("To confirm, type the number of papers (%1):").replace("%1", str(self.count)), d
        )
        self.confirmCountEdit = QLineEdit(d)
        self.confirmCountEdit.setObjectName("confirmCountEdit")
        self.confirmCountEdit.setMaxLength(6)
        self.confirmLabel.setVisible(self.count > 1)
        self.confirmCountEdit.setVisible(self.count > 1)
        self.buttonBox = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, d
        )
        self.buttonBox.setObjectName("buttonBox")
        self.okButton = self.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        self.okButton.setText(self.tr("Submit %1 paper(s)").replace("%1", str(self.count)))
        cancel = self.buttonBox.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("Cancel"))
        cancel.setDefault(True)  # Enter must not submit papers by accident
        layout = QVBoxLayout(d)
        layout.addWidget(self.summaryLabel)
        layout.addWidget(QLabel(self.tr("Reason:"), d))
        layout.addWidget(self.reasonCombo)
        layout.addWidget(self.confirmLabel)
        layout.addWidget(self.confirmCountEdit)
        layout.addWidget(self.buttonBox)
        self.buttonBox.accepted.connect(self._accept)
        self.buttonBox.rejected.connect(d.reject)
        self.reasonCombo.editTextChanged.connect(self._update)
        self.confirmCountEdit.textChanged.connect(self._update)
        self._update()

    @property
    def reason(self) -> str:
        return self.reasonCombo.currentText().strip()

    def ready(self) -> bool:
        if not self.reason:
            return False
        return self.count == 1 or self.confirmCountEdit.text().strip() == str(self.count)

    def _update(self) -> None:
        self.okButton.setEnabled(self.ready())

    def _accept(self) -> None:
        if self.ready():
            self.dialog.accept()


@dataclass
class SentMessage:
    command_id: str
    attempt_id: str
    description: str
    text: str
    sent_at: datetime
    delivered_at: datetime | None = None


class SentMessagesView(QTreeWidget):
    """``sentMessages``: every message of this run, sent or delivered."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sentMessages")
        self.setRootIsDecorated(False)
        self.setHeaderLabels([self.tr("Sent"), self.tr("Candidate"), self.tr("Message"), self.tr("Status")])
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the text takes what is left
        self.setColumnWidth(0, 80)
        self.setColumnWidth(1, 160)
        self.setColumnWidth(3, 170)
        self.items: dict[str, QTreeWidgetItem] = {}

    def show_message(self, m: SentMessage) -> None:
        item = self.items.get(m.command_id)
        if item is None:
            item = QTreeWidgetItem([clock_text(m.sent_at), m.description, m.text, ""])
            item.setToolTip(2, m.text)
            self.insertTopLevelItem(0, item)
            self.items[m.command_id] = item
        if m.delivered_at is None:
            item.setText(3, self.tr("sent, waiting for the phone…"))
            item.setForeground(3, Qt.GlobalColor.darkYellow)
        else:
            item.setText(3, self.tr("delivered %1 ✓").replace("%1", clock_text(m.delivered_at)))
            item.setForeground(3, Qt.GlobalColor.darkGreen)

    def status_of(self, command_id: str) -> str:
        item = self.items.get(command_id)
        return "" if item is None else item.text(3)


class PhoneTalk(QObject):
    """Messages and force-submit in the main window."""

    CHECK_MS = 2000

    def __init__(self, main: MainWindow) -> None:
        super().__init__(main)
        self.main = main
        self.presets = MessagePresets(main.settings.store)
        self.sent: dict[str, SentMessage] = {}
        self._checked_version: dict[str, int | None] = {}
        self._dialog: QObject | None = None
        self.acting = str(main.user.role) in {r.value for r in ACTING_ROLES}
        window = main.window
        self.messageAction = QAction(self.tr("&Message to the phone…"), window)
        self.messageAction.setObjectName("actionMessage")
        self.messageAction.setShortcut(QKeySequence("M"))
        self.forceSubmitAction = QAction(self.tr("&Force-submit the paper…"), window)
        self.forceSubmitAction.setObjectName("actionForceSubmit")
        # An offline code on request: the hall's network is about to fail, or the phone
        # still looks online to the console but cannot reach the service.
        self.offlineCodeAction = QAction(self.tr("Issue an &offline unlock code…"), window)
        self.offlineCodeAction.setObjectName("actionOfflineCode")
        self.offlineCodeAction.setShortcut(QKeySequence("Shift+C"))
        for action in (self.messageAction, self.forceSubmitAction, self.offlineCodeAction):
            action.setVisible(self.acting)
            action.setEnabled(self.acting)  # a hidden action's key must not fire either
            window.addAction(action)
            main.actions[action.objectName()] = action
        self.messageAction.triggered.connect(self.message_selected)
        self.forceSubmitAction.triggered.connect(self.force_submit_selected)
        self.offlineCodeAction.triggered.connect(lambda: main.issue_code(offline=True))
        menu = window.findChild(QMenu, "menuCandidate")
        if menu is not None:
            menu.insertAction(main.actions["actionAckHelp"], self.offlineCodeAction)
            menu.addSeparator()
            menu.addAction(self.messageAction)
            menu.addAction(self.forceSubmitAction)
        main.monitor.contextActionsRequested.connect(self._fill_context_menu)
        # The detail's buttons, a row under the others.
        detail = main.detail
        self.messageButton = QPushButton(self.tr("Message (M)"), detail)
        self.messageButton.setObjectName("messageButton")
        self.forceSubmitButton = QPushButton(self.tr("Force-submit…"), detail)
        self.forceSubmitButton.setObjectName("forceSubmitButton")
        self.forceSubmitButton.setStyleSheet("color: #b00020;")
        row = QHBoxLayout()
        row.addWidget(self.messageButton)
        row.addWidget(self.forceSubmitButton)
        row.addStretch(1)
        layout = detail.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertLayout(max(0, layout.indexOf(detail.deviceLabel)), row)
        for button in (self.messageButton, self.forceSubmitButton):
            button.setVisible(self.acting)
        self.messageButton.clicked.connect(lambda: self.message_to([detail.attempt_id] if detail.attempt_id else []))
        self.forceSubmitButton.clicked.connect(
            lambda: self.force_submit([detail.attempt_id] if detail.attempt_id else [])
        )
        main.clock_timer.timeout.connect(self._update_buttons)
        # Sent / delivered, in a dock that appears with the first message.
        self.messagesView = SentMessagesView()
        self.dock = QDockWidget(self.tr("Messages"), window)
        self.dock.setObjectName("messagesDock")
        self.dock.setWidget(self.messagesView)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)  # under the detail
        self.dock.hide()
        view_menu = window.findChild(QMenu, "menuView")
        if view_menu is not None and self.acting:
            view_menu.addAction(self.dock.toggleViewAction())
        self.timer = QTimer(self)
        self.timer.setInterval(self.CHECK_MS)
        self.timer.timeout.connect(self._check_deliveries)  # runs only while a message waits
        main.closed.connect(self.timer.stop)

    # -- whom --------------------------------------------------------------------

    def _selection(self) -> list[str]:
        current = self.main.monitor.current_id()
        return self.main.monitor.selected_ids() or ([current] if current else [])

    def _fill_context_menu(self, menu: QMenu) -> None:
        if self.acting:
            menu.addAction(self.offlineCodeAction)
            menu.addAction(self.messageAction)
            menu.addAction(self.forceSubmitAction)

    def _update_buttons(self) -> None:
        aid = self.main.detail.attempt_id
        row = self.main.live.table.row_by_id(aid) if aid else None
        self.messageButton.setEnabled(row is not None and row.state is not AttemptState.NOT_JOINED)
        self.forceSubmitButton.setEnabled(row is not None and row.state in LIVE_STATES)

    # -- messages ------------------------------------------------------------------

    def message_selected(self) -> MessageDialog | None:
        """M: a message to the selected candidates."""
        return self.message_to(self._selection())

    def message_to(self, ids: Sequence[str]) -> MessageDialog | None:
        table = self.main.live.table
        joined = [
            aid for aid in ids if (row := table.row_by_id(aid)) is not None and row.state is not AttemptState.NOT_JOINED
        ]
        if not joined:
            self.main.status(self.tr("Select a candidate who has joined first."))
            return None
        offline = sum(self.main.code_mode(a) == "offline" for a in joined)  # no network now
        dialog = MessageDialog(
            [self.main.monitor.describe(a) for a in joined], self.presets, self.main.window, offline=offline
        )
        dialog.dialog.accepted.connect(
            lambda: self.main.tasks.start(self._send(joined, dialog.text), "message")
        )
        dialog.dialog.open()
        self._dialog = dialog
        return dialog

    async def _send(self, ids: Sequence[str], text: str) -> None:
        done = 0
        failures: list[str] = []
        for aid in ids:
            try:
                command_id = await self.main.api.message(aid, text)
            except ConsoleError as exc:
                failures.append(f"{self.main.monitor.describe(aid)}: {exc}")
                continue
            done += 1
            m = SentMessage(command_id, aid, self.main.monitor.describe(aid), text, self.main.api.server_now())
            self.sent[command_id] = m
            self._checked_version[aid] = None  # look at its timeline soon
            self.messagesView.show_message(m)
            self._reload_detail(aid)
        if done:
            self.dock.show()
            self.timer.start()
            self.main.status(
                self.tr("Message sent to %1 phone(s); it shows with their next heartbeat.").replace("%1", str(done))
            )
        if failures:
            self.main.status(self.tr("Message not sent: %1").replace("%1", "; ".join(failures)), 0)

    def _reload_detail(self, attempt_id: str) -> None:
        if self.main.detail.attempt_id == attempt_id and self.main.detailDock.isVisible():
            self.main.show_details(attempt_id)

    def _check_deliveries(self) -> None:
        """Read the timeline of candidates with undelivered messages whenever their row changed."""
        waiting = {m.attempt_id for m in self.sent.values() if m.delivered_at is None}
        if not waiting:
            self.timer.stop()
            return
        for aid in waiting:
            row = self.main.live.table.row_by_id(aid)
            version = row.version if row is not None else None
            if aid in self._checked_version and self._checked_version[aid] == version and version is not None:
                continue
            if self.main.tasks.running(f"message-check-{aid}"):
                continue
            self._checked_version[aid] = version
            self.main.tasks.start(self._read_deliveries(aid), f"message-check-{aid}")

    async def _read_deliveries(self, attempt_id: str) -> None:
        try:
            events = await self.main.api.timeline(attempt_id)
        except ConsoleError as exc:
            log.info("timeline for delivery check failed: %s", exc)
            self._checked_version.pop(attempt_id, None)  # try again at the next tick
            return
        newly = []
        for event in events:
            if event.kind != "message_delivered":
                continue
            m = self.sent.get(str(event.detail.get("command_id", "")))
            if m is not None and m.delivered_at is None:
                m.delivered_at = event.at or self.main.api.server_now()
                self.messagesView.show_message(m)
                newly.append(m)
        if newly:
            self.main.status(self.tr("%1: message delivered ✓").replace("%1", newly[0].description))
            self._reload_detail(attempt_id)

    # -- force-submit ------------------------------------------------------------------

    def force_submit_selected(self) -> ForceSubmitDialog | None:
        return self.force_submit(self._selection())

    def force_submit(self, ids: Sequence[str]) -> ForceSubmitDialog | None:
        if not self.acting:
            return None
        table = self.main.live.table
        live = [aid for aid in ids if (row := table.row_by_id(aid)) is not None and row.state in LIVE_STATES]
        if not live:
            self.main.status(self.tr("Select a candidate whose paper is still open first."))
            return None
        dialog = ForceSubmitDialog([self.main.monitor.describe(a) for a in live], self.main.window)
        dialog.dialog.accepted.connect(
            lambda: self.main.tasks.start(self._force_submit(live, dialog.reason), "force-submit")
        )
        dialog.dialog.open()
        self._dialog = dialog
        return dialog

    async def _force_submit(self, ids: Sequence[str], reason: str) -> None:
        done = 0
        failures: list[str] = []
        for aid in ids:
            try:
                row = await self.main.api.force_submit(aid, reason)
            except ConsoleError as exc:
                failures.append(f"{self.main.monitor.describe(aid)}: {exc}")
                continue
            done += 1
            self.main.live.feed_rows([row])
            self._reload_detail(aid)
        if done:
            self.main.status(self.tr("%1 paper(s) submitted with the answers saved so far.").replace("%1", str(done)))
        if failures:
            self.main.status(self.tr("Not submitted: %1").replace("%1", "; ".join(failures)), 0)
