"""Dialogs of the proctor's actions: unlock (confirm with a reason), the
one-time unlock code (large, with its expiry), escalate, settings, keys.

All are Designer forms opened with ``open()`` (never a nested ``exec()`` on
the qasync loop); the main window acts on ``accepted``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from ...domain.flags import Thresholds
from ...domain.states import EscalationCategory
from ..appearance import TEXT_SCALES
from ..forms import child, load_form


def unlock_reason_presets() -> list[str]:
    return [
        QCoreApplication.translate("UnlockDialog", "Checked at the seat: allowed to continue"),
        QCoreApplication.translate("UnlockDialog", "Locked by mistake (no rule broken)"),
        QCoreApplication.translate("UnlockDialog", "Phone call checked: allowed to continue"),
        QCoreApplication.translate("UnlockDialog", "Notification opened by accident"),
    ]


class UnlockConfirm(QObject):
    """``unlockDialog``: who will be unlocked, a preset (editable) reason, OK."""

    def __init__(self, descriptions: list[str], mode: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dialog: QDialog = load_form("unlock_dialog.ui", parent)  # type: ignore[assignment]
        self.summaryLabel = child(self.dialog, QLabel, "summaryLabel")
        self.reasonCombo = child(self.dialog, QComboBox, "reasonCombo")
        self.modeLabel = child(self.dialog, QLabel, "modeLabel")
        self.buttonBox = child(self.dialog, QDialogButtonBox, "buttonBox")
        self.buttonBox.accepted.connect(self.dialog.accept)
        self.buttonBox.rejected.connect(self.dialog.reject)
        self.reasonCombo.addItems(unlock_reason_presets())
        shown = descriptions[:8]
        more = len(descriptions) - len(shown)
        text = "<br>".join(f"<b>{d}</b>" for d in shown)
        if more > 0:
            text += "<br>" + self.tr("and %1 more").replace("%1", str(more))
        if mode == "push":
            title = self.tr("Unlock %1 candidate(s) now?").replace("%1", str(len(descriptions)))
            self.modeLabel.setText(
                self.tr("The unlock reaches the phone with its next heartbeat (5–10 s).")
            )
            self.buttonBox.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Unlock"))
        elif mode == "offline":
            title = self.tr("The phone is offline: issue an offline unlock code?")
            self.modeLabel.setText(
                self.tr(
                    "The phone checks this code itself, without network, for this lock only; "
                    "it reports the unlock when it is back online."
                )
            )
            self.buttonBox.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Issue code"))
        else:
            title = self.tr("Issue a one-time unlock code?")
            self.modeLabel.setText(
                self.tr("You will type the code on the phone; it is valid for 5 minutes.")
            )
            self.buttonBox.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Issue code"))
        self.dialog.setWindowTitle(title)
        self.summaryLabel.setText(f"{title}<br>{text}")

    @property
    def reason(self) -> str:
        return self.reasonCombo.currentText().strip() or unlock_reason_presets()[0]


class UnlockCodeView(QObject):
    """The code, large (``unlockCodeLabel``), with its expiry counting down."""

    def __init__(
        self,
        description: str,
        code: str,
        expires_at: datetime | None,
        clock: Callable[[], datetime],
        sent_to_keypad: bool,
        parent: QWidget | None = None,
        offline: bool = False,
    ) -> None:
        super().__init__(parent)
        self.clock = clock
        self.expires_at = expires_at
        self.offline = offline  # an offline (HOTP) code has no expiry: it is good for this lock only
        self.dialog: QDialog = load_form("unlock_code_dialog.ui", parent)  # type: ignore[assignment]
        self.unlockCodeLabel = child(self.dialog, QLabel, "unlockCodeLabel")
        self.expiryLabel = child(self.dialog, QLabel, "expiryLabel")
        self.statusLabel = child(self.dialog, QLabel, "statusLabel")
        child(self.dialog, QLabel, "candidateLabel").setText(description)
        buttons = child(self.dialog, QDialogButtonBox, "buttonBox")
        buttons.rejected.connect(self.dialog.reject)
        buttons.accepted.connect(self.dialog.accept)
        self.unlockCodeLabel.setText(f"{code[:3]} {code[3:]}" if len(code) == 6 else code)
        self.code = code
        if sent_to_keypad:
            self.set_status(self.tr("Sent to the simulated phone; it is typing it now…"))
        else:
            self.set_status(self.tr("Waiting for the phone to confirm…"))
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.update_expiry)
        self.timer.start()
        self.dialog.finished.connect(self.timer.stop)
        self.update_expiry()

    def set_status(self, text: str) -> None:
        self.statusLabel.setText(text)

    def confirm(self) -> None:
        self.timer.stop()
        self.expiryLabel.setText("")
        self.set_status(self.tr("The phone is unlocked ✓"))
        self.statusLabel.setStyleSheet("color: #1a7f37; font-weight: bold; font-size: 14pt;")

    def update_expiry(self) -> None:
        if self.offline:
            self.expiryLabel.setText(
                self.tr("Offline code: valid for this lock only. The phone checks it without network.")
            )
            self.timer.stop()
            return
        if self.expires_at is None:
            self.expiryLabel.setText(self.tr("Valid for 5 minutes"))
            return
        left = int((self.expires_at - self.clock()).total_seconds())
        if left <= 0:
            self.expiryLabel.setText(self.tr("Expired: issue a new code (C)"))
            self.unlockCodeLabel.setStyleSheet(
                self.unlockCodeLabel.styleSheet() + " color: #999; text-decoration: line-through;"
            )
            self.timer.stop()
        else:
            self.expiryLabel.setText(
                self.tr("Expires in %1:%2").replace("%1", str(left // 60)).replace("%2", f"{left % 60:02d}")
            )


def category_text(category: EscalationCategory) -> str:
    names = {
        EscalationCategory.NO_PAPER: QCoreApplication.translate("EscalateDialog", "No paper shown"),
        EscalationCategory.WRONG_PAPER: QCoreApplication.translate("EscalateDialog", "Wrong paper / not my specialty"),
        EscalationCategory.SUBMITTED_NOT_BY_CANDIDATE: QCoreApplication.translate(
            "EscalateDialog", "Shows submitted, but the candidate did not submit"
        ),
        EscalationCategory.STUCK_SUBMISSION: QCoreApplication.translate(
            "EscalateDialog", "Stuck submission, re-entry did not help"
        ),
        EscalationCategory.DEVICE_FAILURE: QCoreApplication.translate("EscalateDialog", "Device failure"),
        EscalationCategory.LOGIN_PROBLEM: QCoreApplication.translate("EscalateDialog", "Login problem"),
        EscalationCategory.OTHER: QCoreApplication.translate("EscalateDialog", "Other"),
    }
    return names[category]


class EscalateForm(QObject):
    def __init__(self, description: str, suggested: EscalationCategory | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dialog: QDialog = load_form("escalate_dialog.ui", parent)  # type: ignore[assignment]
        child(self.dialog, QLabel, "candidateLabel").setText(description)
        self.categoryCombo = child(self.dialog, QComboBox, "categoryCombo")
        self.noteEdit = child(self.dialog, QPlainTextEdit, "noteEdit")
        self.messageLabel = child(self.dialog, QLabel, "messageLabel")
        for category in EscalationCategory:
            self.categoryCombo.addItem(category_text(category), category.value)
        if suggested is not None:
            self.categoryCombo.setCurrentIndex(list(EscalationCategory).index(suggested))
        buttons = child(self.dialog, QDialogButtonBox, "buttonBox")
        buttons.accepted.connect(self.dialog.accept)
        buttons.rejected.connect(self.dialog.reject)

    @property
    def category(self) -> str:
        return str(self.categoryCombo.currentData())

    @property
    def note(self) -> str:
        return self.noteEdit.toPlainText().strip()


class SettingsForm(QObject):
    """Thresholds (defaults of the domain), language, CA bundle."""

    def __init__(
        self,
        thresholds: Thresholds,
        language: str,
        ca_bundle: str,
        parent: QWidget | None = None,
        sound: bool = False,
        text_scale: float = 1.0,
    ) -> None:
        super().__init__(parent)
        self.dialog: QDialog = load_form("settings_dialog.ui", parent)  # type: ignore[assignment]
        d = self.dialog
        self.spins = {
            "offline_after_s": child(d, QSpinBox, "offlineSpin"),
            "stuck_submitting_after_s": child(d, QSpinBox, "stuckSpin"),
            "battery_low_pct": child(d, QSpinBox, "batterySpin"),
            "not_joined_after_s": child(d, QSpinBox, "notJoinedSpin"),
            "irregular_heartbeat_s": child(d, QSpinBox, "irregularSpin"),
        }
        self.languageCombo = child(d, QComboBox, "languageCombo")
        self.languageCombo.addItem(self.tr("Follow the system"), "")
        self.languageCombo.addItem("简体中文", "zh_CN")
        self.languageCombo.addItem("English", "en")
        self.languageCombo.setCurrentIndex(max(0, self.languageCombo.findData(language)))
        self.caBundleEdit = child(d, QLineEdit, "caBundleEdit")
        self.caBundleEdit.setText(ca_bundle)
        self.soundCheck = child(d, QCheckBox, "soundCheck")
        self.soundCheck.setChecked(sound)
        self.textScaleCombo = child(d, QComboBox, "textScaleCombo")
        for scale in TEXT_SCALES:
            label = self.tr("As the system") if scale == 1.0 else f"{scale * 100:.0f} %"
            self.textScaleCombo.addItem(label, scale)
        nearest = min(TEXT_SCALES, key=lambda s: abs(s - text_scale))
        self.textScaleCombo.setCurrentIndex(TEXT_SCALES.index(nearest))
        self.show_thresholds(thresholds)
        buttons = child(d, QDialogButtonBox, "buttonBox")
        buttons.accepted.connect(d.accept)
        buttons.rejected.connect(d.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            lambda: self.show_thresholds(Thresholds())
        )

    @property
    def text_scale(self) -> float:
        return float(self.textScaleCombo.currentData())

    def show_thresholds(self, thresholds: Thresholds) -> None:
        for name, spin in self.spins.items():
            spin.setValue(int(getattr(thresholds, name)))

    def thresholds(self) -> Thresholds:
        return Thresholds(
            offline_after_s=float(self.spins["offline_after_s"].value()),
            stuck_submitting_after_s=float(self.spins["stuck_submitting_after_s"].value()),
            battery_low_pct=self.spins["battery_low_pct"].value(),
            not_joined_after_s=float(self.spins["not_joined_after_s"].value()),
            irregular_heartbeat_s=float(self.spins["irregular_heartbeat_s"].value()),
        )

    @property
    def language(self) -> str:
        return str(self.languageCombo.currentData())

    @property
    def ca_bundle(self) -> str:
        return self.caBundleEdit.text().strip()


def keys_text() -> str:
    """Help → Keys."""
    rows = [
        ("Ctrl+F, /", QCoreApplication.translate("KeysHelp", "Filter the table (seat, candidate no., name)")),
        ("Esc", QCoreApplication.translate("KeysHelp", "Clear the filters")),
        ("N / P", QCoreApplication.translate("KeysHelp", "Next / previous candidate that needs you")),
        ("U", QCoreApplication.translate("KeysHelp", "Unlock the selected candidates (push to the phone)")),
        ("C", QCoreApplication.translate("KeysHelp", "Issue a one-time unlock code to type on the phone")),
        ("A", QCoreApplication.translate("KeysHelp", "Acknowledge a help request (you are on the way)")),
        ("Shift+C", QCoreApplication.translate("KeysHelp", "Issue an offline unlock code (the phone checks it without network)")),
        ("M", QCoreApplication.translate("KeysHelp", "Send a message to the selected candidates' phones")),
        ("E", QCoreApplication.translate("KeysHelp", "Escalate to support")),
        ("Enter", QCoreApplication.translate("KeysHelp", "Details of the selected candidate")),
        ("F5", QCoreApplication.translate("KeysHelp", "Refresh (new snapshot, re-sort)")),
        ("Shift+U", QCoreApplication.translate("KeysHelp", "Unlock every phone of a lock storm that is still locked (one reason)")),
        ("F6", QCoreApplication.translate("KeysHelp", "Show or hide the escalations queue")),
        ("F7", QCoreApplication.translate("KeysHelp", "Show or hide the audit log (support and leads)")),
        ("Ctrl+O", QCoreApplication.translate("KeysHelp", "Exam sessions")),
        ("Ctrl+,", QCoreApplication.translate("KeysHelp", "Settings (thresholds, language, sound, text size)")),
        ("F1", QCoreApplication.translate("KeysHelp", "This list of keys")),
        ("Ctrl+Q", QCoreApplication.translate("KeysHelp", "Quit")),
    ]
    body = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"
