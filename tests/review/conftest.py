"""A simulated exam with a fixed seed, run once against a real service subprocess.

Two filled halls of 8 candidates (plus the setup's "other" hall of two
candidates who never join). The simulator's phones lock often (a quarter
are repeat offenders who reach the lock limit of 3), some spin on submit;
the hall's proctor unlocks the main hall by push and a support engineer
unlocks the second hall by code typed on the keypad, so locks, unlocks by
two people, lock-limit auto-submissions and receipts all happen. One
escalation is raised and resolved. The lead then fetches the review.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import json
import secrets
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from servicekit import ServiceProcess

from proctor_console.client.api import ConsoleApi
from proctor_console.client.review import ExamReview, fetch_review
from proctor_console.simulator.hall import Hall
from proctor_console.simulator.hall_setup import ExamSetup, create_exam
from proctor_console.simulator.roster import Candidate
from proctor_console.simulator.scenario import Scenario, load_scenario

SEED = 7
PER_HALL = 8


@dataclass
class SimulatedExam:
    service: ServiceProcess
    exam: ExamSetup
    record: dict[str, Any]
    review: ExamReview
    unlockers: dict[str, str]  # attempt_id:lock_count -> username who issued the unlock
    service_summary: dict[str, Any]  # GET /sessions/{sid}/summary, as the lead sees it


def _scenario() -> Scenario:
    s = load_scenario("rough")
    changes: dict[str, dict[str, Any]] = {
        "scenario": {"duration_minutes": 10},
        "join": {"window_minutes": 0.5, "late_fraction": 0, "never_fraction": 0.1,
                 "outdated_app_fraction": 0, "wrong_paper_fraction": 0, "reenter_fraction": 0.1},
        "locks": {"per_hour": 12, "repeat_offender_fraction": 0.25, "repeat_gap_seconds": 25,
                  "offline_after_lock_fraction": 0, "walk_seconds_min": 2, "walk_seconds_max": 6},
        "network": {"drops_per_hour": 1},
        "crashes": {"per_hour": 0},
        "battery": {"dying_fraction": 0, "start_min": 30},
        "submit": {"start_minute": 5, "end_minute": 7.5, "never_fraction": 0, "spin_fraction": 0.4,
                   "held_fraction": 0.5, "spin_seconds_min": 10, "spin_seconds_max": 30},
    }  # fmt: skip
    return dataclasses.replace(
        s, **{k: dataclasses.replace(getattr(s, k), **v) for k, v in changes.items()}
    )


async def _login(client: httpx.AsyncClient, api: str, user: str, password: str) -> dict[str, str]:
    r = await client.post(f"{api}/auth/login", json={"username": user, "password": password})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def _keypad(address: tuple[str, int], candidate_no: str, code: str) -> bool:
    reader, writer = await asyncio.open_connection(*address)
    try:
        writer.write(json.dumps({"candidate_no": candidate_no, "code": code}).encode() + b"\n")
        await writer.drain()
        return bool(json.loads(await asyncio.wait_for(reader.readline(), 5)).get("ok"))
    finally:
        writer.close()
        await writer.wait_closed()


async def _run(service: ServiceProcess) -> SimulatedExam:
    async with httpx.AsyncClient(timeout=30) as client:
        exam = await create_exam(
            client, service.base_url, service.admin_user, service.admin_password,
            hall_rows=2, hall_cols=4, candidates=PER_HALL, extra_halls=1, max_locks=3, seed=SEED,
        )  # fmt: skip
        api = service.api
        proctor = await _login(client, api, exam.proctor.username, exam.proctor.password)
        support = await _login(client, api, exam.support.username, exam.support.password)
        candidates = [Candidate(c.candidate_no, c.name) for c in exam.candidates]
        hall = Hall(service.base_url, exam.exam_code, candidates, _scenario(), seed=SEED,
                    speed=25, keypad=("127.0.0.1", 0))  # fmt: skip
        runner = asyncio.create_task(hall.run())
        await hall.ready.wait()
        assert hall.keypad_address is not None
        unlockers: dict[str, str] = {}
        while not runner.done():
            r = await client.get(f"{api}/sessions/{exam.session_id}/candidates", headers=proctor)
            for row in r.json()["candidates"]:
                key = f"{row['attempt_id']}:{row['lock_count']}"
                if row["state"] != "locked" or key in unlockers:
                    continue
                main_hall = row["hall_id"] == exam.hall_id
                who, headers = (
                    (exam.proctor.username, proctor)
                    if main_hall
                    else (exam.support.username, support)
                )
                body = {"reason": "back at the desk", "mode": "push" if main_hall else "code"}
                u = await client.post(
                    f"{api}/attempts/{row['attempt_id']}/unlock", json=body,
                    headers={**headers, "Idempotency-Key": secrets.token_hex(8)},
                )  # fmt: skip
                if u.status_code != 200:
                    continue
                unlockers[key] = who
                if not main_hall:
                    await _keypad(hall.keypad_address, row["candidate_no"], u.json()["code"])
            await asyncio.sleep(0.25)
        record = (await runner).to_json()
        # One escalation: raised by the proctor, resolved by support.
        first = exam.candidates[0]
        rows = (
            await client.get(f"{api}/sessions/{exam.session_id}/candidates", headers=proctor)
        ).json()
        aid = next(
            r["attempt_id"] for r in rows["candidates"] if r["candidate_no"] == first.candidate_no
        )
        e = await client.post(f"{api}/escalations", headers=proctor,
                              json={"attempt_id": aid, "category": "device_failure", "note": "屏幕碎了"})  # fmt: skip
        e.raise_for_status()
        eid = e.json()["id"]
        (await client.post(f"{api}/escalations/{eid}/claim", headers=support)).raise_for_status()
        (await client.post(f"{api}/escalations/{eid}/resolve", headers=support,
                           json={"resolution": "换了备用机"})).raise_for_status()  # fmt: skip

        lead = ConsoleApi(service.base_url, client)
        await lead.login(exam.lead.username, exam.lead.password)
        review = await fetch_review(lead, exam.session_id)
        service_summary = await lead.summary(exam.session_id)
    return SimulatedExam(service, exam, record, review, unlockers, service_summary)


@pytest.fixture(scope="session")
def review_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    with ServiceProcess.start(tmp_path_factory.mktemp("review-svc")) as svc:
        yield svc


@pytest.fixture(scope="session")
def simulated_exam(review_service: ServiceProcess) -> SimulatedExam:
    # A plain loop in a thread of its own: a test's qasync loop may be current here.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _run(review_service)).result(240)


@pytest.fixture(autouse=True)
def no_leftover_running_loop() -> Iterator[None]:
    """A qasync loop made with already_running=True stays "running" after its test
    (qasync clears it only when the application quits); the report command's
    asyncio.run would then refuse to start. Nothing runs a loop between tests."""
    asyncio.events._set_running_loop(None)
    yield
    asyncio.events._set_running_loop(None)
