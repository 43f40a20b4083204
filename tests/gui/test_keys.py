"""The keys of the hall monitor, pressed for real on the main window (fed
with rows; no service: nothing here reaches the network)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from proctor_console.client.api import ConsoleApi
from proctor_console.client.records import User
from proctor_console.domain.states import AttemptState
from proctor_console.gui.live_hall import ConnectionView
from proctor_console.gui.main_window import MainWindow
from proctor_console.gui.tasks import TaskSet

from .test_models import NOW, make_row


@pytest.fixture
def window(qtbot, settings, qloop) -> Any:  # type: ignore[no-untyped-def]
    # Any call gets a 503: these tests never need the service (the support views'
    # background refresh fails quietly, as it would against a busy service).
    http = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(503)))
    api = ConsoleApi("http://127.0.0.1:9", http)
    user = User("u1", "proctor-1", "Proctor One", "proctor", ["h1"])
    win = MainWindow(api, user, settings, TaskSet())
    rows = [make_row(i) for i in range(30)]
    for i in (4, 20):
        rows[i].state = AttemptState.LOCKED
        rows[i].locked_since = NOW
    win.live.clock = lambda: NOW
    win.live.feed_rows(rows, reset=True)
    win.live.flush()
    win.live.set_connection(ConnectionView("live", NOW))
    qtbot.addWidget(win.window)
    win.window.show()
    win.window.activateWindow()
    qtbot.waitExposed(win.window)
    yield win
    win.stop()


def dialogs(name: str) -> list[QDialog]:
    return [w for w in QApplication.topLevelWidgets() if w.objectName() == name and w.isVisible()]


def test_n_then_u_confirms_an_unlock(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    table = window.monitor.candidateTable
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_N)
    assert window.monitor.selected_ids() == ["a20"] or window.monitor.selected_ids() == ["a4"]
    qtbot.keyClick(table, Qt.Key.Key_U)
    qtbot.waitUntil(lambda: len(dialogs("unlockDialog")) == 1)
    dialog = dialogs("unlockDialog")[0]
    assert "Unlock 1 candidate" in dialog.windowTitle()
    dialog.reject()


def test_c_asks_for_a_code(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    table = window.monitor.candidateTable
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_N)
    qtbot.keyClick(table, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: len(dialogs("unlockDialog")) == 1)
    assert "code" in dialogs("unlockDialog")[0].windowTitle()
    dialogs("unlockDialog")[0].reject()


def test_filter_keys_and_escape(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    table = window.monitor.candidateTable
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.monitor.filterEdit.hasFocus()
    qtbot.keyClicks(window.monitor.filterEdit, "20260004")
    assert window.live.proxy.rowCount() == 1
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Escape)
    assert window.live.proxy.rowCount() == 30
    qtbot.keyClick(table, Qt.Key.Key_Slash)
    assert window.monitor.filterEdit.hasFocus()
    # Typing N in the filter types N; it does not jump to a candidate.
    qtbot.keyClicks(window.monitor.filterEdit, "N")
    assert window.monitor.filterEdit.text() == "N"


def test_enter_opens_details_and_f1_lists_keys(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    table = window.monitor.candidateTable
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_N)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.detailDock.isVisible()
    assert window.detail.headline.text().startswith("Seat ")
    qtbot.keyClick(table, Qt.Key.Key_F1)
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert boxes and "Unlock the selected" in boxes[0].text()
    boxes[0].close()


def test_help_keys_lists_every_shortcut_of_the_window(window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QAction, QKeySequence

    from proctor_console.gui.views.action_dialogs import keys_text

    text = keys_text()
    listed_as = {"Return": "Enter", "Ctrl+F": "Ctrl+F, /"}
    missing = []
    for action in window.window.findChildren(QAction):
        for key in action.shortcuts():
            name = key.toString(QKeySequence.SequenceFormat.PortableText)
            if name in ("Enter",) or f"<b>{listed_as.get(name, name)}" in text:
                continue
            if name in ("N", "P") and "<b>N / P" in text:
                continue
            missing.append(f"{name} ({action.objectName()})")
    assert missing == []
    for key in ("F6", "F7", "M", "Shift+C", "A", "Shift+U"):
        assert f"<b>{key}</b>" in text
