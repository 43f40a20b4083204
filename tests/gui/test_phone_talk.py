"""Talking with the phone from the console, against a real exam service
(subprocess): a message sent with M reaches the phone and shows delivered,
presets are kept, force-submit asks for a reason (and the count for a
selection) and keeps the saved answers, a lead has no such action and the
service refuses one."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from proctor_console.client.credentials import TokenStore
from proctor_console.client.errors import ConsoleError, Forbidden
from proctor_console.domain.states import AttemptState
from proctor_console.gui.app import StartOptions
from proctor_console.gui.session_flow import ConsoleFlow
from proctor_console.gui.settings import ConsoleSettings
from proctor_console.gui.tasks import TaskSet
from proctor_console.gui.views.phone_talk import (
    PRESETS_KEY,
    MessageDialog,
    MessagePresets,
    default_message_presets,
)
from proctor_console.gui.views.sign_in import HttpClients

from .conftest import Phone

WAIT_MS = 20_000


def _client(ca_bundle: str | None) -> Any:
    from proctor_console.client.connect import make_http_client

    return make_http_client(ca_bundle)


@pytest.fixture
def console(qloop, qtbot, settings: ConsoleSettings, memory_keyring) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """Opens a console signed in as one account on the exam's hall; closes them all afterwards."""
    made: list[tuple[ConsoleFlow, HttpClients, TaskSet]] = []

    def open_as(exam: Any, account: Any) -> ConsoleFlow:
        tasks = TaskSet()
        http = HttpClients(_client)
        options = StartOptions(
            server=exam.base_url, username=account.username, password=account.password,
            session_id=exam.session_id, hall_id=exam.hall_id,
        )  # fmt: skip
        flow = ConsoleFlow(options, settings, http, TokenStore(), tasks, on_done=lambda: None)
        made.append((flow, http, tasks))
        flow.start()
        qtbot.waitUntil(lambda: flow.window is not None, timeout=WAIT_MS)
        live = flow.window.live  # type: ignore[union-attr]
        qtbot.waitUntil(lambda: live.connection.state == "live" and live.table.rowCount() == 12, timeout=WAIT_MS)
        return flow

    yield open_as
    for flow, http, tasks in made:
        flow.shutdown()
        if flow.window is not None:
            # Timers that would start requests after the test's loop is gone.
            for timer in (flow.window.clock_timer, flow.window.support.timer, flow.window.support.refresh_timer):
                timer.stop()
            flow.window.window.close()
        closing = asyncio.ensure_future(_close(tasks, http))
        qtbot.waitUntil(closing.done, timeout=10_000)
    for _ in range(50):
        QApplication.processEvents()


async def _close(tasks: TaskSet, http: HttpClients) -> None:
    await tasks.cancel_all()
    await http.aclose()


def attempt_of(flow: ConsoleFlow, candidate_no: str) -> str:
    live = flow.window.live  # type: ignore[union-attr]
    return next(
        live.table.row_at(p).attempt_id
        for p in range(live.table.rowCount())
        if live.table.row_at(p).candidate_no == candidate_no
    )


def visible_dialog(name: str) -> Any:
    found = [w for w in QApplication.topLevelWidgets() if w.objectName() == name and w.isVisible()]
    return found[0] if found else None


@pytest.mark.slow
def test_message_by_key_reaches_the_phone_and_shows_delivered(console, qtbot, exam, service) -> None:  # type: ignore[no-untyped-def]
    flow = console(exam, exam.proctor)
    window = flow.window
    cand = exam.candidates[0]
    phone = Phone(service, exam.exam_code, cand.candidate_no)
    phone.join_and_start()
    aid = attempt_of(flow, cand.candidate_no)
    qtbot.waitUntil(lambda: window.live.hall.rows[aid].state is AttemptState.ANSWERING, timeout=WAIT_MS)
    window.monitor.select_attempt(aid)
    window.show_details(aid)
    table = window.monitor.candidateTable
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: visible_dialog("messageDialog") is not None, timeout=5000)
    talk = window.talk
    dialog = talk._dialog
    assert isinstance(dialog, MessageDialog) and cand.candidate_no in dialog.recipientsLabel.text()
    assert not dialog.sendButton.isEnabled()  # nothing to send yet
    dialog.presetCombo.setCurrentIndex(1)
    dialog.presetCombo.activated.emit(1)
    text = default_message_presets()[0]
    assert dialog.text == text
    dialog.sendButton.click()
    qtbot.waitUntil(lambda: len(talk.sent) == 1, timeout=WAIT_MS)
    (command_id,) = talk.sent
    assert talk.dock.isVisible()
    assert "waiting for the phone" in talk.messagesView.status_of(command_id)
    # The phone gets it with its next heartbeat ...
    commands = phone.heartbeat("answering")["commands"]
    assert commands == [{"type": "message", "id": command_id, "text": text}]
    # ... and the console shows it delivered, in the list and in the detail's timeline.
    qtbot.waitUntil(lambda: "delivered" in talk.messagesView.status_of(command_id), timeout=WAIT_MS)
    kinds = lambda: [window.detail.timeline.topLevelItem(i).text(1) for i in range(window.detail.timeline.topLevelItemCount())]  # noqa: E731
    qtbot.waitUntil(lambda: "Message delivered" in kinds() and "Message sent" in kinds(), timeout=WAIT_MS)
    timeline = window.detail.timeline
    delivered = next(timeline.topLevelItem(i) for i in range(timeline.topLevelItemCount()) if timeline.topLevelItem(i).text(1) == "Message delivered")
    assert delivered.text(3) == text and delivered.text(2) == "phone"
    phone.close()


