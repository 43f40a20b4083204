"""Alerts: a storm of locks is one alert that says so, with one action for all
of them; single locks and other alerts are told one by one. Also here (same
main window fixture): opening a session sizes the seat map to its hall."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from PySide6.QtWidgets import QApplication, QDialog

from proctor_console.client.api import ConsoleApi
from proctor_console.client.records import ExamSession, User
from proctor_console.domain.flags import Flag
from proctor_console.domain.states import AttemptState
from proctor_console.gui.alerts import AlertCoalescer
from proctor_console.gui.live_hall import ConnectionView
from proctor_console.gui.main_window import MainWindow
from proctor_console.gui.tasks import TaskSet

from .test_models import NOW, make_row

LOCKED = Flag.LOCKED.value


def test_a_storm_is_one_alert_and_later_locks_join_it() -> None:
    desk = AlertCoalescer(threshold=20, window_s=10, hold_s=1.5)
    out = []
    for i in range(23):
        out += desk.add(f"a{i}", LOCKED, now=i * 0.02)
    out += desk.poll(now=2.0)
    assert len(out) == 1 and out[0].storm and len(out[0].attempt_ids) == 23
    # More locks while the storm lasts: no new alert, but they join the storm.
    assert desk.add("a99", LOCKED, now=5.0) == [] and desk.poll(now=7.0) == []
    assert "a99" in desk.storm_ids
    # Quiet for the window: the next lock is told alone again.
    assert desk.add("a100", LOCKED, now=16.0) == []
    alone = desk.poll(now=17.6)
    assert [(a.storm, a.attempt_ids) for a in alone] == [(False, ("a100",))]


def test_a_few_locks_and_other_alerts_are_told_one_by_one() -> None:
    desk = AlertCoalescer(threshold=20, window_s=10, hold_s=1.5)
    held = desk.add("a1", LOCKED, now=0.0) + desk.add("a2", LOCKED, now=0.1)
    assert held == []  # held a moment in case a storm is starting
    now_told = desk.add("a3", Flag.AUTO_SUBMITTED.value, now=0.2)
    assert [a.attempt_ids for a in now_told] == [("a3",)]
    told = desk.poll(now=1.7)
    assert [a.attempt_ids for a in told] == [("a1",), ("a2",)] and not any(a.storm for a in told)


@pytest.fixture
def window(qtbot, settings, qloop) -> Any:  # type: ignore[no-untyped-def]
    requests: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.url.path.endswith("/attempts/unlock"):
            ids = json.loads(request.content)["attempt_ids"]
            return httpx.Response(200, json={"results": [{"attempt_id": a, "status": "queued"} for a in ids]})
        if request.url.path.endswith("/halls"):
            return httpx.Response(200, json={"halls": [{"id": "h1", "name": "Hall 1", "rows": 30, "columns": 40}]})
        return httpx.Response(503)

    http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = ConsoleApi("http://127.0.0.1:9", http)
    user = User("u1", "proctor-1", "Proctor One", "proctor", ["h1"])
    win = MainWindow(api, user, settings, TaskSet())
    win.requests = requests
    win.live.clock = lambda: NOW
    win.live.feed_rows([make_row(i) for i in range(60)], reset=True)
    win.live.flush()
    win.live.set_connection(ConnectionView("live", NOW))
    qtbot.addWidget(win.window)
    win.window.show()
    qtbot.waitExposed(win.window)
    yield win
    win.stop()


def test_lock_storm_in_the_console_is_one_alert_and_one_batch_unlock(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    clock = [1000.0]
    window.alert_desk.clock = lambda: clock[0]
    locked = [make_row(i, version=2, state=AttemptState.LOCKED, locked_since=NOW) for i in range(23)]
    window.live.feed_rows(locked)
    window.live.flush()
    clock[0] += 2.0  # the hold is over
    qtbot.waitUntil(lambda: window.monitor.stormButton.isVisible())
    assert window.alerts == ["23 phones locked in 10 s"]
    assert "23 still locked" in window.monitor.stormButton.text()

    window.monitor.stormButton.click()
    dialog = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "unlockDialog" and w.isVisible())
    assert isinstance(dialog, QDialog) and "Unlock 23 candidate" in dialog.windowTitle()
    dialog.accept()
    sent = lambda: [r for r in window.requests if r.url.path.endswith("/attempts/unlock")]  # noqa: E731
    qtbot.waitUntil(lambda: len(sent()) == 1)
    body = json.loads(sent()[0].content)
    assert sorted(body["attempt_ids"]) == sorted(f"a{i}" for i in range(23))
    assert body["reason"] and body["mode"] == "push"
    assert not window.monitor.stormButton.isVisible()
    assert len(window.alerts) == 1


def test_opening_a_session_sizes_the_seat_map_to_the_hall(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    session = ExamSession("s1", "Maths", "MATH01", NOW, 120, 3, False, [], 100, ["h1"], "open")
    window.open_session(session, "h1")
    qtbot.waitUntil(lambda: (window.monitor.seatMap.rows, window.monitor.seatMap.columns) == (30, 40))
    window.stop_feed()
