"""What the console calls things: translated names of states, flags and actions.

Every text is a literal inside ``QCoreApplication.translate("Labels", ...)`` so
that ``pyside6-lupdate`` finds it; the lookups are built per call so that a
translator installed later takes effect.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication

from ..domain.flags import Flag
from ..domain.states import AttemptState


def state_text(state: AttemptState) -> str:
    names = {
        AttemptState.NOT_JOINED: QCoreApplication.translate("Labels", "Not joined"),
        AttemptState.JOINED: QCoreApplication.translate("Labels", "Joined"),
        AttemptState.INFO_PENDING: QCoreApplication.translate("Labels", "Info pending"),
        AttemptState.READY: QCoreApplication.translate("Labels", "Ready"),
        AttemptState.ANSWERING: QCoreApplication.translate("Labels", "Answering"),
        AttemptState.LOCKED: QCoreApplication.translate("Labels", "LOCKED"),
        AttemptState.SUBMITTING: QCoreApplication.translate("Labels", "Submitting"),
        AttemptState.SUBMITTED: QCoreApplication.translate("Labels", "Submitted"),
        AttemptState.AUTO_SUBMITTED: QCoreApplication.translate("Labels", "Auto-submitted"),
    }
    return names[state]


def flag_text(flag: Flag) -> str:
    names = {
        Flag.LOCKED: QCoreApplication.translate("Labels", "Locked"),
        Flag.HELP_REQUESTED: QCoreApplication.translate("Labels", "Asks for help"),
        Flag.LAST_CHANCE: QCoreApplication.translate("Labels", "Last chance"),
        Flag.STUCK_SUBMITTING: QCoreApplication.translate("Labels", "Stuck submitting"),
        Flag.OFFLINE: QCoreApplication.translate("Labels", "Offline"),
        Flag.BATTERY_LOW: QCoreApplication.translate("Labels", "Battery low"),
        Flag.BATTERY_WONT_LAST: QCoreApplication.translate("Labels", "Battery won't last"),
        Flag.WEAK_NETWORK: QCoreApplication.translate("Labels", "Weak network"),
        Flag.AUTO_SUBMITTED: QCoreApplication.translate("Labels", "Auto-submitted"),
        Flag.NOT_JOINED: QCoreApplication.translate("Labels", "Not joined"),
        Flag.INFO_PENDING: QCoreApplication.translate("Labels", "Info pending"),
        Flag.OUTDATED_DEVICE: QCoreApplication.translate("Labels", "Outdated device"),
        Flag.DEVICE_CHANGED: QCoreApplication.translate("Labels", "Device changed"),
        Flag.ESCALATED: QCoreApplication.translate("Labels", "Escalated"),
    }
    return names[flag]


def flag_action(flag: Flag) -> str:
    """The one thing that fixes the flag, as the attention list offers it."""
    actions = {
        Flag.LOCKED: QCoreApplication.translate("Labels", "Unlock (U)"),
        Flag.HELP_REQUESTED: QCoreApplication.translate("Labels", "Go to the seat (acknowledge)"),
        Flag.LAST_CHANCE: QCoreApplication.translate("Labels", "Warn: one more lock submits"),
        Flag.STUCK_SUBMITTING: QCoreApplication.translate("Labels", "Open details (Enter)"),
        Flag.OFFLINE: QCoreApplication.translate("Labels", "Check the phone's network"),
        Flag.BATTERY_LOW: QCoreApplication.translate("Labels", "Bring a charger"),
        Flag.BATTERY_WONT_LAST: QCoreApplication.translate("Labels", "Bring a charger"),
        Flag.WEAK_NETWORK: QCoreApplication.translate("Labels", "Move to Wi-Fi or 4G"),
        Flag.AUTO_SUBMITTED: QCoreApplication.translate("Labels", "Escalate if wrong (E)"),
        Flag.NOT_JOINED: QCoreApplication.translate("Labels", "Check the seat"),
        Flag.INFO_PENDING: QCoreApplication.translate("Labels", "Help fill in the info"),
        Flag.OUTDATED_DEVICE: QCoreApplication.translate("Labels", "Update the app / change phone"),
        Flag.DEVICE_CHANGED: QCoreApplication.translate("Labels", "Check the candidate's phone"),
        Flag.ESCALATED: QCoreApplication.translate("Labels", "Wait for support"),
    }
    return actions[flag]


def lock_reason_text(reason: str | None) -> str:
    names = {
        "app_switch": QCoreApplication.translate("Labels", "left the app"),
        "call": QCoreApplication.translate("Labels", "phone call"),
        "screenshot": QCoreApplication.translate("Labels", "screenshot"),
        "other": QCoreApplication.translate("Labels", "other"),
    }
    return names.get(reason or "", reason or "?")


def duration_text(seconds: float) -> str:
    """'45 s', '3 min 05 s', '1 h 02 min': short, for 'how long'."""
    s = max(0, int(seconds))
    if s < 60:
        return QCoreApplication.translate("Labels", "%1 s").replace("%1", str(s))
    if s < 3600:
        return (
            QCoreApplication.translate("Labels", "%1 min %2 s")
            .replace("%1", str(s // 60))
            .replace("%2", f"{s % 60:02d}")
        )
    return (
        QCoreApplication.translate("Labels", "%1 h %2 min")
        .replace("%1", str(s // 3600))
        .replace("%2", f"{(s % 3600) // 60:02d}")
    )


def clock_text(moment: datetime | None) -> str:
    """A moment in the console's local time, hh:mm:ss."""
    if moment is None:
        return "—"
    return moment.astimezone().strftime("%H:%M:%S")
