"""Support staff's work in the console, against a real exam service (subprocess):
a proctor raises an escalation, support claims, comments, reopens the paper and
resolves it, while the proctor's console follows live; a proctor cannot take a
support action (the button is absent, and the service answers 403 anyway)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from proctor_console.client.credentials import TokenStore
from proctor_console.client.errors import Forbidden
from proctor_console.client.records import Escalation
from proctor_console.domain.states import EscalationCategory, Role
from proctor_console.gui.app import StartOptions
from proctor_console.gui.models.candidates import Column
from proctor_console.gui.models.escalations import (
    OVERDUE_FOREGROUND,
    EscalationColumn,
    EscalationFilterProxy,
    EscalationTableModel,
)
from proctor_console.gui.session_flow import ConsoleFlow
from proctor_console.gui.settings import ConsoleSettings
from proctor_console.gui.tasks import TaskSet
from proctor_console.gui.views.audit import AuditColumn
from proctor_console.gui.views.escalations import (
    EXTEND,
    REOPEN,
    RESET_LOCKS,
    SupportViews,
    support_rights,
)
from proctor_console.gui.views.sign_in import HttpClients

from .conftest import Phone

WAIT_MS = 20_000
FOREGROUND = Qt.ItemDataRole.ForegroundRole


def _client(ca_bundle: str | None) -> Any:
    from proctor_console.client.connect import make_http_client

    return make_http_client(ca_bundle)


async def _close(tasks: TaskSet, http: HttpClients) -> None:
    await tasks.cancel_all()
    await http.aclose()


@pytest.fixture
def console(qloop, qtbot, settings: ConsoleSettings, memory_keyring) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """Opens a console signed in as one account on one session; closes them all afterwards."""
    made: list[tuple[ConsoleFlow, HttpClients, TaskSet]] = []

    def open_as(exam: Any, account: Any, hall_id: str | None) -> ConsoleFlow:
        tasks = TaskSet()
        http = HttpClients(_client)
        options = StartOptions(
            server=exam.base_url, username=account.username, password=account.password,
            session_id=exam.session_id, hall_id=hall_id,
        )  # fmt: skip
        flow = ConsoleFlow(options, settings, http, TokenStore(), tasks, on_done=lambda: None)
        made.append((flow, http, tasks))
        flow.start()
        qtbot.waitUntil(lambda: flow.window is not None, timeout=WAIT_MS)
        live = flow.window.live  # type: ignore[union-attr]
        qtbot.waitUntil(lambda: live.connection.state == "live" and live.table.rowCount() > 0, timeout=WAIT_MS)
        views = support_views(flow)
        qtbot.waitUntil(lambda: views.loaded or not views.rights.see_queue, timeout=WAIT_MS)
        return flow

    yield open_as
    for flow, http, tasks in made:
        flow.shutdown()
        if flow.window is not None:
            flow.window.window.close()
        closing = asyncio.ensure_future(_close(tasks, http))
        qtbot.waitUntil(closing.done, timeout=10_000)
    for _ in range(50):
        QApplication.processEvents()


def support_views(flow: ConsoleFlow) -> SupportViews:
    window = flow.window
    assert window is not None
    views = window.support
    assert isinstance(views, SupportViews)
    return views


def attempt_of(flow: ConsoleFlow, candidate_no: str) -> str:
    live = flow.window.live  # type: ignore[union-attr]
    return next(
        live.table.row_at(p).attempt_id
        for p in range(live.table.rowCount())
        if live.table.row_at(p).candidate_no == candidate_no
    )


def row_state_text(flow: ConsoleFlow, candidate_no: str) -> str:
    live = flow.window.live  # type: ignore[union-attr]
    for pos in range(live.table.rowCount()):
        if live.table.row_at(pos).candidate_no == candidate_no:
            return str(live.table.index(pos, Column.STATE).data())
    return ""


def known(views: SupportViews, escalation_id: str) -> Escalation:
    found = views.model.escalation(escalation_id)
    assert found is not None
    return found


def only_escalation(views: SupportViews) -> Escalation | None:
    items = views.model.items()
    return items[0] if len(items) == 1 else None


@pytest.mark.slow
def test_support_works_an_escalation_the_proctor_raised(console, qtbot, exam, service) -> None:  # type: ignore[no-untyped-def]
    cand = exam.candidates[4]
    phone = Phone(service, exam.exam_code, cand.candidate_no)
    phone.join_and_start()
    phone.heartbeat("submitting")
    receipt = phone.post("/device/submit", {"submission_id": "s-1", "answers": {"1": "A"}}).json()
    phone.heartbeat("submitted")

    proctor = console(exam, exam.proctor, exam.hall_id)
    support = console(exam, exam.support, None)
    pviews, sviews = support_views(proctor), support_views(support)
    assert sviews.queue.objectName() == "escalationQueue"
    assert sviews.escalationDock.isVisible()  # support works the queue: open from the start
    aid = attempt_of(proctor, cand.candidate_no)
    qtbot.waitUntil(lambda: row_state_text(support, cand.candidate_no) == "Submitted", timeout=WAIT_MS)

    # The proctor raises it (E) from the candidate: "shows submitted, but I did not submit".
    proctor.window.monitor.select_attempt(aid)
    form = proctor.window.escalate()
    assert form is not None
    form.categoryCombo.setCurrentIndex(form.categoryCombo.findData(EscalationCategory.SUBMITTED_NOT_BY_CANDIDATE.value))
    form.noteEdit.setPlainText("candidate says the paper submitted itself")
    form.dialog.findChild(QDialogButtonBox, "buttonBox").button(QDialogButtonBox.StandardButton.Ok).click()

    # Support's queue shows it live, with the alert new locks get.
    qtbot.waitUntil(lambda: only_escalation(sviews) is not None, timeout=WAIT_MS)
    esc = only_escalation(sviews)
    assert esc is not None
    shown = sviews.queue.row_texts(esc.id)
    assert shown[EscalationColumn.CATEGORY] == "Shows submitted, but the candidate did not submit"
    assert shown[EscalationColumn.CANDIDATE] == f"{cand.candidate_no} {cand.name}"
    assert shown[EscalationColumn.SEAT] == cand.seat
    assert shown[EscalationColumn.HALL] == next(h["name"] for h in exam.halls if h["id"] == exam.hall_id)
    assert shown[EscalationColumn.RAISED_BY] == exam.proctor.username
    assert shown[EscalationColumn.STATUS] == "Open" and shown[EscalationColumn.CLAIMED_BY] == ""
    assert shown[EscalationColumn.AGE].endswith(" s")
    assert any("New escalation" in a and cand.seat in a for a in support.window.alerts)
    assert not any("New escalation" in a for a in proctor.window.alerts)  # not for the one who raised it
    qtbot.waitUntil(lambda: only_escalation(pviews) is not None, timeout=WAIT_MS)

    # Support opens its page: the candidate's row and timeline, the note.
    sviews.open_escalation(esc.id)
    page = sviews.page
    assert page.objectName() == "escalationPage"
    assert cand.candidate_no in page.headline.text() and "submitted itself" in page.noteLabel.text()
    assert "Submitted" in page.rowLabel.text() and receipt["receipt_id"] in page.rowLabel.text()
    qtbot.waitUntil(lambda: page.timeline.topLevelItemCount() >= 3, timeout=WAIT_MS)
    page.showCandidateButton.click()  # the same candidate, in the hall's table and detail
    assert support.window.monitor.current_id() == aid and support.window.detail.attempt_id == aid

    # Claim: the proctor's queue says who has it, live.
    assert page.claimButton.isVisible() and page.claimButton.isEnabled()
    page.claimButton.click()
    qtbot.waitUntil(
        lambda: pviews.queue.row_texts(esc.id).get(EscalationColumn.CLAIMED_BY) == exam.support.username,
        timeout=WAIT_MS,
    )
    assert pviews.queue.row_texts(esc.id)[EscalationColumn.STATUS] == "Claimed"
    assert not page.claimButton.isEnabled()

    # Comment: in order, on both consoles.
    page.commentEdit.setText("checked the server: receipt exists, phone shows submitted")
    page.commentButton.click()
    qtbot.waitUntil(lambda: page.comments.topLevelItemCount() == 1, timeout=WAIT_MS)
    first = page.comments.topLevelItem(0)
    assert first is not None and first.text(1) == exam.support.username
    qtbot.waitUntil(lambda: len(known(pviews, esc.id).comments) == 1, timeout=WAIT_MS)

    # Reopen: asks for a reason, says what it will do; the proctor's table follows live.
    dialog = sviews.ask_action(esc.id, REOPEN)
    assert dialog is not None and dialog.dialog.objectName() == "supportActionDialog"
    assert receipt["receipt_id"] in dialog.effectLabel.text() and "answers again" in dialog.effectLabel.text()
    assert not dialog.okButton.isEnabled()  # no reason, no action
    dialog.reasonEdit.setText("paper submitted without the candidate (confirmed with the proctor)")
    assert dialog.okButton.isEnabled()
    dialog.okButton.click()
    qtbot.waitUntil(lambda: row_state_text(proctor, cand.candidate_no) == "Answering", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "Answering" in page.rowLabel.text(), timeout=WAIT_MS)
    assert "reopened" in page.messageLabel.text().lower()

    # Resolve with a resolution: resolved on the proctor's console, ESCALATED gone from the row.
    page.resolutionEdit.setText("paper reopened; candidate continues")
    page.resolveButton.click()
    qtbot.waitUntil(lambda: known(pviews, esc.id).status == "resolved", timeout=WAIT_MS)
    pviews.queue.statusCombo.setCurrentIndex(pviews.queue.statusCombo.findData(EscalationFilterProxy.ALL))
    assert pviews.queue.row_texts(esc.id)[EscalationColumn.STATUS] == "Resolved"
    qtbot.waitUntil(lambda: proctor.window.live.hall.rows[aid].open_escalations == 0, timeout=WAIT_MS)
    assert sviews.queue.proxy.rowCount() == 0  # support's queue shows what still waits
    assert "resolved by" in page.statusLabel.text()

    # The audit: who did what, when, to whom, why; filterable.
    audit = sviews.audit
    assert sviews.auditAction.isVisible()
    sviews.auditAction.trigger()
    qtbot.waitUntil(lambda: audit.loaded and audit.model.rowCount() >= 4, timeout=WAIT_MS)
    audit.filterEdit.setText("confirmed with the proctor")
    rows = audit.shown_rows()
    assert len(rows) == 1
    assert rows[0][AuditColumn.WHAT] == "Paper reopened"
    assert rows[0][AuditColumn.WHO] == f"{exam.support.username} (support)"
    assert rows[0][AuditColumn.WHOM] == cand.candidate_no
    assert receipt["receipt_id"] in rows[0][AuditColumn.DETAILS]
    audit.filterEdit.clear()
    audit.actionCombo.setCurrentIndex(audit.actionCombo.findData("escalation_resolve"))
    assert [r[AuditColumn.WHY] for r in audit.shown_rows()] == ["paper reopened; candidate continues"]
    phone.close()


@pytest.mark.slow
def test_a_proctor_cannot_take_a_support_action(console, qtbot, exam, service) -> None:  # type: ignore[no-untyped-def]
    cand = exam.candidates[1]
    phone = Phone(service, exam.exam_code, cand.candidate_no)
    phone.join_and_start()
    phone.lock("call")
    proctor = console(exam, exam.proctor, exam.hall_id)
    views = support_views(proctor)
    # The hall keeps the screen: a proctor opens the queue with F6 (it is support's work).
    assert not views.escalationDock.isVisible()
    aid = attempt_of(proctor, cand.candidate_no)
    esc = asyncio.ensure_future(proctor.window.api.raise_escalation(aid, "device_failure", "screen froze"))
    qtbot.waitUntil(esc.done, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: views.model.escalation(esc.result().id) is not None, timeout=WAIT_MS)
    views.open_escalation(esc.result().id)
    page = views.page

    # The console shows a proctor only what a proctor may do: comment, not claim or act.
    assert page.commentButton.isVisibleTo(page)
    for button in (page.claimButton, page.resolveButton, page.reopenButton, page.resetLocksButton, page.extendButton):
        assert not button.isVisibleTo(page), button.objectName()
    assert views.escalationsAction.isVisible() and not views.auditAction.isVisible()

    # And the service refuses anyway when a proctor calls it.
    calls = {
        "claim": proctor.window.api.claim(esc.result().id),
        "resolve": proctor.window.api.resolve(esc.result().id, "trying"),
        "reopen": proctor.window.api.reopen(aid, "trying"),
        "reset-locks": proctor.window.api.reset_locks(aid, "trying"),
        "extend": proctor.window.api.extend(aid, "trying", 10),
    }
    for name, call in calls.items():
        attempt = asyncio.ensure_future(call)
        qtbot.waitUntil(attempt.done, timeout=WAIT_MS)
        error = attempt.exception()
        assert isinstance(error, Forbidden) and error.status == 403, name
    phone.close()


def _escalation(eid: str, raised_at: datetime, status: str = "open", **fields: Any) -> Escalation:
    return Escalation.from_json(
        {
            "id": eid, "attempt_id": f"a{eid}", "session_id": "s", "hall_id": "h1",
            "candidate_no": f"20260{eid}", "name": "王芳", "seat": fields.pop("seat", "1-1"),
            "category": fields.pop("category", "no_paper"), "note": "", "status": status,
            "raised_by": "proctor1", "raised_at": raised_at.isoformat().replace("+00:00", "Z"),
            "comments": [], **fields,
        }
    )  # fmt: skip


def test_queue_model_ages_sorts_and_filters(qapp) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 6, 7, 9, 30, tzinfo=UTC)
    model = EscalationTableModel(clock=lambda: now)
    model.set_hall_names({"h1": "Hall A"})
    model.reset_items(
        [
            _escalation("1", now - timedelta(minutes=2), seat="2-3"),
            _escalation("2", now - timedelta(minutes=7), category="stuck_submission", seat="10-1"),
            _escalation(
                "3", now - timedelta(minutes=30), status="resolved",
                resolved_at=(now - timedelta(minutes=25)).isoformat().replace("+00:00", "Z"),
            ),
        ]
    )  # fmt: skip
    age = EscalationColumn.AGE
    # Past the limit (default 5 minutes) an open escalation's age is red; a resolved one never.
    assert model.index(0, age).data() == "2 min 00 s" and model.index(0, age).data(FOREGROUND) is None
    assert model.index(1, age).data(FOREGROUND).color() == OVERDUE_FOREGROUND
    assert model.index(1, age).data() == "⚠ 7 min 00 s"  # not by colour alone
    assert model.index(2, age).data() == "5 min 00 s"  # how long it took
    assert model.index(2, age).data(FOREGROUND).color() != OVERDUE_FOREGROUND
    model.set_age_limit(60.0)
    assert model.index(0, age).data(FOREGROUND).color() == OVERDUE_FOREGROUND
    assert model.index(0, EscalationColumn.HALL).data() == "Hall A"
    assert model.headerData(age, Qt.Orientation.Horizontal) == "Age"

    proxy = EscalationFilterProxy()
    proxy.setSourceModel(model)
    assert proxy.rowCount() == 2  # what still waits
    proxy.sort(EscalationColumn.SEAT)
    assert [proxy.index(r, EscalationColumn.SEAT).data() for r in range(2)] == ["2-3", "10-1"]
    proxy.set_status_filter(EscalationFilterProxy.ALL)
    proxy.sort(age, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, age).data() for r in range(3)] == ["⚠ 7 min 00 s", "5 min 00 s", "⚠ 2 min 00 s"]
    proxy.set_category_filter("stuck_submission")
    assert proxy.rowCount() == 1
    proxy.set_category_filter("")
    proxy.set_text_filter("10-1")
    assert proxy.rowCount() == 1

    # Live: a new one arrives, a known one changes in place.
    assert model.upsert(_escalation("4", now))
    assert not model.upsert(_escalation("1", now - timedelta(minutes=2), status="claimed", claimed_by="support1"))
    assert model.index(0, EscalationColumn.CLAIMED_BY).data() == "support1"
    assert model.index(0, EscalationColumn.STATUS).data() == "Claimed"


def test_each_role_is_offered_only_what_it_may_do() -> None:
    proctor, support, lead = (support_rights(r) for r in (Role.PROCTOR, Role.SUPPORT, Role.LEAD))
    assert support.work and support.comment and support.see_audit
    assert not proctor.work and proctor.comment and not proctor.see_audit and proctor.see_queue
    assert not lead.work and not lead.comment and lead.see_audit


@pytest.mark.slow
def test_support_resets_locks_and_extends_and_a_lead_only_reads(console, qtbot, exam, service) -> None:  # type: ignore[no-untyped-def]
    cand = exam.candidates[6]
    phone = Phone(service, exam.exam_code, cand.candidate_no)
    phone.join_and_start()
    phone.lock("call")
    support = console(exam, exam.support, None)
    views = support_views(support)
    aid = attempt_of(support, cand.candidate_no)
    qtbot.waitUntil(lambda: support.window.live.hall.rows[aid].lock_count == 1, timeout=WAIT_MS)
    raised = asyncio.ensure_future(support.window.api.raise_escalation(aid, "device_failure", "calls keep locking it"))
    qtbot.waitUntil(lambda: raised.done() and views.model.escalation(raised.result().id) is not None, timeout=WAIT_MS)
    views.open_escalation(raised.result().id)
    page = views.page
    assert page.resetLocksButton.isEnabled() and page.extendButton.isEnabled()
    assert not page.reopenButton.isEnabled()  # nothing submitted to reopen

    reset = views.ask_action(raised.result().id, RESET_LOCKS)
    assert reset is not None and "from 1/5 back to 0/5" in reset.effectLabel.text()
    reset.reasonEdit.setText("locks caused by a faulty phone")
    reset.okButton.click()
    qtbot.waitUntil(lambda: support.window.live.hall.rows[aid].lock_count == 0, timeout=WAIT_MS)

    deadline = support.window.live.hall.rows[aid].deadline
    assert deadline is not None
    extend = views.ask_action(raised.result().id, EXTEND)
    assert extend is not None
    extend.minutesSpin.setValue(15)
    assert "15 more minutes" in extend.effectLabel.text()
    extend.reasonEdit.setText("time lost to the faulty phone")
    extend.okButton.click()
    qtbot.waitUntil(
        lambda: support.window.live.hall.rows[aid].deadline == deadline + timedelta(minutes=15), timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: "Time extended" in page.messageLabel.text(), timeout=WAIT_MS)

    # A lead reads the queue and the audit, and takes no action.
    lead = console(exam, exam.lead, None)
    lviews = support_views(lead)
    qtbot.waitUntil(lambda: lviews.model.escalation(raised.result().id) is not None, timeout=WAIT_MS)
    lviews.open_escalation(raised.result().id)
    for button in (lviews.page.claimButton, lviews.page.commentButton, lviews.page.resolveButton,
                   lviews.page.reopenButton, lviews.page.resetLocksButton, lviews.page.extendButton):  # fmt: skip
        assert not button.isVisibleTo(lviews.page), button.objectName()
    assert lviews.auditAction.isVisible()
    lviews.auditAction.trigger()
    qtbot.waitUntil(lambda: lviews.audit.loaded, timeout=WAIT_MS)
    whys = {r[AuditColumn.WHAT]: r[AuditColumn.WHY] for r in lviews.audit.shown_rows()}
    assert whys["Lock count reset"] == "locks caused by a faulty phone"
    assert whys["Time extended"] == "time lost to the faulty phone"
    phone.close()


def test_support_views_speak_chinese(qapp) -> None:  # type: ignore[no-untyped-def]
    from proctor_console.gui.i18n import install_translation
    from proctor_console.gui.views.escalations import EscalationPage, EscalationQueue, action_title

    try:
        assert install_translation("zh_CN")
        queue = EscalationQueue(EscalationTableModel(), 5)
        page = EscalationPage(support_rights(Role.SUPPORT))
        assert queue.model.headerData(EscalationColumn.CATEGORY, Qt.Orientation.Horizontal) == "类别"
        assert queue.statusCombo.itemText(0) == "未解决"
        assert page.claimButton.text() == "受理" and page.resolveButton.text() == "解决"
        assert action_title(REOPEN) == "重新开放已提交的试卷？"
        queue.deleteLater()
        page.deleteLater()
    finally:
        install_translation("en")
