"""The rules of an exam attempt, applied to storage.

Each function runs inside a writing transaction (``Store.write()``) handed in
by the caller; each change of an attempt bumps its ``version`` and writes its
event(s) in that same transaction, so an answer never goes out for a change
that is not committed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pyotp
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ..domain.rows import CandidateRow, format_time
from ..domain.states import LIVE_STATES, AttemptState, Role, SessionStatus
from .errors import ApiError, not_found
from .storage import (
    attempts,
    audit,
    commands,
    escalations,
    events,
    exam_sessions,
    halls,
    mark_changed,
    unlock_codes,
    utcnow,
)

S = AttemptState
UNLOCK_CODE_MINUTES = 5
WRONG_CODES_PER_LOCK = 5
JOIN_WINDOW = timedelta(minutes=30)

#: States in which time running out auto-submits the paper.
TIME_SUBMITTABLE = frozenset(LIVE_STATES)


@dataclass(frozen=True)
class Actor:
    """Who is calling the console API."""

    user_id: str
    username: str
    role: Role
    hall_ids: frozenset[str]

    def sees_hall(self, hall_id: str) -> bool:
        return self.role is not Role.PROCTOR or hall_id in self.hall_ids


def new_id() -> str:
    return secrets.token_hex(8)


def code_digest(attempt_id: str, code: str) -> str:
    return hashlib.sha256(f"{attempt_id}:{code}".encode()).hexdigest()


def new_unlock_seed() -> str:
    """Base32 secret of 160 bits for HOTP offline unlock."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def offline_code(seed: str, lock_count: int) -> str:
    return pyotp.HOTP(seed, digits=6).at(lock_count)


# --- sessions -------------------------------------------------------------------


#: A session closes by itself this long after its end (extensions are at most 8 hours).
AUTO_CLOSE_AFTER = timedelta(hours=24)


def session_status(s: dict[str, Any], now: datetime | None = None) -> SessionStatus:
    now = now or utcnow()
    ends = s["starts_at"] + timedelta(minutes=s["duration_minutes"])
    if s["closed"] or now > ends + AUTO_CLOSE_AFTER:
        return SessionStatus.CLOSED
    if now < s["starts_at"] - JOIN_WINDOW:
        return SessionStatus.SCHEDULED
    return SessionStatus.OPEN


def session_json(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": s["id"],
        "title": s["title"],
        "exam_code": s["exam_code"],
        "starts_at": format_time(s["starts_at"]),
        "ends_at": format_time(s["starts_at"] + timedelta(minutes=s["duration_minutes"])),
        "duration_minutes": s["duration_minutes"],
        "max_locks": s["max_locks"],
        "info_collection": s["info_collection"],
        "info_fields": list(s["info_fields"] or []),
        "total_questions": s["total_questions"],
        "hall_ids": list(s["hall_ids"] or []),
        "status": session_status(s).value,
    }


async def get_session(conn: AsyncConnection, sid: str) -> dict[str, Any]:
    row = (await conn.execute(select(exam_sessions).where(exam_sessions.c.id == sid))).mappings().first()
    if row is None:
        raise not_found("exam session", "session_not_found")
    return dict(row)


async def get_hall(conn: AsyncConnection, hid: str) -> dict[str, Any]:
    row = (await conn.execute(select(halls).where(halls.c.id == hid))).mappings().first()
    if row is None:
        raise not_found("hall", "hall_not_found")
    return dict(row)


# --- attempts and their rows ----------------------------------------------------------

_SESSION_COLS = [
    exam_sessions.c.max_locks.label("s_max_locks"),
    exam_sessions.c.total_questions.label("s_total_questions"),
    exam_sessions.c.info_collection.label("s_info_collection"),
    exam_sessions.c.info_fields.label("s_info_fields"),
    exam_sessions.c.starts_at.label("s_starts_at"),
    exam_sessions.c.duration_minutes.label("s_duration_minutes"),
    exam_sessions.c.exam_code.label("s_exam_code"),
    exam_sessions.c.closed.label("s_closed"),
]

ATTEMPT_SELECT = select(attempts, *_SESSION_COLS).join(
    exam_sessions, exam_sessions.c.id == attempts.c.session_id
)
#: What a candidate row (``row_json``) needs: without the answers, the info, the unlock
#: seed and the session's info fields, which a snapshot of 5,000 rows would read and
#: decode for nothing.
ROW_SELECT = select(
    *(c for c in attempts.c if c.key not in ("answers", "info", "unlock_seed")),
    *(c for c in _SESSION_COLS if c.key != "s_info_fields"),
).join(exam_sessions, exam_sessions.c.id == attempts.c.session_id)


