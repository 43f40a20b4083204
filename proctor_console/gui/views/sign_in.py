"""Signing in and choosing a session: the two dialogs before the hall monitor.

Both are Designer forms (``ui/login_dialog.ui``, ``ui/session_list.ui``)
driven by a small controller. Network work runs as tasks on the qasync loop,
so the dialog never freezes; each failure gets its own sentence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from ...client.api import ConsoleApi
from ...client.connect import normalize_server_url
from ...client.credentials import TokenStore
from ...client.errors import (
    ApiError,
    ConsoleError,
    Forbidden,
    NotFound,
    NotThisApi,
    ServerUnreachable,
    TlsError,
    TooManyRequests,
    Unauthorized,
)
from ...client.records import ExamSession, LoginResult, User
from ..forms import child, load_form
from ..settings import ConsoleSettings
from ..tasks import TaskSet

log = logging.getLogger("proctor.signin")


class HttpClients(QObject):
    """The console's one ``httpx.AsyncClient``; replaced only when the CA bundle changes."""

    def __init__(self, make: Callable[[str | None], object], ca_bundle: str = "") -> None:
        super().__init__()
        self._make = make
        self._ca_bundle = ca_bundle
        self._client: object | None = None
        self._retired: list[object] = []

    def get(self, ca_bundle: str = "") -> object:
        if self._client is None or ca_bundle != self._ca_bundle:
            if self._client is not None:
                self._retired.append(self._client)
            self._ca_bundle = ca_bundle
            self._client = self._make(ca_bundle or None)
        return self._client

    async def aclose(self) -> None:
        for client in [*self._retired, self._client]:
            if client is not None:
                await client.aclose()  # type: ignore[attr-defined]
        self._retired.clear()
        self._client = None


def sign_in_error_text(exc: BaseException, server: str) -> str:
    """A sentence per failure: unreachable, TLS, wrong password, locked, not this API."""
    if isinstance(exc, ServerUnreachable):
        return QCoreApplication.translate("LoginDialog", "Cannot reach the server at %1. Check the address and the network.").replace("%1", server)
    if isinstance(exc, TlsError):
        return QCoreApplication.translate(
            "LoginDialog",
            "The server's TLS certificate was rejected. If your organisation uses its own "
            "certificate authority, choose its CA bundle (PEM) below.",
        )
    if isinstance(exc, Unauthorized):
        return QCoreApplication.translate("LoginDialog", "Wrong user name or password.")
    if isinstance(exc, TooManyRequests) or (isinstance(exc, ApiError) and exc.status == 423):
        text = QCoreApplication.translate(
            "LoginDialog",
            "This account is locked for now after repeated failed sign-ins. Wait a few minutes "
            "or ask an administrator.",
        )
        return f"{text} ({exc.message})" if exc.message else text
    if isinstance(exc, (NotThisApi, NotFound)):
        return QCoreApplication.translate(
            "LoginDialog",
            "%1 does not answer as a Proctor Console exam service (API v1), or the server is "
            "too old for this console. Check the address and the port.",
        ).replace("%1", server)
    if isinstance(exc, Forbidden):
        return QCoreApplication.translate("LoginDialog", "This account may not use the console.")
    if isinstance(exc, ConsoleError):
        return str(exc)
    return QCoreApplication.translate("LoginDialog", "Signing in failed: %1").replace("%1", type(exc).__name__)


@dataclass
class SignedIn:
    api: ConsoleApi
    user: User
    server: str
    token_location: str


