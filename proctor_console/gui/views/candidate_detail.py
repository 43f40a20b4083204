"""Candidate detail: who, where, device, submission (does the server hold the
paper?), every event of the attempt in order, and the actions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.devices import device_problems
from ...domain.flags import FlagHit, Severity
from ...domain.rows import CandidateRow
from ...domain.states import AttemptState
from ..labels import clock_text, lock_reason_text, state_text
from ..models.attention import problem_text
from .battery_sparkline import BatterySparkline


def timeline_kind_text(kind: str) -> str:
    names = {
        "joined": QCoreApplication.translate("CandidateDetail", "Joined"),
        "resumed": QCoreApplication.translate("CandidateDetail", "Resumed (re-entered the code)"),
        "device_changed": QCoreApplication.translate("CandidateDetail", "Joined from another device"),
        "info": QCoreApplication.translate("CandidateDetail", "Info registered"),
        "started": QCoreApplication.translate("CandidateDetail", "Started answering"),
        "locked": QCoreApplication.translate("CandidateDetail", "Locked"),
        "unlock_issued": QCoreApplication.translate("CandidateDetail", "Unlock issued"),
        "unlocked": QCoreApplication.translate("CandidateDetail", "Unlocked"),
        "submit_pending": QCoreApplication.translate("CandidateDetail", "Phone submitting"),
        "submitted": QCoreApplication.translate("CandidateDetail", "Paper received by the server"),
        "auto_submitted": QCoreApplication.translate("CandidateDetail", "Auto-submitted"),
        "escalation_raised": QCoreApplication.translate("CandidateDetail", "Escalated"),
        "escalation_claimed": QCoreApplication.translate("CandidateDetail", "Escalation claimed"),
        "escalation_commented": QCoreApplication.translate("CandidateDetail", "Escalation comment"),
        "escalation_resolved": QCoreApplication.translate("CandidateDetail", "Escalation resolved"),
        "reopened": QCoreApplication.translate("CandidateDetail", "Paper reopened"),
        "locks_reset": QCoreApplication.translate("CandidateDetail", "Locks reset"),
        "extended": QCoreApplication.translate("CandidateDetail", "Time extended"),
        "message_sent": QCoreApplication.translate("CandidateDetail", "Message sent"),
        "message_delivered": QCoreApplication.translate("CandidateDetail", "Message delivered"),
        "help_requested": QCoreApplication.translate("CandidateDetail", "Asked for help"),
        "help_acked": QCoreApplication.translate("CandidateDetail", "Help on the way"),
        "force_submitted": QCoreApplication.translate("CandidateDetail", "Submitted by a proctor"),
    }
    return names.get(kind, kind)


def submission_advice(row: CandidateRow, now: datetime) -> str:
    """Plainly: does the server hold the paper, and what to tell the candidate."""
    if row.receipt_id:
        text = (
            QCoreApplication.translate("CandidateDetail", "The server HAS this paper: receipt %1, received at %2.")
            .replace("%1", row.receipt_id)
            .replace("%2", clock_text(row.received_at))
        )
        if row.submit_pending_since is not None:
            text += " " + QCoreApplication.translate(
                "CandidateDetail",
                "The phone is still spinning. Tell the candidate: your paper is in, you may "
                "close the app; nothing is lost.",
            )
        return text
    if row.submit_pending_since is not None:
        waited = int((now - row.submit_pending_since).total_seconds())
        return (
            QCoreApplication.translate(
                "CandidateDetail",
                "The server has NOT received this paper (the phone has been submitting for %1 s). "
                "Tell the candidate: wait a little; if it keeps spinning, close the app, re-enter "
                "the exam code and submit again. If the entry is gone or it still fails, "
                "escalate (E).",
            ).replace("%1", str(waited))
        )
    if row.state is AttemptState.AUTO_SUBMITTED:
        return QCoreApplication.translate("CandidateDetail", "The paper was auto-submitted (%1).").replace(
            "%1", row.submit_cause or "?"
        )
    return ""


class CandidateDetail(QWidget):
    """objectName ``candidateDetail``. Filled by the main window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("candidateDetail")
        self.attempt_id: str | None = None
        self.headline = QLabel(self)
        self.headline.setObjectName("detailHeadline")
        self.headline.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.headline.setWordWrap(True)
        self.stateLabel = QLabel(self)
        self.stateLabel.setObjectName("detailState")
        self.stateLabel.setWordWrap(True)
        self.stateLabel.setStyleSheet("font-size: 12pt;")
        self.submissionLabel = QLabel(self)
        self.submissionLabel.setObjectName("submissionLabel")
        self.submissionLabel.setWordWrap(True)
        self.submissionLabel.setStyleSheet(
            "font-size: 12pt; padding: 6px; background: #fff8e1; border: 1px solid #e0c070;"
        )
        self.deviceLabel = QLabel(self)
        self.deviceLabel.setObjectName("deviceLabel")
        self.deviceLabel.setWordWrap(True)
        self.flagsLabel = QLabel(self)
        self.flagsLabel.setWordWrap(True)
        self.unlockButton = QPushButton(self.tr("Unlock (U)"), self)
        self.codeButton = QPushButton(self.tr("Issue code (C)"), self)
        self.ackButton = QPushButton(self.tr("Acknowledge help (A)"), self)
        self.escalateButton = QPushButton(self.tr("Escalate (E)"), self)
        buttons = QHBoxLayout()
        for b in (self.unlockButton, self.codeButton, self.ackButton, self.escalateButton):
            buttons.addWidget(b)
        self.timeline = QTreeWidget(self)
        self.timeline.setObjectName("timelineList")
        self.timeline.setRootIsDecorated(False)
        self.timeline.setHeaderLabels(
            [self.tr("Time"), self.tr("Event"), self.tr("By"), self.tr("Details")]
        )
        self.timeline.setColumnWidth(0, 80)
        self.timeline.setColumnWidth(1, 180)
        self.timelineStatus = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.stateLabel)
        layout.addWidget(self.flagsLabel)
        layout.addWidget(self.submissionLabel)
        layout.addLayout(buttons)
        layout.addWidget(self.deviceLabel)
        self.battery = BatterySparkline(self)
        layout.addWidget(self.battery)
        layout.addWidget(QLabel(self.tr("Everything that happened, in order:"), self))
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self.timelineStatus)
        self.set_row(None, [], None)

    def set_row(self, row: CandidateRow | None, flags: Sequence[FlagHit], now: datetime | None) -> None:
        if row is None:
            self.attempt_id = None
            self.headline.setText(self.tr("No candidate selected"))
            for label in (self.stateLabel, self.flagsLabel, self.submissionLabel, self.deviceLabel):
                label.clear()
            self.submissionLabel.hide()
            self.timeline.clear()
            for b in (self.unlockButton, self.codeButton, self.ackButton, self.escalateButton):
                b.setEnabled(False)
            return
        if row.attempt_id != self.attempt_id:
            self.timeline.clear()
        self.attempt_id = row.attempt_id
        self.headline.setText(
            self.tr("Seat %1 · %2 %3")
            .replace("%1", row.seat)
            .replace("%2", row.candidate_no)
            .replace("%3", row.name)
        )
        state = state_text(row.state)
        if row.state is AttemptState.LOCKED:
            state += (
                " · "
                + lock_reason_text(row.last_lock_reason)
                + " · "
                + self.tr("since %1").replace("%1", clock_text(row.locked_since))
            )
        state += " · " + self.tr("locks %1/%2").replace("%1", str(row.lock_count)).replace(
            "%2", str(row.max_locks)
        )
        self.stateLabel.setText(state)
        shown = [h for h in flags if h.severity > Severity.INFO] or list(flags)
        self.flagsLabel.setText(" · ".join(f"<b>{problem_text(row, h)}</b>" for h in shown))
        advice = submission_advice(row, now) if now is not None else ""
        self.submissionLabel.setText(advice)
        self.submissionLabel.setVisible(bool(advice))
        problems = device_problems(row.platform, row.os_version, row.app_version, row.screen)
        device = self.tr("Device: %1 %2, app %3, screen %4, battery %5, network %6, devices used %7, resumes %8")
        for i, value in enumerate(
            (
                row.platform or "?",
                row.os_version or "?",
                row.app_version or "?",
                row.screen or "?",
                "?" if row.battery_pct is None else f"{row.battery_pct} %" + (" ⚡" if row.charging else ""),
                row.network or "?",
                str(row.device_count),
                str(row.resumes),
            ),
            start=1,
        ):
            device = device.replace(f"%{i}", value)
        if problems:
            device += "\n" + "\n".join(p.message for p in problems)
        self.deviceLabel.setText(device)
        self.unlockButton.setEnabled(row.state is AttemptState.LOCKED)
        self.codeButton.setEnabled(row.state is AttemptState.LOCKED)
        self.ackButton.setEnabled(row.help_requested_since is not None)
        self.escalateButton.setEnabled(True)

    def set_timeline(self, attempt_id: str, events: Sequence[Any]) -> None:
        if attempt_id != self.attempt_id:
            return
        self.timeline.clear()
        # A message's text, shown again on its "delivered" line (that event carries only the id).
        message_texts = {
            e.detail.get("command_id"): e.detail.get("text")
            for e in events
            if e.kind == "message_sent" and isinstance(e.detail, dict)
        }
        for event in events:
            detail = event.detail if isinstance(event.detail, dict) else {}
            if event.kind in ("message_sent", "message_delivered"):
                text = str(message_texts.get(detail.get("command_id")) or "")
            else:
                text = ", ".join(
                    f"{k}: {v}"
                    for k, v in detail.items()
                    if k not in ("code", "command_id") and v not in (None, "", [], {})
                )
            kind = timeline_kind_text(event.kind)
            if event.kind in ("unlocked", "unlock_issued") and detail.get("mode") == "offline":
                kind += " · " + self.tr("offline code")  # checked on the phone, reported later
            item = QTreeWidgetItem([clock_text(event.at), kind, event.actor or self.tr("phone"), text])
            item.setToolTip(3, text)
            if event.kind in ("locked", "auto_submitted"):
                item.setForeground(1, Qt.GlobalColor.darkRed)
            self.timeline.addTopLevelItem(item)
        self.timelineStatus.setText(self.tr("%1 events").replace("%1", str(len(events))))

    def set_timeline_error(self, attempt_id: str, message: str) -> None:
        if attempt_id == self.attempt_id:
            self.timelineStatus.setText(message)
