"""Help -> About: the console's version and the server's API version, read from
the real service's /openapi.json (in process, over httpx's ASGI transport)."""

from __future__ import annotations

from pathlib import Path

import httpx
from PySide6.QtWidgets import QMessageBox
from servicekit import create_asgi_app, sqlite_url

from proctor_console import API_VERSION, __version__
from proctor_console.client.api import ConsoleApi
from proctor_console.client.records import User
from proctor_console.gui.main_window import MainWindow
from proctor_console.gui.tasks import TaskSet


def test_about_shows_both_versions(qtbot, settings, qloop, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = create_asgi_app(sqlite_url(tmp_path), run_background=False)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    api = ConsoleApi("http://testserver", http)
    user = User("u1", "proctor-1", "Proctor One", "proctor", ["h1"])
    window = MainWindow(api, user, settings, TaskSet())
    qtbot.addWidget(window.window)
    try:
        window.actions["actionAbout"].trigger()
        box = window._about_box
        assert isinstance(box, QMessageBox)
        assert f"Proctor Console {__version__}" in box.text()
        qtbot.waitUntil(lambda: f"API version {API_VERSION}" in box.text() and "asking" not in box.text())
        assert "http://testserver: API version 1" in box.text()
        box.close()
    finally:
        window.stop()