@pytest.mark.slow
def test_message_to_a_selection_and_too_long_text(console, qtbot, exam, service) -> None:  # type: ignore[no-untyped-def]
    flow = console(exam, exam.proctor)
    window = flow.window
    phones = [Phone(service, exam.exam_code, c.candidate_no) for c in exam.candidates[1:4]]
    for phone in phones:
        phone.join_and_start()
    ids = [attempt_of(flow, p.candidate_no) for p in phones]
    qtbot.waitUntil(lambda: all(window.live.hall.rows[a].state is AttemptState.ANSWERING for a in ids), timeout=WAIT_MS)
    dialog = window.talk.message_to(ids)
    assert dialog is not None and "3 phone(s)" in dialog.dialog.windowTitle()
    dialog.messageEdit.setPlainText("x" * 201)
    assert not dialog.sendButton.isEnabled() and "201/200" in dialog.countLabel.text()
    dialog.messageEdit.setPlainText("请安静 / Quiet, please")
    dialog.sendButton.click()
    qtbot.waitUntil(lambda: len(window.talk.sent) == 3, timeout=WAIT_MS)
    for phone in phones:
        assert [c["text"] for c in phone.heartbeat("answering")["commands"]] == ["请安静 / Quiet, please"]
    qtbot.waitUntil(
        lambda: all(m.delivered_at is not None for m in window.talk.sent.values()), timeout=WAIT_MS
    )
    for phone in phones:
        phone.close()


def test_presets_are_editable_and_kept(qtbot, settings) -> None:  # type: ignore[no-untyped-def]
    presets = MessagePresets(settings.store)
    assert presets.load() == default_message_presets()
    dialog = MessageDialog(["3-4 · 2026001 张三"], presets)
    qtbot.addWidget(dialog.dialog)
    dialog.messageEdit.setPlainText("请举手 / Raise your hand")
    assert dialog.keepButton.isEnabled() and not dialog.removeButton.isEnabled()
    dialog.keep_preset()
    assert presets.load()[-1] == "请举手 / Raise your hand"
    dialog.messageEdit.setPlainText(default_message_presets()[0])
    assert dialog.removeButton.isEnabled()
    dialog.remove_preset()
    settings.sync()
    again = MessagePresets(type(settings.store)(settings.store.fileName(), settings.store.format()))
    kept = again.load()
    assert default_message_presets()[0] not in kept and "请举手 / Raise your hand" in kept
    assert settings.store.contains(PRESETS_KEY)


@pytest.mark.slow
def test_force_submit_a_selection_keeps_saved_answers(console, qtbot, exam, service) -> None:  # type: ignore[no-untyped-def]
    flow = console(exam, exam.proctor)
    window = flow.window
    phones = [Phone(service, exam.exam_code, c.candidate_no) for c in exam.candidates[4:6]]
    for phone in phones:
        phone.join_and_start()
        # Five answers saved, as the phone's heartbeats also say (answered: 5).
        answers = {str(q): "ABCD"[q % 4] for q in range(1, 6)}
        assert phone.post("/device/answers", {"answers": answers}).status_code == 200
    ids = [attempt_of(flow, p.candidate_no) for p in phones]
    qtbot.waitUntil(lambda: all(window.live.hall.rows[a].state is AttemptState.ANSWERING for a in ids), timeout=WAIT_MS)
    window.monitor.select_attempt(ids[0])
    window.monitor.candidateTable.selectionModel().select(
        window.live.proxy.mapFromSource(window.live.table.index(window.live.table.position_of(ids[1]), 0)),
        window.monitor.candidateTable.selectionModel().SelectionFlag.Select
        | window.monitor.candidateTable.selectionModel().SelectionFlag.Rows,
    )
    assert sorted(window.monitor.selected_ids()) == sorted(ids)
    window.actions["actionForceSubmit"].trigger()
    dialog = window.talk._dialog
    assert visible_dialog("forceSubmitDialog") is not None
    summary = dialog.summaryLabel.text()
    for phone, cand in zip(phones, exam.candidates[4:6], strict=True):
        assert phone.candidate_no in summary and cand.seat in summary
    assert not dialog.okButton.isEnabled()  # no reason yet
    dialog.reasonCombo.setEditText("left the hall together")
    assert not dialog.okButton.isEnabled()  # the number of papers not typed
    dialog.confirmCountEdit.setText("3")
    assert not dialog.okButton.isEnabled()
    dialog.confirmCountEdit.setText("2")
    assert dialog.okButton.isEnabled()
    dialog.okButton.click()
    qtbot.waitUntil(
        lambda: all(window.live.hall.rows[a].state is AttemptState.AUTO_SUBMITTED for a in ids), timeout=WAIT_MS
    )
    for aid in ids:
        row = window.live.hall.rows[aid]
        assert row.submit_cause == "proctor" and row.answered == 5 and row.receipt_id
    for phone in phones:
        assert phone.heartbeat("answering")["state"] == "auto_submitted"
        phone.close()


