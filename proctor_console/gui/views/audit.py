"""The audit: who did what, when, to whom, why (``GET /audit``), filterable.

For support staff and leads (and admins); the service answers a proctor with
their own halls only, and the console does not offer the view to them.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...client.api import ConsoleApi
from ...client.errors import ConsoleError
from ...client.records import AuditEntry
from ..models.escalations import escalation_category_text
from ..tasks import TaskSet

ACTION_ROLE = Qt.ItemDataRole.UserRole + 21
SORT_ROLE = Qt.ItemDataRole.UserRole + 22


class AuditColumn(IntEnum):
    WHEN = 0
    WHO = 1
    WHAT = 2
    WHOM = 3
    WHY = 4
    DETAILS = 5


def audit_column_title(column: AuditColumn) -> str:
    titles = {
        AuditColumn.WHEN: QCoreApplication.translate("AuditView", "When"),
        AuditColumn.WHO: QCoreApplication.translate("AuditView", "Who"),
        AuditColumn.WHAT: QCoreApplication.translate("AuditView", "What"),
        AuditColumn.WHOM: QCoreApplication.translate("AuditView", "To whom"),
        AuditColumn.WHY: QCoreApplication.translate("AuditView", "Why"),
        AuditColumn.DETAILS: QCoreApplication.translate("AuditView", "Details"),
    }
    return titles[column]


def audit_action_text(action: str) -> str:
    names = {
        "unlock": QCoreApplication.translate("AuditView", "Unlock"),
        "reopen": QCoreApplication.translate("AuditView", "Paper reopened"),
        "reset_locks": QCoreApplication.translate("AuditView", "Lock count reset"),
        "extend": QCoreApplication.translate("AuditView", "Time extended"),
        "message": QCoreApplication.translate("AuditView", "Message to the phone"),
        "help_ack": QCoreApplication.translate("AuditView", "Help acknowledged"),
        "force_submit": QCoreApplication.translate("AuditView", "Paper submitted by a proctor"),
        "escalation_raise": QCoreApplication.translate("AuditView", "Escalation raised"),
        "escalation_claim": QCoreApplication.translate("AuditView", "Escalation claimed"),
        "escalation_comment": QCoreApplication.translate("AuditView", "Escalation comment"),
        "escalation_resolve": QCoreApplication.translate("AuditView", "Escalation resolved"),
        "user_add": QCoreApplication.translate("AuditView", "Account added"),
        "hall_add": QCoreApplication.translate("AuditView", "Hall added"),
        "session_add": QCoreApplication.translate("AuditView", "Session added"),
        "session_close": QCoreApplication.translate("AuditView", "Session closed"),
        "roster_import": QCoreApplication.translate("AuditView", "Roster imported"),
        "system": QCoreApplication.translate("AuditView", "System"),
    }
    return names.get(action, action)


def _when(entry: AuditEntry) -> str:
    """Local date and time: the audit is read afterwards, often on another day."""
    return entry.at.astimezone().strftime("%Y-%m-%d %H:%M:%S") if entry.at else "—"


def role_text(role: str) -> str:
    names = {
        "proctor": QCoreApplication.translate("AuditView", "proctor"),
        "support": QCoreApplication.translate("AuditView", "support"),
        "lead": QCoreApplication.translate("AuditView", "lead"),
        "admin": QCoreApplication.translate("AuditView", "admin"),
    }
    return names.get(role, role)


def _who(entry: AuditEntry) -> str:
    role = entry.extra.get("role")
    actor = entry.actor or QCoreApplication.translate("AuditView", "the service")
    return f"{actor} ({role_text(str(role))})" if role else actor


def _whom(entry: AuditEntry) -> str:
    candidate = entry.extra.get("candidate_no")
    if candidate:
        return str(candidate)
    return entry.attempt_id or ""


def _detail_names() -> dict[str, str]:
    return {
        "receipt_id": QCoreApplication.translate("AuditView", "receipt"),
        "cause": QCoreApplication.translate("AuditView", "cause"),
        "category": QCoreApplication.translate("AuditView", "category"),
        "minutes": QCoreApplication.translate("AuditView", "minutes"),
        "lock_count": QCoreApplication.translate("AuditView", "lock count"),
        "lock_count_before": QCoreApplication.translate("AuditView", "lock count before"),
        "mode": QCoreApplication.translate("AuditView", "mode"),
    }


# Internal ids say nothing to a reader; a "code" is never recorded, and dropped all the same.
_HIDDEN_DETAILS = frozenset({"code", "escalation_id", "command_id"})


def _details(entry: AuditEntry) -> str:
    detail = entry.extra.get("detail")
    if not isinstance(detail, dict):
        return ""
    names = _detail_names()
    parts = []
    for key, value in detail.items():
        if key in _HIDDEN_DETAILS or value in (None, "", [], {}):
            continue
        shown = escalation_category_text(str(value)) if key == "category" else str(value)
        parts.append(f"{names.get(key, key)}: {shown}")
    return ", ".join(parts)


class AuditFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self.action_filter = ""

    def set_action_filter(self, action: str) -> None:
        self.beginFilterChange()
        self.action_filter = action
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        if self.action_filter and model.index(source_row, AuditColumn.WHAT).data(ACTION_ROLE) != self.action_filter:
            return False
        return super().filterAcceptsRow(source_row, source_parent)


class AuditView(QWidget):
    """``auditView``: the audit of the open session (or all), newest first."""

    def __init__(
        self,
        api: ConsoleApi,
        tasks: TaskSet,
        session_id: Callable[[], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("auditView")
        self.api = api
        self.tasks = tasks
        self.session_id = session_id
        self.loaded = False
        self.entries: list[AuditEntry] = []
        self.model = QStandardItemModel(0, len(AuditColumn), self)
        self.model.setHorizontalHeaderLabels([audit_column_title(c) for c in AuditColumn])
        self.proxy = AuditFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filterEdit = QLineEdit(self)
        self.filterEdit.setObjectName("auditFilterEdit")
        self.filterEdit.setPlaceholderText(self.tr("Filter: who, candidate, reason…"))
        self.filterEdit.setClearButtonEnabled(True)
        self.actionCombo = QComboBox(self)
        self.actionCombo.setObjectName("auditActionCombo")
        self.sessionCheck = QCheckBox(self.tr("This session only"), self)
        self.sessionCheck.setObjectName("auditSessionCheck")
        self.sessionCheck.setChecked(True)
        self.refreshButton = QPushButton(self.tr("Refresh"), self)
        self.refreshButton.setObjectName("auditRefreshButton")
        self.countLabel = QLabel(self)
        self.table = QTableView(self)
        self.table.setObjectName("auditTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(AuditColumn.WHEN, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in ((AuditColumn.WHEN, 150), (AuditColumn.WHO, 160), (AuditColumn.WHAT, 170),
                              (AuditColumn.WHOM, 110), (AuditColumn.WHY, 260)):  # fmt: skip
            self.table.setColumnWidth(column, width)
        top = QHBoxLayout()
        top.addWidget(self.filterEdit, 2)
        top.addWidget(self.actionCombo, 1)
        top.addWidget(self.sessionCheck)
        top.addWidget(self.refreshButton)
        top.addWidget(self.countLabel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.filterEdit.textChanged.connect(self._text_changed)
        self.actionCombo.currentIndexChanged.connect(
            lambda: self.proxy.set_action_filter(str(self.actionCombo.currentData() or ""))
        )
        self.sessionCheck.toggled.connect(lambda _: self.refresh())
        self.refreshButton.clicked.connect(self.refresh)
        self._fill_action_combo()

    def _text_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_count()

    def _fill_action_combo(self) -> None:
        current = self.actionCombo.currentData()
        self.actionCombo.blockSignals(True)
        self.actionCombo.clear()
        self.actionCombo.addItem(self.tr("Every action"), "")
        for action in sorted({e.action for e in self.entries}, key=audit_action_text):
            self.actionCombo.addItem(audit_action_text(action), action)
        self.actionCombo.setCurrentIndex(max(0, self.actionCombo.findData(current)))
        self.actionCombo.blockSignals(False)

    def _update_count(self) -> None:
        self.countLabel.setText(
            self.tr("%1 of %2 entries").replace("%1", str(self.proxy.rowCount())).replace("%2", str(len(self.entries)))
        )

    def refresh_once(self) -> None:
        if not self.loaded:
            self.refresh()

    def refresh(self) -> None:
        self.tasks.start(self._load(), "audit", replace=True)

    async def _load(self) -> None:
        session_id = self.session_id() if self.sessionCheck.isChecked() else None
        try:
            entries = await self.api.audit(session_id)
        except ConsoleError as exc:
            self.countLabel.setText(str(exc))
            return
        self.set_entries(entries)

    def set_entries(self, entries: list[AuditEntry]) -> None:
        self.entries = list(entries)
        self.loaded = True
        self.model.removeRows(0, self.model.rowCount())
        for entry in self.entries:
            cells = {
                AuditColumn.WHEN: _when(entry),
                AuditColumn.WHO: _who(entry),
                AuditColumn.WHAT: audit_action_text(entry.action),
                AuditColumn.WHOM: _whom(entry),
                AuditColumn.WHY: entry.reason or "",
                AuditColumn.DETAILS: _details(entry),
            }
            items = []
            for column in AuditColumn:
                item = QStandardItem(cells[column])
                item.setToolTip(cells[column])
                item.setData(cells[column].casefold(), SORT_ROLE)
                items.append(item)
            items[AuditColumn.WHEN].setData(entry.at.isoformat() if entry.at else "", SORT_ROLE)
            items[AuditColumn.WHEN].setToolTip(entry.at.isoformat() if entry.at else "")
            items[AuditColumn.WHAT].setData(entry.action, ACTION_ROLE)
            self.model.appendRow(items)
        self._fill_action_combo()
        self._update_count()

    def shown_rows(self) -> list[dict[AuditColumn, str]]:
        """What the table shows, in its order (for tests and a quick look)."""
        return [
            {c: str(self.proxy.index(r, c).data()) for c in AuditColumn} for r in range(self.proxy.rowCount())
        ]
