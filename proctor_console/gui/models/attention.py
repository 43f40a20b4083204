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
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[tuple[CandidateRow, FlagHit]] = []
        self._now = datetime.now(UTC)
        self._stale = False

    def set_entries(
        self, entries: list[tuple[CandidateRow, FlagHit]], now: datetime, stale: bool = False
    ) -> None:
        same_people = [(r.attempt_id, h.flag) for r, h in entries] == [
            (r.attempt_id, h.flag) for r, h in self._entries
        ]
        self._now = now
        self._stale = stale
        if same_people:
            # Only texts moved on (durations): keep the selection, no reset.
            self._entries = entries
            if entries:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(entries) - 1, len(AttentionColumn) - 1)
                )
            return
        self.beginResetModel()
        self._entries = entries
        self.endResetModel()

    def entry(self, position: int) -> tuple[CandidateRow, FlagHit]:
        return self._entries[position]

    def position_of(self, attempt_id: str) -> int | None:
        for i, (row, _) in enumerate(self._entries):
            if row.attempt_id == attempt_id:
                return i
        return None

    def attempt_ids(self) -> list[str]:
        return [row.attempt_id for row, _ in self._entries]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(AttentionColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return attention_title(AttentionColumn(section))
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, hit = self._entries[index.row()]
        col = AttentionColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
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
            if col is AttentionColumn.ACTION:
                return flag_action(hit.flag)
        if role == ATTEMPT_ID_ROLE:
            return row.attempt_id
        if (
            role == Qt.ItemDataRole.BackgroundRole
            and not self._stale
            and col in (AttentionColumn.SEAT, AttentionColumn.PROBLEM)
        ):
            color = SEVERITY_BACKGROUND.get(hit.severity)
            return QBrush(color) if color else None
        if role == Qt.ItemDataRole.ForegroundRole and self._stale:
            return QBrush(STALE_FOREGROUND)
        if role == Qt.ItemDataRole.FontRole and col is AttentionColumn.SEAT:
            font = QFont()
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 1.3)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{flag_text(hit.flag)} {hit.detail}".strip()
        return None
