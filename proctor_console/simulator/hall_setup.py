"""Seed an exam over HTTP through the admin API: halls, accounts, a session and its roster.

Used by the demo and by tests of every part::

    setup = await create_exam(client, base_url, "admin", admin_password, hall_rows=4, hall_cols=5)
    setup.exam_code, setup.candidates[0].candidate_no, setup.proctor.username, ...

It creates the main hall (filled with candidates unless ``candidates`` is
given), ``extra_halls`` more halls of the same session (filled the same way),
and one "other" hall of the session with two candidates, whose proctor
(``other_proctor``) must not see the main hall. Accounts get random
passwords; usernames carry a random suffix so several exams fit one database.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_CHARS = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌浩宇欣怡梓涵子轩雨桐思远嘉怡俊杰晓东海燕文博一鸣婷婷佳琪志强建华丹丹淑珍"


def chinese_name(rng: random.Random) -> str:
    """A realistic Chinese name: a common surname and one or two given-name characters."""
    given = "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2, 2))))
    return rng.choice(SURNAMES) + given


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    role: str
    hall_ids: tuple[str, ...] = ()
    user_id: str = ""


@dataclass(frozen=True)
class Candidate:
    candidate_no: str
    name: str
    hall_id: str
    seat_row: int
    seat_col: int

    @property
    def seat(self) -> str:
        return f"{self.seat_row}-{self.seat_col}"


@dataclass
class ExamSetup:
    base_url: str
    session_id: str
    exam_code: str
    session: dict[str, Any]
    hall_id: str  # the main hall
    hall_ids: list[str]  # every hall of the session: main, extra halls, other hall
    other_hall_id: str
    candidates: list[Candidate]  # main hall and extra halls
    other_candidates: list[Candidate]  # the other hall's two candidates
    proctor: Account  # assigned to the main hall (and the extra halls)
    other_proctor: Account  # assigned to the other hall only
    support: Account
    lead: Account
    halls: list[dict[str, Any]] = field(default_factory=list)

    @property
    def candidate_numbers(self) -> list[str]:
        return [c.candidate_no for c in self.candidates]

    @property
    def names(self) -> dict[str, str]:
        return {c.candidate_no: c.name for c in self.candidates}


class SetupError(RuntimeError):
    """The service refused a setup step; the message says which and why."""


async def _call(
    client: httpx.AsyncClient, method: str, url: str, token: str | None = None, **kwargs: Any
) -> Any:
    headers = kwargs.pop("headers", {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = await client.request(method, url, headers=headers, **kwargs)
    if response.status_code >= 400:
        try:
            error = response.json()["error"]
            detail = f"{error['code']}: {error['message']}"
        except Exception:
            detail = response.text[:200]
        raise SetupError(
            f"{method} {url.split('/api/v1', 1)[-1]} failed ({response.status_code}) {detail}"
        )
    return response.json()


async def create_exam(
    client: httpx.AsyncClient,
    base_url: str,
    admin_user: str,
    admin_password: str,
    *,
    hall_rows: int = 10,
    hall_cols: int = 12,
    candidates: int | None = None,
    title: str = "执业医师资格考试 模拟考",
    starts_at: datetime | None = None,
    duration_minutes: int = 120,
    max_locks: int = 5,
    info_collection: bool = False,
    extra_halls: int = 0,
    total_questions: int = 100,
    exam_code: str | None = None,
    seed: int | None = None,
) -> ExamSetup:
    """Create halls, accounts, a session and a roster; return what tests and the demo need.

    ``candidates``: how many candidates in each filled hall (default: every seat).
    """
    api = base_url.rstrip("/") + "/api/v1"
    rng = random.Random(seed if seed is not None else secrets.randbits(32))
    tag = secrets.token_hex(3)
    login = await _call(
        client,
        "POST",
        f"{api}/auth/login",
        json={"username": admin_user, "password": admin_password},
    )
    token = login["access_token"]

    per_hall = hall_rows * hall_cols if candidates is None else candidates
    if per_hall > hall_rows * hall_cols:
        raise SetupError(f"{per_hall} candidates do not fit a hall of {hall_rows}x{hall_cols}")
    halls: list[dict[str, Any]] = []
    for i in range(1 + extra_halls):
        halls.append(
            await _call(
                client,
                "POST",
                f"{api}/halls",
                token,
                json={"name": f"第{i + 1}考场 {tag}", "rows": hall_rows, "columns": hall_cols},
            )
        )
    other = await _call(
        client,
        "POST",
        f"{api}/halls",
        token,
        json={"name": f"第{extra_halls + 2}考场 {tag}", "rows": 2, "columns": 2},
    )
    filled_ids = [h["id"] for h in halls]

    async def account(role: str, hall_ids: list[str], label: str) -> Account:
        password = secrets.token_urlsafe(12)
        username = f"{label}-{tag}"
        user = await _call(
            client,
            "POST",
            f"{api}/users",
            token,
            json={
                "username": username,
                "password": password,
                "display_name": label,
                "role": role,
                "hall_ids": hall_ids,
            },
        )
        return Account(username, password, role, tuple(hall_ids), user["id"])

    proctor = await account("proctor", filled_ids, "proctor")
    other_proctor = await account("proctor", [other["id"]], "proctor2")
    support = await account("support", [], "support")
    lead = await account("lead", [], "lead")

    start = starts_at or datetime.now(UTC) - timedelta(minutes=1)
    body: dict[str, Any] = {
        "title": title,
        "starts_at": start.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "duration_minutes": duration_minutes,
        "max_locks": max_locks,
        "info_collection": info_collection,
        "total_questions": total_questions,
        "hall_ids": [*filled_ids, other["id"]],
    }
    if exam_code:
        body["exam_code"] = exam_code
    session = await _call(client, "POST", f"{api}/sessions", token, json=body)

    roster: list[Candidate] = []
    serial = 1
    for index, hall in enumerate(halls):
        seats = [(r, c) for r in range(1, hall_rows + 1) for c in range(1, hall_cols + 1)][
            :per_hall
        ]
        for r, c in seats:
            roster.append(
                Candidate(f"26{index + 1:02d}{serial:05d}", chinese_name(rng), hall["id"], r, c)
            )
            serial += 1
    others = [Candidate(f"2699{k:05d}", chinese_name(rng), other["id"], 1, k) for k in (1, 2)]
    rows = [
        {
            "candidate_no": c.candidate_no,
            "name": c.name,
            "hall_id": c.hall_id,
            "seat_row": c.seat_row,
            "seat_col": c.seat_col,
        }
        for c in [*roster, *others]
    ]
    report = await _call(
        client, "POST", f"{api}/sessions/{session['id']}/roster", token, json={"rows": rows}
    )
    if report["rejected"]:
        raise SetupError(f"roster rows rejected: {report['rejected_rows'][:3]}")
    return ExamSetup(
        base_url=base_url.rstrip("/"),
        session_id=session["id"],
        exam_code=session["exam_code"],
        session=session,
        hall_id=halls[0]["id"],
        hall_ids=[*filled_ids, other["id"]],
        other_hall_id=other["id"],
        candidates=roster,
        other_candidates=others,
        proctor=proctor,
        other_proctor=other_proctor,
        support=support,
        lead=lead,
        halls=[*halls, other],
    )