class LoginDialog(QObject):
    """Controller of ``loginDialog``. Emits ``signedIn`` with a :class:`SignedIn`."""

    signedIn = Signal(object)

    def __init__(
        self,
        settings: ConsoleSettings,
        http: HttpClients,
        tokens: TokenStore,
        tasks: TaskSet,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.http = http
        self.tokens = tokens
        self.tasks = tasks
        self.dialog: QDialog = load_form("login_dialog.ui", parent)  # type: ignore[assignment]
        d = self.dialog
        self.serverEdit = child(d, QLineEdit, "serverEdit")
        self.usernameEdit = child(d, QLineEdit, "usernameEdit")
        self.passwordEdit = child(d, QLineEdit, "passwordEdit")
        self.rememberCheck = child(d, QCheckBox, "rememberCheck")
        self.caBundleEdit = child(d, QLineEdit, "caBundleEdit")
        self.messageLabel = child(d, QLabel, "messageLabel")
        self.keyringLabel = child(d, QLabel, "keyringLabel")
        self.buttonBox = child(d, QDialogButtonBox, "buttonBox")
        self.okButton = self.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        self.okButton.setText(self.tr("Sign in"))
        child(d, QPushButton, "caBundleButton").clicked.connect(self._choose_ca_bundle)
        recent = settings.recent_servers()
        completer = QCompleter(recent, d)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.serverEdit.setCompleter(completer)
        if recent:
            self.serverEdit.setText(recent[0])
        self.usernameEdit.setText(settings.last_username)
        self.rememberCheck.setChecked(settings.remember_me)
        self.caBundleEdit.setText(settings.ca_bundle)
        if tokens.persistent:
            self.keyringLabel.setText(
                self.tr("Your sign-in is kept in %1.").replace("%1", tokens.location)
            )
        else:
            self.keyringLabel.setText(
                self.tr(
                    "No system keyring works on this computer: your sign-in is kept in memory "
                    "for this run only, and you will sign in again next time."
                )
            )
        self.buttonBox.accepted.connect(self.submit)
        self.buttonBox.rejected.connect(d.reject)
        (self.passwordEdit if self.usernameEdit.text() else self.usernameEdit).setFocus()

    def _choose_ca_bundle(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.dialog, self.tr("CA bundle (PEM)"), "", self.tr("Certificates (*.pem *.crt);;All files (*)")
        )
        if path:
            self.caBundleEdit.setText(path)

    def show_message(self, text: str) -> None:
        self.messageLabel.setText(text)

    def set_busy(self, busy: bool) -> None:
        self.okButton.setEnabled(not busy)
        for edit in (self.serverEdit, self.usernameEdit, self.passwordEdit, self.caBundleEdit):
            edit.setEnabled(not busy)
        if busy:
            self.messageLabel.setText(self.tr("Signing in…"))

    async def try_saved_token(self) -> SignedIn | None:
        """'Remember me': sign in with the token kept in the keyring, if it still works."""
        recent = self.settings.recent_servers()
        username = self.settings.last_username
        if not (self.settings.remember_me and recent and username):
            return None
        server = recent[0]
        token = self.tokens.load(server, username)
        if not token:
            return None
        self.set_busy(True)
        try:
            api = ConsoleApi(server, self.http.get(self.settings.ca_bundle))  # type: ignore[arg-type]
            api.token = token
            user = await api.me()
        except Unauthorized:
            self.tokens.delete(server, username)
            self.set_busy(False)
            self.show_message(self.tr("Your saved sign-in has expired: enter your password."))
            return None
        except Exception as exc:  # the dialog stays for a manual sign-in
            self.set_busy(False)
            self.show_message(sign_in_error_text(exc, server))
            return None
        self.set_busy(False)
        log.info("signed in to %s as %s with the saved token", server, username)
        signed = SignedIn(api, user, api.base_url, self.tokens.location)
        self.dialog.accept()
        self.signedIn.emit(signed)
        return signed

    def submit(self) -> None:
        if self.tasks.running("sign-in"):
            return
        self.tasks.start(self.sign_in(), "sign-in")

    async def sign_in(self) -> SignedIn | None:
        raw_server = self.serverEdit.text()
        username = self.usernameEdit.text().strip()
        password = self.passwordEdit.text()
        try:
            server = normalize_server_url(raw_server)
        except ValueError as exc:
            self.show_message(str(exc))
            return None
        if not username or not password:
            self.show_message(self.tr("Enter your user name and password."))
            return None
        self.set_busy(True)
        ca_bundle = self.caBundleEdit.text().strip()
        try:
            http = self.http.get(ca_bundle)
            api = ConsoleApi(server, http)  # type: ignore[arg-type]
            await api.server_info()
            result: LoginResult = await api.login(username, password)
        except Exception as exc:  # every failure is shown, none is fatal
            log.info("sign-in to %s failed: %s", server, type(exc).__name__)
            self.set_busy(False)
            self.show_message(sign_in_error_text(exc, server))
            return None
        self.set_busy(False)
        self.passwordEdit.clear()
        self.settings.remember_server(server)
        self.settings.last_username = username
        self.settings.remember_me = self.rememberCheck.isChecked()
        self.settings.ca_bundle = ca_bundle
        location = self.tr("memory, for this run only")
        if self.rememberCheck.isChecked():
            location = self.tokens.save(server, username, result.token)
        log.info("signed in to %s as %s (token kept in %s)", server, username, location)
        signed = SignedIn(api, result.user, server, location)
        self.dialog.accept()
        self.signedIn.emit(signed)
        return signed


class SessionPicker(QObject):
    """Controller of the session list; a 6-digit exam code typed anywhere jumps to it."""

    chosen = Signal(object)

    def __init__(self, api: ConsoleApi, tasks: TaskSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.api = api
        self.tasks = tasks
        self.sessions: list[ExamSession] = []
        self.typed = ""
        self.dialog: QDialog = load_form("session_list.ui", parent)  # type: ignore[assignment]
        self.sessionList = child(self.dialog, QListWidget, "sessionList")
        self.codeLabel = child(self.dialog, QLabel, "codeLabel")
        self.messageLabel = child(self.dialog, QLabel, "messageLabel")
        self.userLabel = child(self.dialog, QLabel, "userLabel")
        buttons = child(self.dialog, QDialogButtonBox, "buttonBox")
        buttons.accepted.connect(self._open_current)
        buttons.rejected.connect(self.dialog.reject)
        self.sessionList.itemActivated.connect(lambda item: self._choose(item.data(Qt.ItemDataRole.UserRole)))
        self.dialog.installEventFilter(self)
        self.sessionList.installEventFilter(self)

    def load(self) -> None:
        self.tasks.start(self.refresh(), "sessions", replace=True)

    async def refresh(self) -> None:
        self.messageLabel.setText(self.tr("Loading sessions…"))
        try:
            self.sessions = await self.api.sessions()
        except ConsoleError as exc:
            self.messageLabel.setText(str(exc))
            return
        self.sessionList.clear()
        for session in self.sessions:
            starts = session.starts_at.astimezone().strftime("%Y-%m-%d %H:%M") if session.starts_at else "?"
            text = (
                self.tr("%1 — exam code %2 — starts %3 — %4")
                .replace("%1", session.title)
                .replace("%2", session.exam_code)
                .replace("%3", starts)
                .replace("%4", session.status)
            )
            item = QListWidgetItem(text, self.sessionList)
            item.setData(Qt.ItemDataRole.UserRole, session.id)
        if self.sessions:
            self.sessionList.setCurrentRow(0)
            self.messageLabel.clear()
        else:
            self.messageLabel.setText(self.tr("No exam session is open to you."))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            text = event.text()
            if text.isdigit() and len(text) == 1:
                self.type_digit(text)
                return True
            if event.key() == Qt.Key.Key_Backspace and self.typed:
                self.typed = self.typed[:-1]
                self.codeLabel.setText(self.typed)
                return True
        return super().eventFilter(watched, event)

    def type_digit(self, digit: str) -> None:
        self.typed = (self.typed + digit)[-6:]
        self.codeLabel.setText(self.tr("Exam code: %1").replace("%1", self.typed))
        if len(self.typed) == 6:
            match = next((s for s in self.sessions if s.exam_code == self.typed), None)
            if match is not None:
                self._choose(match.id)
            else:
                self.messageLabel.setText(
                    self.tr("No session of yours has exam code %1.").replace("%1", self.typed)
                )
                self.typed = ""

    def _open_current(self) -> None:
        item = self.sessionList.currentItem()
        if item is not None:
            self._choose(item.data(Qt.ItemDataRole.UserRole))

    def _choose(self, session_id: str) -> None:
        session = next((s for s in self.sessions if s.id == session_id), None)
        if session is None:
            return
        self.dialog.accept()
        self.chosen.emit(session)
