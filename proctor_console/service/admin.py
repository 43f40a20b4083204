"""Setup: users, halls, exam sessions and rosters. Used by the API and by `proctor-console admin`."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ..domain.rows import format_time
from ..domain.states import Role
from . import exam
from .auth import hash_password
from .errors import ApiError
from .storage import Store, attempts, events, exam_sessions, halls, users, utcnow

log = logging.getLogger("proctor_console.service")

DEFAULT_INFO_FIELDS = ["name", "id_last4"]


def user_json(u: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": u["id"],
        "username": u["username"],
        "display_name": u["display_name"],
        "role": u["role"],
        "hall_ids": list(u["hall_ids"] or []),
    }


def hall_json(h: dict[str, Any]) -> dict[str, Any]:
    return {"id": h["id"], "name": h["name"], "rows": h["rows"], "columns": h["columns"]}


async def hash_new_password(password: str) -> str:
    """Check and hash a new password, off the event loop (argon2 is slow on purpose).

    Call it before opening the writing transaction: the hash must not hold the write lock.
    """
    if len(password) < 8:
        raise ApiError(422, "weak_password", "The password must have at least 8 characters.")
    return await asyncio.to_thread(hash_password, password)


async def create_user(
    conn: AsyncConnection, username: str, password_hash: str, display_name: str | None, role: str, hall_ids: list[str]
) -> dict[str, Any]:
    try:
        role_value = Role(role).value
    except ValueError:
        raise ApiError(422, "validation_error", "role must be one of proctor, support, lead, admin.") from None
    username = username.strip()
    if not username:
        raise ApiError(422, "validation_error", "username must not be empty.")
    exists = (await conn.execute(select(users.c.id).where(users.c.username == username))).first()
    if exists:
        raise ApiError(409, "username_taken", f"The username {username!r} is already taken.")
    for hid in hall_ids:
        await exam.get_hall(conn, hid)
    u = {
        "id": exam.new_id(),
        "username": username,
        "display_name": (display_name or username).strip() or username,
        "role": role_value,
        "password_hash": password_hash,
        "hall_ids": list(dict.fromkeys(hall_ids)),
        "created_at": utcnow(),
    }
    await conn.execute(insert(users).values(**u))
    return user_json(u)


async def bootstrap_admin(store: Store, username: str | None, password: str | None) -> bool:
    """Create the first admin from the environment when the database holds none."""
    async with store.read() as conn:
        has_admin = (await conn.execute(select(users.c.id).where(users.c.role == Role.ADMIN.value).limit(1))).first()
    if has_admin:
        return False
    if not username or not password:
        log.warning(
            "the database holds no admin; set PROCTOR_ADMIN_USER and PROCTOR_ADMIN_PASSWORD "
            "or run `proctor-console admin user add NAME --role admin`"
        )
        return False
    hashed = await hash_new_password(password)
    async with store.write() as conn:
        await create_user(conn, username, hashed, "Administrator", Role.ADMIN.value, [])
        await exam.write_audit(conn, "system", "user_add", detail={"username": username, "role": "admin"})
    log.info("created the first admin account %r from PROCTOR_ADMIN_USER", username)
    return True


async def create_hall(conn: AsyncConnection, name: str, rows: int, columns: int) -> dict[str, Any]:
    if not name.strip():
        raise ApiError(422, "validation_error", "name must not be empty.")
    if not (1 <= rows <= 200 and 1 <= columns <= 200):
        raise ApiError(422, "validation_error", "rows and columns must be between 1 and 200.")
    h = {"id": exam.new_id(), "name": name.strip(), "rows": rows, "columns": columns, "created_at": utcnow()}
    await conn.execute(insert(halls).values(**h))
    return hall_json(h)


async def _code_in_use(conn: AsyncConnection, code: str) -> bool:
    rows = (await conn.execute(select(exam_sessions).where(exam_sessions.c.exam_code == code))).mappings().all()
    return any(exam.session_status(dict(r)).value != "closed" for r in rows)


async def create_session(conn: AsyncConnection, fields: dict[str, Any]) -> dict[str, Any]:
    code = fields.get("exam_code")
    if code is not None:
        if not (isinstance(code, str) and len(code) == 6 and code.isdigit()):
            raise ApiError(422, "validation_error", "exam_code must be exactly 6 digits.")
        if await _code_in_use(conn, code):
            raise ApiError(409, "exam_code_taken", f"The exam code {code} is in use by another open session.")
    else:
        for _ in range(200):
            code = f"{secrets.randbelow(1_000_000):06d}"
            if code[0] != "0" and not await _code_in_use(conn, code):
                break
        else:
            raise ApiError(503, "no_free_code", "Could not find a free exam code; try again.")
    hall_ids = list(dict.fromkeys(fields.get("hall_ids") or []))
    for hid in hall_ids:
        await exam.get_hall(conn, hid)
    starts_at: datetime = fields.get("starts_at") or utcnow()
    s: dict[str, Any] = {
        "id": exam.new_id(),
        "title": (fields.get("title") or "").strip() or "Exam",
        "exam_code": code,
        "starts_at": starts_at,
        "duration_minutes": int(fields.get("duration_minutes") or 120),
        "max_locks": int(fields.get("max_locks") or 5),
        "info_collection": bool(fields.get("info_collection", False)),
        "info_fields": list(fields.get("info_fields") or DEFAULT_INFO_FIELDS),
        "total_questions": int(fields.get("total_questions") or 0) if fields.get("total_questions") is not None else 100,
        "hall_ids": hall_ids,
        "closed": False,
        "created_at": utcnow(),
    }
    if s["duration_minutes"] < 1 or s["max_locks"] < 1 or s["total_questions"] < 0:
        raise ApiError(422, "validation_error", "duration_minutes and max_locks must be at least 1.")
    await conn.execute(insert(exam_sessions).values(**s))
    data = exam.session_json(s)
    await conn.execute(insert(events).values(at=utcnow(), session_id=s["id"], type="session", data=data))
    return data


@dataclass
class RosterReport:
    added: int = 0
    updated: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "rejected": len(self.rejected),
            "rejected_rows": self.rejected,
        }


ROSTER_COLUMNS = ("candidate_no", "name", "hall_id", "seat_row", "seat_col")


def parse_roster_csv(text: str) -> list[tuple[int, dict[str, Any]]]:
    """CSV with a header row -> [(line number, row)]. Extra columns are ignored."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in ROSTER_COLUMNS if c not in header]
    if missing:
        raise ApiError(422, "bad_roster", "The CSV header lacks: " + ", ".join(missing) + f" (expected {', '.join(ROSTER_COLUMNS)}).")
    reader.fieldnames = header
    return [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}) for row in reader]


