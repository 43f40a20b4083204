"""The hall monitor widget fed with rows (no service): counts filter, N/P,
stale shown as stale, settings round trip, Designer forms load."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from proctor_console.domain.flags import Thresholds
from proctor_console.domain.states import AttemptState
from proctor_console.gui.live_hall import ConnectionView, LiveHall
from proctor_console.gui.views.action_dialogs import SettingsForm, keys_text
from proctor_console.gui.views.hall_monitor import HallMonitor

from .test_models import NOW, make_row


def monitor_with_rows(qtbot):  # type: ignore[no-untyped-def]
    live = LiveHall(clock=lambda: NOW)
    rows = [make_row(i) for i in range(24)]
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
