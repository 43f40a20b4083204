"""The escalation queue: a thin table model of :class:`Escalation` records and
its sort/filter proxy.

Records come in whole (the list from ``GET /escalations`` or one escalation
from the feed's ``escalation`` event); the model only keeps them in order and
says how old each is. Age past the limit (a setting, 5 minutes by default)
turns red while the escalation is still open or claimed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from ...client.records import Escalation
from ...domain.states import EscalationCategory, EscalationStatus
from ..labels import duration_text
from ..views.action_dialogs import category_text

ModelIndex = QModelIndex | QPersistentModelIndex

ESCALATION_ID_ROLE = Qt.ItemDataRole.UserRole + 11
SORT_ROLE = Qt.ItemDataRole.UserRole + 12

DEFAULT_AGE_LIMIT_MIN = 5
OVERDUE_FOREGROUND = QColor("#c62828")
STATUS_BACKGROUND = {
    EscalationStatus.OPEN.value: QColor("#fde7b0"),
    EscalationStatus.CLAIMED.value: QColor("#e3ecf7"),
}


class EscalationColumn(IntEnum):
    CATEGORY = 0
    CANDIDATE = 1
    SEAT = 2
    HALL = 3
    RAISED_BY = 4
    AGE = 5
    CLAIMED_BY = 6
    STATUS = 7


def escalation_column_title(column: EscalationColumn) -> str:
    titles = {
        EscalationColumn.CATEGORY: QCoreApplication.translate("EscalationModel", "Category"),
        EscalationColumn.CANDIDATE: QCoreApplication.translate("EscalationModel", "Candidate"),
        EscalationColumn.SEAT: QCoreApplication.translate("EscalationModel", "Seat"),
        EscalationColumn.HALL: QCoreApplication.translate("EscalationModel", "Hall"),
        EscalationColumn.RAISED_BY: QCoreApplication.translate("EscalationModel", "Raised by"),
        EscalationColumn.AGE: QCoreApplication.translate("EscalationModel", "Age"),
        EscalationColumn.CLAIMED_BY: QCoreApplication.translate("EscalationModel", "Claimed by"),
        EscalationColumn.STATUS: QCoreApplication.translate("EscalationModel", "Status"),
    }
    return titles[column]


def escalation_category_text(category: str) -> str:
    """The guide's name of a category: the same words as the proctor's escalate dialog."""
    try:
        return category_text(EscalationCategory(category))
    except ValueError:
        return category


def escalation_status_text(status: str) -> str:
    names = {
        EscalationStatus.OPEN.value: QCoreApplication.translate("EscalationModel", "Open"),
        EscalationStatus.CLAIMED.value: QCoreApplication.translate("EscalationModel", "Claimed"),
        EscalationStatus.RESOLVED.value: QCoreApplication.translate("EscalationModel", "Resolved"),
    }
    return names.get(status, status)


def is_unresolved(escalation: Escalation) -> bool:
    return escalation.status != EscalationStatus.RESOLVED.value


def age_seconds(escalation: Escalation, now: datetime) -> float:
    """How long it has waited; a resolved one: how long it took."""
    if escalation.raised_at is None:
        return 0.0
    end = escalation.resolved_at if not is_unresolved(escalation) and escalation.resolved_at else now
    return max(0.0, (end - escalation.raised_at).total_seconds())


def _status_order(status: str) -> int:
    order = [EscalationStatus.OPEN.value, EscalationStatus.CLAIMED.value, EscalationStatus.RESOLVED.value]
    return order.index(status) if status in order else len(order)


class EscalationTableModel(QAbstractTableModel):
    """One row per escalation, in the order they arrived; the proxy sorts."""

    def __init__(self, parent: Any = None, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self.clock = clock or (lambda: datetime.now(UTC))
        self._items: list[Escalation] = []
        self._position: dict[str, int] = {}
        self.hall_names: dict[str, str] = {}
        self.age_limit_s = DEFAULT_AGE_LIMIT_MIN * 60.0
        self._now = self.clock()

    # -- input ---------------------------------------------------------------------

    def reset_items(self, items: Iterable[Escalation]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._position = {e.id: i for i, e in enumerate(self._items)}
        self._now = self.clock()
        self.endResetModel()

    def upsert(self, escalation: Escalation) -> bool:
        """Add or replace one escalation; True when it was not known before."""
        position = self._position.get(escalation.id)
        if position is None:
            end = len(self._items)
            self.beginInsertRows(QModelIndex(), end, end)
            self._items.append(escalation)
            self._position[escalation.id] = end
            self.endInsertRows()
            return True
        self._items[position] = escalation
        self.dataChanged.emit(self.index(position, 0), self.index(position, len(EscalationColumn) - 1))
        return False

    def set_hall_names(self, names: Mapping[str, str]) -> None:
        self.hall_names = dict(names)
        if self._items:
            column = EscalationColumn.HALL
            self.dataChanged.emit(self.index(0, column), self.index(len(self._items) - 1, column))

    def set_age_limit(self, seconds: float) -> None:
        self.age_limit_s = seconds
        self.tick()

    def tick(self) -> None:
        """Once a second: ages move on (only the age column changes)."""
        self._now = self.clock()
        if self._items:
            column = EscalationColumn.AGE
            self.dataChanged.emit(self.index(0, column), self.index(len(self._items) - 1, column))

    # -- lookups ---------------------------------------------------------------------

    def escalation(self, escalation_id: str) -> Escalation | None:
        position = self._position.get(escalation_id)
        return None if position is None else self._items[position]

    def escalation_at(self, position: int) -> Escalation:
        return self._items[position]

    def items(self) -> list[Escalation]:
        return list(self._items)

    def overdue(self, escalation: Escalation) -> bool:
        return is_unresolved(escalation) and age_seconds(escalation, self._now) > self.age_limit_s

    def hall_text(self, hall_id: str) -> str:
        return self.hall_names.get(hall_id) or hall_id

    # -- Qt ------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(EscalationColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return escalation_column_title(EscalationColumn(section))
        return None

    def _display(self, e: Escalation, column: EscalationColumn) -> str:
        if column is EscalationColumn.CATEGORY:
            return escalation_category_text(e.category)
        if column is EscalationColumn.CANDIDATE:
            return f"{e.candidate_no} {e.name}".strip()
        if column is EscalationColumn.SEAT:
            return e.seat
        if column is EscalationColumn.HALL:
            return self.hall_text(e.hall_id)
        if column is EscalationColumn.RAISED_BY:
            return e.raised_by or ""
        if column is EscalationColumn.AGE:
            # Overdue says so in text too, not by colour alone.
            return ("⚠ " if self.overdue(e) else "") + duration_text(age_seconds(e, self._now))
        if column is EscalationColumn.CLAIMED_BY:
            return e.claimed_by or ""
        return escalation_status_text(e.status)

    def _sort_key(self, e: Escalation, column: EscalationColumn) -> Any:
        if column is EscalationColumn.AGE:
            return age_seconds(e, self._now)
        if column is EscalationColumn.STATUS:
            return _status_order(e.status)
        if column is EscalationColumn.SEAT:
            row, _, col = e.seat.partition("-")
            return (int(row), int(col)) if row.isdigit() and col.isdigit() else (10**6, 0)
        return self._display(e, column).casefold()

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self._items[index.row()]
        column = EscalationColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(e, column)
        if role == ESCALATION_ID_ROLE:
            return e.id
        if role == SORT_ROLE:
            return self._sort_key(e, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column is EscalationColumn.AGE and self.overdue(e):
                return QBrush(OVERDUE_FOREGROUND)
            if not is_unresolved(e):
                return QBrush(QColor("#777777"))
        if role == Qt.ItemDataRole.FontRole and column is EscalationColumn.AGE and self.overdue(e):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and column is EscalationColumn.STATUS:
            color = STATUS_BACKGROUND.get(e.status)
            return QBrush(color) if color else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is EscalationColumn.AGE and self.overdue(e):
                return QCoreApplication.translate(
                    "EscalationModel", "Waiting longer than %1 min"
                ).replace("%1", str(int(self.age_limit_s // 60)))
            return e.note or None
        return None


class EscalationFilterProxy(QSortFilterProxyModel):
    """Sort by each column's own key; filter by status, category and text."""

    # The status filter's choices besides a status: "" is every unresolved escalation.
    UNRESOLVED = ""
    ALL = "all"

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.status_filter = self.UNRESOLVED
        self.category_filter = ""
        self.text_filter = ""

    def set_status_filter(self, status: str) -> None:
        self.beginFilterChange()
        self.status_filter = status
        self.endFilterChange()

    def set_category_filter(self, category: str) -> None:
        self.beginFilterChange()
        self.category_filter = category
        self.endFilterChange()

    def set_text_filter(self, text: str) -> None:
        self.beginFilterChange()
        self.text_filter = text.strip().casefold()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, EscalationTableModel):
            return True
        e = model.escalation_at(source_row)
        if self.status_filter == self.UNRESOLVED and not is_unresolved(e):
            return False
        if self.status_filter not in (self.UNRESOLVED, self.ALL) and e.status != self.status_filter:
            return False
        if self.category_filter and e.category != self.category_filter:
            return False
        if self.text_filter:
            haystack = " ".join(
                (
                    e.candidate_no, e.name, e.seat, model.hall_text(e.hall_id), e.raised_by or "",
                    e.claimed_by or "", e.note, escalation_category_text(e.category),
                )
            ).casefold()  # fmt: skip
            return self.text_filter in haystack
        return True
