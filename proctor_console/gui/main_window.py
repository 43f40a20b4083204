"""The main window: the Designer frame (menus, actions, keys) around the hall
monitor and the candidate detail, and the proctor's actions on the API."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QSystemTrayIcon,
)

from ..client.api import ConsoleApi
from ..client.errors import ConsoleError
from ..client.feed import FeedStatus, LiveFeed
from ..client.records import ExamSession, Snapshot, User
from ..domain.flags import Flag
from ..domain.rows import CandidateRow
from ..domain.states import ACTING_ROLES, AttemptState, EscalationCategory
from .alerts import Alert, AlertDesk
from .appearance import apply_text_scale
from .forms import load_form
from .labels import flag_text
from .live_hall import ConnectionView, LiveHall
from .settings import ConsoleSettings
from .tasks import TaskSet
from .views.action_dialogs import (
    EscalateForm,
    SettingsForm,
    UnlockCodeView,
    UnlockConfirm,
    keys_text,
)
from .views.candidate_detail import CandidateDetail
from .views.hall_monitor import HallMonitor

log = logging.getLogger("proctor.window")


async def send_to_keypad(address: tuple[str, int], candidate_no: str, code: str) -> str | None:
    """Demo only: hand a code to the simulated phone's keypad. None when accepted."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(*address), timeout=5)
    try:
        line = json.dumps({"candidate_no": candidate_no, "code": code}) + "\n"
        writer.write(line.encode())
        await writer.drain()
        answer = json.loads((await asyncio.wait_for(reader.readline(), timeout=5)) or b"{}")
    finally:
        writer.close()
    if isinstance(answer, dict) and answer.get("ok") is True:
        return None
    return str(answer.get("error", "no answer")) if isinstance(answer, dict) else "bad answer"


