"""The attention list: flagged candidates, most severe and oldest first.

Each entry says where the candidate sits, what is wrong, for how long and the
one action that fixes it. Rebuilt once a second from the flags the hall
monitor computed (the list is short; a reset is cheaper than diffing it).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from ...domain.flags import Flag, FlagHit, Severity, attention_key
from ...domain.rows import CandidateRow
from ...domain.states import WEAK_NETWORKS
from ..labels import duration_text, flag_action, flag_text, lock_reason_text
from .candidates import ATTEMPT_ID_ROLE, SEVERITY_BACKGROUND, STALE_FOREGROUND, ModelIndex


class AttentionColumn(IntEnum):
    # What a proctor reads first comes first: where, what, how long, what to do, who.
    SEAT = 0
    PROBLEM = 1
    SINCE = 2
    ACTION = 3
    CANDIDATE = 4


_COLUMNS = list(AttentionColumn)

def attention_title(column: AttentionColumn) -> str:
    titles = {
        AttentionColumn.SEAT: QCoreApplication.translate("AttentionModel", "Seat"),
        AttentionColumn.CANDIDATE: QCoreApplication.translate("AttentionModel", "Candidate"),
        AttentionColumn.PROBLEM: QCoreApplication.translate("AttentionModel", "What is wrong"),
        AttentionColumn.SINCE: QCoreApplication.translate("AttentionModel", "For"),
        AttentionColumn.ACTION: QCoreApplication.translate("AttentionModel", "Do this"),
    }
    return titles[column]


def attention_entries(
    rows: Mapping[str, CandidateRow], flags: Mapping[str, list[FlagHit]]
) -> list[tuple[CandidateRow, FlagHit]]:
    """(row, most severe flag) for every row with a flag above INFO, as HallState.attention orders."""
    out = [
        (rows[aid], hits[0])
        for aid, hits in flags.items()
        if hits and hits[0].severity > Severity.INFO and aid in rows
    ]
    out.sort(key=lambda pair: attention_key(pair[1]))
    return out


def help_reason_text(reason: str) -> str:
    """Why the candidate called (the phone's help reasons)."""
    names = {
        "question": QCoreApplication.translate("AttentionModel", "a question"),
        "device": QCoreApplication.translate("AttentionModel", "device problem"),
        "paper": QCoreApplication.translate("AttentionModel", "paper problem"),
        "other": QCoreApplication.translate("AttentionModel", "other"),
    }
    return names.get(reason, reason)


def problem_text(row: CandidateRow, hit: FlagHit) -> str:
    text = flag_text(hit.flag)
    if hit.flag is Flag.HELP_REQUESTED and hit.detail:
        return f"{text}: {help_reason_text(hit.detail)}"
    if hit.flag is Flag.LOCKED:
        return f"{text}: {lock_reason_text(row.last_lock_reason)} {row.lock_count}/{row.max_locks}"
    if hit.flag is Flag.STUCK_SUBMITTING:
        if row.receipt_id:
            return text + QCoreApplication.translate("AttentionModel", ": server HAS the paper")
        return text + QCoreApplication.translate("AttentionModel", ": server has NO paper")
    if hit.flag is Flag.WEAK_NETWORK and row.network not in WEAK_NETWORKS:
        return text + QCoreApplication.translate("AttentionModel", ": heartbeats irregular")
    if hit.detail and hit.flag in (Flag.BATTERY_LOW, Flag.WEAK_NETWORK, Flag.LAST_CHANCE):
        return f"{text}: {hit.detail}"
    return text


class AttentionModel(QAbstractTableModel):
    """The entries as attempt ids in order, read through the rows and top flags they
    came with, so a live hall can hand over its own (changing) dicts without a copy."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._ids: list[str] = []
        self._rows: Mapping[str, CandidateRow] = {}
        self._tops: Mapping[str, FlagHit] = {}
        self._now = datetime.now(UTC)
        self._stale = False

    def set_entries(
        self, entries: list[tuple[CandidateRow, FlagHit]], now: datetime, stale: bool = False
    ) -> None:
        same_people = [(r.attempt_id, h.flag) for r, h in entries] == [
            (aid, self._tops[aid].flag) for aid in self._ids
        ]
        rows = {r.attempt_id: r for r, _ in entries}
        tops = {r.attempt_id: h for r, h in entries}
        self._show([r.attempt_id for r, _ in entries], rows, tops, now, stale, not same_people)

    def show_live(
        self,
        ids: list[str],
        rows: Mapping[str, CandidateRow],
        tops: Mapping[str, FlagHit],
        now: datetime,
        stale: bool,
        flags_moved: bool,
    ) -> None:
        """The live hall's list: ``ids`` in order (a new list whenever it changed), the
        hall's rows and each one's top flag; ``flags_moved``: an entry's flag changed."""
        changed = flags_moved or ids != self._ids or rows is not self._rows or tops is not self._tops
        self._show(ids, rows, tops, now, stale, changed)

    def _show(
        self,
        ids: list[str],
        rows: Mapping[str, CandidateRow],
        tops: Mapping[str, FlagHit],
        now: datetime,
        stale: bool,
        people_changed: bool,
    ) -> None:
        self._now = now
        self._stale = stale
        if not people_changed:
            # Only texts moved on (durations): keep the selection, no reset.
            self._ids, self._rows, self._tops = ids, rows, tops
            if ids:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(ids) - 1, len(AttentionColumn) - 1)
                )
            return
        self.beginResetModel()
        self._ids, self._rows, self._tops = ids, rows, tops
        self.endResetModel()

    def entry(self, position: int) -> tuple[CandidateRow, FlagHit]:
        aid = self._ids[position]
        return self._rows[aid], self._tops[aid]

    def position_of(self, attempt_id: str) -> int | None:
        try:
            return self._ids.index(attempt_id)
        except ValueError:
            return None

    def attempt_ids(self) -> list[str]:
        return list(self._ids)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(AttentionColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return attention_title(AttentionColumn(section))
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A view asks every visible cell for ~7 roles at each repaint: answer the roles
        # this model never sets before looking anything up.
        if role not in _ROLES or (role == _FOREGROUND and not self._stale):
            return None
        position = index.row()
        if position < 0 or position >= len(self._ids):
            return None
        aid = self._ids[position]
        row = self._rows.get(aid)
        hit = self._tops.get(aid)
        if row is None or hit is None:
            return None
        col = _COLUMNS[index.column()]
        if role == _DISPLAY:
            if col is AttentionColumn.SEAT:
                return row.seat
            if col is AttentionColumn.CANDIDATE:
                return f"{row.candidate_no} {row.name}"
            if col is AttentionColumn.PROBLEM:
                return problem_text(row, hit)
            if col is AttentionColumn.SINCE:
                if hit.since is None:
                    return ""
                return duration_text((self._now - hit.since).total_seconds())
            return flag_action(hit.flag)
        if role == ATTEMPT_ID_ROLE:
            return row.attempt_id
        if role == _BACKGROUND:
            if not self._stale and col in (AttentionColumn.SEAT, AttentionColumn.PROBLEM):
                color = SEVERITY_BACKGROUND.get(hit.severity)
                return QBrush(color) if color else None
            return None
        if role == _FOREGROUND:
            return QBrush(STALE_FOREGROUND)
        if role == _FONT:
            if col is not AttentionColumn.SEAT:
                return None
            font = QFont()  # the application's font now (the user may enlarge it)
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 1.3)
            return font
        return f"{flag_text(hit.flag)} {hit.detail}".strip()  # the tooltip


_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
#: The roles AttentionModel.data answers (ints: a view asks with ints)
_ROLES = frozenset(
    {_DISPLAY, _BACKGROUND, _FOREGROUND, _FONT, int(Qt.ItemDataRole.ToolTipRole), ATTEMPT_ID_ROLE}
)
