"""The seat map: the hall's rows and columns, a tile per seat.

State by colour *and* text (never colour alone): each tile says its seat and
a short state word; a flagged tile gets a thick border in its severity's
colour. A click selects the same candidate as the table. Once the hall's size
is known (``set_hall_size``, from the service's hall) empty seats are drawn
empty and the grid fits the widget, from a 4x5 room to a 30x40 hall.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPoint, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from ...domain.flags import Severity
from ...domain.rows import MAX_HALL_SIDE, CandidateRow
from ...domain.states import AttemptState
from ..live_hall import LiveHall

_FILL = {
    AttemptState.NOT_JOINED: QColor("#eeeeee"),
    AttemptState.JOINED: QColor("#e8f0fb"),
    AttemptState.INFO_PENDING: QColor("#e8f0fb"),
    AttemptState.READY: QColor("#e8f0fb"),
    AttemptState.ANSWERING: QColor("#dff3e4"),
    AttemptState.LOCKED: QColor("#e5534b"),
    AttemptState.SUBMITTING: QColor("#f2c94c"),
    AttemptState.SUBMITTED: QColor("#b7c9e2"),
    AttemptState.AUTO_SUBMITTED: QColor("#c9b2e0"),
}
_BORDER = {Severity.HIGH: QColor("#b00020"), Severity.MEDIUM: QColor("#d08700")}


def short_state(state: AttemptState) -> str:
    names = {
        AttemptState.NOT_JOINED: QCoreApplication.translate("SeatMap", "absent"),
        AttemptState.JOINED: QCoreApplication.translate("SeatMap", "joined"),
        AttemptState.INFO_PENDING: QCoreApplication.translate("SeatMap", "info"),
        AttemptState.READY: QCoreApplication.translate("SeatMap", "ready"),
        AttemptState.ANSWERING: QCoreApplication.translate("SeatMap", "ok"),
        AttemptState.LOCKED: QCoreApplication.translate("SeatMap", "LOCK"),
        AttemptState.SUBMITTING: QCoreApplication.translate("SeatMap", "sending"),
        AttemptState.SUBMITTED: QCoreApplication.translate("SeatMap", "done"),
        AttemptState.AUTO_SUBMITTED: QCoreApplication.translate("SeatMap", "auto"),
    }
    return names[state]


class SeatMap(QWidget):
    """objectName ``seatMap``."""

    seatClicked = Signal(str)

    def __init__(self, live: LiveHall, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("seatMap")
        self.live = live
        self.selected: str | None = None
        self.rows = 0
        self.columns = 0
        #: Tiles drawn by the last paint (candidates' and empty seats'): for tests and the curious.
        self.painted_tiles = 0
        self.setMinimumSize(QSize(240, 160))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        # Repaint at most ~3 times a second, however busy the hall is.
        self._repaint = QTimer(self)
        self._repaint.setSingleShot(True)
        self._repaint.setInterval(300)
        self._repaint.timeout.connect(self.update)
        live.countsChanged.connect(self._schedule)
        live.connectionChanged.connect(self._schedule)

    def _schedule(self) -> None:
        if self.isVisible() and not self._repaint.isActive():
            self._repaint.start()

    def set_hall_size(self, rows: int, columns: int) -> None:
        self.rows, self.columns = rows, columns
        self.update()

    def select(self, attempt_id: str | None) -> None:
        if attempt_id != self.selected:
            self.selected = attempt_id
            self.update()

    def _grid(self) -> tuple[int, int]:
        if self.rows and self.columns:
            return self.rows, self.columns
        rows = cols = 0
        for row in self.live.hall.rows.values():
            if self._placeable(row, MAX_HALL_SIDE, MAX_HALL_SIDE):
                rows = max(rows, row.seat_row or 0)
                cols = max(cols, row.seat_col or 0)
        return rows, cols

    @staticmethod
    def _placeable(row: CandidateRow, rows: int, cols: int) -> bool:
        """A seat inside the grid; one outside (bad data) is left to the table, not drawn."""
        return bool(row.seat_row and row.seat_col and 1 <= row.seat_row <= rows and 1 <= row.seat_col <= cols)

    def _tile_rect(self, r: int, c: int, rows: int, cols: int) -> QRectF:
        gap = 3.0
        w = (self.width() - gap) / max(cols, 1)
        h = (self.height() - gap) / max(rows, 1)
        return QRectF(gap + (c - 1) * w, gap + (r - 1) * h, w - gap, h - gap)

    def seat_at(self, pos: QPoint) -> CandidateRow | None:
        rows, cols = self._grid()
        for row in self.live.hall.rows.values():
            if self._placeable(row, rows, cols) and self._tile_rect(row.seat_row or 0, row.seat_col or 0, rows, cols).contains(pos.toPointF()):
                return row
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        row = self.seat_at(event.position().toPoint())
        if row is not None:
            self.select(row.attempt_id)
            self.seatClicked.emit(row.attempt_id)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        row = self.seat_at(event.position().toPoint())
        self.setToolTip(f"{row.seat} · {row.candidate_no} {row.name}" if row else "")

    def _seated(self) -> tuple[int, int, dict[tuple[int, int], CandidateRow]]:
        """The grid and the candidate drawn at each seat: the hall's last row for a seat
        two rows claim (bad data), as it would lie on top."""
        if self.rows and self.columns:
            rows, cols = self.rows, self.columns
        else:
            rows = cols = MAX_HALL_SIDE
        seats: dict[tuple[int, int], CandidateRow] = {}
        for row in self.live.hall.rows.values():
            r, c = row.seat_row, row.seat_col
            if r and c and 1 <= r <= rows and 1 <= c <= cols:
                seats[r, c] = row
        if not (self.rows and self.columns):
            rows = max((r for r, _ in seats), default=0)
            cols = max((c for _, c in seats), default=0)
        return rows, cols, seats

    def paintEvent(self, event: QPaintEvent) -> None:
        rows, cols, seats = self._seated()
        self.painted_tiles = 0
        if not rows or not cols:
            return
        painter = QPainter(self)
        palette = self.palette()
        # A dark appearance (the system's, or the user's): deeper fills, so tiles do not glare;
        # text colour is chosen by each fill's lightness, so it reads on both.
        dark_theme = palette.color(QPalette.ColorRole.Window).lightness() < 128
        gap = 3.0
        w = (self.width() - gap) / max(cols, 1)
        h = (self.height() - gap) / max(rows, 1)
        with_text = w - gap >= 28 and h - gap >= 22  # tiny tiles: colour blocks only
        if with_text:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        names = {state: short_state(state) for state in AttemptState}
        stale = self.live.connection.state != "live"
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, min(9.0 * self._font_scale(), self.height() / rows / 4.2)))
        bold = QFont(small)
        bold.setBold(True)
        # Colours and pens once per paint, not per tile (a hall has thousands).
        fills: dict[AttemptState, QColor] = {}
        texts: dict[AttemptState, QColor] = {}
        for state, color in _FILL.items():
            fill = QColor("#e4e4e4") if stale else QColor(color)
            if dark_theme:
                fill = fill.darker(160)
            fills[state] = fill
            if stale:
                texts[state] = QColor("#666666") if fill.lightness() > 140 else QColor("#bbbbbb")
            else:
                texts[state] = QColor("#111111") if fill.lightness() > 140 else QColor("#ffffff")
        selected_pen = QPen(palette.color(QPalette.ColorRole.Highlight), 3)
        plain_pen = QPen(palette.color(QPalette.ColorRole.Mid), 1)
        border_pens = {
            severity: QPen(color.lighter(150) if dark_theme else color, 2)
            for severity, color in _BORDER.items()
        }
        flags = self.live.flags
        selected = self.selected
        for (r, c), row in seats.items():
            self.painted_tiles += 1
            rect = QRectF(gap + (c - 1) * w, gap + (r - 1) * h, w - gap, h - gap)
            fill = fills[row.state]
            hits = flags.get(row.attempt_id)
            top = hits[0].severity if hits else Severity.INFO
            border = None if stale else border_pens.get(top)
            is_selected = row.attempt_id == selected
            pen = selected_pen if is_selected else border if border is not None else plain_pen
            if not with_text:
                painter.fillRect(rect, fill)
                if is_selected or border is not None:
                    painter.setPen(pen)
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.drawRect(rect)
                continue
            painter.setPen(pen)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 3, 3)
            painter.setPen(texts[row.state])
            upper = QRectF(rect.x(), rect.y() + 1, rect.width(), rect.height() / 2)
            lower = QRectF(
                rect.x(), rect.y() + rect.height() / 2 - 1, rect.width(), rect.height() / 2
            )
            painter.setFont(small)
            painter.drawText(upper, Qt.AlignmentFlag.AlignCenter, row.seat)
            painter.setFont(bold if top >= Severity.MEDIUM else small)
            painter.drawText(lower, Qt.AlignmentFlag.AlignCenter, names[row.state])
        if self.rows and self.columns:
            # The hall's real size is known: its empty seats show as empty (dashed, no fill).
            empty_pen = QPen(palette.color(QPalette.ColorRole.Mid), 1, Qt.PenStyle.DashLine)
            painter.setPen(empty_pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for r in range(1, rows + 1):
                for c in range(1, cols + 1):
                    if (r, c) not in seats:
                        painter.drawRect(self._tile_rect(r, c, rows, cols))
                        self.painted_tiles += 1
        painter.end()

    def _font_scale(self) -> float:
        app_font = QApplication.font().pointSizeF()
        return max(1.0, app_font / 9.0) if app_font > 0 else 1.0