@pytest.mark.slow
def test_a_lead_has_no_force_submit_and_the_service_refuses_one(console, qtbot, exam, service) -> None:  # type: ignore[no-untyped-def]
    cand = exam.candidates[6]
    phone = Phone(service, exam.exam_code, cand.candidate_no)
    phone.join_and_start()
    flow = console(exam, exam.lead)
    window = flow.window
    aid = attempt_of(flow, cand.candidate_no)
    for name in ("actionForceSubmit", "actionMessage"):
        assert not window.actions[name].isVisible() and not window.actions[name].isEnabled()
    window.show_details(aid)
    assert not window.talk.forceSubmitButton.isVisible() and not window.talk.messageButton.isVisible()
    assert window.talk.force_submit([aid]) is None
    # The server is the guard: asked anyway, it says no.
    result: dict[str, Any] = {}

    async def ask() -> None:
        try:
            await window.api.force_submit(aid, "lead tries")
        except ConsoleError as exc:
            result["error"] = exc

    task = asyncio.ensure_future(ask())
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    assert isinstance(result["error"], Forbidden) and result["error"].status == 403
    assert phone.heartbeat("answering")["state"] == "answering"
    phone.close()


@pytest.mark.slow
def test_offline_code_on_request_for_a_phone_that_looks_online(console, qtbot, exam, service) -> None:  # type: ignore[no-untyped-def]
    import pyotp

    flow = console(exam, exam.proctor)
    window = flow.window
    cand = exam.candidates[7]
    phone = Phone(service, exam.exam_code, cand.candidate_no)
    phone.join_and_start()
    phone.lock("app_switch")
    aid = attempt_of(flow, cand.candidate_no)
    qtbot.waitUntil(lambda: window.live.hall.rows[aid].state is AttemptState.LOCKED, timeout=WAIT_MS)
    assert window.code_mode(aid) == "code"  # it looks online: C would give a server-checked code
    window.monitor.select_attempt(aid)
    table = window.monitor.candidateTable
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: visible_dialog("unlockDialog") is not None, timeout=5000)
    confirm = window._last_dialog
    assert "offline" in confirm.summaryLabel.text()
    confirm.buttonBox.button(confirm.buttonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: aid in window.code_views, timeout=WAIT_MS)
    view = window.code_views[aid]
    assert "valid for this lock only" in view.expiryLabel.text()
    assert pyotp.HOTP(phone.unlock_seed).verify(view.code, 1)
    r = phone.post("/device/unlock", {"code": view.code, "offline": True, "unlocked_at": "2026-11-30T09:00:00Z"})
    assert r.status_code == 200, r.text
    qtbot.waitUntil(lambda: window.live.hall.rows[aid].last_unlock_mode == "offline", timeout=WAIT_MS)
    phone.close()


def test_the_dialog_says_when_recipients_are_offline(qtbot, settings) -> None:  # type: ignore[no-untyped-def]
    dialog = MessageDialog(["3-4 · 2026001 张三", "3-5 · 2026002 李四"], MessagePresets(settings.store), offline=1)
    qtbot.addWidget(dialog.dialog)
    dialog.dialog.show()
    assert dialog.offlineLabel.isVisible() and dialog.offlineLabel.text().startswith("1 of these phones are offline")
    online = MessageDialog(["3-4 · 2026001 张三"], MessagePresets(settings.store))
    qtbot.addWidget(online.dialog)
    online.dialog.show()
    assert not online.offlineLabel.isVisible()
