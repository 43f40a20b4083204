"""The candidate table: a thin model (rows in, batched ``dataChanged`` out) and
its filter/sort proxy.

The model never recomputes anything by itself: the hall monitor hands it
changed rows (coalesced per frame) and the flags it computed once a second.
Only the rows that changed emit ``dataChanged``, grouped into contiguous runs,
so the cost of an update is the rows that changed, never the size of the hall.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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

from ...domain.flags import Flag, FlagHit, Severity
from ...domain.rows import CandidateRow
from ...domain.states import AttemptState
from ..labels import clock_text, duration_text, flag_text, lock_reason_text, state_text

ModelIndex = QModelIndex | QPersistentModelIndex

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ATTEMPT_ID_ROLE = Qt.ItemDataRole.UserRole + 2
SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 3


class Column(IntEnum):
    SEAT = 0
    NUMBER = 1
    NAME = 2
    STATE = 3
    FLAGS = 4
    LOCKS = 5
    BATTERY = 6
    NETWORK = 7
    LAST_SEEN = 8
    PROGRESS = 9
    SUBMIT = 10


COLUMN_COUNT = len(Column)
_COLUMNS = list(Column)
STATE_ORDER = {state: i for i, state in enumerate(AttemptState)}


def column_title(column: Column) -> str:
    titles = {
        Column.SEAT: QCoreApplication.translate("CandidateTableModel", "Seat"),
        Column.NUMBER: QCoreApplication.translate("CandidateTableModel", "Candidate no."),
        Column.NAME: QCoreApplication.translate("CandidateTableModel", "Name"),
        Column.STATE: QCoreApplication.translate("CandidateTableModel", "State"),
        Column.FLAGS: QCoreApplication.translate("CandidateTableModel", "Needs"),
        Column.LOCKS: QCoreApplication.translate("CandidateTableModel", "Locks"),
        Column.BATTERY: QCoreApplication.translate("CandidateTableModel", "Battery"),
        Column.NETWORK: QCoreApplication.translate("CandidateTableModel", "Network"),
        Column.LAST_SEEN: QCoreApplication.translate("CandidateTableModel", "Last seen"),
        Column.PROGRESS: QCoreApplication.translate("CandidateTableModel", "Progress"),
        Column.SUBMIT: QCoreApplication.translate("CandidateTableModel", "Submission"),
    }
    return titles[column]


#: Colours by severity; never alone: every cell with a colour also says it in text.
SEVERITY_BACKGROUND = {
    Severity.HIGH: QColor("#f8c9c4"),
    Severity.MEDIUM: QColor("#fde7b0"),
    Severity.LOW: QColor("#e3ecf7"),
}
STALE_FOREGROUND = QColor("#9a9a9a")
_BOLD = QFont()
_BOLD.setBold(True)


def contiguous_runs(indices: Iterable[int]) -> list[tuple[int, int]]:
    """[5, 1, 2, 3, 9] -> [(1, 3), (5, 5), (9, 9)]: one dataChanged per run."""
    runs: list[tuple[int, int]] = []
    for i in sorted(set(indices)):
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def submit_status_text(row: CandidateRow) -> str:
    """Plainly: does the server hold the paper?"""
    if row.receipt_id:
        text = QCoreApplication.translate("CandidateTableModel", "Server has it ✓ %1").replace(
            "%1", clock_text(row.received_at)
        )
        if row.submit_pending_since is not None:
            text += QCoreApplication.translate("CandidateTableModel", " (phone still spinning)")
        return text
    if row.submit_pending_since is not None:
        return QCoreApplication.translate(
            "CandidateTableModel", "Sending since %1, NOT on server"
        ).replace("%1", clock_text(row.submit_pending_since))
    return ""


class CandidateTableModel(QAbstractTableModel):
    """Rows in (``update_rows``), flags in (``set_flags``); nothing else."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CandidateRow] = []
        self._position: dict[str, int] = {}
        self._flags: dict[str, list[FlagHit]] = {}
        self._notes: dict[str, str] = {}
        self._now = datetime.now(UTC)
        self._stale = False

    # -- input ---------------------------------------------------------------

    def reset_rows(self, rows: Sequence[CandidateRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._position = {r.attempt_id: i for i, r in enumerate(self._rows)}
        self._flags = {k: v for k, v in self._flags.items() if k in self._position}
        self.endResetModel()

    def update_rows(
        self,
        rows: Iterable[CandidateRow],
        flags: Mapping[str, list[FlagHit]] | None = None,
        now: datetime | None = None,
    ) -> int:
        """Replace known rows, append new ones, with their new ``flags`` if given (one
        ``dataChanged`` per run of rows for both). Returns how many rows changed."""
        if now is not None:
            self._now = now
        if flags is not None:
            self._flags.update(flags)
        changed: list[int] = []
        new: list[CandidateRow] = []
        position = self._position
        for row in rows:
            pos = position.get(row.attempt_id)
            if pos is None:
                new.append(row)
            else:
                self._rows[pos] = row
                changed.append(pos)
        self._emit_rows_changed(changed)
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            for row in new:
                self._position[row.attempt_id] = len(self._rows)
                self._rows.append(row)
            self.endInsertRows()
        return len(changed) + len(new)

    def set_flags(self, flags: Mapping[str, list[FlagHit]], now: datetime) -> int:
        """New flags for some or all rows; emits only for rows whose flags changed."""
        self._now = now
        changed: list[int] = []
        for aid, hits in flags.items():
            pos = self._position.get(aid)
            if pos is None:
                continue
            if [(h.flag, h.detail) for h in self._flags.get(aid, [])] != [
                (h.flag, h.detail) for h in hits
            ]:
                changed.append(pos)
            self._flags[aid] = hits
        self._emit_rows_changed(changed)
        return len(changed)

    def tick(self, now: datetime) -> None:
        """Time passed: only 'last seen' depends on the clock by itself."""
        self._now = now
        if self._rows:
            self.dataChanged.emit(
                self.index(0, Column.LAST_SEEN),
                self.index(len(self._rows) - 1, Column.LAST_SEEN),
                [Qt.ItemDataRole.DisplayRole],
            )

    def set_note(self, attempt_id: str, note: str | None) -> None:
        """A short feedback text shown with the state ('unlock sent…', 'unlocked ✓')."""
        if note:
            self._notes[attempt_id] = note
        else:
            self._notes.pop(attempt_id, None)
        pos = self._position.get(attempt_id)
        if pos is not None:
            self._emit_rows_changed([pos])

    def note(self, attempt_id: str) -> str | None:
        return self._notes.get(attempt_id)

    def set_stale(self, stale: bool) -> None:
        if stale != self._stale:
            self._stale = stale
            self._emit_rows_changed(range(len(self._rows)))

    @property
    def stale(self) -> bool:
        return self._stale

    def _emit_rows_changed(self, positions: Iterable[int]) -> None:
        # createIndex, not index(): the positions are ours and valid, and index() would ask
        # rowCount() and columnCount() in Python for each (a batch has hundreds of runs).
        last_col = COLUMN_COUNT - 1
        emit = self.dataChanged.emit
        for first, last in contiguous_runs(positions):
            emit(self.createIndex(first, 0), self.createIndex(last, last_col))

    # -- sorting (here, in Python, not by the proxy) -----------------------------

    def sort_rows(self, column: int, order: Qt.SortOrder) -> bool:
        """Reorder the rows by a column: one Python sort (milliseconds for 5,000 rows),
        where QSortFilterProxyModel would call data() twice per comparison.
        True when the order changed (``layoutChanged`` was emitted)."""
        if column < 0 or not self._rows:
            return False
        col = _COLUMNS[column]
        sort_key = self._sort_key
        if col is Column.BATTERY:  # the usual sort in a busy hall: no call per row
            keys = [
                (
                    -1 if r.battery_pct is None else r.battery_pct,
                    r.seat_row or 0,
                    r.seat_col or 0,
                    i,
                )
                for i, r in enumerate(self._rows)
            ]
        else:
            keys = [
                (sort_key(r, col), r.seat_row or 0, r.seat_col or 0, i)
                for i, r in enumerate(self._rows)
            ]
        keyed = sorted(keys, reverse=order == Qt.SortOrder.DescendingOrder)
        new_order = [item[-1] for item in keyed]
        if new_order == list(range(len(self._rows))):
            return False
        self.layoutAboutToBeChanged.emit()
        old_to_new = [0] * len(new_order)
        for new_pos, old_pos in enumerate(new_order):
            old_to_new[old_pos] = new_pos
        persistent = self.persistentIndexList()
        moved = [self.index(old_to_new[p.row()], p.column()) for p in persistent]
        self._rows = [self._rows[i] for i in new_order]
        self._position = {r.attempt_id: i for i, r in enumerate(self._rows)}
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()
        return True

    # -- lookups -------------------------------------------------------------

    def row_at(self, position: int) -> CandidateRow:
        return self._rows[position]

    def row_by_id(self, attempt_id: str) -> CandidateRow | None:
        pos = self._position.get(attempt_id)
        return None if pos is None else self._rows[pos]

    def position_of(self, attempt_id: str) -> int | None:
        return self._position.get(attempt_id)

    def flags_of(self, attempt_id: str) -> list[FlagHit]:
        return self._flags.get(attempt_id, [])

    # -- Qt ------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return column_title(Column(section))
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = _COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == SORT_ROLE:
            return self._sort_key(row, col)
        if role == ATTEMPT_ID_ROLE:
            return row.attempt_id
        hits = self._flags.get(row.attempt_id, [])
        top = hits[0].severity if hits else Severity.INFO
        if role == SEVERITY_ROLE:
            return int(top)
        if role == Qt.ItemDataRole.ForegroundRole:
            if self._stale:
                return QBrush(STALE_FOREGROUND)
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if self._stale:
                return None
            if col in (Column.STATE, Column.FLAGS, Column.SEAT) and top in SEVERITY_BACKGROUND:
                return QBrush(SEVERITY_BACKGROUND[top])
            if col is Column.SUBMIT and row.submit_pending_since and not row.receipt_id:
                return QBrush(SEVERITY_BACKGROUND[Severity.HIGH])
            return None
        if role == Qt.ItemDataRole.FontRole:
            if col in (Column.STATE, Column.SEAT) and top is Severity.HIGH:
                return _BOLD
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{flag_text(h.flag)}: {h.detail}".rstrip(": ") for h in hits]
            if self._stale:
                lines.insert(
                    0, QCoreApplication.translate("CandidateTableModel", "Stale: not live data")
                )
            return "\n".join(lines) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (
            Column.LOCKS,
            Column.BATTERY,
            Column.PROGRESS,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: CandidateRow, col: Column) -> str:
        if col is Column.SEAT:
            return row.seat
        if col is Column.NUMBER:
            return row.candidate_no
        if col is Column.NAME:
            return row.name
        if col is Column.STATE:
            text = state_text(row.state)
            if row.state is AttemptState.LOCKED:
                text += f" · {lock_reason_text(row.last_lock_reason)}"
            note = self._notes.get(row.attempt_id)
            if note:
                text += f" — {note}"
            if self._stale:
                text += QCoreApplication.translate("CandidateTableModel", " (stale)")
            return text
        if col is Column.FLAGS:
            hits = [h for h in self._flags.get(row.attempt_id, []) if h.severity > Severity.INFO]
            return ", ".join(flag_text(h.flag) for h in hits)
        if col is Column.LOCKS:
            return f"{row.lock_count}/{row.max_locks}"
        if col is Column.BATTERY:
            if row.battery_pct is None:
                return ""
            return f"{row.battery_pct} %" + (" ⚡" if row.charging else "")
        if col is Column.NETWORK:
            return {"none": QCoreApplication.translate("CandidateTableModel", "none"), "wifi": "Wi-Fi"}.get(
                row.network or "", (row.network or "").upper()
            )
        if col is Column.LAST_SEEN:
            if row.last_seen is None:
                return ""
            return QCoreApplication.translate("CandidateTableModel", "%1 ago").replace(
                "%1", duration_text((self._now - row.last_seen).total_seconds())
            )
        if col is Column.PROGRESS:
            if not row.total_questions:
                return str(row.answered) if row.answered else ""
            return f"{row.answered}/{row.total_questions}"
        if col is Column.SUBMIT:
            return submit_status_text(row)
        return ""

    def _sort_key(self, row: CandidateRow, col: Column) -> Any:
        if col is Column.SEAT:
            return (row.seat_row or 0) * 10_000 + (row.seat_col or 0)
        if col is Column.NUMBER:
            return row.candidate_no
        if col is Column.NAME:
            return row.name
        if col is Column.STATE:
            return STATE_ORDER[row.state]
        if col is Column.FLAGS:
            hits = self._flags.get(row.attempt_id, [])
            return int(hits[0].severity) if hits else -1
        if col is Column.LOCKS:
            return row.lock_count
        if col is Column.BATTERY:
            return -1 if row.battery_pct is None else row.battery_pct
        if col is Column.NETWORK:
            return row.network or ""
        if col is Column.LAST_SEEN:
            return row.last_seen.timestamp() if row.last_seen else 0.0
        if col is Column.PROGRESS:
            return row.answered
        if col is Column.SUBMIT:
            return 2 if row.submit_pending_since and not row.receipt_id else int(bool(row.receipt_id))
        return ""


class CandidateFilterProxy(QSortFilterProxyModel):
    """Text filter (seat, number, name), state filter and flag filter.

    ``dynamicSortFilter`` is off: with it on, every ``dataChanged`` of a busy
    hall would re-sort the world. The hall monitor calls :meth:`refresh` at
    most once a second (and when the user asks).
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setDynamicSortFilter(False)
        self.setSortRole(SORT_ROLE)
        self._text = ""
        self._states: frozenset[AttemptState] = frozenset()
        self._flags: frozenset[Flag] = frozenset()
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange()

    def set_states(self, states: Iterable[AttemptState]) -> None:
        self.beginFilterChange()
        self._states = frozenset(states)
        self.endFilterChange()

    def set_flags(self, flags: Iterable[Flag]) -> None:
        self.beginFilterChange()
        self._flags = frozenset(flags)
        self.endFilterChange()

    @property
    def state_filter(self) -> frozenset[AttemptState]:
        return self._states

    @property
    def flag_filter(self) -> frozenset[Flag]:
        return self._flags

    def clear_filters(self) -> None:
        self.beginFilterChange()
        self._text = ""
        self._states = frozenset()
        self._flags = frozenset()
        self.endFilterChange()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The header asks to sort: the source model sorts itself, the proxy keeps its order."""
        self._sort_column = column
        self._sort_order = order
        model = self.sourceModel()
        if isinstance(model, CandidateTableModel):
            model.sort_rows(column, order)

    def refresh(self) -> None:
        """Re-sort and re-filter once (changes since the last refresh)."""
        model = self.sourceModel()
        moved = isinstance(model, CandidateTableModel) and model.sort_rows(
            self._sort_column, self._sort_order
        )
        # A new source order (layoutChanged) has already made the proxy filter every row
        # afresh; with no filter set every row stays in. Otherwise filter again.
        if not moved and (self._text or self._states or self._flags):
            self.beginFilterChange()
            self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        # Called for every row of the hall on each refresh: kept to attribute lookups.
        if not (self._states or self._flags or self._text):
            return True
        model = self.sourceModel()
        if not isinstance(model, CandidateTableModel):
            return True
        row = model._rows[source_row]
        if self._states and row.state not in self._states:
            return False
        if self._flags and not any(h.flag in self._flags for h in model.flags_of(row.attempt_id)):
            return False
        if self._text:
            hay = f"{row.seat} {row.candidate_no} {row.name}".casefold()
            return all(part in hay for part in self._text.split())
        return True
