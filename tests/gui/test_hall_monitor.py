"""The hall monitor widget fed with rows (no service): counts filter, N/P,
stale shown as stale, settings round trip, Designer forms load."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtWidgets import QApplication

from proctor_console.domain.flags import Thresholds
from proctor_console.domain.states import AttemptState
from proctor_console.gui import appearance
from proctor_console.gui.appearance import ColorSchemeFollower, apply_text_scale, palette_is_dark
from proctor_console.gui.live_hall import ConnectionView, LiveHall
from proctor_console.gui.views.action_dialogs import SettingsForm, keys_text
from proctor_console.gui.views.hall_monitor import HallMonitor

from .test_models import NOW, make_row


def monitor_with_rows(qtbot, count: int = 24):  # type: ignore[no-untyped-def]
    live = LiveHall(clock=lambda: NOW)
    rows = [make_row(i) for i in range(count)]
    rows[3].state = AttemptState.LOCKED
    rows[3].locked_since = NOW - timedelta(seconds=40)
    rows[17].state = AttemptState.LOCKED
    rows[17].locked_since = NOW - timedelta(seconds=90)
    live.feed_rows(rows, reset=True)
    live.flush()
    live.set_connection(ConnectionView("live", NOW))
    monitor = HallMonitor(live)
    qtbot.addWidget(monitor)
    monitor.resize(1400, 800)
    monitor.show()
    return live, monitor


def test_counts_are_filters(qtbot) -> None:  # type: ignore[no-untyped-def]
    live, monitor = monitor_with_rows(qtbot)
    locked = monitor.state_buttons[AttemptState.LOCKED]
    assert locked.text() == "LOCKED 2"
    qtbot.mouseClick(locked, Qt.MouseButton.LeftButton)
    assert live.proxy.rowCount() == 2
    assert "2 of 24" in monitor.filterSummary.text()
    qtbot.mouseClick(locked, Qt.MouseButton.LeftButton)
    assert live.proxy.rowCount() == 24


def test_next_flagged_goes_oldest_first(qtbot) -> None:  # type: ignore[no-untyped-def]
    _live, monitor = monitor_with_rows(qtbot)
    assert monitor.step_flagged(True) == "a17"  # locked 90 s ago comes before 40 s ago
    assert monitor.step_flagged(True) == "a3"
    assert monitor.step_flagged(False) == "a17"
    assert monitor.selected_ids() == ["a17"]


def test_stale_connection_is_shown(qtbot) -> None:  # type: ignore[no-untyped-def]
    live, monitor = monitor_with_rows(qtbot)
    live.set_connection(ConnectionView("stale", NOW - timedelta(seconds=30)))
    text = monitor.connectionIndicator.text()
    assert "STALE since" in text
    assert live.table.index(0, 3).data().endswith("(stale)")
    live.set_connection(ConnectionView("reconnecting", NOW, NOW + timedelta(seconds=4)))
    assert "Reconnecting at" in monitor.connectionIndicator.text()


def test_text_filter(qtbot) -> None:  # type: ignore[no-untyped-def]
    live, monitor = monitor_with_rows(qtbot)
    qtbot.keyClicks(monitor.filterEdit, "20260017")
    assert live.proxy.rowCount() == 1


def test_settings_form_round_trip(qtbot) -> None:  # type: ignore[no-untyped-def]
    form = SettingsForm(Thresholds(), "zh_CN", "", None)
    qtbot.addWidget(form.dialog)
    assert form.thresholds() == Thresholds()
    form.spins["offline_after_s"].setValue(45)
    assert form.thresholds().offline_after_s == 45
    assert form.language == "zh_CN"
    assert "Unlock the selected" in keys_text()
    assert form.text_scale == 1.0
    form.textScaleCombo.setCurrentIndex(form.textScaleCombo.findData(1.5))
    assert form.text_scale == 1.5


def test_larger_text_and_dark_scheme(qtbot, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before_font, before_palette, before_style = app.font(), app.palette(), app.style().name()
    try:
        base = app.font().pointSizeF()
        settings.text_scale = 1.5
        assert settings.text_scale == 1.5
        apply_text_scale(app, settings.text_scale)
        assert abs(app.font().pointSizeF() - round(base * 1.5, 1)) < 0.01
        apply_text_scale(app, 1.0)  # from the remembered system size, not the raised one
        assert abs(app.font().pointSizeF() - base) < 0.01

        # The offscreen platform has no colour scheme to change (colorScheme() stays
        # Unknown): say "dark" as the system would, and call what its signal calls.
        scheme = ["dark"]
        monkeypatch.setattr(appearance, "system_prefers_dark", lambda _app: scheme[0] == "dark")
        follower = ColorSchemeFollower(app)
        assert palette_is_dark(app.palette())
        _live, monitor = hall_of(qtbot, 4, 5, seated=13)
        monitor.seatMap.grab().save("/tmp/seat_small_dark.png")
        assert monitor.seatMap.painted_tiles == 20
        scheme[0] = "light"
        follower.apply()
        assert not palette_is_dark(app.palette())
        follower.deleteLater()
    finally:
        app.setStyle(before_style)
        app.setPalette(before_palette)
        app.setFont(before_font)
        app.setProperty("proctorBaseFontPointSize", None)


def test_seat_map_click_selects_the_same_candidate(qtbot) -> None:  # type: ignore[no-untyped-def]
    _live, monitor = monitor_with_rows(qtbot)
    seat_map = monitor.seatMap
    assert seat_map.objectName() == "seatMap"
    monitor.overviewTabs.setCurrentWidget(seat_map)
    qtbot.waitUntil(lambda: seat_map.width() > 100)
    # Row 17 sits at seat 2-6: click the middle of its tile.
    rows, cols = seat_map._grid()
    center = seat_map._tile_rect(2, 6, rows, cols).center().toPoint()
    qtbot.mouseClick(seat_map, Qt.MouseButton.LeftButton, pos=center)
    assert monitor.selected_ids() == ["a17"]
    assert seat_map.selected == "a17"
    monitor.select_attempt("a3")
    assert seat_map.selected == "a3"


def test_live_chart_samples_counts(qtbot) -> None:  # type: ignore[no-untyped-def]
    live, monitor = monitor_with_rows(qtbot)
    chart = monitor.liveChart
    assert chart.objectName() == "liveChart"
    chart.sample()
    assert list(chart.values["locked"]) == [2]
    assert list(chart.values["answering"]) == [22]
    live.set_connection(ConnectionView("stale", NOW))
    chart.sample()  # stale counts are not plotted
    assert len(chart.times) == 1


def hall_of(qtbot, rows: int, cols: int, seated: int):  # type: ignore[no-untyped-def]
    """A monitor over a rows x cols hall with ``seated`` candidates filling it row by row."""
    live = LiveHall(clock=lambda: NOW)
    people = [
        make_row(i, seat=f"{i // cols + 1}-{i % cols + 1}", seat_row=i // cols + 1, seat_col=i % cols + 1)
        for i in range(seated)
    ]
    for i in range(0, seated, 7):
        people[i].state = AttemptState.LOCKED
        people[i].locked_since = NOW - timedelta(seconds=30)
    live.feed_rows(people, reset=True)
    live.flush()
    live.set_connection(ConnectionView("live", NOW))
    monitor = HallMonitor(live)
    qtbot.addWidget(monitor)
    monitor.resize(1400, 900)
    monitor.show()
    monitor.overviewTabs.setCurrentWidget(monitor.seatMap)
    monitor.seatMap.set_hall_size(rows, cols)
    qtbot.waitUntil(lambda: monitor.seatMap.width() > 100)
    return live, monitor


def test_large_hall_draws_every_seat_and_a_click_selects_the_row(qtbot) -> None:  # type: ignore[no-untyped-def]
    _live, monitor = hall_of(qtbot, 30, 40, seated=1100)
    seat_map = monitor.seatMap
    image = seat_map.grab()
    image.save("/tmp/seat_large.png")
    assert seat_map.painted_tiles == 1200  # 1,100 candidates and 100 empty seats
    # The candidate at seat 20-13 is number 19*40+12 = 772: click its tile.
    center = seat_map._tile_rect(20, 13, 30, 40).center().toPoint()
    qtbot.mouseClick(seat_map, Qt.MouseButton.LeftButton, pos=center)
    assert monitor.selected_ids() == ["a772"]
    assert monitor.live.table.row_by_id("a772").seat == "20-13"
    # An empty seat selects nothing new.
    empty = seat_map._tile_rect(30, 40, 30, 40).center().toPoint()
    qtbot.mouseClick(seat_map, Qt.MouseButton.LeftButton, pos=empty)
    assert monitor.selected_ids() == ["a772"]


def test_small_room_shows_empty_seats_as_empty(qtbot) -> None:  # type: ignore[no-untyped-def]
    _live, monitor = hall_of(qtbot, 4, 5, seated=13)
    seat_map = monitor.seatMap
    seat_map.grab().save("/tmp/seat_small.png")
    assert seat_map.painted_tiles == 20
    assert seat_map._tile_rect(4, 5, 4, 5).width() > 100  # the room fills the map (zoomed to fit)


def test_attention_columns_are_fitted_again_soon_after_the_list_changes(qtbot) -> None:  # type: ignore[no-untyped-def]
    from proctor_console.gui.models.attention import AttentionColumn

    live, monitor = monitor_with_rows(qtbot)
    view = monitor.attentionList
    problem = live.attention.index(0, AttentionColumn.PROBLEM).data()
    needed = view.fontMetrics().horizontalAdvance(problem)
    qtbot.waitUntil(lambda: not monitor._fit_attention.isActive(), timeout=3000)  # the first fit is done
    assert view.columnWidth(AttentionColumn.PROBLEM) >= needed
    view.setColumnWidth(AttentionColumn.PROBLEM, 5)  # squeezed, as by hand
    row = make_row(5)
    row.version += 1
    row.state = AttemptState.LOCKED
    row.locked_since = NOW - timedelta(seconds=10)
    live.feed_rows([row])
    live.flush()
    assert live.attention.position_of(row.attempt_id) is not None
    qtbot.waitUntil(lambda: view.columnWidth(AttentionColumn.PROBLEM) >= needed, timeout=3000)


class _PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.regions: list[QRect] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.regions.append(event.rect())  # type: ignore[attr-defined]
        return False


def test_a_change_repaints_its_row_when_in_view_and_nothing_when_out_of_view(qtbot) -> None:  # type: ignore[no-untyped-def]
    live, monitor = monitor_with_rows(qtbot, 400)
    qtbot.waitExposed(monitor)
    view = monitor.candidateTable
    counter = _PaintCounter()
    view.viewport().installEventFilter(counter)
    QApplication.processEvents()
    counter.regions.clear()

    far = make_row(390)  # sorted by seat: far below the rows in view
    far.version += 1
    far.battery_pct = 7
    live.feed_rows([far])
    live.flush()
    QApplication.processEvents()
    assert counter.regions == []

    near = make_row(2)
    near.version += 1
    near.state = AttemptState.LOCKED
    near.locked_since = NOW
    live.feed_rows([near])
    live.flush()
    position = live.table.position_of("a2")
    assert position is not None
    row = live.proxy.mapFromSource(live.table.index(position, 0)).row()
    y = view.rowViewportPosition(row)
    qtbot.waitUntil(lambda: any(r.top() <= y < r.bottom() for r in counter.regions), timeout=3000)
