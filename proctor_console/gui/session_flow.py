"""The console's way through its windows: sign in → sessions → hall monitor.

Kept apart from ``app`` so tests can drive the same flow on a test loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from ..client.api import ConsoleApi
from ..client.credentials import TokenStore
from ..client.errors import ConsoleError
from ..client.records import ExamSession
from .main_window import MainWindow
from .settings import ConsoleSettings
from .tasks import TaskSet
from .views.sign_in import HttpClients, LoginDialog, SessionPicker, SignedIn

log = logging.getLogger("proctor.init")


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
        sessions = await self.signed.api.sessions()
        match = next((s for s in sessions if s.id == session_id), None)
        if match is None:
            raise ConsoleError(f"Session {session_id} is not open to this account.")
        self.open_session(match)

    def open_session(self, session: ExamSession) -> None:
        assert self.signed is not None
        if self.window is None:
            self.window = MainWindow(
                self.signed.api, self.signed.user, self.settings, self.tasks, self.options.keypad
            )
            self.window.closed.connect(self.on_done)
            self.window.sessionsRequested.connect(self.show_sessions)
            self.window.signOutRequested.connect(self.sign_out)
        self.window.open_session(session, self.options.hall_id)
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
