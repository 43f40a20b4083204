"""Typed results of the console API (api.md), read from the service's JSON.

Each ``from_json`` is strict about what identifies a thing (ids) and lenient
about the rest, so that a service which adds fields never breaks the console.
A missing id raises :class:`RecordError`; :class:`~.api.ConsoleApi` turns that
into :class:`~.errors.NotThisApi`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..domain.rows import CandidateRow, parse_time
from ..domain.states import Role


class RecordError(ValueError):
    """The JSON is not the record we expected."""


def _obj(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise RecordError(f"{what} is not a JSON object")
    return data


def _id(data: dict[str, Any], key: str, what: str) -> str:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise RecordError(f"{what} has no {key}")
    return str(value)


def _str(data: dict[str, Any], key: str, default: str = "") -> str:
    value = data.get(key)
    return default if value is None or isinstance(value, (dict, list)) else str(value)


def _opt_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value is None or isinstance(value, (dict, list)) else str(value)


def _int(data: dict[str, Any], key: str, default: int = 0) -> int:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _bool(data: dict[str, Any], key: str, default: bool = False) -> bool:
    value = data.get(key)
    return value if isinstance(value, bool) else default


def _str_list(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [
        str(item) for item in value if isinstance(item, (str, int)) and not isinstance(item, bool)
    ]


def _role(value: Any) -> Role | str:
    try:
        return Role(value)
    except ValueError:
        return str(value)


@dataclass(frozen=True)
class User:
    id: str
    username: str
    display_name: str
    role: Role | str  # a Role; the raw text if the service has a role we do not know
    hall_ids: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: Any) -> User:
        obj = _obj(data, "the user")
        return cls(
            id=_id(obj, "id", "the user"),
            username=_str(obj, "username"),
            display_name=_str(obj, "display_name") or _str(obj, "username"),
            role=_role(obj.get("role")),
            hall_ids=_str_list(obj, "hall_ids"),
        )


@dataclass(frozen=True)
class LoginResult:
    token: str = field(repr=False)  # never printed: repr hides it
    expires_at: datetime | None
    user: User

    @classmethod
    def from_json(cls, data: Any) -> LoginResult:
        obj = _obj(data, "the sign-in answer")
        token = obj.get("access_token")
        if not isinstance(token, str) or not token:
            raise RecordError("the sign-in answer has no access_token")
        return cls(
            token=token,
            expires_at=parse_time(obj.get("expires_at")),
            user=User.from_json(obj.get("user")),
        )


@dataclass(frozen=True)
class ServerInfo:
    title: str
    version: str


@dataclass(frozen=True)
class Hall:
    id: str
    name: str
    rows: int
    columns: int

    @classmethod
    def from_json(cls, data: Any) -> Hall:
        obj = _obj(data, "a hall")
        return cls(
            id=_id(obj, "id", "a hall"),
            name=_str(obj, "name"),
            rows=_int(obj, "rows"),
            columns=_int(obj, "columns"),
        )


@dataclass(frozen=True)
class ExamSession:
    id: str
    title: str
    exam_code: str
    starts_at: datetime | None
    duration_minutes: int
    max_locks: int
    info_collection: bool
    info_fields: list[str]
    total_questions: int
    hall_ids: list[str]
    status: str  # scheduled | open | closed

    @classmethod
    def from_json(cls, data: Any) -> ExamSession:
        obj = _obj(data, "an exam session")
        return cls(
            id=_id(obj, "id", "an exam session"),
            title=_str(obj, "title"),
            exam_code=_str(obj, "exam_code"),
            starts_at=parse_time(obj.get("starts_at")),
            duration_minutes=_int(obj, "duration_minutes"),
            max_locks=_int(obj, "max_locks", 5),
            info_collection=_bool(obj, "info_collection"),
            info_fields=_str_list(obj, "info_fields"),
            total_questions=_int(obj, "total_questions"),
            hall_ids=_str_list(obj, "hall_ids"),
            status=_str(obj, "status"),
        )

    def feed_hall(self, user: User, asked: str | None = None) -> str | None:
        """The hall the console follows: the one asked for; else, for a proctor of
        exactly one of this session's halls, that hall; else None (the whole session)."""
        if asked is None and str(user.role) == Role.PROCTOR.value:
            mine = [h for h in self.hall_ids if h in user.hall_ids]
            return mine[0] if len(mine) == 1 else None
        return asked


@dataclass(frozen=True)
class Snapshot:
    cursor: str
    server_time: datetime | None
    rows: list[CandidateRow]
    problems: list[str]  # rows skipped or fields dropped, each in a sentence