async def load_attempt(conn: AsyncConnection, aid: str) -> dict[str, Any]:
    row = (await conn.execute(ATTEMPT_SELECT.where(attempts.c.id == aid))).mappings().first()
    if row is None:
        raise not_found("attempt", "attempt_not_found")
    return dict(row)


def row_of(a: dict[str, Any]) -> CandidateRow:
    state = S(a["state"])
    info_required = bool(a["s_info_collection"]) and not a["info_done"]
    return CandidateRow(
        attempt_id=a["id"],
        version=a["version"],
        session_id=a["session_id"],
        candidate_no=a["candidate_no"],
        name=a["name"],
        hall_id=a["hall_id"],
        seat=f"{a['seat_row']}-{a['seat_col']}",
        seat_row=a["seat_row"],
        seat_col=a["seat_col"],
        state=state,
        lock_count=a["lock_count"],
        max_locks=a["s_max_locks"],
        last_lock_reason=a["last_lock_reason"],
        locked_since=a["locked_since"],
        battery_pct=a["battery_pct"],
        charging=a["charging"],
        network=a["network"],
        last_seen=a["last_seen"],
        app_version=a["app_version"],
        platform=a["platform"],
        os_version=a["os_version"],
        screen=a["screen"],
        answered=a["answered"],
        total_questions=a["s_total_questions"],
        resumes=a["resumes"],
        device_count=a["device_count"],
        submit_pending_since=a["submit_pending_since"],
        receipt_id=a["receipt_id"],
        received_at=a["received_at"],
        open_escalations=a["open_escalations"],
        help_requested_since=a["help_requested_since"],
        help_reason=a["help_reason"],
        deadline=a["deadline"],
        submit_cause=a["submit_cause"],
        info_required=info_required,
        last_unlock_mode=a["last_unlock_mode"],
    )


def row_json(a: dict[str, Any]) -> dict[str, Any]:
    return row_of(a).to_json()


Timeline = list[tuple[str | None, dict[str, Any] | None]]


