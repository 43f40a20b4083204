"""The console's way through its windows: sign in → sessions → hall monitor.

Kept apart from ``app`` so tests can drive the same flow on a test loop.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from ..client.api import ConsoleApi
from ..client.credentials import TokenStore
from ..client.errors import ConsoleError
from ..client.records import ExamSession, Snapshot
from .settings import ConsoleSettings
from .tasks import TaskSet
from .views.sign_in import HttpClients, LoginDialog, SessionPicker, SignedIn

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger("proctor.init")

WINDOW_MODULES = (
    "proctor_console.gui.main_window",
    "proctor_console.gui.views.hall_monitor",
    "proctor_console.gui.views.live_chart",
    "proctor_console.gui.views.seat_map",
    "proctor_console.gui.views.escalations",
    "proctor_console.gui.review_window",
    "proctor_console.gui.views.phone_talk",
)
"""What the hall window imports (MainWindow and what its constructor imports): most of
the start-up's import time (pyqtgraph, numpy). Imported only when the window is built,
and ahead of that in a thread while the user signs in or chooses a session
(``import_window_ahead``)."""


def import_window_ahead() -> None:
    """Import the hall window's modules in a thread while the user is busy with a dialog;
    the window's own import waits for it if it is not done."""

    def run() -> None:
        try:
            for name in WINDOW_MODULES:
                importlib.import_module(name)
        except Exception:  # the main thread's own import raises it again, where it is handled
            log.debug("ahead-of-time import of the window failed", exc_info=True)

    threading.Thread(target=run, name="import-window", daemon=True).start()


class ConsoleFlow(QObject):
    def __init__(
        self,
        options: Any,
        settings: ConsoleSettings,
        http: HttpClients,
        tokens: TokenStore,
        tasks: TaskSet,
        on_done: Callable[[], None],
    ) -> None:
        super().__init__()
        self.options = options
        self.settings = settings
        self.http = http
        self.tokens = tokens
        self.tasks = tasks
        self.on_done = on_done
        self.login: LoginDialog | None = None
        self.picker: SessionPicker | None = None
        self.window: MainWindow | None = None
        self.signed: SignedIn | None = None

    def start(self) -> None:
        if self.options.server and self.options.username and self.options.password:
            self.tasks.start(self._direct_sign_in(), "sign-in")
        else:
            self.show_login()
            import_window_ahead()  # while the user signs in

    def show_login(self) -> LoginDialog:
        self.login = LoginDialog(self.settings, self.http, self.tokens, self.tasks)
        self.login.signedIn.connect(self._signed_in)
        self.login.dialog.rejected.connect(self._login_cancelled)
        self.login.dialog.show()
        self.tasks.start(self.login.try_saved_token(), "saved-sign-in")
        return self.login

    def _login_cancelled(self) -> None:
        if self.window is None:
            self.on_done()

    async def _direct_sign_in(self) -> None:
        """The demo: signed in as the hall's proctor, no dialog."""
        api = ConsoleApi(self.options.server, self.http.get(""))  # type: ignore[arg-type]
        try:
            result = await api.login(self.options.username, self.options.password)
        except ConsoleError as exc:
            box = QMessageBox(QMessageBox.Icon.Critical, "Proctor Console", str(exc))
            box.finished.connect(lambda *_: self.on_done())
            box.open()
            self._box = box
            return
        self._signed_in(SignedIn(api, result.user, api.base_url, "memory"))

    def _signed_in(self, signed: SignedIn) -> None:
        self.signed = signed
        if self.options.session_id:
            self.tasks.start(self._open_session_by_id(self.options.session_id), "open-session")
        else:
            self.show_sessions()
            if self.window is None:
                import_window_ahead()  # while the user chooses

    def show_sessions(self) -> SessionPicker:
        assert self.signed is not None
        self.picker = SessionPicker(self.signed.api, self.tasks, self.window.window if self.window else None)
        self.picker.userLabel.setText(
            self.tr("Signed in as %1 at %2").replace("%1", self.signed.user.display_name).replace("%2", self.signed.server)
        )
        self.picker.chosen.connect(self.open_session)
        self.picker.dialog.rejected.connect(self._sessions_cancelled)
        self.picker.dialog.show()
        self.picker.load()
        return self.picker

    def _sessions_cancelled(self) -> None:
        if self.window is None:
            self.on_done()

    async def _open_session_by_id(self, session_id: str) -> None:
        assert self.signed is not None
        api = self.signed.api
        sessions = await api.sessions()
        match = next((s for s in sessions if s.id == session_id), None)
        if match is None:
            raise ConsoleError(f"Session {session_id} is not open to this account.")
        if self.window is not None:
            self.open_session(match)
            return
        # The snapshot is the service's longest answer (seconds for thousands of rows): ask
        # for it first, and build the window while the service prepares it. Building blocks
        # the loop, so wait until the request is on the wire (or failed) before building.
        sent = asyncio.Event()
        hall = match.feed_hall(self.signed.user, self.options.hall_id)
        snapshot = asyncio.ensure_future(api.snapshot(match.id, hall, sent=sent))
        on_wire = asyncio.ensure_future(sent.wait())
        try:
            await asyncio.wait({snapshot, on_wire}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            snapshot.cancel()
            raise
        finally:
            on_wire.cancel()
        # The window's modules are imported here, while the service prepares the snapshot; a
        # thread importing them during the sign-in held the GIL and a core and slowed it.
        self.open_session(match, snapshot)

    def open_session(
        self, session: ExamSession, first_snapshot: Awaitable[Snapshot] | None = None
    ) -> None:
        assert self.signed is not None
        if self.window is None:
            from .main_window import MainWindow  # waits here if app's thread is still importing it

            self.window = MainWindow(
                self.signed.api, self.signed.user, self.settings, self.tasks, self.options.keypad
            )
            self.window.closed.connect(self.on_done)
            self.window.sessionsRequested.connect(self.show_sessions)
            self.window.signOutRequested.connect(self.sign_out)
        self.window.open_session(session, self.options.hall_id, first_snapshot)
        self.window.show()

    def sign_out(self) -> None:
        if self.signed is not None:
            self.tokens.delete(self.signed.server, self.signed.user.username)
            api = self.signed.api
            self.tasks.start(api.logout(), "sign-out")
        if self.window is not None:
            window, self.window = self.window, None
            window.stop_feed()
            window.closed.disconnect(self.on_done)
            window.window.close()
        self.signed = None
        self.show_login()

    def shutdown(self) -> None:
        if self.window is not None:
            self.window.stop_feed()