@dataclass(frozen=True)
class UnlockResult:
    status: str  # "queued" for push; "issued" for a code (the service may name it)
    command_id: str | None = None
    code: str | None = field(default=None, repr=False)  # a secret: shown on screen, never logged
    expires_at: datetime | None = None

    @classmethod
    def from_json(cls, data: Any) -> UnlockResult:
        obj = _obj(data, "the unlock answer")
        code = _opt_str(obj, "code")
        status = _str(obj, "status") or ("issued" if code else "queued")
        return cls(
            status=status,
            command_id=_opt_str(obj, "command_id"),
            code=code,
            expires_at=parse_time(obj.get("expires_at")),
        )


@dataclass(frozen=True)
class BatchUnlockItem:
    """One attempt's result in a batch unlock: a result, or the error that refused it."""

    attempt_id: str
    ok: bool
    result: UnlockResult | None = None
    error_code: str | None = None
    message: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> BatchUnlockItem:
        obj = _obj(data, "a batch unlock result")
        attempt_id = _id(obj, "attempt_id", "a batch unlock result")
        error = obj.get("error")
        if isinstance(error, dict):
            return cls(
                attempt_id, False, None, _str(error, "code") or None, _str(error, "message") or None
            )
        if obj.get("ok") is False:
            return cls(attempt_id, False, None, _opt_str(obj, "code"), _opt_str(obj, "message"))
        return cls(attempt_id, True, UnlockResult.from_json(obj))


@dataclass(frozen=True)
class TimelineEvent:
    id: str
    at: datetime | None
    kind: str
    attempt_id: str
    actor: str | None  # a username, or None for the phone
    detail: dict[str, Any]

    @classmethod
    def from_json(cls, data: Any) -> TimelineEvent:
        obj = _obj(data, "a timeline event")
        detail = obj.get("detail")
        return cls(
            id=_id(obj, "id", "a timeline event"),
            at=parse_time(obj.get("at")),
            kind=_str(obj, "kind"),
            attempt_id=_str(obj, "attempt_id"),
            actor=_opt_str(obj, "actor"),
            detail=detail if isinstance(detail, dict) else {},
        )


@dataclass(frozen=True)
class EscalationComment:
    by: str
    at: datetime | None
    text: str


@dataclass(frozen=True)
class Escalation:
    id: str
    attempt_id: str
    session_id: str
    hall_id: str
    candidate_no: str
    name: str
    seat: str
    category: str
    note: str
    status: str  # open | claimed | resolved
    raised_by: str | None
    raised_at: datetime | None
    claimed_by: str | None
    claimed_at: datetime | None
    resolved_by: str | None
    resolved_at: datetime | None
    resolution: str | None
    comments: list[EscalationComment]

    @classmethod
    def from_json(cls, data: Any) -> Escalation:
        obj = _obj(data, "an escalation")
        comments = []
        raw_comments = obj.get("comments")
        for item in raw_comments if isinstance(raw_comments, list) else []:
            if isinstance(item, dict):
                comments.append(
                    EscalationComment(
                        _str(item, "by"), parse_time(item.get("at")), _str(item, "text")
                    )
                )
        return cls(
            id=_id(obj, "id", "an escalation"),
            attempt_id=_str(obj, "attempt_id"),
            session_id=_str(obj, "session_id"),
            hall_id=_str(obj, "hall_id"),
            candidate_no=_str(obj, "candidate_no"),
            name=_str(obj, "name"),
            seat=_str(obj, "seat"),
            category=_str(obj, "category"),
            note=_str(obj, "note"),
            status=_str(obj, "status"),
            raised_by=_opt_str(obj, "raised_by"),
            raised_at=parse_time(obj.get("raised_at")),
            claimed_by=_opt_str(obj, "claimed_by"),
            claimed_at=parse_time(obj.get("claimed_at")),
            resolved_by=_opt_str(obj, "resolved_by"),
            resolved_at=parse_time(obj.get("resolved_at")),
            resolution=_opt_str(obj, "resolution"),
            comments=comments,
        )


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit: who did what, when, to whom, why (other fields kept in ``extra``)."""

    at: datetime | None
    actor: str | None
    action: str
    attempt_id: str | None
    reason: str | None
    extra: dict[str, Any]

    @classmethod
    def from_json(cls, data: Any) -> AuditEntry:
        obj = _obj(data, "an audit entry")
        known = {"at", "actor", "action", "kind", "attempt_id", "reason"}
        return cls(
            at=parse_time(obj.get("at")),
            actor=_opt_str(obj, "actor"),
            action=_str(obj, "action") or _str(obj, "kind"),
            attempt_id=_opt_str(obj, "attempt_id"),
            reason=_opt_str(obj, "reason"),
            extra={k: v for k, v in obj.items() if k not in known},
        )
