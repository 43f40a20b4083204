"""The detail's battery sparkline: the samples the hall kept and the projection
that raises BATTERY_WONT_LAST, drawn for the selected candidate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from proctor_console.client.api import ConsoleApi
from proctor_console.client.records import User
from proctor_console.domain.flags import Flag
from proctor_console.gui.live_hall import ConnectionView
from proctor_console.gui.main_window import MainWindow
from proctor_console.gui.tasks import TaskSet

from .test_models import NOW, make_row


@pytest.fixture
def window(qtbot, settings, qloop) -> Any:  # type: ignore[no-untyped-def]
    http = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(503)))
    api = ConsoleApi("http://127.0.0.1:9", http)
    api.server_now = lambda: NOW  # type: ignore[method-assign]
    win = MainWindow(api, User("u1", "proctor-1", "Proctor One", "proctor", ["h1"]), settings, TaskSet())
    win.live.clock = lambda: NOW
    win.live.set_session_times(NOW - timedelta(minutes=60), NOW + timedelta(minutes=30))
    qtbot.addWidget(win.window)
    win.window.show()
    qtbot.waitExposed(win.window)
    yield win
    win.stop()


def test_draining_phone_shows_samples_and_a_projection_to_empty_before_the_end(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    # a1 loses 3 % a minute: 30 % left now, empty in 10 min, the exam ends in 30.
    for k in range(6):
        beat = make_row(1, version=k + 1, battery_pct=45 + 3 * (5 - k) - 15, last_seen=NOW - timedelta(minutes=5 - k))
        window.live.feed_rows([beat])
        window.live.flush()
    window.live.feed_rows([make_row(2)])
    window.live.flush()
    window.live.set_connection(ConnectionView("live", NOW))
    assert any(h.flag is Flag.BATTERY_WONT_LAST for h in window.live.hall.flags("a1", NOW))

    window.show_details("a1")
    spark = window.detail.battery
    _xs, ys = spark.samples.getData()
    assert list(ys) == [45, 42, 39, 36, 33, 30]
    _px, py = spark.projected.getData()
    assert list(py) == [30.0, 0.0]  # from now, down to empty
    assert spark.empty_at is not None and abs((spark.empty_at - NOW).total_seconds() - 600) < 1
    assert "empty ~" in spark.caption.text() and "before the end" in spark.caption.text()
    window.detail.grab().save("/tmp/battery_sparkline.png")

    # A steady phone: samples, no projection.
    window.show_details("a2")
    assert list(spark.projected.getData()[1] or []) == []
    assert "not measured" in spark.caption.text()
