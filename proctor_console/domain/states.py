"""States, reasons and roles of the exam domain (from the candidates' guide)."""

from __future__ import annotations

from enum import StrEnum


class AttemptState(StrEnum):
    NOT_JOINED = "not_joined"
    JOINED = "joined"
    INFO_PENDING = "info_pending"
    READY = "ready"
    ANSWERING = "answering"
    LOCKED = "locked"
    SUBMITTING = "submitting"
    SUBMITTED = "submitted"
    AUTO_SUBMITTED = "auto_submitted"


#: States in which the attempt is "live": the phone is expected to send heartbeats.
LIVE_STATES = frozenset(
    {
        AttemptState.JOINED,
        AttemptState.INFO_PENDING,
        AttemptState.READY,
        AttemptState.ANSWERING,
        AttemptState.LOCKED,
        AttemptState.SUBMITTING,
    }
)

#: States in which the paper is with the server for good.
FINAL_STATES = frozenset({AttemptState.SUBMITTED, AttemptState.AUTO_SUBMITTED})


class LockReason(StrEnum):
    APP_SWITCH = "app_switch"
    CALL = "call"
    SCREENSHOT = "screenshot"
    OTHER = "other"


class Network(StrEnum):
    WIFI = "wifi"
    G5 = "5g"
    G4 = "4g"
    G3 = "3g"
    G2 = "2g"
    NONE = "none"


#: Networks the guide calls too weak ("3G leads to hung or blank pages").
WEAK_NETWORKS = frozenset({Network.G3, Network.G2, Network.NONE})


class Phase(StrEnum):
    """What the phone itself reports in a heartbeat."""

    ANSWERING = "answering"
    LOCKED = "locked"
    SUBMITTING = "submitting"
    SUBMITTED = "submitted"


class Platform(StrEnum):
    IOS = "ios"
    ANDROID = "android"


class Role(StrEnum):
    PROCTOR = "proctor"
    SUPPORT = "support"
    LEAD = "lead"
    ADMIN = "admin"


class UnlockMode(StrEnum):
    PUSH = "push"
    CODE = "code"
    OFFLINE = "offline"


class SubmitCause(StrEnum):
    """Why a paper was submitted without the candidate pressing submit."""

    LOCK_LIMIT = "lock_limit"
    TIME = "time"
    PROCTOR = "proctor"


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


class EscalationCategory(StrEnum):
    NO_PAPER = "no_paper"
    WRONG_PAPER = "wrong_paper"
    SUBMITTED_NOT_BY_CANDIDATE = "submitted_not_by_candidate"
    STUCK_SUBMISSION = "stuck_submission"
    DEVICE_FAILURE = "device_failure"
    LOGIN_PROBLEM = "login_problem"
    OTHER = "other"


class EscalationStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"


class HelpReason(StrEnum):
    QUESTION = "question"
    DEVICE = "device"
    PAPER = "paper"
    OTHER = "other"


#: Which roles may act on candidates (unlock, message, force-submit).
ACTING_ROLES = frozenset({Role.PROCTOR, Role.SUPPORT})