async def save(
    conn: AsyncConnection,
    a: dict[str, Any],
    changes: dict[str, Any],
    timeline: Timeline | None = None,
    actor: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Apply ``changes`` to attempt ``a`` (version + 1) and write its event(s)."""
    now = now or utcnow()
    changes = dict(changes)
    changes["version"] = a["version"] + 1
    changes["seen_in_event"] = changes.get("last_seen", a["last_seen"])
    await conn.execute(update(attempts).where(attempts.c.id == a["id"]).values(**changes))
    mark_changed(conn, a["id"], a)
    a.update(changes)
    data = row_json(a)
    entries = timeline or [(None, None)]
    await conn.execute(
        insert(events),
        [
            {
                "at": now,
                "session_id": a["session_id"],
                "hall_id": a["hall_id"],
                "attempt_id": a["id"],
                "type": "candidate",
                "kind": kind,
                "actor": actor if kind else None,
                "detail": detail,
                "data": data,
            }
            for kind, detail in entries
        ],
    )
    return data


async def write_audit(
    conn: AsyncConnection,
    actor: Actor | str,
    action: str,
    *,
    a: dict[str, Any] | None = None,
    session_id: str | None = None,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    username = actor.username if isinstance(actor, Actor) else actor
    role = actor.role.value if isinstance(actor, Actor) else None
    await conn.execute(
        insert(audit).values(
            at=utcnow(),
            actor=username,
            role=role,
            action=action,
            session_id=a["session_id"] if a else session_id,
            hall_id=a["hall_id"] if a else None,
            attempt_id=a["id"] if a else None,
            candidate_no=a["candidate_no"] if a else None,
            reason=reason,
            detail=detail,
        )
    )


async def max_cursor(conn: AsyncConnection) -> int:
    value = (await conn.execute(select(func.max(events.c.id)))).scalar()
    return int(value or 0)


# --- submission ---------------------------------------------------------------------


def _receipt() -> str:
    return "R" + secrets.token_hex(6).upper()


async def auto_submit(
    conn: AsyncConnection, a: dict[str, Any], cause: str, actor: str | None = None,
    reason: str | None = None, kind: str = "auto_submitted",
) -> dict[str, Any]:
    """Submit with the answers saved so far; the paper is with the server from now on."""
    now = utcnow()
    changes: dict[str, Any] = {
        "state": S.AUTO_SUBMITTED.value,
        "submit_cause": cause,
        "locked_since": None,
    }
    detail: dict[str, Any] = {"cause": cause}
    if a["receipt_id"] is None:
        changes["receipt_id"] = _receipt()
        changes["received_at"] = now
        detail["receipt_id"] = changes["receipt_id"]
    if reason:
        detail["reason"] = reason
    return await save(conn, a, changes, [(kind, detail)], actor=actor, now=now)


async def check_time(conn: AsyncConnection, a: dict[str, Any]) -> None:
    """An attempt past its deadline is auto-submitted (checked on every device call)."""
    if S(a["state"]) in TIME_SUBMITTABLE and utcnow() >= a["deadline"]:
        await auto_submit(conn, a, "time")


async def sweep_overdue(conn: AsyncConnection, limit: int = 500) -> int:
    """Auto-submit every live attempt whose time is over. Returns how many."""
    now = utcnow()
    ids = (
        await conn.execute(
            select(attempts.c.id)
            .where(attempts.c.state.in_([s.value for s in TIME_SUBMITTABLE]))
            .where(attempts.c.deadline <= now)
            .limit(limit)
        )
    ).scalars().all()
    for aid in ids:
        a = await load_attempt(conn, aid)
        await check_time(conn, a)
    return len(ids)


# --- the device side ---------------------------------------------------------------------


def _device_fields(device: dict[str, Any]) -> dict[str, Any]:
    return {
        "app_version": device.get("app_version"),
        "platform": device.get("platform"),
        "os_version": device.get("os_version"),
        "model": device.get("model"),
        "screen": device.get("screen"),
    }


async def join(
    conn: AsyncConnection, a: dict[str, Any], device: dict[str, Any]
) -> tuple[dict[str, Any], bool]:
    """Join or resume. Returns (row, resumed)."""
    await check_time(conn, a)
    now = utcnow()
    state = S(a["state"])
    device_id = str(device.get("device_id") or "")
    changes = _device_fields(device)
    changes["last_seen"] = now
    timeline: Timeline = []
    if state is S.NOT_JOINED:
        if now >= a["deadline"]:
            raise ApiError(409, "exam_over", "This exam is over; joining is no longer possible.")
        needs_info = bool(a["s_info_collection"]) and not a["info_done"]
        changes["state"] = (S.INFO_PENDING if needs_info else S.JOINED).value
        changes["device_id"] = device_id
        changes["device_count"] = 1
        timeline.append(("joined", {"device_id": device_id, "app_version": changes["app_version"], "platform": changes["platform"]}))
        resumed = False
    else:
        changes["resumes"] = a["resumes"] + 1
        timeline.append(("resumed", {"resumes": changes["resumes"], "state": state.value}))
        if device_id and device_id != a["device_id"]:
            changes["device_id"] = device_id
            changes["device_count"] = a["device_count"] + 1
            timeline.append(("device_changed", {"device_count": changes["device_count"], "app_version": changes["app_version"], "platform": changes["platform"]}))
        resumed = True
    return await save(conn, a, changes, timeline, now=now), resumed


def validate_info(session_fields: list[str], fields: dict[str, Any]) -> dict[str, str]:
    wanted = list(session_fields or [])
    missing = [f for f in wanted if not isinstance(fields.get(f), str) or not fields[f].strip()]
    unknown = [f for f in fields if f not in wanted]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing or empty: " + ", ".join(missing))
        if unknown:
            parts.append("unknown: " + ", ".join(unknown))
        raise ApiError(
            422, "validation_error", "Check the info fields (" + "; ".join(parts) + ").",
            fields=[{"field": f"fields.{f}", "problem": "is missing or empty"} for f in missing]
            + [{"field": f"fields.{f}", "problem": "is not a field of this exam"} for f in unknown],
        )
    return {f: fields[f].strip()[:200] for f in wanted}


async def give_info(conn: AsyncConnection, a: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    state = S(a["state"])
    if state in (S.SUBMITTED, S.AUTO_SUBMITTED):
        raise ApiError(409, "already_submitted", "This paper is already submitted.")
    info = validate_info(a["s_info_fields"], fields)
    changes: dict[str, Any] = {"info": info, "info_done": True}
    if state in (S.JOINED, S.INFO_PENDING):
        changes["state"] = S.READY.value
    return await save(conn, a, changes, [("info", {"fields": sorted(info)})])


async def start(conn: AsyncConnection, a: dict[str, Any]) -> dict[str, Any]:
    await check_time(conn, a)
    state = S(a["state"])
    if state is S.NOT_JOINED:
        raise ApiError(409, "not_joined", "Join the exam first.")
    if state in (S.ANSWERING, S.LOCKED, S.SUBMITTING, S.SUBMITTED, S.AUTO_SUBMITTED):
        return row_json(a)  # already started: answer where it is
    if a["s_info_collection"] and not a["info_done"]:
        raise ApiError(409, "info_required", "Fill in the pre-exam information first.")
    now = utcnow()
    if now < a["s_starts_at"]:
        raise ApiError(
            409, "not_started", f"The exam starts at {format_time(a['s_starts_at'])}; wait until then.",
            starts_at=format_time(a["s_starts_at"]),
        )
    return await save(conn, a, {"state": S.ANSWERING.value}, [("started", {})], now=now)


async def lock(conn: AsyncConnection, a: dict[str, Any], reason: str) -> dict[str, Any]:
    await check_time(conn, a)
    state = S(a["state"])
    if state is not S.ANSWERING:
        return row_json(a)  # a retried or late lock: nothing new to count
    now = utcnow()
    count = a["lock_count"] + 1
    data = await save(
        conn, a,
        {"state": S.LOCKED.value, "lock_count": count, "last_lock_reason": reason,
         "locked_since": now, "wrong_codes": 0, "unlock_delivered_lock": None},
        [("locked", {"reason": reason, "lock_count": count})], now=now,
    )
    # Unlocks issued for an earlier lock must not open this one.
    await conn.execute(
        update(unlock_codes).where(unlock_codes.c.attempt_id == a["id"]).where(unlock_codes.c.used_at.is_(None)).values(void=True)
    )
    if count >= a["s_max_locks"]:
        data = await auto_submit(conn, a, "lock_limit")
    return data


async def _unlocked(conn: AsyncConnection, a: dict[str, Any], mode: str, detail: dict[str, Any] | None = None) -> dict[str, Any]:
    return await save(
        conn, a,
        {"state": S.ANSWERING.value, "locked_since": None, "last_unlock_mode": mode, "wrong_codes": 0},
        [("unlocked", {"mode": mode, "lock_count": a["lock_count"], **(detail or {})})],
    )


async def device_unlock(
    conn: AsyncConnection, a: dict[str, Any], code: str, offline: bool, unlocked_at: datetime | None
) -> tuple[dict[str, Any], ApiError | None]:
    """Check a typed code. Returns (row, error); a wrong code's count is committed with the error."""
    await check_time(conn, a)
    state = S(a["state"])
    if state is not S.LOCKED:
        if state is S.ANSWERING:
            return row_json(a), None  # already open (e.g. a push arrived first)
        raise ApiError(409, "not_locked", "This exam is not locked.")
    if a["wrong_codes"] >= WRONG_CODES_PER_LOCK:
        raise ApiError(429, "too_many_wrong_codes", "Too many wrong codes for this lock; ask the proctor to unlock from the console.")
    code = code.strip()
    now = utcnow()
    if offline:
        expected = offline_code(a["unlock_seed"], a["lock_count"])
        if hmac.compare_digest(expected, code):
            detail = {"unlocked_at": format_time(unlocked_at)} if unlocked_at else {}
            return await _unlocked(conn, a, "offline", detail), None
    else:
        digest = code_digest(a["id"], code)
        row = (
            await conn.execute(
                select(unlock_codes)
                .where(unlock_codes.c.attempt_id == a["id"])
                .where(unlock_codes.c.code_hash == digest)
                .where(unlock_codes.c.lock_count == a["lock_count"])
                .where(unlock_codes.c.used_at.is_(None))
                .where(unlock_codes.c.void.is_(False))
            )
        ).mappings().first()
        if row is not None and row["expires_at"] > now:
            await conn.execute(update(unlock_codes).where(unlock_codes.c.id == row["id"]).values(used_at=now))
            return await _unlocked(conn, a, "code"), None
        if row is not None:
            err = ApiError(403, "code_expired", "This unlock code has expired; ask the proctor for a new one.")
            await conn.execute(update(attempts).where(attempts.c.id == a["id"]).values(wrong_codes=a["wrong_codes"] + 1))
            return row_json(a), err
    left = WRONG_CODES_PER_LOCK - a["wrong_codes"] - 1
    await conn.execute(update(attempts).where(attempts.c.id == a["id"]).values(wrong_codes=a["wrong_codes"] + 1))
    return row_json(a), ApiError(
        403, "wrong_code", f"That unlock code is not right; {max(left, 0)} tries left for this lock.",
        tries_left=max(left, 0),
    )


async def save_answers(conn: AsyncConnection, a: dict[str, Any], answers: Any) -> dict[str, Any]:
    await check_time(conn, a)
    state = S(a["state"])
    if state in (S.SUBMITTED, S.AUTO_SUBMITTED):
        raise ApiError(409, "already_submitted", "This paper is already submitted; answers can no longer change.")
    if state in (S.NOT_JOINED, S.JOINED, S.INFO_PENDING, S.READY):
        raise ApiError(409, "not_started", "Start the exam before answering.")
    answered = count_answered(answers)
    return await save(conn, a, {"answers": answers, "answered": answered})


def count_answered(answers: Any) -> int:
    if isinstance(answers, dict):
        return sum(1 for v in answers.values() if v not in (None, "", []))
    if isinstance(answers, list):
        return sum(1 for v in answers if v not in (None, "", []))
    return 0


async def submit(
    conn: AsyncConnection, a: dict[str, Any], submission_id: str, answers: Any
) -> dict[str, Any]:
    """Idempotent on submission_id; a paper the server already holds answers its receipt."""
    await check_time(conn, a)
    state = S(a["state"])
    if a["receipt_id"] is not None:
        return {
            "receipt_id": a["receipt_id"],
            "received_at": format_time(a["received_at"]),
            "state": state.value,
            "duplicate": a["submission_id"] == submission_id,
        }
    if state in (S.NOT_JOINED, S.JOINED, S.INFO_PENDING, S.READY):
        raise ApiError(409, "not_started", "This exam has not been started.")
    if state is S.LOCKED:
        raise ApiError(409, "locked", "The exam is locked; ask the proctor to unlock it before submitting.")
    now = utcnow()
    changes: dict[str, Any] = {
        "state": S.SUBMITTED.value,
        "submission_id": submission_id,
        "receipt_id": _receipt(),
        "received_at": now,
        "locked_since": None,
    }
    if answers is not None:
        changes["answers"] = answers
        changes["answered"] = count_answered(answers)
    await save(conn, a, changes, [("submitted", {"receipt_id": changes["receipt_id"]})], now=now)
    return {"receipt_id": a["receipt_id"], "received_at": format_time(now), "state": S.SUBMITTED.value, "duplicate": False}


async def heartbeat_changes(
    conn: AsyncConnection, a: dict[str, Any], phase: str, telemetry: dict[str, Any]
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The state part of a heartbeat: phase reports and pending commands.

    Returns (row if it changed, commands for the phone). Telemetry alone is
    left to the batcher; when the row changes here it is written with it.
    """
    now = utcnow()
    state = S(a["state"])
    changes: dict[str, Any] = {}
    timeline: Timeline = []
    out_commands: list[dict[str, Any]] = []
    if a["pending_commands"]:
        rows = (
            await conn.execute(
                select(commands).where(commands.c.attempt_id == a["id"]).where(commands.c.delivered_at.is_(None)).order_by(commands.c.created_at)
            )
        ).mappings().all()
        for cmd in rows:
            if cmd["type"] == "unlock":
                if state is S.LOCKED and cmd["lock_count"] == a["lock_count"]:
                    out_commands.append({"type": "unlock", "id": cmd["id"]})
                    changes["unlock_delivered_lock"] = a["lock_count"]
                    await conn.execute(update(commands).where(commands.c.id == cmd["id"]).values(delivered_at=now))
                else:
                    await conn.execute(update(commands).where(commands.c.id == cmd["id"]).values(delivered_at=now, void=True))
            elif cmd["type"] == "message":
                out_commands.append({"type": "message", "id": cmd["id"], "text": cmd["text"]})
                await conn.execute(update(commands).where(commands.c.id == cmd["id"]).values(delivered_at=now))
                timeline.append(("message_delivered", {"command_id": cmd["id"]}))
            elif cmd["type"] == "help_ack":
                out_commands.append({"type": "help_ack", "id": cmd["id"]})
                await conn.execute(update(commands).where(commands.c.id == cmd["id"]).values(delivered_at=now))
        changes["pending_commands"] = 0
    if phase == "answering" and state is S.LOCKED:
        delivered = changes.get("unlock_delivered_lock", a["unlock_delivered_lock"])
        # The phone applies the unlock it got in the previous heartbeat; only then.
        if delivered == a["lock_count"] and "unlock_delivered_lock" not in changes:
            changes.update(state=S.ANSWERING.value, locked_since=None, last_unlock_mode="push", wrong_codes=0)
            timeline.append(("unlocked", {"mode": "push", "lock_count": a["lock_count"]}))
    if phase == "submitting":
        if a["submit_pending_since"] is None:
            changes["submit_pending_since"] = now
            timeline.append(("submit_pending", {"receipt_id": a["receipt_id"]}))
        if state is S.ANSWERING and a["receipt_id"] is None:
            changes["state"] = S.SUBMITTING.value
    elif a["submit_pending_since"] is not None:
        changes["submit_pending_since"] = None
        if state is S.SUBMITTING and phase == "answering":
            changes["state"] = S.ANSWERING.value
    if not changes or (set(changes) <= {"pending_commands", "unlock_delivered_lock"} and not timeline):
        if changes:
            await conn.execute(update(attempts).where(attempts.c.id == a["id"]).values(**changes))
            mark_changed(conn, a["id"], a)
            a.update(changes)
        return None, out_commands
    changes.update(telemetry)
    return await save(conn, a, changes, timeline, now=now), out_commands


# --- the console side ------------------------------------------------------------------


def require_acting(actor: Actor, a: dict[str, Any]) -> None:
    if not actor.sees_hall(a["hall_id"]):
        raise ApiError(403, "wrong_hall", "This candidate is in a hall you are not assigned to.")
    if actor.role not in (Role.PROCTOR, Role.SUPPORT):
        raise ApiError(403, "role_not_allowed", f"A {actor.role.value} cannot act on candidates; proctors and support staff can.")


def require_support(actor: Actor) -> None:
    if actor.role is not Role.SUPPORT:
        raise ApiError(403, "support_only", "Only support staff can do this.")


def require_seeing(actor: Actor, a: dict[str, Any]) -> None:
    if not actor.sees_hall(a["hall_id"]):
        raise ApiError(403, "wrong_hall", "This candidate is in a hall you are not assigned to.")


async def console_unlock(
    conn: AsyncConnection, actor: Actor, a: dict[str, Any], mode: str, reason: str
) -> dict[str, Any]:
    require_acting(actor, a)
    if S(a["state"]) is not S.LOCKED:
        raise ApiError(409, "not_locked", f"Candidate {a['candidate_no']} is not locked (state {a['state']}).", state=a["state"])
    now = utcnow()
    answer: dict[str, Any]
    if mode == "push":
        cid = new_id()
        await conn.execute(
            insert(commands).values(id=cid, attempt_id=a["id"], type="unlock", lock_count=a["lock_count"], created_by=actor.username, created_at=now)
        )
        await conn.execute(update(attempts).where(attempts.c.id == a["id"]).values(pending_commands=attempts.c.pending_commands + 1))
        a["pending_commands"] = a["pending_commands"] + 1
        answer = {"status": "queued", "command_id": cid}
    elif mode == "code":
        code = f"{secrets.randbelow(1_000_000):06d}"
        expires = now + timedelta(minutes=UNLOCK_CODE_MINUTES)
        # A new code replaces the one before: only one valid code per lock.
        await conn.execute(
            update(unlock_codes).where(unlock_codes.c.attempt_id == a["id"]).where(unlock_codes.c.used_at.is_(None)).values(void=True)
        )
        await conn.execute(
            insert(unlock_codes).values(
                id=new_id(), attempt_id=a["id"], lock_count=a["lock_count"], code_hash=code_digest(a["id"], code),
                issued_by=actor.username, issued_at=now, expires_at=expires,
            )
        )
        answer = {"code": code, "expires_at": format_time(expires)}
    else:  # offline: HOTP of the attempt's seed at the current lock count
        answer = {"code": offline_code(a["unlock_seed"], a["lock_count"]), "lock_count": a["lock_count"], "mode": "offline"}
    answer["attempt_id"] = a["id"]
    detail = {"mode": mode, "reason": reason, "lock_count": a["lock_count"]}
    await save(conn, a, {}, [("unlock_issued", detail)], actor=actor.username, now=now)
    await write_audit(conn, actor, "unlock", a=a, reason=reason, detail={"mode": mode, "lock_count": a["lock_count"]})
    return answer


async def reopen(conn: AsyncConnection, actor: Actor, a: dict[str, Any], reason: str) -> dict[str, Any]:
    require_support(actor)
    if S(a["state"]) not in (S.SUBMITTED, S.AUTO_SUBMITTED):
        raise ApiError(409, "not_submitted", "Only a submitted paper can be reopened.")
    if utcnow() >= a["deadline"]:
        raise ApiError(409, "time_over", "This attempt's time is over; extend it first, then reopen.")
    old = {"receipt_id": a["receipt_id"], "cause": a["submit_cause"]}
    data = await save(
        conn, a,
        {"state": S.ANSWERING.value, "receipt_id": None, "received_at": None, "submission_id": None,
         "submit_cause": None, "submit_pending_since": None, "locked_since": None},
        [("reopened", {"reason": reason, **old})], actor=actor.username,
    )
    await write_audit(conn, actor, "reopen", a=a, reason=reason, detail=old)
    return data


async def reset_locks(conn: AsyncConnection, actor: Actor, a: dict[str, Any], reason: str) -> dict[str, Any]:
    require_support(actor)
    before = a["lock_count"]
    data = await save(conn, a, {"lock_count": 0}, [("locks_reset", {"reason": reason, "lock_count_before": before})], actor=actor.username)
    await write_audit(conn, actor, "reset_locks", a=a, reason=reason, detail={"lock_count_before": before})
    return data


async def extend(conn: AsyncConnection, actor: Actor, a: dict[str, Any], reason: str, minutes: int) -> dict[str, Any]:
    require_support(actor)
    deadline = a["deadline"] + timedelta(minutes=minutes)
    data = await save(
        conn, a, {"deadline": deadline, "extension_minutes": a["extension_minutes"] + minutes},
        [("extended", {"reason": reason, "minutes": minutes, "deadline": format_time(deadline)})], actor=actor.username,
    )
    await write_audit(conn, actor, "extend", a=a, reason=reason, detail={"minutes": minutes})
    return data


async def send_message(conn: AsyncConnection, actor: Actor, a: dict[str, Any], text_: str) -> dict[str, Any]:
    require_acting(actor, a)
    cid = new_id()
    await conn.execute(insert(commands).values(id=cid, attempt_id=a["id"], type="message", text=text_, created_by=actor.username, created_at=utcnow()))
    await save(conn, a, {"pending_commands": a["pending_commands"] + 1}, [("message_sent", {"command_id": cid, "text": text_})], actor=actor.username)
    await write_audit(conn, actor, "message", a=a, detail={"command_id": cid})
    return {"command_id": cid}


async def request_help(conn: AsyncConnection, a: dict[str, Any], reason: str, note: str | None) -> dict[str, Any]:
    now = utcnow()
    changes: dict[str, Any] = {"help_reason": reason, "help_note": note}
    if a["help_requested_since"] is None:
        changes["help_requested_since"] = now
    return await save(conn, a, changes, [("help_requested", {"reason": reason, "note": note})], now=now)


async def ack_help(conn: AsyncConnection, actor: Actor, a: dict[str, Any]) -> dict[str, Any]:
    require_acting(actor, a)
    if a["help_requested_since"] is None:
        raise ApiError(409, "no_help_requested", "This candidate has not asked for help.")
    # The phone hears it with its next heartbeat: a command {type: "help_ack", id}.
    cid = new_id()
    await conn.execute(insert(commands).values(id=cid, attempt_id=a["id"], type="help_ack", created_by=actor.username, created_at=utcnow()))
    changes = {"help_requested_since": None, "help_reason": None, "help_note": None, "pending_commands": a["pending_commands"] + 1}
    data = await save(conn, a, changes, [("help_acked", {"reason": a["help_reason"], "command_id": cid})], actor=actor.username)
    await write_audit(conn, actor, "help_ack", a=a)
    return data


async def force_submit(conn: AsyncConnection, actor: Actor, a: dict[str, Any], reason: str) -> dict[str, Any]:
    require_acting(actor, a)
    if S(a["state"]) not in LIVE_STATES:
        raise ApiError(409, "not_live", f"Candidate {a['candidate_no']} has no open paper (state {a['state']}).", state=a["state"])
    data = await auto_submit(conn, a, "proctor", actor=actor.username, reason=reason, kind="force_submitted")
    await write_audit(conn, actor, "force_submit", a=a, reason=reason)
    return data


# --- escalations -------------------------------------------------------------------------


def escalation_json(e: dict[str, Any], a: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": e["id"],
        "attempt_id": e["attempt_id"],
        "session_id": e["session_id"],
        "hall_id": e["hall_id"],
        "candidate_no": a["candidate_no"] if a else e.get("candidate_no"),
        "name": a["name"] if a else e.get("name"),
        "seat": f"{a['seat_row']}-{a['seat_col']}" if a else e.get("seat"),
        "category": e["category"],
        "note": e["note"],
        "status": e["status"],
        "raised_by": e["raised_by"],
        "raised_at": format_time(e["raised_at"]),
        "claimed_by": e["claimed_by"],
        "claimed_at": format_time(e["claimed_at"]),
        "resolved_by": e["resolved_by"],
        "resolved_at": format_time(e["resolved_at"]),
        "resolution": e["resolution"],
        "comments": list(e["comments"] or []),
    }


async def _escalation_event(conn: AsyncConnection, e: dict[str, Any], a: dict[str, Any], kind: str, actor: str, detail: dict[str, Any]) -> dict[str, Any]:
    data = escalation_json(e, a)
    await conn.execute(
        insert(events).values(
            at=utcnow(), session_id=e["session_id"], hall_id=e["hall_id"], attempt_id=e["attempt_id"],
            type="escalation", kind=kind, actor=actor, detail=detail, data=data,
        )
    )
    return data


async def load_escalation(conn: AsyncConnection, eid: str) -> dict[str, Any]:
    row = (await conn.execute(select(escalations).where(escalations.c.id == eid))).mappings().first()
    if row is None:
        raise not_found("escalation")
    return dict(row)


async def raise_escalation(conn: AsyncConnection, actor: Actor, a: dict[str, Any], category: str, note: str) -> dict[str, Any]:
    require_acting(actor, a)
    now = utcnow()
    e = {
        "id": new_id(), "attempt_id": a["id"], "session_id": a["session_id"], "hall_id": a["hall_id"],
        "category": category, "note": note, "status": "open", "raised_by": actor.username, "raised_at": now,
        "claimed_by": None, "claimed_at": None, "resolved_by": None, "resolved_at": None, "resolution": None,
        "comments": [],
    }
    await conn.execute(insert(escalations).values(**e))
    data = await _escalation_event(conn, e, a, "escalation_raised", actor.username, {"escalation_id": e["id"], "category": category})
    await save(conn, a, {"open_escalations": a["open_escalations"] + 1})
    await write_audit(conn, actor, "escalation_raise", a=a, reason=note, detail={"escalation_id": e["id"], "category": category})
    return data


async def work_escalation(
    conn: AsyncConnection, actor: Actor, eid: str, action: str, text_: str | None
) -> dict[str, Any]:
    e = await load_escalation(conn, eid)
    a = await load_attempt(conn, e["attempt_id"])
    now = utcnow()
    if action == "comment":
        if actor.role is Role.PROCTOR and not actor.sees_hall(e["hall_id"]):
            raise ApiError(403, "wrong_hall", "This escalation is from a hall you are not assigned to.")
        if actor.role not in (Role.SUPPORT, Role.PROCTOR):
            raise ApiError(403, "role_not_allowed", "Only support staff and the hall's proctors can comment.")
        comments = [*list(e["comments"] or []), {"by": actor.username, "at": format_time(now), "text": text_}]
        changes: dict[str, Any] = {"comments": comments}
        kind, detail = "escalation_commented", {"escalation_id": eid, "text": text_}
    else:
        require_support(actor)
        if e["status"] == "resolved":
            raise ApiError(409, "already_resolved", "This escalation is already resolved.")
        if action == "claim":
            if e["status"] == "claimed" and e["claimed_by"] != actor.username:
                raise ApiError(409, "already_claimed", f"{e['claimed_by']} has already claimed this escalation.")
            changes = {"status": "claimed", "claimed_by": actor.username, "claimed_at": now}
            kind, detail = "escalation_claimed", {"escalation_id": eid}
        else:
            changes = {"status": "resolved", "resolved_by": actor.username, "resolved_at": now, "resolution": text_}
            kind, detail = "escalation_resolved", {"escalation_id": eid, "resolution": text_}
    await conn.execute(update(escalations).where(escalations.c.id == eid).values(**changes))
    e.update(changes)
    data = await _escalation_event(conn, e, a, kind, actor.username, detail)
    if action == "resolve":
        await save(conn, a, {"open_escalations": max(a["open_escalations"] - 1, 0)})
    await write_audit(conn, actor, f"escalation_{action}", a=a, reason=text_, detail={"escalation_id": eid})
    return data
