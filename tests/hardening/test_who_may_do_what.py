"""Who may do what: every console API operation x every caller, with the status each must get.

Callers: each role (proctor, support, lead, admin) on a target in the proctor's own
hall and in another hall, plus no token, an expired token and a device token.
The expected statuses are the table below; an action that is allowed runs on a
fresh target in the state it needs (a locked phone for an unlock, a submitted
paper for a reopen...), so "allowed" means it really happened (2xx), and
"refused" means 401/403 before anything changed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio
from servicekit import AsgiService, asgi_service
from sqlalchemy import update

from proctor_console.service.auth import token_hash
from proctor_console.service.storage import tokens
from proctor_console.simulator.hall_setup import ExamSetup, create_exam

from .conftest import API, Phone, response_status

pytestmark = pytest.mark.asyncio

ROLES = ("proctor", "support", "lead", "admin")
CALLERS = [f"{role}/{where}" for role in ROLES for where in ("own", "other")] + [
    "no token",
    "expired token",
    "device token",
]

# Who is allowed, by role; a proctor only in their own hall. Everyone else gets
# 403 (wrong role or wrong hall), 401 without a valid token, 403 with a device token.
ALL = {"proctor", "support", "lead", "admin"}
ACTORS = {"proctor", "support"}  # act on candidates
SUPPORT = {"support"}
ADMIN = {"admin"}


@dataclass(frozen=True)
class Op:
    name: str
    method: str
    path: str  # {sid}, {aid}, {eid}, {hall} are filled from the prepared target
    allowed: frozenset[str]
    ok: int = 200
    body: dict[str, Any] | None = None
    needs: str = "none"  # what the target must be: none, joined, answering, locked, submitted, help, escalation, session
    hall_scoped: bool = True  # False: the answer does not depend on the hall (e.g. GET /me)
    stream: bool = False


OPS = [
    Op("GET /me", "GET", "/me", frozenset(ALL), hall_scoped=False),
    Op("POST /auth/logout", "POST", "/auth/logout", frozenset(ALL), hall_scoped=False),
    Op("GET /halls", "GET", "/halls", frozenset(ALL), hall_scoped=False),
    Op(
        "POST /halls",
        "POST",
        "/halls",
        frozenset(ADMIN),
        201,
        {"name": "H", "rows": 2, "columns": 2},
        hall_scoped=False,
    ),
    Op("GET /users", "GET", "/users", frozenset({"support", "lead", "admin"}), hall_scoped=False),
    Op(
        "POST /users",
        "POST",
        "/users",
        frozenset(ADMIN),
        201,
        {
            "username": "u",
            "password": "long-enough-pass",
            "display_name": "U",
            "role": "lead",
            "hall_ids": [],
        },
        hall_scoped=False,
    ),
    Op("GET /sessions", "GET", "/sessions", frozenset(ALL), hall_scoped=False),
    Op(
        "POST /sessions",
        "POST",
        "/sessions",
        frozenset(ADMIN),
        201,
        {"title": "t"},
        hall_scoped=False,
    ),
    Op("GET /sessions/{sid}", "GET", "/sessions/{sid}", frozenset(ALL), needs="session"),
    Op(
        "POST /sessions/{sid}/close",
        "POST",
        "/sessions/{sid}/close",
        frozenset(ADMIN),
        needs="session",
    ),
    Op(
        "POST /sessions/{sid}/roster",
        "POST",
        "/sessions/{sid}/roster",
        frozenset(ADMIN),
        needs="session",
        body={
            "rows": [
                {
                    "candidate_no": "R1",
                    "name": "陈一",
                    "hall_id": "{hall}",
                    "seat_row": 1,
                    "seat_col": 1,
                }
            ]
        },
    ),
    Op("GET candidates", "GET", "/sessions/{sid}/candidates?hall_id={hall}", frozenset(ALL)),
    Op("GET events", "GET", "/sessions/{sid}/events?hall_id={hall}", frozenset(ALL), stream=True),
    Op("GET summary", "GET", "/sessions/{sid}/summary?hall_id={hall}", frozenset(ALL)),
    Op("GET export.csv", "GET", "/sessions/{sid}/export.csv?hall_id={hall}", frozenset(ALL)),
    Op("GET session timeline", "GET", "/sessions/{sid}/timeline?hall_id={hall}", frozenset(ALL)),
    Op("GET /audit", "GET", "/audit?session_id={sid}", frozenset(ALL), hall_scoped=False),
    Op("GET attempt", "GET", "/attempts/{aid}", frozenset(ALL), needs="joined"),
    Op("GET attempt timeline", "GET", "/attempts/{aid}/timeline", frozenset(ALL), needs="joined"),
    Op(
        "unlock (code)",
        "POST",
        "/attempts/{aid}/unlock",
        frozenset(ACTORS),
        body={"reason": "r", "mode": "code"},
        needs="locked",
    ),
    Op(
        "unlock (push)",
        "POST",
        "/attempts/{aid}/unlock",
        frozenset(ACTORS),
        body={"reason": "r", "mode": "push"},
        needs="locked",
    ),
    Op(
        "unlock (offline)",
        "POST",
        "/attempts/{aid}/unlock",
        frozenset(ACTORS),
        body={"reason": "r", "mode": "offline"},
        needs="locked",
    ),
    Op(
        "batch unlock",
        "POST",
        "/attempts/unlock",
        frozenset(ACTORS),
        body={"attempt_ids": ["{aid}"], "reason": "r", "mode": "push"},
        needs="locked",
    ),
    Op(
        "raise escalation",
        "POST",
        "/escalations",
        frozenset(ACTORS),
        201,
        {"attempt_id": "{aid}", "category": "other", "note": "n"},
        needs="joined",
    ),
    Op("GET /escalations", "GET", "/escalations", frozenset(ALL), hall_scoped=False),
    Op("GET escalation", "GET", "/escalations/{eid}", frozenset(ALL), needs="escalation"),
    Op(
        "claim escalation",
        "POST",
        "/escalations/{eid}/claim",
        frozenset(SUPPORT),
        needs="escalation",
    ),
    Op(
        "comment escalation",
        "POST",
        "/escalations/{eid}/comment",
        frozenset(ACTORS),
        body={"text": "c"},
        needs="escalation",
    ),
    Op(
        "resolve escalation",
        "POST",
        "/escalations/{eid}/resolve",
        frozenset(SUPPORT),
        body={"resolution": "done"},
        needs="escalation",
    ),
    Op(
        "reopen",
        "POST",
        "/attempts/{aid}/reopen",
        frozenset(SUPPORT),
        body={"reason": "r"},
        needs="submitted",
    ),
    Op(
        "reset-locks",
        "POST",
        "/attempts/{aid}/reset-locks",
        frozenset(SUPPORT),
        body={"reason": "r"},
        needs="locked",
    ),
    Op(
        "extend",
        "POST",
        "/attempts/{aid}/extend",
        frozenset(SUPPORT),
        body={"reason": "r", "minutes": 5},
        needs="answering",
    ),
    Op(
        "message",
        "POST",
        "/attempts/{aid}/message",
        frozenset(ACTORS),
        body={"text": "请举手"},
        needs="answering",
    ),
    Op("help ack", "POST", "/attempts/{aid}/help/ack", frozenset(ACTORS), needs="help"),
    Op(
        "force-submit",
        "POST",
        "/attempts/{aid}/force-submit",
        frozenset(ACTORS),
        body={"reason": "r"},
        needs="answering",
    ),
]


def expected(op: Op, caller: str) -> int:
    if caller in ("no token", "expired token"):
        return 401
    if caller == "device token":
        return 403
    role, where = caller.split("/")
    if role not in op.allowed:
        return 403
    if role == "proctor" and where == "other" and op.hall_scoped:
        return 403
    return op.ok


@dataclass
class World:
    svc: AsgiService
    exam: ExamSetup
    own_hall: str
    other_hall: str
    headers: dict[str, dict[str, str]]  # caller -> Authorization header
    free: dict[str, list[str]]  # hall -> candidate numbers not used yet
    admin: dict[str, str]
    logins: dict[str, tuple[str, str]]  # role -> username, password
    expired: dict[str, str] | None = None


@pytest_asyncio.fixture
async def world(tmp_path: Any) -> Any:
    async with asgi_service(tmp_path, run_background=False) as svc:
        # Two full halls; the proctor is assigned to the first only.
        exam = await create_exam(
            svc.client,
            svc.base_url,
            svc.admin_user,
            svc.admin_password,
            hall_rows=8,
            hall_cols=8,
            extra_halls=1,
        )
        own, other = exam.hall_ids[0], exam.hall_ids[1]
        admin = await svc.login()
        password = "proctor-own-" + secrets.token_hex(4)
        r = await svc.client.post(
            f"{API}/users",
            json={
                "username": "p-own",
                "password": password,
                "display_name": "P",
                "role": "proctor",
                "hall_ids": [own],
            },
            headers=admin,
        )
        assert r.status_code == 201, r.text
        logins = {
            "proctor": ("p-own", password),
            "support": (exam.support.username, exam.support.password),
            "lead": (exam.lead.username, exam.lead.password),
            "admin": (svc.admin_user, svc.admin_password),
        }
        headers = {}
        for role, (user, pw) in logins.items():
            headers[role] = await svc.login(user, pw)
        free: dict[str, list[str]] = {own: [], other: []}
        for c in exam.candidates:
            free[c.hall_id].append(c.candidate_no)
        yield World(svc, exam, own, other, headers, free, admin, logins)


async def expired_token_headers(w: World) -> dict[str, str]:
    """A real proctor token whose expiry has passed (set in storage: the service's clock is not ours)."""
    if w.expired is not None:
        return w.expired
    h = await w.svc.login(*w.logins["proctor"])
    token = h["Authorization"].split(" ", 1)[1]
    async with w.svc.app.state.service.store.write() as conn:
        await conn.execute(
            update(tokens)
            .where(tokens.c.token_hash == token_hash(token))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    w.expired = h
    return h


async def prepare(w: World, op: Op, hall: str) -> dict[str, str]:
    """A target for the operation in ``hall``: fresh, in the state the operation needs."""
    fill = {"sid": w.exam.session_id, "hall": hall, "aid": "", "eid": ""}
    if op.needs == "session":
        r = await w.svc.client.post(
            f"{API}/sessions", json={"title": "spare", "hall_ids": [hall]}, headers=w.admin
        )
        assert r.status_code == 201, r.text
        fill["sid"] = r.json()["id"]
    elif op.needs != "none":
        phone = await Phone(w.svc, w.exam.exam_code, w.free[hall].pop()).to_state(
            "joined" if op.needs == "escalation" else op.needs
        )
        fill["aid"] = phone.attempt_id
        fill["device"] = phone.token
        if op.needs == "escalation":
            r = await w.svc.client.post(
                f"{API}/escalations",
                json={"attempt_id": phone.attempt_id, "category": "no_paper", "note": "x"},
                headers=w.headers["support"],
            )
            assert r.status_code == 201, r.text
            fill["eid"] = r.json()["id"]
    return fill


def _fill(value: Any, fill: dict[str, str]) -> Any:
    if isinstance(value, str):
        for k, v in fill.items():
            value = value.replace("{" + k + "}", v)
        return value
    if isinstance(value, list):
        return [_fill(v, fill) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, fill) for k, v in value.items()}
    return value


async def call(
    w: World, op: Op, caller: str, fill: dict[str, str], device_token: str
) -> tuple[int, str]:
    """The status and, for an error, its code."""
    if caller == "no token":
        headers: dict[str, str] = {}
    elif caller == "expired token":
        headers = await expired_token_headers(w)
    elif caller == "device token":
        headers = {"Authorization": f"Bearer {device_token}"}
    else:
        role = caller.split("/")[0]
        headers = (
            await w.svc.login(*w.logins[role])
            if op.name == "POST /auth/logout"
            else w.headers[role]
        )
    path = API + _fill(op.path, fill)
    if op.stream:
        route, _, query = path.partition("?")
        return await response_status(w.svc.app, op.method, route, headers, query), ""
    body = _fill(op.body, fill)
    if op.name == "POST /users" and body:
        body["username"] = "u-" + secrets.token_hex(4)
    r = await w.svc.client.request(
        op.method, path, json=body if op.method == "POST" else None, headers=headers
    )
    code = ""
    if r.status_code >= 400:
        err = r.json()["error"]
        assert err["code"] and err["message"], r.text
        code = err["code"]
    if op.name == "batch unlock" and r.status_code == 200:
        result = r.json()["results"][0]  # the batch answers per attempt
        return int(result["http_status"]), result.get("error", {}).get("code", "")
    return r.status_code, code


def expected_code(op: Op, caller: str) -> str | None:
    """The error code that says why, where it is unambiguous (None: any code)."""
    if caller in ("no token", "expired token"):
        return "unauthorized"
    if caller == "device token":
        return "device_token"
    role, where = caller.split("/")
    if role in op.allowed and role == "proctor" and where == "other" and op.hall_scoped:
        return "wrong_hall"
    return None


async def test_every_operation_for_every_caller(world: World) -> None:
    w = world
    # A device token that exists for the whole test (a joined phone in the own hall).
    device = await Phone(w.svc, w.exam.exam_code, w.free[w.own_hall].pop()).to_state("joined")
    wrong: list[str] = []
    shared: dict[tuple[str, str], dict[str, str]] = {}
    checked = 0
    for op in OPS:
        for caller in CALLERS:
            hall = w.other_hall if caller.endswith("/other") else w.own_hall
            want = expected(op, caller)
            if want < 300:  # it will happen: a fresh target
                fill = await prepare(w, op, hall)
            else:  # refused: nothing changes, one target per operation and hall will do
                key = (op.name, hall)
                if key not in shared:
                    shared[key] = await prepare(w, op, hall)
                fill = shared[key]
            got, code = await call(w, op, caller, fill, fill.get("device") or device.token)
            checked += 1
            if got != want:
                wrong.append(f"{op.name} as {caller}: expected {want}, got {got}")
            elif (want_code := expected_code(op, caller)) and code and code != want_code:
                wrong.append(
                    f"{op.name} as {caller}: expected {want} {want_code}, got {got} {code}"
                )
    assert not wrong, "\n".join(wrong)
    assert checked == len(OPS) * len(CALLERS)


async def test_device_api_refuses_console_tokens(world: World) -> None:
    """The other direction: a user token of any role cannot speak for a phone."""
    for role in ROLES:
        for path, body in [
            ("heartbeat", {"phase": "answering"}),
            ("lock", {"reason": "call"}),
            ("submit", {"submission_id": "s", "answers": {}}),
        ]:
            r = await world.svc.client.post(
                f"{API}/device/{path}", json=body, headers=world.headers[role]
            )
            assert r.status_code in (401, 403), (
                f"{role} on /device/{path}: {r.status_code} {r.text}"
            )
