"""Read-only routes for looking back at an exam (the lead's summary, report and replay).

``GET /sessions/{sid}/timeline?after=CURSOR&limit=N&hall_id=&include_rows=false``
pages through every timeline entry of a session in log order, the same
entries ``/attempts/{aid}/timeline`` gives per attempt (``{id, at, kind,
attempt_id, actor, detail}``, plus ``hall_id``). With ``include_rows=true`` it
also lists the candidate events that carry no timeline kind (telemetry:
battery, network, last seen), and each candidate entry carries ``row``, the
row as it was after that event: enough to rebuild the hall at any moment.
Answer: ``{session_id, events, next_after, more}``; call again with
``after=next_after`` while ``more`` is true.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import and_, or_, select

from ..domain.rows import format_time
from .routes import ActorDep, _hall_filter, _session_for, service
from .storage import events

review_router = APIRouter()

PAGE_MAX = 5000


@review_router.get("/sessions/{sid}/timeline", response_model=None, tags=["reports"])
async def session_timeline(
    sid: str,
    request: Request,
    actor: ActorDep,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 2000,
    hall_id: str | None = None,
    include_rows: bool = False,
) -> dict[str, Any]:
    session = await _session_for(request, actor, sid)
    wanted = _hall_filter(actor, session, hall_id)
    cond = [events.c.session_id == sid, events.c.id > after, events.c.attempt_id.is_not(None)]
    if wanted is not None:
        cond.append(events.c.hall_id.in_(wanted))
    if include_rows:
        cond.append(or_(events.c.kind.is_not(None), events.c.type == "candidate"))
    else:
        cond.append(events.c.kind.is_not(None))
    columns = [events.c.id, events.c.at, events.c.type, events.c.kind, events.c.attempt_id, events.c.hall_id, events.c.actor, events.c.detail]
    if include_rows:
        columns.append(events.c.data)
    async with service(request).store.read() as conn:
        found = (await conn.execute(select(*columns).where(and_(*cond)).order_by(events.c.id).limit(limit + 1))).mappings().all()
    more = len(found) > limit
    found = found[:limit]
    out = []
    for e in found:
        entry: dict[str, Any] = {
            "id": str(e["id"]), "at": format_time(e["at"]), "kind": e["kind"], "attempt_id": e["attempt_id"],
            "hall_id": e["hall_id"], "actor": e["actor"], "detail": e["detail"] or {},
        }  # fmt: skip
        if include_rows and e["type"] == "candidate":
            entry["row"] = e["data"]
        out.append(entry)
    next_after = int(found[-1]["id"]) if found else after
    return {"session_id": sid, "events": out, "next_after": next_after, "more": more}
