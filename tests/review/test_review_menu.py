"""Review → Summary / Replay from the main window, for a lead signed in to the real service."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import qasync
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QTableWidget

from proctor_console.client.api import ConsoleApi
from proctor_console.client.records import ExamSession, User
from proctor_console.gui.main_window import MainWindow
from proctor_console.gui.review_window import REPLAY_TAB, SUMMARY_TAB
from proctor_console.gui.settings import ConsoleSettings
from proctor_console.gui.tasks import TaskSet

from .conftest import SimulatedExam

pytestmark = pytest.mark.slow


@pytest.fixture
def qloop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop over the running Qt loop: qtbot.waitUntil drives its tasks."""
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    for task in [t for t in asyncio.all_tasks(loop) if not t.done()]:
        task.cancel()
    for _ in range(20):
        qapp.processEvents()
    asyncio.set_event_loop(None)
    gc.collect()
    QTimer.singleShot(0, lambda: None)


def _window(exam: SimulatedExam, role: str, tmp_path: Path, http: httpx.AsyncClient) -> MainWindow:
    settings = ConsoleSettings(QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat))
    api = ConsoleApi(exam.service.base_url, http)
    user = User("u", exam.exam.lead.username, "Lead", role, [])
    win = MainWindow(api, user, settings, TaskSet())
    win.session = ExamSession.from_json(exam.exam.session)
    return win


def _stop(win: MainWindow) -> None:
    win.support.timer.stop()
    win.support.refresh_timer.stop()
    win.clock_timer.stop()


def test_a_lead_opens_the_summary_and_the_replay(
    qtbot: Any, qloop: Any, simulated_exam: SimulatedExam, tmp_path: Path
) -> None:
    http = httpx.AsyncClient(timeout=30)
    win = _window(simulated_exam, "lead", tmp_path, http)
    qtbot.addWidget(win.window)
    menu = win.review  # hooked by the main window itself
    assert menu.menu.menuAction().isVisible()

    async def sign_in() -> None:
        await win.api.login(simulated_exam.exam.lead.username, simulated_exam.exam.lead.password)

    done = win.tasks.start(sign_in(), "sign-in")
    qtbot.waitUntil(done.done, timeout=10_000)
    menu.actionSummary.trigger()
    qtbot.waitUntil(lambda: bool(menu.windows), timeout=20_000)
    review = menu.windows[-1]
    assert review.tabs.currentIndex() == SUMMARY_TAB
    figures = review.summary.findChild(QTableWidget, "summaryFigures")
    assert figures is not None
    cells = [(figures.item(r, 0), figures.item(r, 1)) for r in range(figures.rowCount())]
    shown = {a.text(): b.text() for a, b in cells if a is not None and b is not None}
    expected = simulated_exam.review.figures()
    assert shown["Locks"] == str(expected.locks_total)
    assert shown["Receipts"] == str(expected.receipts)
    menu.actionReplay.trigger()
    qtbot.waitUntil(lambda: len(menu.windows) == 2, timeout=20_000)
    assert menu.windows[-1].tabs.currentIndex() == REPLAY_TAB
    assert menu.windows[-1].replay.replay is not None
    for window in menu.windows:
        window.close()
    _stop(win)
    done = win.tasks.start(http.aclose(), "close")
    qtbot.waitUntil(done.done, timeout=5_000)


def test_a_proctor_has_no_review_menu(
    qtbot: Any, qloop: Any, simulated_exam: SimulatedExam, tmp_path: Path
) -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(503)))
    win = _window(simulated_exam, "proctor", tmp_path, http)
    qtbot.addWidget(win.window)
    menu = win.review
    assert not menu.menu.menuAction().isVisible()
    _stop(win)