class MainWindow(QObject):
    """Controller of ``mainWindow``; ``closed`` when the proctor closes it."""

    closed = Signal()
    sessionsRequested = Signal()
    signOutRequested = Signal()

    def __init__(
        self,
        api: ConsoleApi,
        user: User,
        settings: ConsoleSettings,
        tasks: TaskSet,
        keypad: tuple[str, int] | None = None,
    ) -> None:
        super().__init__()
        self.api = api
        self.user = user
        self.settings = settings
        self.tasks = tasks
        self.keypad = keypad
        self.session: ExamSession | None = None
        self.feed: LiveFeed | None = None
        self.code_views: dict[str, UnlockCodeView] = {}
        self.alerts: list[str] = []
        self._last_dialog: QObject | None = None  # keeps the open dialog's controller alive
        self.window: QMainWindow = load_form("main_window.ui")  # type: ignore[assignment]
        self.window.installEventFilter(self)
        self.live = LiveHall(clock=api.server_now, thresholds=settings.thresholds(), parent=self)
        self.monitor = HallMonitor(self.live, self.window)
        self.window.setCentralWidget(self.monitor)
        self.detail = CandidateDetail()
        self.detailDock = QDockWidget(self.tr("Candidate"), self.window)
        self.detailDock.setObjectName("detailDock")
        self.detailDock.setWidget(self.detail)
        self.detailDock.setMinimumWidth(380)
        self.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.detailDock)
        self.detailDock.hide()
        self.actions: dict[str, QAction] = {
            a.objectName(): a for a in self.window.findChildren(QAction) if a.objectName()
        }
        self._wire_actions()
        geometry, state = settings.window_state()
        if geometry is not None:
            self.window.restoreGeometry(geometry)
        if state is not None:
            self.window.restoreState(state)
        for name, splitter in self._splitters().items():
            saved = settings.splitter_state(name)
            if saved is not None:
                splitter.restoreState(saved)
        header = settings.header_state()
        if header is not None:
            self.monitor.candidateTable.horizontalHeader().restoreState(header)
        self.monitor.detailsRequested.connect(self.show_details)
        self.monitor.selectionChanged.connect(self._selection_changed)
        self.monitor.contextActionsRequested.connect(self._fill_context_menu)
        self.live.unlockConfirmed.connect(self._unlock_confirmed)
        # Alerts go through the desk, which turns a lock storm into one alert (gui/alerts.py).
        self.alert_desk = AlertDesk(parent=self)
        self.live.alertRaised.connect(self.alert_desk.add)
        self.alert_desk.alertReady.connect(self._alert)
        self.monitor.stormButton.clicked.connect(self.unlock_storm)
        self.stormAction = QAction(self.tr("Unlock the lock &storm…"), self.window)
        self.stormAction.setObjectName("actionUnlockStorm")
        self.stormAction.setShortcut(QKeySequence("Shift+U"))
        self.stormAction.triggered.connect(self.unlock_storm)
        self.window.addAction(self.stormAction)
        for menu in self.actions["actionUnlock"].associatedObjects():
            if isinstance(menu, QMenu):
                menu.insertAction(self.actions["actionIssueCode"], self.stormAction)
        self.actions["actionUnlockStorm"] = self.stormAction
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(self.window.windowIcon(), self.window)
            self.tray.show()
        self.detail.unlockButton.clicked.connect(self.unlock_selected)
        self.detail.codeButton.clicked.connect(self.issue_code)
        self.detail.ackButton.clicked.connect(self.ack_help)
        self.detail.escalateButton.clicked.connect(self.escalate)
        self.clock_timer = QTimer(self)
        self.clock_timer.setInterval(1000)
        self.clock_timer.timeout.connect(self._every_second)
        self.clock_timer.start()
        acting = str(user.role) in {r.value for r in ACTING_ROLES}
        for name in ("actionUnlock", "actionIssueCode", "actionAckHelp", "actionUnlockStorm"):
            self.actions[name].setVisible(acting)
        for button in (self.detail.unlockButton, self.detail.codeButton, self.detail.ackButton):
            button.setVisible(acting)  # leads read; the service would refuse them anyway
        # Support staff's escalation queue and audit (docks; what shows depends on the role).
        from .views.escalations import SupportViews

        self.support = SupportViews(self)
        # Leads' look back: menu Review -> Summary / Replay (leads and support; gui/review_window.py).
        from .review_window import ReviewMenu

        self.review = ReviewMenu(self)
        # Messages to phones and force-submit (views/phone_talk.py).
        from .views.phone_talk import PhoneTalk

        self.talk = PhoneTalk(self)
        self.window.setWindowTitle(
            self.tr("Proctor Console — %1 (%2)").replace("%1", user.display_name).replace("%2", str(user.role))
        )

    # -- wiring ------------------------------------------------------------------

    def _wire_actions(self) -> None:
        a = self.actions
        a["actionQuit"].triggered.connect(self.window.close)
        a["actionSessions"].triggered.connect(self.sessionsRequested.emit)
        a["actionSignOut"].triggered.connect(self.signOutRequested.emit)
        a["actionSettings"].triggered.connect(self.open_settings)
        a["actionFilter"].triggered.connect(self.monitor.focus_filter)
        a["actionClearFilter"].triggered.connect(self.monitor.clear_filters)
        a["actionRefresh"].triggered.connect(self.refresh)
        a["actionNextFlagged"].triggered.connect(lambda: self._step(True))
        a["actionPreviousFlagged"].triggered.connect(lambda: self._step(False))
        a["actionDetails"].triggered.connect(self._details_of_current)
        a["actionUnlock"].triggered.connect(self.unlock_selected)
        a["actionIssueCode"].triggered.connect(self.issue_code)
        a["actionAckHelp"].triggered.connect(self.ack_help)
        a["actionEscalate"].triggered.connect(self.escalate)
        a["actionKeys"].triggered.connect(self.show_keys)
        a["actionAbout"].triggered.connect(self.show_about)
        # Enter means "details" in the table only (the filter box keeps its Enter).
        details = a["actionDetails"]
        details.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.monitor.candidateTable.addAction(details)
        self.monitor.attentionList.addAction(details)
        details.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        slash = QShortcut(QKeySequence("/"), self.window)
        slash.activated.connect(self.monitor.focus_filter)
        self._slash = slash

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self._closing(event)  # type: ignore[arg-type]
        return super().eventFilter(watched, event)

    def _closing(self, event: QCloseEvent) -> None:
        self.settings.save_window_state(self.window.saveGeometry(), self.window.saveState())
        self.settings.save_header_state(self.monitor.candidateTable.horizontalHeader().saveState())
        for name, splitter in self._splitters().items():
            self.settings.save_splitter_state(name, splitter.saveState())
        self.settings.sync()
        self.stop()
        self.closed.emit()

    def stop(self) -> None:
        """The window is done: no feed, and no timer of it (or of its parts) fires again."""
        import shiboken6

        self.stop_feed()
        timers = self.findChildren(QTimer)
        if shiboken6.isValid(self.window):
            timers += self.window.findChildren(QTimer)
        for timer in timers:
            timer.stop()

    def _splitters(self) -> dict[str, QSplitter]:
        return {"hall": self.monitor.splitter, "left": self.monitor.leftSplitter}

    def show(self) -> None:
        if self.settings.window_state()[0] is None:
            screen = self.window.screen()
            if screen is not None:  # first start: use the whole screen
                self.window.setGeometry(screen.availableGeometry())
        self.window.show()

    def status(self, text: str, ms: int = 8000) -> None:
        self.window.statusBar().showMessage(text, ms)

    # -- the session's live feed ------------------------------------------------------

    def open_session(
        self,
        session: ExamSession,
        hall_id: str | None = None,
        first_snapshot: Awaitable[Snapshot] | None = None,
    ) -> None:
        """Show ``session`` (one hall of it: see ``ExamSession.feed_hall``). ``first_snapshot``:
        its snapshot, already asked for (the console's start asks before building this window)."""
        self.stop_feed()
        self.session = session
        ends = (
            session.starts_at + timedelta(minutes=session.duration_minutes)
            if session.starts_at is not None
            else None
        )
        self.live.set_session_times(session.starts_at, ends)
        self.monitor.set_session(session.title, session.exam_code, ends)
        hall_id = session.feed_hall(self.user, hall_id)
        self.hall_id = hall_id
        self.monitor.seatMap.set_hall_size(0, 0)
        seat_hall = hall_id or (session.hall_ids[0] if len(session.hall_ids) == 1 else None)
        if seat_hall is not None:
            self.tasks.start(self._load_hall_size(seat_hall), "hall-size", replace=True)
        self.start_feed(first_snapshot)

    async def _load_hall_size(self, hall_id: str) -> None:
        """The seat map's grid is the hall's rows x columns (empty seats shown as empty).
        Several halls at once share seat numbers, so then the map keeps its own guess."""
        try:
            halls = await self.api.halls()
        except ConsoleError as exc:
            log.info("hall size unknown (%s); the seat map guesses from the seats", exc)
            return
        hall = next((h for h in halls if h.id == hall_id), None)
        if hall is not None and hall.id == (self.hall_id or hall_id):
            self.monitor.seatMap.set_hall_size(hall.rows, hall.columns)

    def start_feed(self, first_snapshot: Awaitable[Snapshot] | None = None) -> None:
        assert self.session is not None
        self.feed = LiveFeed(
            self.api,
            self.session.id,
            self.hall_id,
            on_rows=self.live.feed_rows,
            on_status=self._feed_status,
            on_event=self._feed_event,
            first_snapshot=first_snapshot,
        )
        self.tasks.start(self._run_feed(self.feed), "feed", replace=True)

    async def _run_feed(self, feed: LiveFeed) -> None:
        try:
            await feed.run()
        except ConsoleError as exc:
            self.status(str(exc), 0)
            raise

    def stop_feed(self) -> None:
        if self.feed is not None:
            self.feed.stop()
            self.feed = None

    def refresh(self) -> None:
        """F5: a new snapshot and a re-sort."""
        if self.session is not None:
            self.stop_feed()
            self.start_feed()
        self.live.resort()

    def _feed_status(self, status: FeedStatus) -> None:
        self.live.set_connection(
            ConnectionView(status.state, status.since, status.next_try_at, status.detail or "")
        )
        if status.detail:
            self.status(status.detail)

    def _feed_event(self, kind: str, data: dict[str, Any]) -> None:
        self.support.feed_event(kind, data)
        if kind == "session" and self.session is not None and data.get("id") == self.session.id:
            title = data.get("title")
            if isinstance(title, str) and title:
                self.monitor.titleLabel.setText(title)

    # -- the proctor's actions -------------------------------------------------------------

    def _step(self, forward: bool) -> None:
        target = self.monitor.step_flagged(forward)
        if target is not None and self.detailDock.isVisible():
            self.show_details(target)

    def _details_of_current(self) -> None:
        current = self.monitor.current_id()
        if current is not None:
            self.show_details(current)

    def _selection_changed(self) -> None:
        current = self.monitor.current_id()
        if current is not None and self.detailDock.isVisible() and current != self.detail.attempt_id:
            self.show_details(current)

    def show_details(self, attempt_id: str) -> None:
        row = self.live.table.row_by_id(attempt_id)
        if row is None:
            return
        if not self.detailDock.isVisible():
            self.detailDock.show()
            self.window.resizeDocks([self.detailDock], [440], Qt.Orientation.Horizontal)
        self.detail.set_row(row, self.live.flags.get(attempt_id, []), self.api.server_now())
        self._show_battery(row)
        self.tasks.start(self._load_timeline(attempt_id), "timeline", replace=True)

    def _show_battery(self, row: CandidateRow) -> None:
        """The detail's sparkline: battery samples and the projection behind BATTERY_WONT_LAST."""
        now = self.api.server_now()
        hall = self.live.hall
        self.detail.battery.set_history(
            hall.battery_history(row.attempt_id),
            row.battery_pct,
            bool(row.charging),
            hall.context(row.attempt_id, now).battery_drain_per_min,
            now,
            row.deadline or hall.session_ends_at,
        )

    async def _load_timeline(self, attempt_id: str) -> None:
        try:
            events = await self.api.timeline(attempt_id)
        except ConsoleError as exc:
            self.detail.set_timeline_error(attempt_id, str(exc))
            return
        self.detail.set_timeline(attempt_id, events)

    def _locked_selection(self) -> list[str]:
        current = self.monitor.current_id()
        ids = self.monitor.selected_ids() or ([current] if current else [])
        return [
            aid
            for aid in ids
            if aid and (row := self.live.table.row_by_id(aid)) is not None and row.is_locked
        ]

    def unlock_selected(self) -> UnlockConfirm | None:
        """U: confirm, then push the unlock to every selected locked phone."""
        ids = self._locked_selection()
        if not ids:
            self.status(self.tr("Select a locked candidate first (N jumps to the next one)."))
            return None
        confirm = UnlockConfirm([self.monitor.describe(a) for a in ids], "push", self.window)
        confirm.dialog.accepted.connect(
            lambda: self.tasks.start(self._unlock_push(ids, confirm.reason), "unlock")
        )
        confirm.dialog.open()
        self._last_dialog = confirm
        return confirm

    async def _unlock_push(self, ids: list[str], reason: str) -> None:
        try:
            if len(ids) == 1:
                await self.api.unlock(ids[0], reason, "push")
                refused: list[str] = []
            else:
                results = await self.api.unlock_many(ids, reason, "push")
                refused = [r.attempt_id for r in results if not r.ok]
                for r in results:
                    if not r.ok:
                        log.info("unlock of %s refused: %s", r.attempt_id, r.error_code)
        except ConsoleError as exc:
            self.status(self.tr("Unlock failed: %1").replace("%1", str(exc)), 0)
            return
        for aid in ids:
            if aid not in refused:
                self.live.expect_unlock(aid, self.tr("unlock sent…"))
        sent = len(ids) - len(refused)
        self.status(self.tr("Unlock sent to %1 phone(s); waiting for them to confirm.").replace("%1", str(sent)))
        if refused:
            self.status(self.tr("%1 could not be unlocked (no longer locked?).").replace("%1", str(len(refused))), 0)

    def issue_code(self, offline: bool = False) -> UnlockConfirm | None:
        """C: issue a one-time code for the current locked candidate (an offline
        code when the phone is offline, or when asked: Shift+C)."""
        ids = self._locked_selection()
        if not ids:
            self.status(self.tr("Select a locked candidate first (N jumps to the next one)."))
            return None
        aid = ids[0]
        mode = "offline" if offline is True else self.code_mode(aid)
        confirm = UnlockConfirm([self.monitor.describe(aid)], mode, self.window)
        confirm.dialog.accepted.connect(
            lambda: self.tasks.start(self._issue_code(aid, confirm.reason, mode), "unlock-code")
        )
        confirm.dialog.open()
        self._last_dialog = confirm
        return confirm

    def code_mode(self, attempt_id: str) -> str:
        """'offline' for a phone that cannot reach the service now (it checks the code
        itself), else 'code' (checked by the service)."""
        row = self.live.table.row_by_id(attempt_id)
        offline = any(h.flag is Flag.OFFLINE for h in self.live.flags.get(attempt_id, []))
        return "offline" if offline or (row is not None and row.network == "none") else "code"

    async def _issue_code(self, attempt_id: str, reason: str, mode: str = "code") -> None:
        try:
            result = await self.api.unlock(attempt_id, reason, mode)
        except ConsoleError as exc:
            self.status(self.tr("No code issued: %1").replace("%1", str(exc)), 0)
            return
        if not result.code:
            self.status(self.tr("The service issued no code."), 0)
            return
        row = self.live.table.row_by_id(attempt_id)
        view = UnlockCodeView(
            self.monitor.describe(attempt_id),
            result.code,
            result.expires_at,
            self.api.server_now,
            self.keypad is not None,
            self.window,
            offline=mode == "offline",
        )
        self.code_views[attempt_id] = view
        view.dialog.finished.connect(lambda *_: self.code_views.pop(attempt_id, None))
        view.dialog.open()
        self.live.expect_unlock(attempt_id, self.tr("code issued…"))
        if self.keypad is not None and row is not None:
            try:
                error = await send_to_keypad(self.keypad, row.candidate_no, result.code)
            except (OSError, TimeoutError, ValueError) as exc:
                error = type(exc).__name__
            if error is not None:
                view.set_status(self.tr("The simulated phone did not take the code: %1").replace("%1", error))

    def _unlock_confirmed(self, attempt_id: str) -> None:
        view = self.code_views.get(attempt_id)
        if view is not None:
            view.confirm()
        self.status(self.tr("%1: unlocked ✓").replace("%1", self.monitor.describe(attempt_id)))
        if self.detail.attempt_id == attempt_id:
            self.show_details(attempt_id)

    def _alert(self, alert: Alert) -> None:
        """A new lock, stuck submission or auto-submit (or a storm of locks):
        tray notification and optional sound."""
        if alert.storm:
            text = (
                self.tr("%1 phones locked in %2 s")
                .replace("%1", str(len(alert.attempt_ids)))
                .replace("%2", f"{alert.window_s:g}")
            )
            self._show_storm()
        else:
            text = f"{flag_text(Flag(alert.flag))}: {self.monitor.describe(alert.attempt_ids[0])}"
        self.alerts.append(text)
        if self.tray is not None and not self.window.isActiveWindow():
            self.tray.showMessage(self.tr("Proctor Console"), text, QSystemTrayIcon.MessageIcon.Warning, 8000)
        if self.settings.sound:
            QApplication.beep()

    def storm_locked_ids(self) -> list[str]:
        """The last storm's candidates that are still locked."""
        return [
            aid
            for aid in self.alert_desk.coalescer.storm_ids
            if (row := self.live.table.row_by_id(aid)) is not None and row.is_locked
        ]

    def _show_storm(self) -> None:
        locked = self.storm_locked_ids()
        button = self.monitor.stormButton
        acting = self.actions["actionUnlock"].isVisible()
        if not locked or not acting:
            button.hide()
            return
        button.setText(
            self.tr("Lock storm: %1 still locked — unlock all with one reason…").replace("%1", str(len(locked)))
        )
        button.show()

    def unlock_storm(self) -> UnlockConfirm | None:
        """One action for a storm: confirm a reason, then one batch unlock for all still locked."""
        ids = self.storm_locked_ids()
        if not ids:
            self.monitor.stormButton.hide()
            self.status(self.tr("No phone of the lock storm is still locked."))
            return None
        confirm = UnlockConfirm([self.monitor.describe(a) for a in ids], "push", self.window)
        confirm.dialog.accepted.connect(
            lambda: self.tasks.start(self._unlock_push(ids, confirm.reason), "unlock-storm")
        )
        confirm.dialog.accepted.connect(self.monitor.stormButton.hide)
        confirm.dialog.open()
        self._last_dialog = confirm
        return confirm

    def ack_help(self) -> None:
        aid = self.monitor.current_id()
        if aid is None:
            return
        self.tasks.start(self._ack_help(aid), "help-ack")

    async def _ack_help(self, attempt_id: str) -> None:
        try:
            await self.api.help_ack(attempt_id)
        except ConsoleError as exc:
            self.status(str(exc), 0)
            return
        self.status(self.tr("%1: told the candidate you are on the way.").replace("%1", self.monitor.describe(attempt_id)))

    def escalate(self) -> EscalateForm | None:
        aid = self.monitor.current_id()
        if aid is None:
            self.status(self.tr("Select a candidate first."))
            return None
        row = self.live.table.row_by_id(aid)
        suggested = None
        if row is not None and row.submit_pending_since is not None:
            suggested = EscalationCategory.STUCK_SUBMISSION
        elif row is not None and row.state is AttemptState.AUTO_SUBMITTED:
            suggested = EscalationCategory.SUBMITTED_NOT_BY_CANDIDATE
        form = EscalateForm(self.monitor.describe(aid), suggested, self.window)
        form.dialog.accepted.connect(
            lambda: self.tasks.start(self._escalate(aid, form.category, form.note), "escalate")
        )
        form.dialog.open()
        self._last_dialog = form
        return form

    async def _escalate(self, attempt_id: str, category: str, note: str) -> None:
        try:
            await self.api.raise_escalation(attempt_id, category, note)
        except ConsoleError as exc:
            self.status(self.tr("Escalation failed: %1").replace("%1", str(exc)), 0)
            return
        self.status(self.tr("Escalated to support: %1").replace("%1", self.monitor.describe(attempt_id)))

    def _fill_context_menu(self, menu: QMenu) -> None:
        for name in ("actionDetails", "actionUnlock", "actionIssueCode", "actionAckHelp", "actionEscalate"):
            action = self.actions[name]
            if action.isVisible():
                menu.addAction(action)

    def open_settings(self) -> SettingsForm:
        form = SettingsForm(
            self.settings.thresholds(),
            self.settings.language,
            self.settings.ca_bundle,
            self.window,
            sound=self.settings.sound,
            text_scale=self.settings.text_scale,
        )

        def save() -> None:
            thresholds = form.thresholds()
            self.settings.set_thresholds(thresholds)
            self.settings.language = form.language
            self.settings.ca_bundle = form.ca_bundle
            self.settings.sound = form.soundCheck.isChecked()
            if form.text_scale != self.settings.text_scale:
                self.settings.text_scale = form.text_scale
                app = QApplication.instance()
                if isinstance(app, QApplication):
                    apply_text_scale(app, form.text_scale)
            self.live.set_thresholds(thresholds)

        form.dialog.accepted.connect(save)
        form.dialog.open()
        self._last_dialog = form
        return form

    def show_keys(self) -> None:
        box = QMessageBox(self.window)
        box.setWindowTitle(self.tr("Keys"))
        box.setText(keys_text())
        box.open()
        self._keys_box = box

    def show_about(self) -> QMessageBox:
        """Help -> About: this console's version and, once asked, the server's API version."""
        box = QMessageBox(self.window)
        box.setObjectName("aboutBox")
        box.setWindowTitle(self.tr("About"))
        box.setText(self._about_text(self.tr("asking…")))
        box.open()
        self._about_box = box
        self.tasks.start(self._fill_about(box), "about", replace=True)
        return box

    def _about_text(self, server: str) -> str:
        from .. import API_VERSION, __version__

        return "<br>".join(
            [
                "<b>" + self.tr("Proctor Console %1").replace("%1", __version__) + "</b>",
                self.tr("Speaks API version %1").replace("%1", API_VERSION),
                self.tr("Server %1: API version %2").replace("%1", self.api.base_url).replace("%2", server),
            ]
        )

    async def _fill_about(self, box: QMessageBox) -> None:
        import shiboken6

        try:
            info = await self.api.server_info()
            server = info.version or self.tr("not given")
        except ConsoleError as exc:
            server = self.tr("unknown (%1)").replace("%1", str(exc))
        if shiboken6.isValid(box):
            box.setText(self._about_text(server))

    def _every_second(self) -> None:
        self.monitor.update_clock()
        if self.monitor.stormButton.isVisible():
            self._show_storm()
        if self.detail.attempt_id is not None and self.detailDock.isVisible():
            row = self.live.table.row_by_id(self.detail.attempt_id)
            if row is not None:
                self.detail.set_row(row, self.live.flags.get(row.attempt_id, []), self.api.server_now())
                self._show_battery(row)

