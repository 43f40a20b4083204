"""The lead's numbers: the session summary and the CSV export."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from ..domain.rows import format_time
from ..domain.states import AttemptState
from . import exam
from .storage import attempts, escalations, events, utcnow


async def session_summary(conn: AsyncConnection, session: dict[str, Any], hall_ids: list[str] | None) -> dict[str, Any]:
    sid = session["id"]
    query = exam.ATTEMPT_SELECT.where(attempts.c.session_id == sid)
    if hall_ids is not None:
        query = query.where(attempts.c.hall_id.in_(hall_ids))
    rows = [dict(r) for r in (await conn.execute(query)).mappings().all()]
    ids = {r["id"] for r in rows}
    ev_query = select(events.c.attempt_id, events.c.kind, events.c.detail).where(events.c.session_id == sid).where(events.c.kind.is_not(None))
    if hall_ids is not None:
        ev_query = ev_query.where(events.c.hall_id.in_(hall_ids))
    timeline = (await conn.execute(ev_query)).all()
    esc_query = select(escalations.c.status, escalations.c.category).where(escalations.c.session_id == sid)
    if hall_ids is not None:
        esc_query = esc_query.where(escalations.c.hall_id.in_(hall_ids))
    escs = (await conn.execute(esc_query)).all()

    by_state = Counter(r["state"] for r in rows)
    causes = Counter(r["submit_cause"] for r in rows if r["state"] == AttemptState.AUTO_SUBMITTED.value)
    lock_reasons: Counter[str] = Counter()
    unlock_modes: Counter[str] = Counter()
    stuck: set[str] = set()
    kinds: Counter[str] = Counter()
    for aid, kind, detail in timeline:
        if aid not in ids:
            continue
        kinds[kind] += 1
        if kind == "locked":
            lock_reasons[(detail or {}).get("reason", "other")] += 1
        elif kind == "unlocked":
            unlock_modes[(detail or {}).get("mode", "push")] += 1
        elif kind == "submit_pending":
            stuck.add(aid)
    per_hall: dict[str, dict[str, Any]] = {}
    for r in rows:
        h = per_hall.setdefault(r["hall_id"], {"hall_id": r["hall_id"], "candidates": 0, "joined": 0, "submitted": 0, "auto_submitted": 0, "locks": 0})
        h["candidates"] += 1
        h["joined"] += r["state"] != AttemptState.NOT_JOINED.value
        h["submitted"] += r["state"] == AttemptState.SUBMITTED.value
        h["auto_submitted"] += r["state"] == AttemptState.AUTO_SUBMITTED.value
        h["locks"] += r["lock_count"]
    total = len(rows)
    answered = [r["answered"] for r in rows if r["state"] != AttemptState.NOT_JOINED.value]
    return {
        "session": exam.session_json(session),
        "generated_at": format_time(utcnow()),
        "candidates": total,
        "joined": total - by_state.get(AttemptState.NOT_JOINED.value, 0),
        "not_joined": by_state.get(AttemptState.NOT_JOINED.value, 0),
        "by_state": {s.value: by_state.get(s.value, 0) for s in AttemptState},
        "submitted": by_state.get(AttemptState.SUBMITTED.value, 0),
        "auto_submitted": by_state.get(AttemptState.AUTO_SUBMITTED.value, 0),
        "auto_submitted_by_cause": {c: causes.get(c, 0) for c in ("lock_limit", "time", "proctor")},
        "locks": {"total": sum(lock_reasons.values()), "by_reason": dict(lock_reasons), "candidates_locked": sum(1 for r in rows if r["lock_count"] > 0)},
        "unlocks": {"total": sum(unlock_modes.values()), "by_mode": dict(unlock_modes), "issued": kinds.get("unlock_issued", 0)},
        "resumes": sum(r["resumes"] for r in rows),
        "device_changes": sum(max(r["device_count"] - 1, 0) for r in rows),
        "candidates_with_device_change": sum(1 for r in rows if r["device_count"] > 1),
        "stuck_submissions": len(stuck),
        "help_requests": kinds.get("help_requested", 0),
        "messages": kinds.get("message_sent", 0),
        "support_actions": {k: kinds.get(k, 0) for k in ("reopened", "locks_reset", "extended", "force_submitted")},
        "escalations": {
            "total": len(escs),
            "by_status": dict(Counter(s for s, _ in escs)),
            "by_category": dict(Counter(c for _, c in escs)),
        },
        "answered_avg": round(sum(answered) / len(answered), 1) if answered else 0,
        "halls": sorted(per_hall.values(), key=lambda h: h["hall_id"]),
    }


EXPORT_HEADER = [
    "candidate_no", "name", "hall_id", "seat", "state", "lock_count", "max_locks", "last_lock_reason",
    "answered", "total_questions", "resumes", "device_count", "receipt_id", "received_at", "submit_cause",
    "last_unlock_mode", "open_escalations", "app_version", "platform", "os_version", "last_seen",
]  # fmt: skip


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # Keep a spreadsheet from running a name as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


async def export_rows(conn: AsyncConnection, sid: str, hall_ids: list[str] | None) -> tuple[list[str], list[list[str]]]:
    query = exam.ATTEMPT_SELECT.where(attempts.c.session_id == sid)
    if hall_ids is not None:
        query = query.where(attempts.c.hall_id.in_(hall_ids))
    rows = (await conn.execute(query.order_by(attempts.c.hall_id, attempts.c.seat_row, attempts.c.seat_col))).mappings().all()
    out = []
    for r in rows:
        data = exam.row_json(dict(r))
        out.append([_cell(data[k]) for k in EXPORT_HEADER])
    return EXPORT_HEADER, out
