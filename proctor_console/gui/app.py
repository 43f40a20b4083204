"""The console's staged start: arguments (done by cli), logging and folders,
then Qt, then the asyncio loop from qasync, then the windows.

``QApplication`` first, then ``asyncio.Runner(loop_factory=qasync.QEventLoop)``;
the main coroutine awaits an event the last window sets, then closes the one
HTTP client and every task it started.
"""

from __future__ import annotations

import asyncio
import logging
import logging.handlers
import os
import signal
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

log = logging.getLogger("proctor.init")
qt_log = logging.getLogger("proctor.qt")


@dataclass
class StartOptions:
    """What the console starts with; the demo fills in server, user and session."""

    language: str | None = None
    server: str | None = None
    username: str | None = None
    password: str | None = None  # demo only: never logged
    session_id: str | None = None
    hall_id: str | None = None
    keypad: tuple[str, int] | None = None
    log_level: str = "INFO"


def setup_logging(level: str = "INFO") -> Path | None:
    """A rotating log file in the platform's log folder, plus stderr for warnings."""
    from platformdirs import user_log_path

    root = logging.getLogger()
    root.setLevel(level)
    fmt = logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)
    console.setFormatter(fmt)
    root.addHandler(console)
    try:
        folder = user_log_path("proctor-console", ensure_exists=True)
        path = folder / "console.log"
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError as exc:
        log.warning("no log file (%s): logging to stderr only", exc)
        return None
    handler.setFormatter(fmt)
    root.addHandler(handler)
    return path


def route_qt_messages() -> None:
    """Qt's own warnings into Python logging (logger ``proctor.qt``)."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(kind: Any, context: Any, message: str) -> None:
        qt_log.log(levels.get(kind, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)


def install_excepthook() -> None:
    """Log an unexpected error and tell the user, instead of dying silently."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        log.critical("unexpected error", exc_info=(kind, value, tb))
        try:
            from PySide6.QtWidgets import QApplication, QMessageBox

            if QApplication.instance() is not None:
                box = QMessageBox(
                    QMessageBox.Icon.Critical,
                    QApplication.translate("Console", "Unexpected error"),
                    QApplication.translate(
                        "Console",
                        "Something went wrong in the console. It keeps running; the details "
                        "are in the log file.",
                    ),
                )
                box.setDetailedText("".join(traceback.format_exception_only(kind, value)))
                box.open()
                hook.box = box  # type: ignore[attr-defined]  # keep it alive
        except Exception:
            pass

    sys.excepthook = hook


def run(options: StartOptions) -> int:
    """The console's main: returns the exit code."""
    os.environ.setdefault("QT_API", "pyside6")  # qasync must never pick another binding
    log_path = setup_logging(options.log_level)
    install_excepthook()
    log.info("starting; log file %s", log_path)

    from PySide6.QtWidgets import QApplication

    route_qt_messages()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("proctor-console")
    app.setOrganizationName("ProctorConsole")
    app.setApplicationDisplayName("Proctor Console")
    app.setQuitOnLastWindowClosed(False)  # the main coroutine decides when to end

    from .i18n import choose_language, install_translation
    from .settings import ConsoleSettings

    settings = ConsoleSettings()
    install_translation(choose_language(options.language, settings.language))
    from .appearance import ColorSchemeFollower, apply_text_scale

    apply_text_scale(app, settings.text_scale)
    app.setProperty("proctorColorScheme", ColorSchemeFollower(app))  # follows light/dark while it runs

    import qasync

    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        code = runner.run(console_main(options, settings))
    tear_down_qt(app)
    return code


def tear_down_qt(app: Any) -> None:
    """Delete every window while the QApplication lives: left to the interpreter's
    exit, Qt objects outlive the application and the process crashes on the way out."""
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    from .i18n import remove_translation

    for widget in app.topLevelWidgets():
        widget.close()
    remove_translation()
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


async def console_main(options: StartOptions, settings: Any) -> int:
    from PySide6.QtWidgets import QMessageBox

    from ..client.connect import make_http_client
    from ..client.credentials import TokenStore
    from .session_flow import ConsoleFlow
    from .tasks import TaskSet
    from .views.sign_in import HttpClients

    done = asyncio.Event()

    def task_failed(name: str, exc: BaseException) -> None:
        if name in ("feed",):
            return  # the window shows it in the status bar
        box = QMessageBox(QMessageBox.Icon.Warning, "Proctor Console", str(exc) or type(exc).__name__)
        box.open()
        task_failed.box = box  # type: ignore[attr-defined]

    tasks = TaskSet(on_error=task_failed)
    http = HttpClients(make_http_client, settings.ca_bundle)
    flow = ConsoleFlow(options, settings, http, TokenStore(), tasks, on_done=done.set)

    # Ctrl+C and SIGTERM end the console like closing its window (Python runs the
    # handler at the next Python code: the window's one-second timer at the latest).
    def stop_on_signal(signum: int, frame: Any) -> None:
        log.info("signal %d: closing", signum)
        done.set()

    previous = {sig: signal.signal(sig, stop_on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    from PySide6.QtCore import QTimer

    wake = QTimer()  # lets Python run signal handlers even while only a dialog is open
    wake.timeout.connect(lambda: None)
    wake.start(500)
    try:
        flow.start()
        if os.environ.get("PROCTOR_SMOKE_TEST") == "sign-in":
            _smoke_test_sign_in()
        await done.wait()
    finally:
        wake.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        flow.shutdown()
        await tasks.cancel_all()
        await http.aclose()
        log.info("console closed")
    return 0


def _smoke_test_sign_in() -> None:
    """The bundle's smoke test (packaging/, PROCTOR_SMOKE_TEST=sign-in): once the
    sign-in dialog is on screen, print its title and cancel it, as a user would."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    def check() -> None:
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() == "loginDialog" and widget.isVisible() and isinstance(widget, QDialog):
                print(f"smoke test: sign-in dialog shown: {widget.windowTitle()}", flush=True)
                widget.reject()
                return
        QTimer.singleShot(50, check)

    QTimer.singleShot(0, check)
