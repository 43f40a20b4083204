"""The routes of api.md: auth, setup, the device API and the console API."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from sqlalchemy import Text, and_, cast, insert, or_, select, update

from ..domain.devices import MIN_APP_VERSION, device_problems, version_at_least
from ..domain.rows import format_time
from ..domain.states import (
    AttemptState,
    EscalationCategory,
    EscalationStatus,
    HelpReason,
    LockReason,
    Network,
    Phase,
    Platform,
    Role,
)
from . import admin, exam
from .auth import DEVICE_TOKEN_HOURS, USER_TOKEN_HOURS, new_token, token_hash, verify_password
from .background import pruned_through
from .errors import ApiError
from .exam import Actor
from .storage import (
    attempts,
    audit,
    escalations,
    events,
    exam_sessions,
    halls,
    idempotency,
    tokens,
    users,
    utcnow,
)

router = APIRouter()

Text200 = Annotated[str, StringConstraints(max_length=200)]
Text2000 = Annotated[str, StringConstraints(max_length=2000)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=500, strip_whitespace=True)]


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


def service(request: Request) -> Any:
    return request.app.state.service


# --- auth ------------------------------------------------------------------------------


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(401, "unauthorized", "Log in first: send Authorization: Bearer <token>.", headers={"WWW-Authenticate": "Bearer"})
    return value.strip()


async def current_actor(request: Request) -> Actor:
    digest = token_hash(_bearer(request))
    svc = service(request)
    async with svc.store.read() as conn:
        row = (
            await conn.execute(
                select(tokens.c.kind, tokens.c.expires_at, tokens.c.revoked, users)
                .select_from(tokens.outerjoin(users, users.c.id == tokens.c.user_id))
                .where(tokens.c.token_hash == digest)
            )
        ).mappings().first()
    if row is None or row["revoked"] or row["expires_at"] <= utcnow():
        raise ApiError(401, "unauthorized", "This token is not valid (expired or logged out); log in again.", headers={"WWW-Authenticate": "Bearer"})
    if row["kind"] != "user" or row["id"] is None:
        raise ApiError(403, "device_token", "A device token can only call the device API.")
    actor = Actor(row["id"], row["username"], Role(row["role"]), frozenset(row["hall_ids"] or []))
    request.state.who = f"user:{actor.username}"
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]


def require_role(actor: Actor, *roles: Role) -> None:
    if actor.role not in roles:
        raise ApiError(403, "role_not_allowed", f"A {actor.role.value} cannot do this; it needs: {', '.join(r.value for r in roles)}.")


class LoginBody(Body):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


@router.post("/auth/login", response_model=None, tags=["auth"])
async def login(body: LoginBody, request: Request) -> dict[str, Any]:
    svc = service(request)
    address = request.client.host if request.client else "?"
    keys = [f"user:{body.username.lower()}", f"addr:{address}"]
    wait = svc.throttle.retry_after(keys)
    if wait > 0:
        raise ApiError(429, "too_many_attempts", f"Too many failed logins; try again in {int(wait) + 1} s.", headers={"Retry-After": str(int(wait) + 1)})
    async with svc.store.read() as conn:
        u = (await conn.execute(select(users).where(users.c.username == body.username))).mappings().first()
    ok = await asyncio.to_thread(verify_password, u["password_hash"] if u else None, body.password)
    if not ok or u is None:
        svc.throttle.failed(keys)
        raise ApiError(401, "bad_credentials", "Wrong username or password.")
    svc.throttle.succeeded(keys[0])
    token = new_token()
    expires = utcnow() + timedelta(hours=USER_TOKEN_HOURS)
    async with svc.store.write() as conn:
        await conn.execute(insert(tokens).values(token_hash=token_hash(token), kind="user", user_id=u["id"], created_at=utcnow(), expires_at=expires, revoked=False))
    request.state.who = f"user:{u['username']}"
    return {"access_token": token, "token_type": "bearer", "expires_at": format_time(expires), "user": admin.user_json(dict(u))}


@router.post("/auth/logout", response_model=None, tags=["auth"])
async def logout(request: Request, actor: ActorDep) -> dict[str, Any]:
    digest = token_hash(_bearer(request))
    async with service(request).store.write() as conn:
        await conn.execute(update(tokens).where(tokens.c.token_hash == digest).values(revoked=True))
    return {"ok": True}


async def _user_json(request: Request, actor: Actor) -> dict[str, Any]:
    async with service(request).store.read() as conn:
        u = (await conn.execute(select(users).where(users.c.id == actor.user_id))).mappings().one()
    return admin.user_json(dict(u))


@router.get("/me", response_model=None, tags=["auth"])
async def me(request: Request, actor: ActorDep) -> dict[str, Any]:
    return await _user_json(request, actor)


# --- setup -------------------------------------------------------------------------------


class UserBody(Body):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]
    password: Annotated[str, StringConstraints(min_length=8, max_length=256)]
    display_name: Annotated[str, StringConstraints(max_length=128)] | None = None
    role: Role
    hall_ids: list[Annotated[str, StringConstraints(max_length=32)]] = Field(default_factory=list, max_length=500)


@router.post("/users", response_model=None, tags=["setup"], status_code=201)
async def add_user(body: UserBody, request: Request, actor: ActorDep) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    hashed = await admin.hash_new_password(body.password)
    async with service(request).store.write() as conn:
        u = await admin.create_user(conn, body.username, hashed, body.display_name, body.role.value, body.hall_ids)
        await exam.write_audit(conn, actor, "user_add", detail={"username": u["username"], "role": u["role"], "hall_ids": u["hall_ids"]})
    return u


@router.get("/users", response_model=None, tags=["setup"])
async def list_users(request: Request, actor: ActorDep) -> dict[str, Any]:
    require_role(actor, Role.ADMIN, Role.SUPPORT, Role.LEAD)
    async with service(request).store.read() as conn:
        rows = (await conn.execute(select(users).order_by(users.c.username))).mappings().all()
    return {"users": [admin.user_json(dict(r)) for r in rows]}


class HallBody(Body):
    name: Annotated[str, StringConstraints(min_length=1, max_length=128, strip_whitespace=True)]
    rows: int = Field(ge=1, le=200)
    columns: int = Field(ge=1, le=200)


@router.post("/halls", response_model=None, tags=["setup"], status_code=201)
async def add_hall(body: HallBody, request: Request, actor: ActorDep) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    async with service(request).store.write() as conn:
        h = await admin.create_hall(conn, body.name, body.rows, body.columns)
        await exam.write_audit(conn, actor, "hall_add", detail=h)
    return h


@router.get("/halls", response_model=None, tags=["setup"])
async def list_halls(request: Request, actor: ActorDep) -> dict[str, Any]:
    async with service(request).store.read() as conn:
        query = select(halls).order_by(halls.c.created_at, halls.c.name)
        if actor.role is Role.PROCTOR:
            query = query.where(halls.c.id.in_(list(actor.hall_ids)))
        rows = (await conn.execute(query)).mappings().all()
    return {"halls": [admin.hall_json(dict(r)) for r in rows]}


class SessionBody(Body):
    title: Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
    exam_code: Annotated[str, StringConstraints(pattern=r"^\d{6}$")] | None = None
    starts_at: datetime | None = None
    duration_minutes: int = Field(default=120, ge=1, le=24 * 60)
    max_locks: int = Field(default=5, ge=1, le=100)
    info_collection: bool = False
    info_fields: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] | None = Field(default=None, max_length=20)
    total_questions: int = Field(default=100, ge=0, le=10_000)
    hall_ids: list[Annotated[str, StringConstraints(max_length=32)]] = Field(default_factory=list, max_length=500)


def _visible_session(actor: Actor, s: dict[str, Any]) -> bool:
    return actor.role is not Role.PROCTOR or bool(set(s["hall_ids"] or []) & actor.hall_ids)


@router.get("/sessions", response_model=None, tags=["sessions"])
async def list_sessions(request: Request, actor: ActorDep) -> dict[str, Any]:
    async with service(request).store.read() as conn:
        rows = (await conn.execute(select(exam_sessions).order_by(exam_sessions.c.starts_at.desc()))).mappings().all()
    return {"sessions": [exam.session_json(dict(r)) for r in rows if _visible_session(actor, dict(r))]}


@router.post("/sessions", response_model=None, tags=["sessions"], status_code=201)
async def add_session(body: SessionBody, request: Request, actor: ActorDep) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    fields = body.model_dump()
    if body.starts_at is not None and body.starts_at.tzinfo is None:
        raise ApiError(422, "validation_error", "starts_at needs a time zone (end it with Z for UTC).")
    async with service(request).store.write() as conn:
        s = await admin.create_session(conn, fields)
        await exam.write_audit(conn, actor, "session_add", session_id=s["id"], detail={"title": s["title"], "hall_ids": s["hall_ids"]})
    return s


async def _session_for(request: Request, actor: Actor, sid: str) -> dict[str, Any]:
    async with service(request).store.read() as conn:
        s = await exam.get_session(conn, sid)
    if not _visible_session(actor, s):
        raise ApiError(403, "wrong_hall", "This exam session is not in a hall you are assigned to.")
    return s


@router.get("/sessions/{sid}", response_model=None, tags=["sessions"])
async def get_session(sid: str, request: Request, actor: ActorDep) -> dict[str, Any]:
    return exam.session_json(await _session_for(request, actor, sid))


@router.post("/sessions/{sid}/close", response_model=None, tags=["sessions"])
async def close_session(sid: str, request: Request, actor: ActorDep) -> dict[str, Any]:
    require_role(actor, Role.ADMIN)
    async with service(request).store.write() as conn:
        s = await admin.close_session(conn, sid)
        await exam.write_audit(conn, actor, "session_close", session_id=sid)
    return s


_ROSTER_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string", "example": "candidate_no,name,hall_id,seat_row,seat_col\n2601,王伟,HALL_ID,1,1\n"}},
            "application/json": {"schema": {"type": "object", "properties": {"rows": {"type": "array", "items": {"type": "object"}}}}},
        },
    }
}


@router.post("/sessions/{sid}/roster", response_model=None, tags=["sessions"], openapi_extra=_ROSTER_BODY)
async def import_roster(sid: str, request: Request, actor: ActorDep) -> dict[str, Any]:
    """`text/csv` with header candidate_no,name,hall_id,seat_row,seat_col, or JSON `{rows: [...]}`."""
    require_role(actor, Role.ADMIN)
    raw = await request.body()
    ctype = request.headers.get("content-type", "").lower()
    if "csv" in ctype or "text/plain" in ctype:
        try:
            rows = admin.parse_roster_csv(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, csv.Error):
            raise ApiError(400, "bad_csv", "The roster is not readable CSV in UTF-8; save it as CSV UTF-8 with a header row.") from None
    else:
        try:
            data = json.loads(raw or b"null")
        except (ValueError, RecursionError):  # RecursionError: nesting too deep
            raise ApiError(400, "bad_json", "The body is not valid JSON; send {rows: [...]} or text/csv.") from None
        if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
            raise ApiError(422, "validation_error", "Send {\"rows\": [...]} with one object per candidate, or text/csv.", fields=[{"field": "rows", "problem": "is missing"}])
        rows = [(i + 1, r if isinstance(r, dict) else {}) for i, r in enumerate(data["rows"])]
    if len(rows) > 20_000:
        raise ApiError(413, "payload_too_large", "At most 20000 candidates per import.")
    async with service(request).store.write() as conn:
        report = await admin.import_roster(conn, sid, rows)
        await exam.write_audit(conn, actor, "roster_import", session_id=sid, detail={"added": report.added, "updated": report.updated, "rejected": len(report.rejected)})
    return report.to_json()


# --- the device API ------------------------------------------------------------------------


class DeviceInfo(Body):
    device_id: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    platform: Platform
    os_version: Annotated[str, StringConstraints(max_length=32)]
    app_version: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    model: Annotated[str, StringConstraints(max_length=64)] = ""
    screen: Annotated[str, StringConstraints(max_length=16)] = ""


class JoinBody(Body):
    exam_code: Annotated[str, StringConstraints(pattern=r"^\d{6}$")] = Field(description="6 digits")
    candidate_no: Annotated[str, StringConstraints(min_length=1, max_length=32, strip_whitespace=True)]
    device: DeviceInfo


def cached_device_attempt(svc: Any, digest: str, now: datetime) -> str | None:
    """The attempt of a device token this process has seen, while not expired; None: ask the database.

    Device tokens are never revoked, only expire (the phone then joins again), so an
    entry stays good until its expiry; the cache is emptied when it grows past 50,000.
    """
    cached = svc.device_tokens.get(digest)
    if cached is not None and cached[1] > now:
        return str(cached[0])
    return None


def remember_device_token(svc: Any, digest: str, attempt_id: str, expires_at: datetime) -> None:
    if len(svc.device_tokens) > 50_000:
        svc.device_tokens.clear()
    svc.device_tokens[digest] = (attempt_id, expires_at)


async def device_attempt(request: Request) -> str:
    """The attempt a device token belongs to (cached briefly: phones call often)."""
    digest = token_hash(_bearer(request))
    svc = service(request)
    now = utcnow()
    cached = cached_device_attempt(svc, digest, now)
    if cached is not None:
        request.state.who = f"device:{cached}"
        return cached
    async with svc.store.read() as conn:
        row = (await conn.execute(select(tokens).where(tokens.c.token_hash == digest))).mappings().first()
    if row is None or row["revoked"] or row["expires_at"] <= now:
        raise ApiError(401, "unauthorized", "This device token is not valid; join the exam again with the exam code.")
    if row["kind"] != "device":
        raise ApiError(403, "user_token", "The device API needs a device token from /device/join.")
    remember_device_token(svc, digest, row["attempt_id"], row["expires_at"])
    request.state.who = f"device:{row['attempt_id']}"
    return str(row["attempt_id"])


DeviceDep = Annotated[str, Depends(device_attempt)]


@router.post("/device/join", response_model=None, tags=["device"])
async def device_join(body: JoinBody, request: Request) -> dict[str, Any]:
    if not version_at_least(body.device.app_version, MIN_APP_VERSION):
        raise ApiError(426, "app_outdated", f"This exam app ({body.device.app_version}) is too old: update the app to {MIN_APP_VERSION} or later, then join again.", min_app_version=MIN_APP_VERSION)
    svc = service(request)
    token = new_token()
    async with svc.store.write() as conn:
        found = (
            await conn.execute(
                exam.ATTEMPT_SELECT.where(exam_sessions.c.exam_code == body.exam_code)
                .where(exam_sessions.c.closed.is_(False))
                .where(attempts.c.candidate_no == body.candidate_no)
                .order_by(exam_sessions.c.starts_at.desc())
                .limit(1)
            )
        ).mappings().first()
        if found is None:
            known = (await conn.execute(select(exam_sessions.c.id).where(exam_sessions.c.exam_code == body.exam_code).where(exam_sessions.c.closed.is_(False)).limit(1))).first()
            if known is None:
                raise ApiError(404, "exam_code_not_found", "No open exam has this exam code; check the code and try again.")
            raise ApiError(404, "candidate_not_found", f"Candidate number {body.candidate_no} is not on this exam's roster; check it with the proctor.")
        a = dict(found)
        aid = a["id"]
        session = await exam.get_session(conn, a["session_id"])
        if exam.session_status(session).value == "scheduled":
            raise ApiError(409, "too_early", f"Joining opens 30 minutes before the exam ({format_time(session['starts_at'])}).", starts_at=format_time(session["starts_at"]))
        expires = max(utcnow(), a["deadline"]) + timedelta(hours=DEVICE_TOKEN_HOURS)
        row, resumed = await exam.join(conn, a, body.device.model_dump())
        await conn.execute(insert(tokens).values(token_hash=token_hash(token), kind="device", attempt_id=aid, created_at=utcnow(), expires_at=expires, revoked=False))
    remember_device_token(svc, token_hash(token), aid, expires)  # the phone's next call needs no query
    svc.telemetry.discard(aid)
    request.state.who = f"device:{aid}"
    warnings = [{"field": p.field, "message": p.message} for p in device_problems(body.device.platform.value, body.device.os_version, body.device.app_version, body.device.screen or None)]
    return {
        "attempt_id": aid,
        "device_token": token,
        "session": exam.session_json(session),
        "requires_info": row["info_required"],
        "info_fields": list(session["info_fields"] or []),
        "state": row["state"],
        "lock_count": row["lock_count"],
        "resumed": resumed,
        "unlock_seed": a["unlock_seed"],
        "deadline": row["deadline"],
        "warnings": warnings,
    }


class InfoBody(Body):
    fields: dict[str, Any]


@router.post("/device/info", response_model=None, tags=["device"])
async def device_info(body: InfoBody, request: Request, aid: DeviceDep) -> dict[str, Any]:
    async with service(request).store.write() as conn:
        a = await exam.load_attempt(conn, aid)
        row = await exam.give_info(conn, a, body.fields)
    return {"state": row["state"]}


@router.post("/device/start", response_model=None, tags=["device"])
async def device_start(request: Request, aid: DeviceDep) -> dict[str, Any]:
    async with service(request).store.write() as conn:
        a = await exam.load_attempt(conn, aid)
        row = await exam.start(conn, a)
    return {"state": row["state"], "deadline": row["deadline"], "lock_count": row["lock_count"], "max_locks": row["max_locks"]}


class HeartbeatBody(Body):
    battery_pct: int | None = Field(default=None, ge=0, le=100)
    charging: bool | None = None
    network: Network | None = None
    phase: Phase
    answered: int | None = Field(default=None, ge=0, le=100_000)


def _heartbeat_telemetry(body: HeartbeatBody, now: datetime) -> dict[str, Any]:
    telemetry: dict[str, Any] = {"last_seen": now}
    if body.battery_pct is not None:
        telemetry["battery_pct"] = body.battery_pct
    if body.charging is not None:
        telemetry["charging"] = body.charging
    if body.network is not None:
        telemetry["network"] = body.network.value
    if body.answered is not None:
        telemetry["answered"] = body.answered
    return telemetry


def _heartbeat_needs_write(a: dict[str, Any], phase: str, now: datetime) -> bool:
    """Whether this heartbeat changes more than telemetry (commands, phase reports, time over)."""
    state = AttemptState(a["state"])
    return bool(
        a["pending_commands"] > 0
        or (phase == "answering" and state is AttemptState.LOCKED and a["unlock_delivered_lock"] == a["lock_count"])
        or (phase == "submitting" and (a["submit_pending_since"] is None or (state is AttemptState.ANSWERING and a["receipt_id"] is None)))
        or (phase != "submitting" and a["submit_pending_since"] is not None)
        or (state in exam.TIME_SUBMITTABLE and now >= a["deadline"])
    )


def _heartbeat_answer(a: dict[str, Any], commands: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    return {"state": a["state"], "lock_count": a["lock_count"], "max_locks": a["s_max_locks"], "commands": commands, "server_time": format_time(now)}


@router.post("/device/heartbeat", response_model=None, tags=["device"])
async def device_heartbeat(body: HeartbeatBody, request: Request, aid: DeviceDep) -> dict[str, Any]:
    """Telemetry and phase; answers ``commands`` for the phone: ``{type: "unlock", id}``,
    ``{type: "message", id, text}`` and ``{type: "help_ack", id}`` (a proctor is on the way)."""
    svc = service(request)
    now = utcnow()
    telemetry = _heartbeat_telemetry(body, now)
    phase = body.phase.value
    a = await svc.attempt_cache.get(aid)
    out_commands: list[dict[str, Any]] = []
    if _heartbeat_needs_write(a, phase, now):
        async with svc.store.write() as conn:
            a = await exam.load_attempt(conn, aid)
            await exam.check_time(conn, a)
            row, out_commands = await exam.heartbeat_changes(conn, a, phase, telemetry)
        if row is not None:
            svc.telemetry.discard(aid)
        else:
            svc.telemetry.add(aid, telemetry)
    else:
        svc.telemetry.add(aid, telemetry)
    return _heartbeat_answer(a, out_commands, now)


def quick_heartbeat(svc: Any, authorization: str, body: bytes) -> tuple[dict[str, Any], str] | None:
    """A heartbeat answered from memory alone, below FastAPI's routing, dependencies and
    response encoding, which cost most of a heartbeat's CPU time (tests/bench/RESULTS.md).

    Same rules as :func:`device_heartbeat`; it gives up (None) whenever that route has
    more to do — a token or attempt not cached, a body it would reject, a change to
    write — and the route then answers as always. Returns (answer, attempt id).
    """
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    now = utcnow()
    aid = cached_device_attempt(svc, token_hash(token), now)
    if aid is None:
        return None
    hit = svc.attempt_cache.rows.get(aid)
    if hit is None or time.monotonic() - hit[1] >= svc.attempt_cache.max_age:
        return None
    try:
        parsed = HeartbeatBody.model_validate_json(body)
    except ValidationError:
        return None
    a = hit[0]
    if _heartbeat_needs_write(a, parsed.phase.value, now):
        return None
    svc.telemetry.add(aid, _heartbeat_telemetry(parsed, now))
    return _heartbeat_answer(a, [], now), aid


class LockBody(Body):
    reason: LockReason


@router.post("/device/lock", response_model=None, tags=["device"])
async def device_lock(body: LockBody, request: Request, aid: DeviceDep) -> dict[str, Any]:
    async with service(request).store.write() as conn:
        a = await exam.load_attempt(conn, aid)
        row = await exam.lock(conn, a, body.reason.value)
    return {"state": row["state"], "lock_count": row["lock_count"], "max_locks": row["max_locks"], "receipt_id": row["receipt_id"]}


class DeviceUnlockBody(Body):
    code: Annotated[str, StringConstraints(min_length=1, max_length=16)]
    offline: bool = False
    unlocked_at: datetime | None = None


@router.post("/device/unlock", response_model=None, tags=["device"])
async def device_unlock(body: DeviceUnlockBody, request: Request, aid: DeviceDep) -> dict[str, Any]:
    async with service(request).store.write() as conn:
        a = await exam.load_attempt(conn, aid)
        row, error = await exam.device_unlock(conn, a, body.code, body.offline, body.unlocked_at)
    if error is not None:
        raise error  # the wrong guess is counted (committed above)
    return {"state": row["state"], "lock_count": row["lock_count"]}


class AnswersBody(Body):
    answers: dict[str, Any] | list[Any]


@router.post("/device/answers", response_model=None, tags=["device"])
async def device_answers(body: AnswersBody, request: Request, aid: DeviceDep) -> dict[str, Any]:
    async with service(request).store.write() as conn:
        a = await exam.load_attempt(conn, aid)
        row = await exam.save_answers(conn, a, body.answers)
    return {"state": row["state"], "answered": row["answered"], "saved_at": format_time(utcnow())}


class SubmitBody(Body):
    submission_id: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    answers: dict[str, Any] | list[Any] | None = None


@router.post("/device/submit", response_model=None, tags=["device"])
async def device_submit(body: SubmitBody, request: Request, aid: DeviceDep) -> dict[str, Any]:
    async with service(request).store.write() as conn:
        a = await exam.load_attempt(conn, aid)
        return await exam.submit(conn, a, body.submission_id, body.answers)


class HelpBody(Body):
    reason: HelpReason
    note: Annotated[str, StringConstraints(max_length=200)] | None = None


@router.post("/device/help", response_model=None, tags=["device"])
async def device_help(body: HelpBody, request: Request, aid: DeviceDep) -> dict[str, Any]:
    async with service(request).store.write() as conn:
        a = await exam.load_attempt(conn, aid)
        row = await exam.request_help(conn, a, body.reason.value, body.note)
    return {"state": row["state"], "help_requested_since": row["help_requested_since"]}


# --- the console API --------------------------------------------------------------------------


def _hall_filter(actor: Actor, session: dict[str, Any], hall_id: str | None) -> list[str] | None:
    """Halls whose candidates this call returns; None means all of the session."""
    if hall_id:
        if not actor.sees_hall(hall_id):
            raise ApiError(403, "wrong_hall", "You are not assigned to this hall.")
        return [hall_id]
    if actor.role is Role.PROCTOR:
        return sorted(actor.hall_ids & set(session["hall_ids"] or []))
    return None


def plain_json(content: dict[str, Any]) -> Response:
    """A JSON answer of plain values (str, int, float, bool, None, lists, dicts): compact
    UTF-8 as FastAPI's JSONResponse writes it, without its ``jsonable_encoder`` walk and
    by orjson (together 0.8 s -> 0.2 s for a snapshot of 5,000 rows; tests/bench/RESULTS.md)."""
    return Response(orjson.dumps(content), media_type="application/json")


@router.get("/sessions/{sid}/candidates", response_model=None, tags=["console"])
async def snapshot(sid: str, request: Request, actor: ActorDep, hall_id: str | None = None) -> Response:
    session = await _session_for(request, actor, sid)
    wanted = _hall_filter(actor, session, hall_id)
    async with service(request).store.read() as conn:
        cursor = await exam.max_cursor(conn)
        query = exam.ROW_SELECT.where(attempts.c.session_id == sid)
        if wanted is not None:
            query = query.where(attempts.c.hall_id.in_(wanted))
        rows = (await conn.execute(query.order_by(attempts.c.hall_id, attempts.c.seat_row, attempts.c.seat_col))).mappings().all()
    return plain_json({"cursor": cursor, "server_time": format_time(utcnow()), "session": exam.session_json(session), "candidates": [exam.row_json(r) for r in rows]})


#: Cursors are 64-bit integers in storage; a larger one is a 422, not a database error.
MAX_CURSOR = 2**63 - 1
KEEPALIVE_SECONDS = 10.0
POLL_SECONDS = 0.15


@router.get("/sessions/{sid}/events", response_model=None, tags=["console"], response_class=StreamingResponse)
async def event_stream(
    sid: str,
    request: Request,
    actor: ActorDep,
    after: Annotated[int | None, Query(ge=0, le=MAX_CURSOR)] = None,
    hall_id: str | None = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> Response:
    """Server-Sent Events from the event log: replay after the cursor, then follow."""
    session = await _session_for(request, actor, sid)
    wanted = _hall_filter(actor, session, hall_id)
    if last_event_id:
        try:
            after = int(last_event_id.strip())
        except ValueError:
            raise ApiError(400, "bad_cursor", "Last-Event-ID must be a cursor from this stream.") from None
    store = service(request).store
    async with store.read() as conn:
        head = await exam.max_cursor(conn)
        floor = await pruned_through(conn)
    if after is None:
        after = head
    elif after > head:
        raise ApiError(410, "cursor_gone", "This cursor is not in the event log (the service's data was reset); take a new snapshot.")
    elif after < floor:
        raise ApiError(410, "cursor_too_old", "This cursor is too old to replay; take a new snapshot.")
    cond = [events.c.session_id == sid]
    if wanted is not None:
        cond.append(or_(events.c.hall_id.in_(wanted), events.c.hall_id.is_(None)))

    async def generate() -> AsyncIterator[bytes]:
        cursor = after
        last_sent = time.monotonic()
        yield b": stream open\n\n"
        while True:
            async with store.read() as conn:
                # The row JSON as stored (compact, one line): sent as it is, not decoded and encoded again.
                rows = (await conn.execute(select(events.c.id, events.c.type, cast(events.c.data, Text)).where(and_(*cond, events.c.id > cursor)).order_by(events.c.id).limit(500))).all()
            if rows:
                parts = []
                for eid, etype, data in rows:
                    parts.append(f"id: {eid}\nevent: {etype}\ndata: {data}\n\n")
                    cursor = eid
                yield "".join(parts).encode()
                last_sent = time.monotonic()
                if len(rows) == 500:
                    continue
            elif time.monotonic() - last_sent >= KEEPALIVE_SECONDS:
                yield b": keep-alive\n\n"
                last_sent = time.monotonic()
            await store.wait_written(POLL_SECONDS)

    return StreamingResponse(generate(), media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


async def _idempotent(
    request: Request, actor: Actor, key: str | None, action: Callable[[Any], Awaitable[dict[str, Any]]]
) -> JSONResponse:
    """Run ``action(conn)`` in a writing transaction; with an Idempotency-Key the same key gets the same answer."""
    if key is not None and not (1 <= len(key) <= 128):
        raise ApiError(422, "validation_error", "Idempotency-Key must have 1 to 128 characters.")
    path = request.url.path
    async with service(request).store.write() as conn:
        if key:
            old = (await conn.execute(select(idempotency).where(idempotency.c.user_id == actor.user_id).where(idempotency.c.key == key))).mappings().first()
            if old is not None:
                if old["path"] != path:
                    raise ApiError(409, "idempotency_key_reused", "This Idempotency-Key was used for another request; use a new key.")
                return JSONResponse(old["body"], status_code=old["status_code"], headers={"Idempotent-Replayed": "true"})
        try:
            async with conn.begin_nested():
                body = await action(conn)
            status = 200
        except ApiError as exc:
            if not key or exc.status >= 500:
                raise
            body, status = exc.body(), exc.status
        if key:
            await conn.execute(insert(idempotency).values(user_id=actor.user_id, key=key, path=path, status_code=status, body=body, created_at=utcnow()))
    return JSONResponse(body, status_code=status)


class UnlockBody(Body):
    reason: Reason = "unlock"
    mode: Literal["push", "code", "offline"] = "push"


IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]


@router.post("/attempts/{aid}/unlock", response_model=None, tags=["console"])
async def unlock(aid: str, body: UnlockBody, request: Request, actor: ActorDep, idempotency_key: IdemKey = None) -> JSONResponse:
    async def action(conn: Any) -> dict[str, Any]:
        a = await exam.load_attempt(conn, aid)
        return await exam.console_unlock(conn, actor, a, body.mode, body.reason)

    return await _idempotent(request, actor, idempotency_key, action)


class BatchUnlockBody(Body):
    attempt_ids: list[Annotated[str, StringConstraints(max_length=32)]] = Field(min_length=1, max_length=1000)
    reason: Reason = "unlock"
    mode: Literal["push", "code", "offline"] = "push"


@router.post("/attempts/unlock", response_model=None, tags=["console"])
async def batch_unlock(body: BatchUnlockBody, request: Request, actor: ActorDep, idempotency_key: IdemKey = None) -> JSONResponse:
    async def action(conn: Any) -> dict[str, Any]:
        results = []
        for aid in dict.fromkeys(body.attempt_ids):
            try:
                async with conn.begin_nested():
                    a = await exam.load_attempt(conn, aid)
                    answer = await exam.console_unlock(conn, actor, a, body.mode, body.reason)
                results.append({"attempt_id": aid, "ok": True, "http_status": 200, **answer})
            except ApiError as exc:
                results.append({"attempt_id": aid, "ok": False, "http_status": exc.status, "error": {"code": exc.code, "message": exc.message}})
        return {"results": results, "ok": sum(1 for r in results if r["ok"]), "failed": sum(1 for r in results if not r["ok"])}

    return await _idempotent(request, actor, idempotency_key, action)


async def _attempt_for(request: Request, actor: Actor, aid: str) -> dict[str, Any]:
    async with service(request).store.read() as conn:
        a = await exam.load_attempt(conn, aid)
    exam.require_seeing(actor, a)
    return a


def _timeline_entry(e: Any) -> dict[str, Any]:
    return {"id": str(e["id"]), "at": format_time(e["at"]), "kind": e["kind"], "attempt_id": e["attempt_id"], "actor": e["actor"], "detail": e["detail"] or {}}


@router.get("/attempts/{aid}", response_model=None, tags=["console"])
async def get_attempt(aid: str, request: Request, actor: ActorDep) -> dict[str, Any]:
    return exam.row_json(await _attempt_for(request, actor, aid))


@router.get("/attempts/{aid}/timeline", response_model=None, tags=["console"])
async def timeline(aid: str, request: Request, actor: ActorDep) -> dict[str, Any]:
    await _attempt_for(request, actor, aid)
    async with service(request).store.read() as conn:
        rows = (await conn.execute(select(events.c.id, events.c.at, events.c.kind, events.c.attempt_id, events.c.actor, events.c.detail).where(events.c.attempt_id == aid).where(events.c.kind.is_not(None)).order_by(events.c.id))).mappings().all()
    return {"attempt_id": aid, "events": [_timeline_entry(r) for r in rows]}


@router.get("/sessions/{sid}/timeline", response_model=None, tags=["reports"])
async def session_log(
    sid: str,
    request: Request,
    actor: ActorDep,
    after: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 5000,
    include_rows: bool = False,
    hall_id: str | None = None,
) -> Response:
    """The session's event log in order, paged by cursor: every timeline entry and, with
    ``include_rows``, the telemetry changes too, each with the row after it (for replay)."""
    session = await _session_for(request, actor, sid)
    wanted = _hall_filter(actor, session, hall_id)
    query = select(events).where(events.c.session_id == sid).where(events.c.id > after).where(events.c.attempt_id.is_not(None))
    if not include_rows:
        query = query.where(events.c.kind.is_not(None))
    if wanted is not None:
        query = query.where(events.c.hall_id.in_(wanted))
    async with service(request).store.read() as conn:
        rows = (await conn.execute(query.order_by(events.c.id).limit(limit + 1))).mappings().all()
    more = len(rows) > limit
    rows = rows[:limit]
    out = []
    for e in rows:
        entry = _timeline_entry(e)
        if include_rows and e["type"] == "candidate":
            entry["row"] = e["data"]
        out.append(entry)
    return plain_json({"session_id": sid, "events": out, "more": more, "next_after": rows[-1]["id"] if rows else after})


class EscalationBody(Body):
    attempt_id: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    category: EscalationCategory
    note: Text2000 = ""


@router.post("/escalations", response_model=None, tags=["escalations"], status_code=201)
async def raise_escalation(body: EscalationBody, request: Request, actor: ActorDep, idempotency_key: IdemKey = None) -> JSONResponse:
    async def action(conn: Any) -> dict[str, Any]:
        a = await exam.load_attempt(conn, body.attempt_id)
        return await exam.raise_escalation(conn, actor, a, body.category.value, body.note)

    response = await _idempotent(request, actor, idempotency_key, action)
    if response.status_code == 200:
        response.status_code = 201
    return response


@router.get("/escalations", response_model=None, tags=["escalations"])
async def list_escalations(request: Request, actor: ActorDep, status: EscalationStatus | None = None, session_id: str | None = None) -> dict[str, Any]:
    query = select(escalations, attempts.c.candidate_no, attempts.c.name, attempts.c.seat_row, attempts.c.seat_col).join(attempts, attempts.c.id == escalations.c.attempt_id)
    if status is not None:
        query = query.where(escalations.c.status == status.value)
    if session_id:
        query = query.where(escalations.c.session_id == session_id)
    if actor.role is Role.PROCTOR:
        query = query.where(escalations.c.hall_id.in_(list(actor.hall_ids)))
    async with service(request).store.read() as conn:
        rows = (await conn.execute(query.order_by(escalations.c.raised_at))).mappings().all()
    return {"escalations": [exam.escalation_json(dict(r), dict(r)) for r in rows]}


@router.get("/escalations/{eid}", response_model=None, tags=["escalations"])
async def get_escalation(eid: str, request: Request, actor: ActorDep) -> dict[str, Any]:
    async with service(request).store.read() as conn:
        e = await exam.load_escalation(conn, eid)
        a = await exam.load_attempt(conn, e["attempt_id"])
    exam.require_seeing(actor, a)
    return exam.escalation_json(e, a)


class CommentBody(Body):
    text: Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]


class ResolveBody(Body):
    resolution: Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]


@router.post("/escalations/{eid}/claim", response_model=None, tags=["escalations"])
async def claim_escalation(eid: str, request: Request, actor: ActorDep, idempotency_key: IdemKey = None) -> JSONResponse:
    return await _idempotent(request, actor, idempotency_key, lambda conn: exam.work_escalation(conn, actor, eid, "claim", None))


@router.post("/escalations/{eid}/comment", response_model=None, tags=["escalations"])
async def comment_escalation(eid: str, body: CommentBody, request: Request, actor: ActorDep, idempotency_key: IdemKey = None) -> JSONResponse:
    return await _idempotent(request, actor, idempotency_key, lambda conn: exam.work_escalation(conn, actor, eid, "comment", body.text))


@router.post("/escalations/{eid}/resolve", response_model=None, tags=["escalations"])
async def resolve_escalation(eid: str, body: ResolveBody, request: Request, actor: ActorDep, idempotency_key: IdemKey = None) -> JSONResponse:
    return await _idempotent(request, actor, idempotency_key, lambda conn: exam.work_escalation(conn, actor, eid, "resolve", body.resolution))


class ReasonBody(Body):
    reason: Reason


class ExtendBody(Body):
    reason: Reason
    minutes: int = Field(ge=1, le=480)


def _attempt_action(aid: str, actor: Actor, fn: Callable[..., Awaitable[dict[str, Any]]], *args: Any) -> Callable[[Any], Awaitable[dict[str, Any]]]:
    async def action(conn: Any) -> dict[str, Any]:
        a = await exam.load_attempt(conn, aid)
        exam.require_seeing(actor, a)
        return await fn(conn, actor, a, *args)

    return action


@router.post("/attempts/{aid}/reopen", response_model=None, tags=["support"])
async def reopen(aid: str, body: ReasonBody, request: Request, actor: ActorDep, idempotency_key: IdemKey = None) -> JSONResponse:
    return await _idempotent(request, actor, idempotency_key, _attempt_action(aid, actor, exam.reopen, body.reason))


@router.post("/attempts/{aid}/reset-locks", response_model=None, tags=["support"])
async def reset_locks(aid: str, body: ReasonBody, request: Request, actor: ActorDep, idempotency_key: IdemKey = None) -> JSONResponse:
    return await _idempotent(request, actor, idempotency_key, _attempt_action(aid, actor, exam.reset_locks, body.reason))


@router.post("/attempts/{aid}/extend", response_model=None, tags=["support"])
async def extend(aid: str, body: ExtendBody, request: Request, actor: ActorDep, idempotency_key: IdemKey = None) -> JSONResponse:
    return await _idempotent(request, actor, idempotency_key, _attempt_action(aid, actor, exam.extend, body.reason, body.minutes))


class MessageBody(Body):
    text: Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]


@router.post("/attempts/{aid}/message", response_model=None, tags=["console"])
async def message(aid: str, body: MessageBody, request: Request, actor: ActorDep, idempotency_key: IdemKey = None) -> JSONResponse:
    return await _idempotent(request, actor, idempotency_key, _attempt_action(aid, actor, exam.send_message, body.text))


@router.post("/attempts/{aid}/help/ack", response_model=None, tags=["console"])
async def help_ack(aid: str, request: Request, actor: ActorDep, idempotency_key: IdemKey = None) -> JSONResponse:
    return await _idempotent(request, actor, idempotency_key, _attempt_action(aid, actor, exam.ack_help))


@router.post("/attempts/{aid}/force-submit", response_model=None, tags=["console"])
async def force_submit(aid: str, body: ReasonBody, request: Request, actor: ActorDep, idempotency_key: IdemKey = None) -> JSONResponse:
    return await _idempotent(request, actor, idempotency_key, _attempt_action(aid, actor, exam.force_submit, body.reason))


# --- reports -------------------------------------------------------------------------------


@router.get("/sessions/{sid}/summary", response_model=None, tags=["reports"])
async def summary(sid: str, request: Request, actor: ActorDep, hall_id: str | None = None) -> dict[str, Any]:
    from .reports import session_summary

    session = await _session_for(request, actor, sid)
    wanted = _hall_filter(actor, session, hall_id)
    async with service(request).store.read() as conn:
        return await session_summary(conn, session, wanted)


_CSV_ANSWER: dict[int | str, dict[str, Any]] = {200: {"description": "One row per candidate (UTF-8 with BOM).", "content": {"text/csv": {"schema": {"type": "string"}}}}}


@router.get("/sessions/{sid}/export.csv", response_model=None, tags=["reports"], response_class=Response, responses=_CSV_ANSWER)
async def export_csv(sid: str, request: Request, actor: ActorDep, hall_id: str | None = None) -> Response:
    from .reports import export_rows

    session = await _session_for(request, actor, sid)
    wanted = _hall_filter(actor, session, hall_id)
    async with service(request).store.read() as conn:
        header, rows = await export_rows(conn, sid, wanted)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    filename = f"exam-{sid}.csv"
    return Response(("\ufeff" + out.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/audit", response_model=None, tags=["reports"])
async def audit_log(request: Request, actor: ActorDep, session_id: str | None = None, limit: Annotated[int, Query(ge=1, le=10_000)] = 1000) -> dict[str, Any]:
    query = select(audit)
    if session_id:
        query = query.where(audit.c.session_id == session_id)
    if actor.role is Role.PROCTOR:
        query = query.where(audit.c.hall_id.in_(list(actor.hall_ids)))
    async with service(request).store.read() as conn:
        rows = (await conn.execute(query.order_by(audit.c.id.desc()).limit(limit))).mappings().all()
    return {
        "entries": [
            {"id": str(r["id"]), "at": format_time(r["at"]), "actor": r["actor"], "role": r["role"], "action": r["action"],
             "session_id": r["session_id"], "hall_id": r["hall_id"], "attempt_id": r["attempt_id"],
             "candidate_no": r["candidate_no"], "reason": r["reason"], "detail": r["detail"] or {}}
            for r in reversed(rows)
        ]
    }


# Phones call these most: match them first (routes are tried in order).
_HOT_PATHS = ["/device/heartbeat", "/device/answers", "/device/lock", "/device/unlock", "/device/submit"]
router.routes.sort(key=lambda route: _HOT_PATHS.index(getattr(route, "path", "")) if getattr(route, "path", None) in _HOT_PATHS else len(_HOT_PATHS))