async def import_roster(conn: AsyncConnection, sid: str, rows: list[tuple[int, dict[str, Any]]]) -> RosterReport:
    session = await exam.get_session(conn, sid)
    hall_rows = (await conn.execute(select(halls).where(halls.c.id.in_(session["hall_ids"] or [])))).mappings().all()
    hall_by_id = {h["id"]: dict(h) for h in hall_rows}
    existing = {
        r["candidate_no"]: dict(r)
        for r in (await conn.execute(select(attempts).where(attempts.c.session_id == sid))).mappings().all()
    }
    seats = {(a["hall_id"], a["seat_row"], a["seat_col"]): no for no, a in existing.items()}
    seen: set[str] = set()
    report = RosterReport()
    deadline = session["starts_at"] + timedelta(minutes=session["duration_minutes"])
    now = utcnow()
    new_rows: list[dict[str, Any]] = []
    new_events: list[dict[str, Any]] = []

    def reject(line: int, no: Any, reason: str) -> None:
        report.rejected.append({"line": line, "candidate_no": str(no or ""), "reason": reason})

    for line, raw in rows:
        no = str(raw.get("candidate_no") or "").strip()
        name = str(raw.get("name") or "").strip()
        hid = str(raw.get("hall_id") or "").strip()
        if not no:
            reject(line, no, "candidate_no is empty")
            continue
        if len(no) > 32:
            reject(line, no, "candidate_no is longer than 32 characters")
            continue
        if no in seen:
            reject(line, no, "candidate_no appears twice in this import")
            continue
        if not name:
            reject(line, no, "name is empty")
            continue
        if len(name) > 128:
            reject(line, no, "name is longer than 128 characters")
            continue
        hall = hall_by_id.get(hid)
        if hall is None:
            reject(line, no, f"hall {hid!r} is not a hall of this session")
            continue
        try:
            seat_row, seat_col = int(str(raw.get("seat_row")).strip()), int(str(raw.get("seat_col")).strip())
        except (TypeError, ValueError):
            reject(line, no, "seat_row and seat_col must be whole numbers")
            continue
        if not (1 <= seat_row <= hall["rows"] and 1 <= seat_col <= hall["columns"]):
            reject(line, no, f"seat {seat_row}-{seat_col} is outside hall {hall['name']} ({hall['rows']} rows x {hall['columns']} columns)")
            continue
        holder = seats.get((hid, seat_row, seat_col))
        if holder is not None and holder != no:
            reject(line, no, f"seat {seat_row}-{seat_col} is already taken by candidate {holder}")
            continue
        seen.add(no)
        old = existing.get(no)
        if old is not None:
            if (old["name"], old["hall_id"], old["seat_row"], old["seat_col"]) == (name, hid, seat_row, seat_col):
                continue
            seats.pop((old["hall_id"], old["seat_row"], old["seat_col"]), None)
            seats[(hid, seat_row, seat_col)] = no
            a = await exam.load_attempt(conn, old["id"])
            await exam.save(conn, a, {"name": name, "hall_id": hid, "seat_row": seat_row, "seat_col": seat_col})
            report.updated += 1
            continue
        seats[(hid, seat_row, seat_col)] = no
        a = {
            "id": exam.new_id(), "session_id": sid, "candidate_no": no, "name": name, "hall_id": hid,
            "seat_row": seat_row, "seat_col": seat_col, "state": "not_joined", "lock_count": 0,
            "answered": 0, "resumes": 0, "device_count": 0, "open_escalations": 0, "info_done": False,
            "deadline": deadline, "extension_minutes": 0, "wrong_codes": 0, "pending_commands": 0,
            "unlock_seed": exam.new_unlock_seed(), "version": 1,
        }
        new_rows.append(a)
        full = {c.name: None for c in attempts.columns} | a
        full.update({f"s_{k}": session[k] for k in ("max_locks", "total_questions", "info_collection", "info_fields", "starts_at", "duration_minutes", "exam_code", "closed")})
        new_events.append({
            "at": now, "session_id": sid, "hall_id": hid, "attempt_id": a["id"], "type": "candidate",
            "kind": None, "actor": None, "detail": None, "data": exam.row_json(full),
        })
        report.added += 1
    if new_rows:
        await conn.execute(insert(attempts), new_rows)
        await conn.execute(insert(events), new_events)
    return report


async def session_count(conn: AsyncConnection, sid: str) -> int:
    return int((await conn.execute(select(func.count()).select_from(attempts).where(attempts.c.session_id == sid))).scalar() or 0)


async def close_session(conn: AsyncConnection, sid: str) -> dict[str, Any]:
    s = await exam.get_session(conn, sid)
    await conn.execute(update(exam_sessions).where(exam_sessions.c.id == sid).values(closed=True))
    s["closed"] = True
    data = exam.session_json(s)
    await conn.execute(insert(events).values(at=utcnow(), session_id=sid, type="session", data=data))
    return data


__all__ = ["format_time"]
