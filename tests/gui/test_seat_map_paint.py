"""The seat map draws one tile per seat, in the colour of the candidate's state; two rows
claiming one seat (bad data) show the hall's later one, as it lies on top."""

from __future__ import annotations

from PySide6.QtGui import QColor

from proctor_console.domain.states import AttemptState
from proctor_console.gui.live_hall import ConnectionView, LiveHall
from proctor_console.gui.views.seat_map import _FILL, SeatMap

from .test_models import NOW, make_row


def test_a_seat_claimed_twice_shows_the_later_row_once(qtbot) -> None:  # type: ignore[no-untyped-def]
    live = LiveHall(clock=lambda: NOW)
    rows = [make_row(i) for i in range(12)]  # one row of 12 seats
    # a12 claims seat 1-3 too, after a2: it is drawn there, on top
    rows.append(make_row(12, seat="1-3", seat_row=1, seat_col=3, state=AttemptState.SUBMITTED))
    live.feed_rows(rows, reset=True)
    live.flush()
    live.set_connection(ConnectionView("live", NOW))
    seat_map = SeatMap(live)
    qtbot.addWidget(seat_map)
    seat_map.resize(1200, 200)
    image = seat_map.grab().toImage()
    assert seat_map.painted_tiles == 12

    def colour_at(col: int) -> QColor:
        centre = seat_map._tile_rect(1, col, 1, 12).center().toPoint()
        return image.pixelColor(centre)

    assert colour_at(3) == _FILL[AttemptState.SUBMITTED]
    assert colour_at(4) == _FILL[AttemptState.ANSWERING]
