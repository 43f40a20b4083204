"""The console against a real exam service (subprocess): sign in, locks,
unlock by push and by code, stuck submission, stream drop, language."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel

from proctor_console.client.credentials import TokenStore
from proctor_console.domain.flags import Thresholds
from proctor_console.domain.states import AttemptState
from proctor_console.gui.app import StartOptions
from proctor_console.gui.models.attention import AttentionColumn
from proctor_console.gui.models.candidates import Column
from proctor_console.gui.session_flow import ConsoleFlow
from proctor_console.gui.settings import ConsoleSettings
from proctor_console.gui.tasks import TaskSet
from proctor_console.gui.views.sign_in import HttpClients

from .conftest import Phone

pytestmark = pytest.mark.slow

WAIT_MS = 20_000


def _client(ca_bundle: str | None) -> Any:
    from proctor_console.client.connect import make_http_client

    return make_http_client(ca_bundle)


@pytest.fixture
def console(qloop, qtbot, settings: ConsoleSettings, memory_keyring) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """Makes a ConsoleFlow; closes its windows and HTTP client afterwards."""
    made: list[tuple[ConsoleFlow, HttpClients, TaskSet]] = []

    def make(options: StartOptions) -> ConsoleFlow:
        tasks = TaskSet()
        http = HttpClients(_client)
        flow = ConsoleFlow(options, settings, http, TokenStore(), tasks, on_done=lambda: None)
        made.append((flow, http, tasks))
        return flow

    yield make
    for flow, http, tasks in made:
        flow.shutdown()
        if flow.window is not None:
            flow.window.window.close()
        closing = asyncio.ensure_future(_close(tasks, http))
        qtbot.waitUntil(closing.done, timeout=10_000)
    for _ in range(50):
        QApplication.processEvents()


async def _close(tasks: TaskSet, http: HttpClients) -> None:
    await tasks.cancel_all()
    await http.aclose()


def open_hall(console: Any, qtbot: Any, exam: Any) -> ConsoleFlow:
    flow = console(
        StartOptions(
            server=exam.base_url, username=exam.proctor.username, password=exam.proctor.password,
            session_id=exam.session_id, hall_id=exam.hall_id,
        )
    )
    flow.start()
    qtbot.waitUntil(lambda: flow.window is not None, timeout=WAIT_MS)
    live = flow.window.live  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: live.table.rowCount() == 12 and live.connection.state == "live", timeout=WAIT_MS)
    return flow


def row_state_text(flow: ConsoleFlow, candidate_no: str) -> str:
    live = flow.window.live  # type: ignore[union-attr]
    for pos in range(live.table.rowCount()):
        if live.table.row_at(pos).candidate_no == candidate_no:
            return str(live.table.index(pos, Column.STATE).data())
    return ""


def attempt_of(flow: ConsoleFlow, candidate_no: str) -> str:
    live = flow.window.live  # type: ignore[union-attr]
    return next(
        live.table.row_at(p).attempt_id
        for p in range(live.table.rowCount())
        if live.table.row_at(p).candidate_no == candidate_no
    )


def test_sign_in_through_the_dialog_and_pick_by_exam_code(console, qtbot, exam, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    flow = console(StartOptions())
    flow.start()
    login = flow.login
    assert login is not None and login.dialog.objectName() == "loginDialog"
    qtbot.keyClicks(login.serverEdit, exam.base_url)
    login.usernameEdit.clear()
    qtbot.keyClicks(login.usernameEdit, exam.proctor.username)
    qtbot.keyClicks(login.passwordEdit, "wrong-password")
    login.okButton.click()
    qtbot.waitUntil(lambda: "Wrong user name or password" in login.messageLabel.text(), timeout=WAIT_MS)

    login.passwordEdit.clear()
    qtbot.keyClicks(login.passwordEdit, exam.proctor.password)
    login.rememberCheck.setChecked(True)
    login.okButton.click()
    qtbot.waitUntil(lambda: flow.picker is not None and flow.picker.sessionList.count() > 0, timeout=WAIT_MS)
    # The token went to the keyring, the password nowhere.
    stored = list(memory_keyring.secrets.values())
    assert len(stored) == 1 and exam.proctor.password not in stored
    # A 6-digit exam code typed anywhere in the window opens its session.
    qtbot.keyClicks(flow.picker.dialog, exam.exam_code)
    qtbot.waitUntil(lambda: flow.window is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: flow.window.live.table.rowCount() == 12, timeout=WAIT_MS)
    assert flow.window.monitor.objectName() == "hallMonitor"
    assert exam.exam_code in flow.window.monitor.examCodeLabel.text()

    # Next start: "remember me" signs in with the saved token, no password asked.
    again = console(StartOptions())
    again.start()
    qtbot.waitUntil(lambda: again.picker is not None and again.picker.sessionList.count() > 0, timeout=WAIT_MS)
    assert not again.login.dialog.isVisible()


def test_unreachable_server_has_its_own_message(console, qtbot) -> None:  # type: ignore[no-untyped-def]
    from servicekit import free_port

    flow = console(StartOptions())
    flow.start()
    login = flow.login
    login.serverEdit.setText(f"http://127.0.0.1:{free_port()}")
    login.usernameEdit.setText("someone")
    login.passwordEdit.setText("secret")
    login.okButton.click()
    qtbot.waitUntil(lambda: "Cannot reach the server" in login.messageLabel.text(), timeout=WAIT_MS)
    assert login.okButton.isEnabled()


def test_lock_shows_then_unlock_by_push(console, qtbot, exam, service) -> None:  # type: ignore[no-untyped-def]
    flow = open_hall(console, qtbot, exam)
    window = flow.window
    cand = exam.candidates[5]
    phone = Phone(service, exam.exam_code, cand.candidate_no)
    phone.join_and_start()
    phone.lock("call")
    qtbot.waitUntil(lambda: row_state_text(flow, cand.candidate_no).startswith("LOCKED"), timeout=WAIT_MS)
    # The attention list has it first, with its seat and the fixing action.
    att = window.live.attention
    qtbot.waitUntil(lambda: att.rowCount() >= 1 and att.index(0, 0).data() == cand.seat, timeout=WAIT_MS)
    assert att.index(0, AttentionColumn.ACTION).data() == "Unlock (U)"
    # A lock is held a moment (a storm of them is one alert), then told alone.
    qtbot.waitUntil(lambda: any(cand.seat in alert and "Locked" in alert for alert in window.alerts), timeout=WAIT_MS)
    assert window.monitor.state_buttons[AttemptState.LOCKED].text().endswith("1")

    # N selects it; U asks to confirm with a preset reason; OK pushes the unlock.
    window.actions["actionNextFlagged"].trigger()
    assert window.monitor.current_id() == attempt_of(flow, cand.candidate_no)
    confirm = window.unlock_selected()
    assert confirm is not None and confirm.dialog.objectName() == "unlockDialog"
    assert confirm.reasonCombo.currentText()
    confirm.buttonBox.button(confirm.buttonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: "unlock sent" in row_state_text(flow, cand.candidate_no), timeout=WAIT_MS)

    # The phone gets the command with its next heartbeat and reports answering after it.
    answer = phone.heartbeat("locked")
    assert any(c.get("type") == "unlock" for c in answer["commands"])
    phone.heartbeat("answering")
    qtbot.waitUntil(lambda: row_state_text(flow, cand.candidate_no) == "Answering — unlocked ✓", timeout=WAIT_MS)
    phone.close()


def test_unlock_by_code_shown_large(console, qtbot, exam, service) -> None:  # type: ignore[no-untyped-def]
    flow = open_hall(console, qtbot, exam)
    window = flow.window
    cand = exam.candidates[2]
    phone = Phone(service, exam.exam_code, cand.candidate_no)
    phone.join_and_start()
    phone.lock("app_switch")
    qtbot.waitUntil(lambda: row_state_text(flow, cand.candidate_no).startswith("LOCKED"), timeout=WAIT_MS)
    window.monitor.select_attempt(attempt_of(flow, cand.candidate_no))
    confirm = window.issue_code()
    assert confirm is not None
    confirm.buttonBox.button(confirm.buttonBox.StandardButton.Ok).click()
    aid = attempt_of(flow, cand.candidate_no)
    qtbot.waitUntil(lambda: aid in window.code_views, timeout=WAIT_MS)
    view = window.code_views[aid]
    label = view.dialog.findChild(QLabel, "unlockCodeLabel")
    code = label.text().replace(" ", "")
    assert len(code) == 6 and code.isdigit()
    assert "Expires in" in view.expiryLabel.text()
    # The proctor types it on the phone.
    r = phone.post("/device/unlock", {"code": code})
    assert r.status_code == 200, r.text
    phone.heartbeat("answering")
    qtbot.waitUntil(lambda: "unlocked ✓" in view.statusLabel.text(), timeout=WAIT_MS)
    assert row_state_text(flow, cand.candidate_no) == "Answering — unlocked ✓"
    view.dialog.close()
    phone.close()


def test_stuck_submission_shows_the_servers_receipt(console, qtbot, exam, service, settings) -> None:  # type: ignore[no-untyped-def]
    settings.set_thresholds(Thresholds(stuck_submitting_after_s=1))
    flow = open_hall(console, qtbot, exam)
    window = flow.window
    cand = exam.candidates[7]
    phone = Phone(service, exam.exam_code, cand.candidate_no)
    phone.join_and_start()
    phone.heartbeat("submitting")
    receipt = phone.post("/device/submit", {"submission_id": "s-1", "answers": {"1": "A"}}).json()
    phone.heartbeat("submitting")  # the phone still spins: the server holds the paper
    aid = attempt_of(flow, cand.candidate_no)
    qtbot.waitUntil(
        lambda: any(h.flag.value == "STUCK_SUBMITTING" for h in window.live.flags.get(aid, [])),
        timeout=WAIT_MS,
    )
    window.monitor.select_attempt(aid)
    window.actions["actionDetails"].trigger()
    detail = window.detail
    assert detail.objectName() == "candidateDetail"
    qtbot.waitUntil(lambda: receipt["receipt_id"] in detail.submissionLabel.text(), timeout=WAIT_MS)
    assert "The server HAS this paper" in detail.submissionLabel.text()
    assert "Tell the candidate" in detail.submissionLabel.text()
    # The timeline lists the events in order, fetched from the service.
    qtbot.waitUntil(lambda: detail.timeline.topLevelItemCount() >= 3, timeout=WAIT_MS)
    kinds = [detail.timeline.topLevelItem(i).text(1) for i in range(detail.timeline.topLevelItemCount())]
    assert kinds[0] == "Joined" and "Paper received by the server" in kinds
    phone.close()


def test_stream_drop_and_return_misses_nothing(console, qtbot, exam, service) -> None:  # type: ignore[no-untyped-def]
    flow = open_hall(console, qtbot, exam)
    window = flow.window
    indicator = window.monitor.connectionIndicator
    assert indicator.objectName() == "connectionIndicator" and "Live" in indicator.text()
    first = Phone(service, exam.exam_code, exam.candidates[0].candidate_no)
    first.join_and_start()
    service.kill()
    qtbot.waitUntil(lambda: window.live.connection.state != "live", timeout=WAIT_MS)
    assert "Live" not in indicator.text()
    qtbot.waitUntil(lambda: "(stale)" in row_state_text(flow, exam.candidates[0].candidate_no), timeout=WAIT_MS)
    service.restart()
    # Changes made while the console is still reconnecting arrive after it.
    first.lock("screenshot")
    second = Phone(service, exam.exam_code, exam.candidates[1].candidate_no)
    second.join_and_start()
    qtbot.waitUntil(lambda: window.live.connection.state == "live", timeout=WAIT_MS * 2)
    qtbot.waitUntil(
        lambda: row_state_text(flow, exam.candidates[0].candidate_no).startswith("LOCKED")
        and row_state_text(flow, exam.candidates[1].candidate_no) == "Answering",
        timeout=WAIT_MS,
    )
    assert "Live" in indicator.text()
    first.close()
    second.close()


def test_language_switch(qapp, settings, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    from proctor_console.gui.i18n import choose_language, install_translation
    from proctor_console.gui.views.sign_in import LoginDialog

    def login_texts() -> tuple[str, str]:
        dialog = LoginDialog(settings, HttpClients(_client), TokenStore(), TaskSet())
        texts = (dialog.okButton.text(), dialog.dialog.findChild(QLabel, "usernameLabel").text())
        dialog.dialog.deleteLater()
        return texts

    try:
        assert install_translation(choose_language("zh_CN"))
        assert login_texts() == ("登录", "用户名(&U)：")
        assert install_translation(choose_language("en"))
        assert login_texts() == ("Sign in", "&User name:")
    finally:
        install_translation("en")
    assert choose_language(None, "", locale=__import__("PySide6.QtCore").QtCore.QLocale("zh_CN")) == "zh_CN"
    assert isinstance(Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole) and QDialog is not None


def test_unlock_many_at_once_and_escalate(console, qtbot, exam, service) -> None:  # type: ignore[no-untyped-def]
    flow = open_hall(console, qtbot, exam)
    window = flow.window
    phones = [Phone(service, exam.exam_code, exam.candidates[i].candidate_no) for i in (3, 4)]
    for phone in phones:
        phone.join_and_start()
        phone.lock("screenshot")
    numbers = [p.candidate_no for p in phones]
    qtbot.waitUntil(lambda: all(row_state_text(flow, n).startswith("LOCKED") for n in numbers), timeout=WAIT_MS)
    # Filter by the LOCKED count, select all, U: one confirmation for both.
    window.monitor.state_buttons[AttemptState.LOCKED].click()
    assert window.live.proxy.rowCount() == 2
    window.monitor.candidateTable.selectAll()
    confirm = window.unlock_selected()
    assert "2" in confirm.summaryLabel.text()
    confirm.buttonBox.button(confirm.buttonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: all("unlock sent" in row_state_text(flow, n) for n in numbers), timeout=WAIT_MS)
    for phone in phones:
        assert any(c.get("type") == "unlock" for c in phone.heartbeat("locked")["commands"])
        phone.heartbeat("answering")
    qtbot.waitUntil(lambda: all(row_state_text(flow, n) == "Answering — unlocked ✓" for n in numbers), timeout=WAIT_MS)

    # E: escalate one to support; the row then carries the open escalation.
    window.monitor.clear_filters()
    aid = attempt_of(flow, numbers[0])
    window.monitor.select_attempt(aid)
    form = window.escalate()
    assert form is not None and form.category
    form.noteEdit.setPlainText("paper shows another specialty")
    form.dialog.findChild(type(confirm.buttonBox), "buttonBox").button(confirm.buttonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.live.hall.rows[aid].open_escalations == 1, timeout=WAIT_MS)
    for phone in phones:
        phone.close()


def test_offline_phone_gets_an_offline_code(console, qtbot, exam, service, settings) -> None:  # type: ignore[no-untyped-def]
    import pyotp

    settings.set_thresholds(Thresholds(offline_after_s=2))
    flow = open_hall(console, qtbot, exam)
    window = flow.window
    cand = exam.candidates[11]
    phone = Phone(service, exam.exam_code, cand.candidate_no)
    phone.join_and_start()
    phone.lock("call")
    aid = attempt_of(flow, cand.candidate_no)
    # The hall's network fails: no heartbeat, and the console flags it offline by itself.
    qtbot.waitUntil(lambda: any(h.flag.value == "OFFLINE" for h in window.live.flags.get(aid, [])), timeout=WAIT_MS)
    window.monitor.select_attempt(aid)
    confirm = window.issue_code()
    assert "offline" in confirm.summaryLabel.text()
    confirm.buttonBox.button(confirm.buttonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: aid in window.code_views, timeout=WAIT_MS)
    code = window.code_views[aid].code
    assert "valid for this lock only" in window.code_views[aid].expiryLabel.text()
    # The phone checks it itself (HOTP of its seed at this lock), then reports when back online.
    assert pyotp.HOTP(phone.unlock_seed).verify(code, 1)
    r = phone.post("/device/unlock", {"code": code, "offline": True, "unlocked_at": "2026-11-30T09:00:00Z"})
    assert r.status_code == 200, r.text
    phone.heartbeat("answering")
    qtbot.waitUntil(lambda: window.live.hall.rows[aid].last_unlock_mode == "offline", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "unlocked ✓" in row_state_text(flow, cand.candidate_no), timeout=WAIT_MS)
    # The detail's timeline says it was an offline code; the next lock needs a new one.
    window.show_details(aid)
    events = window.detail.timeline
    qtbot.waitUntil(
        lambda: any("offline code" in events.topLevelItem(i).text(1) for i in range(events.topLevelItemCount())),
        timeout=WAIT_MS,
    )
    phone.lock("call")
    assert phone.post("/device/unlock", {"code": code, "offline": True}).status_code == 403
    phone.close()


def test_help_request_acknowledged(console, qtbot, exam, service) -> None:  # type: ignore[no-untyped-def]
    flow = open_hall(console, qtbot, exam)
    window = flow.window
    cand = exam.candidates[9]
    phone = Phone(service, exam.exam_code, cand.candidate_no)
    phone.join_and_start()
    assert phone.post("/device/help", {"reason": "paper", "note": "no question 12"}).status_code == 200
    aid = attempt_of(flow, cand.candidate_no)
    att = window.live.attention
    qtbot.waitUntil(lambda: att.position_of(aid) is not None, timeout=WAIT_MS)
    pos = att.position_of(aid)
    assert att.index(pos, AttentionColumn.ACTION).data() == "Go to the seat (acknowledge)"
    assert att.index(pos, AttentionColumn.PROBLEM).data() == "Asks for help: paper problem"
    window.monitor.select_attempt(aid)
    window.actions["actionAckHelp"].trigger()
    qtbot.waitUntil(lambda: window.live.hall.rows[aid].help_requested_since is None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: att.position_of(aid) is None, timeout=WAIT_MS)
    # The phone hears it with its next heartbeat.
    assert [c["type"] for c in phone.heartbeat("answering")["commands"]] == ["help_ack"]
    phone.close()


def test_account_locked_after_repeated_failures(console, qtbot, exam, service) -> None:  # type: ignore[no-untyped-def]
    import httpx

    for _ in range(6):
        httpx.post(f"{service.api}/auth/login", json={"username": exam.proctor.username, "password": "nope"})
    flow = console(StartOptions())
    flow.start()
    login = flow.login
    login.serverEdit.setText(exam.base_url)
    login.usernameEdit.setText(exam.proctor.username)
    login.passwordEdit.setText(exam.proctor.password)
    login.okButton.click()
    qtbot.waitUntil(lambda: "locked for now" in login.messageLabel.text(), timeout=WAIT_MS)
    assert exam.proctor.password not in login.messageLabel.text()


def test_not_this_api_has_its_own_message(console, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    import httpx
    from servicekit import free_port

    port = free_port()
    other = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        def up() -> bool:
            try:
                httpx.get(f"http://127.0.0.1:{port}/")
            except httpx.HTTPError:
                return False
            return True

        qtbot.waitUntil(up, timeout=WAIT_MS)
        flow = console(StartOptions())
        flow.start()
        login = flow.login
        login.serverEdit.setText(f"http://127.0.0.1:{port}")
        login.usernameEdit.setText("someone")
        login.passwordEdit.setText("secret")
        login.okButton.click()
        qtbot.waitUntil(lambda: "does not answer as a Proctor Console" in login.messageLabel.text(), timeout=WAIT_MS)
    finally:
        other.terminate()
        other.wait(10)
