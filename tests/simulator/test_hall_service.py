"""The simulated hall against a real `proctor-console serve`: what the record says, the service holds."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from servicekit import ServiceProcess

from proctor_console.cli import main
from proctor_console.domain.rows import parse_time
from proctor_console.simulator.hall import Hall
from proctor_console.simulator.record import record_mismatches
from proctor_console.simulator.roster import candidate_numbers

from .conftest import Proctor, make_hall, seed_exam, send_keypad_line, tuned, wait_for

pytestmark = pytest.mark.slow


def test_default_numbering_is_the_exam_setups(service: ServiceProcess) -> None:
    exam = asyncio.run(seed_exam(service, 7))
    assert [c.candidate_no for c in exam.candidates] == candidate_numbers(7)


def test_end_rush_every_receipt_is_in_the_service(service: ServiceProcess) -> None:
    async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]], str]:
        exam = await seed_exam(service, 20, info_collection=True)
        rush = tuned(
            "end-rush",
            submit={"spin_fraction": 0.5, "held_fraction": 0.7, "spin_seconds_min": 10,
                    "spin_seconds_max": 30},
            battery={"start_min": 60, "dying_fraction": 0},
        )  # fmt: skip
        # No time limit that a slow machine could hit: the run ends when every phone is done.
        hall = make_hall(service, exam, rush, seed=5, speed=25, duration_minutes=60)
        record = await asyncio.wait_for(hall.run(), 60)
        async with httpx.AsyncClient() as client:
            proctor = await Proctor(client, service, exam).login()
            return record.to_json(), await proctor.rows(), await proctor.export_csv()

    record, rows, export = asyncio.run(scenario())
    assert record_mismatches(record, rows) == []
    counts = record["counts"]
    assert counts["joined"] == 20
    assert record["events"]["info"] >= 20  # the session asks for it; every phone gave it
    assert record["stopped_because"] == "every phone is done"
    assert counts["submissions"] == 20, record["errors"]
    # Phones that lost the answer got the same receipt when they tried again.
    assert counts["lost_submit_answers"] >= 1
    retried = [s for s in record["submissions"] if "same_receipt_as_lost" in s]
    assert retried and all(s["same_receipt_as_lost"] for s in retried)
    # Every receipt the phones hold is in the service's export, and no more than the service has.
    exported = {r.get("receipt_id") for r in csv.DictReader(io.StringIO(export.lstrip("\ufeff")))}
    assert {s["receipt_id"] for s in record["submissions"]} <= exported
    held = {r["attempt_id"] for r in rows if r["receipt_id"]}
    assert {s["attempt_id"] for s in record["submissions"]} <= held
    assert not record["errors"].get("simulator:Exception")


def test_locked_phones_are_unlocked_by_push_and_by_code_and_offenders_hit_the_limit(
    service: ServiceProcess,
) -> None:
    """A proctor unlocks every locked phone, by push or by a code typed on the keypad."""

    async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, list[Any]]]:
        exam = await seed_exam(service, 12, max_locks=3)
        s = tuned(
            "rough",
            scenario={"duration_minutes": 40},
            join={"window_minutes": 0.5, "late_fraction": 0, "never_fraction": 0,
                  "outdated_app_fraction": 0, "wrong_paper_fraction": 0},
            locks={"per_hour": 12, "repeat_offender_fraction": 0.25, "repeat_gap_seconds": 20,
                   "offline_after_lock_fraction": 0, "walk_seconds_min": 2, "walk_seconds_max": 5},
            network={"drops_per_hour": 0},
            crashes={"per_hour": 0},
            battery={"dying_fraction": 0, "start_min": 90, "drain_per_hour_max": 10},
            submit={"start_minute": 30, "end_minute": 31},
        )  # fmt: skip
        hall = make_hall(service, exam, s, seed=11, speed=50, keypad=("127.0.0.1", 0))
        async with httpx.AsyncClient() as client:
            proctor = await Proctor(client, service, exam).login()
            runner = asyncio.create_task(hall.run())
            await hall.ready.wait()
            assert hall.keypad_address is not None
            issued: dict[str, int] = {"push": 0, "code": 0}
            unlocking: set[tuple[str, int]] = set()
            n = 0

            def seen_enough() -> bool:
                modes = {u["mode"] for u in hall.record.unlocks}
                limited = [a for a in hall.record.auto_submitted if a["cause"] == "lock_limit"]
                return modes == {"push", "code"} and bool(limited)

            deadline = asyncio.get_running_loop().time() + 25
            while not runner.done():
                if seen_enough() or asyncio.get_running_loop().time() > deadline:
                    hall.stop()
                    break
                for row in await proctor.rows():
                    key = (row["attempt_id"], row["lock_count"])
                    if row["state"] != "locked" or key in unlocking:
                        continue
                    unlocking.add(key)
                    n += 1
                    if n % 2:
                        r = await proctor.unlock(row["attempt_id"], "push")
                        if r.status_code == 200:
                            issued["push"] += 1
                    else:
                        r = await proctor.unlock(row["attempt_id"], "code")
                        if r.status_code == 200:
                            line = (
                                f'{{"candidate_no": "{row["candidate_no"]}", '
                                f'"code": "{r.json()["code"]}"}}'
                            )
                            answer = await send_keypad_line(hall.keypad_address, line)
                            if answer["ok"]:
                                issued["code"] += 1
                await asyncio.sleep(0.1)
            record = (await runner).to_json()
            rows = await proctor.rows()
            timelines = {
                a: await proctor.timeline(a) for a in {lk["attempt_id"] for lk in record["locks"]}
            }
        return record, rows, timelines

    record, rows, timelines = asyncio.run(scenario())
    assert record_mismatches(record, rows) == []
    modes = {u["mode"] for u in record["unlocks"]}
    assert modes == {"push", "code"}, record["unlocks"]
    # Repeat offenders reached the lock limit: the service auto-submitted them.
    lock_limited = {a["attempt_id"] for a in record["auto_submitted"] if a["cause"] == "lock_limit"}
    assert lock_limited
    by_id = {r["attempt_id"]: r for r in rows}
    for aid in lock_limited:
        assert by_id[aid]["state"] == "auto_submitted" and by_id[aid]["lock_count"] == 3
    # Every lock and unlock the simulator saw acknowledged is in the timeline, and none more.
    for aid, events in timelines.items():
        kinds = [e["kind"] for e in events]
        assert kinds.count("locked") == sum(lk["attempt_id"] == aid for lk in record["locks"])
        assert kinds.count("unlocked") == sum(u["attempt_id"] == aid for u in record["unlocks"])


def test_offline_code_typed_on_a_phone_without_network(service: ServiceProcess) -> None:
    """The network drops right after a lock; the phone checks the offline code itself."""

    async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        exam = await seed_exam(service, 3)
        s = tuned(
            "calm",
            scenario={"duration_minutes": 6},
            join={"window_minutes": 0.2, "late_fraction": 0, "never_fraction": 0,
                  "reenter_fraction": 0, "outdated_app_fraction": 0, "wrong_paper_fraction": 0},
            locks={"per_hour": 30, "repeat_offender_fraction": 0,
                   "offline_after_lock_fraction": 1.0, "offline_minutes_min": 1.5,
                   "offline_minutes_max": 2, "walk_seconds_min": 1, "walk_seconds_max": 2},
            network={"drops_per_hour": 0},
            crashes={"per_hour": 0},
            battery={"dying_fraction": 0, "start_min": 90},
            submit={"start_minute": 30, "end_minute": 31},
        )  # fmt: skip
        hall = make_hall(service, exam, s, seed=3, speed=20, keypad=("127.0.0.1", 0))
        async with httpx.AsyncClient() as client:
            proctor = await Proctor(client, service, exam).login()
            runner = asyncio.create_task(hall.run())
            await hall.ready.wait()
            assert hall.keypad_address is not None

            def offline_phone() -> Any:
                for phone in hall.phones.values():
                    if phone.phase == "locked" and not phone.online:
                        return phone
                return None

            await wait_for(lambda: offline_phone() is not None, 20, "a locked phone offline")
            phone = offline_phone()
            r = await proctor.unlock(phone.attempt_id, "offline")
            assert r.status_code == 200, r.text
            line = f'{{"candidate_no": "{phone.no}", "code": "{r.json()["code"]}"}}'
            assert await send_keypad_line(hall.keypad_address, line) == {"ok": True}
            # It unlocks with no network at all ...
            await wait_for(lambda: phone.phase != "locked", 5, "the phone to unlock itself")
            assert not phone.online
            # ... and tells the service when it is back.
            await wait_for(
                lambda: any(u["mode"] == "offline" for u in hall.record.unlocks),
                20,
                "the offline unlock to be reported",
            )
            hall.stop()
            record = (await runner).to_json()
            return record, await proctor.rows()

    record, rows = asyncio.run(scenario())
    offline = [u for u in record["unlocks"] if u["mode"] == "offline"]
    assert offline and offline[0]["unlocked_at"].endswith("Z")
    row = next(r for r in rows if r["attempt_id"] == offline[0]["attempt_id"])
    assert row["last_unlock_mode"] == "offline"
    assert record_mismatches(record, rows) == []


def test_keypad_answers_each_line(service: ServiceProcess) -> None:
    async def scenario() -> list[dict[str, Any]]:
        exam = await seed_exam(service, 2)
        s = tuned("calm", join={"window_minutes": 0.1, "never_fraction": 0, "late_fraction": 0})
        hall = make_hall(service, exam, s, seed=1, speed=5, keypad=("127.0.0.1", 0))
        runner = asyncio.create_task(hall.run())
        await hall.ready.wait()
        assert hall.keypad_address is not None
        no = exam.candidates[0].candidate_no
        answers = [
            await send_keypad_line(hall.keypad_address, "not json"),
            await send_keypad_line(
                hall.keypad_address, '{"candidate_no": "999", "code": "123456"}'
            ),
            await send_keypad_line(
                hall.keypad_address, f'{{"candidate_no": "{no}", "code": "12"}}'
            ),
            await send_keypad_line(
                hall.keypad_address, f'{{"candidate_no": "{no}", "code": "123456"}}'
            ),
        ]
        hall.stop()
        await runner
        return answers

    bad_json, unknown, short, not_locked = asyncio.run(scenario())
    assert bad_json["ok"] is False and "one JSON object per line" in bad_json["error"]
    assert unknown == {"ok": False, "error": "no candidate 999 in this simulated hall"}
    assert short == {"ok": False, "error": "a code is 6 digits"}
    assert not_locked["ok"] is False and "not" in not_locked["error"]


def test_same_seed_same_actions(service: ServiceProcess) -> None:
    """Two runs with one seed on two fresh exams do the same things at the same simulated times."""
    s = tuned(
        "rough",
        scenario={"duration_minutes": 2.5},
        join={"window_minutes": 1, "late_until_minutes": 2, "outdated_app_fraction": 0.2},
        locks={"offline_after_lock_fraction": 0},
    )

    async def once(seed: int) -> dict[str, Any]:
        exam = await seed_exam(service, 6)
        hall = make_hall(service, exam, s, seed=seed, speed=40)
        return (await hall.run()).to_json()

    first, second, other = (asyncio.run(once(seed)) for seed in (21, 21, 22))
    assert first["fingerprint"] == second["fingerprint"]
    assert first["counts"] == second["counts"]
    assert first["fingerprint"] != other["fingerprint"]


def test_unknown_exam_code_is_exit_2(
    service: ServiceProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["simulate", "--server", service.base_url, "--exam-code", "000001"])
    err = capsys.readouterr().err
    assert code == 2
    assert "no open exam with code 000001 (exam_code_not_found); check --exam-code" in err
    assert err.count("\n") == 1


def test_cli_runs_and_writes_the_record(service: ServiceProcess, tmp_path, capsys) -> None:
    exam = asyncio.run(seed_exam(service, 5))
    path = tmp_path / "record.json"
    code = main(
        ["simulate", "--server", service.base_url, "--exam-code", exam.exam_code,
         "--candidates", "5", "--scenario", "end-rush", "--speed", "60", "--duration", "3",
         "--record", str(path), "--progress-every", "1"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "joined 5/5" in out and "req/s" in out
    assert "min with 5 phones (scenario end-rush, seed 1, speed 60)" in out

    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["counts"]["joined"] == 5
    assert record["exam_code"] == exam.exam_code


def test_wrong_paper_help_messages_and_force_submit(service: ServiceProcess) -> None:
    """The wrong-paper candidate re-enters the code and calls for help; messages reach phones."""

    async def scenario() -> tuple[Hall, list[dict[str, Any]], str, str]:
        exam = await seed_exam(service, 4)
        s = tuned(
            "calm",
            scenario={"duration_minutes": 10},
            join={"window_minutes": 0.2, "late_fraction": 0, "never_fraction": 0,
                  "reenter_fraction": 0, "outdated_app_fraction": 0, "wrong_paper_fraction": 0.5},
            locks={"per_hour": 0},
            network={"drops_per_hour": 0},
            crashes={"per_hour": 0},
            battery={"dying_fraction": 0, "start_min": 90},
            help={"fraction": 0},
            submit={"start_minute": 30, "end_minute": 31},
        )  # fmt: skip
        hall = make_hall(service, exam, s, seed=2, speed=30)
        async with httpx.AsyncClient() as client:
            proctor = await Proctor(client, service, exam).login()
            runner = asyncio.create_task(hall.run())
            await hall.ready.wait()
            wrong = [p for p in hall.phones.values() if p.plan.wrong_paper]
            assert wrong, "the seed gives at least one wrong-paper candidate"
            await wait_for(lambda: len(hall.record.help_requests) == len(wrong), 20, "help calls")
            rows = await proctor.rows()
            # "On my way": the phone that called hears it with its next heartbeat.
            r = await client.post(
                f"{service.api}/attempts/{wrong[0].attempt_id}/help/ack", headers=proctor.headers
            )
            assert r.status_code == 200, r.text
            await wait_for(lambda: bool(hall.record.help_acks), 10, "the phone to see help coming")
            assert hall.record.help_acks[0]["candidate_no"] == wrong[0].no
            target = next(p for p in hall.phones.values() if not p.plan.wrong_paper)
            await wait_for(lambda: target.attempt_id is not None, 10, "a joined phone")
            r = await client.post(
                f"{service.api}/attempts/{target.attempt_id}/message",
                json={"text": "请把手机放平 (put your phone flat)"},
                headers={**proctor.headers, "Idempotency-Key": "m1"},
            )
            assert r.status_code == 200, r.text
            await wait_for(lambda: bool(hall.record.messages), 10, "the message on the phone")
            r = await client.post(
                f"{service.api}/attempts/{target.attempt_id}/force-submit",
                json={"reason": "candidate left the hall"},
                headers={**proctor.headers, "Idempotency-Key": "f1"},
            )
            assert r.status_code == 200, r.text
            await wait_for(lambda: bool(hall.record.auto_submitted), 10, "the phone to see it")
            hall.stop()
            await runner
            return hall, rows, target.no, str(target.attempt_id)

    hall, rows, target_no, target_aid = asyncio.run(scenario())
    record = hall.record.to_json()
    by_no = {r["candidate_no"]: r for r in rows}
    for phone in hall.phones.values():
        if phone.plan.wrong_paper:
            row = by_no[phone.no]
            assert row["resumes"] >= 3  # the guide: enter the code again, several times
            assert row["help_requested_since"] and row.get("help_reason") == "paper"
    assert {h["reason"] for h in record["help_requests"]} == {"paper"}
    assert record["messages"][0]["candidate_no"] == target_no
    assert record["messages"][0]["text"] == "请把手机放平 (put your phone flat)"
    assert record["auto_submitted"] == [
        {"candidate_no": target_no, "attempt_id": target_aid, "cause": "time_or_proctor"}
    ]


def test_time_over_the_service_auto_submits_and_the_phones_see_it(service: ServiceProcess) -> None:
    """The exam ends seconds after the phones join: every open paper is auto-submitted, and phones stop."""

    async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        starts = datetime.now(UTC) - timedelta(seconds=104)
        exam = await seed_exam(service, 5, starts_at=starts, duration_minutes=2)
        s = tuned(
            "calm",
            join={"window_minutes": 0.1, "late_fraction": 0, "never_fraction": 0,
                  "outdated_app_fraction": 0, "wrong_paper_fraction": 0},
            locks={"per_hour": 0},
            network={"drops_per_hour": 0},
            crashes={"per_hour": 0},
            battery={"dying_fraction": 0, "start_min": 90},
            submit={"start_minute": 50, "end_minute": 55},
        )  # fmt: skip
        hall = make_hall(service, exam, s, seed=4, speed=3)
        record = await asyncio.wait_for(hall.run(), 30)
        async with httpx.AsyncClient() as client:
            proctor = await Proctor(client, service, exam).login()
            return record.to_json(), await proctor.rows()

    record, rows = asyncio.run(scenario())
    assert record["stopped_because"] == "every phone is done"
    assert len(record["auto_submitted"]) == 5, (record["events"], record["errors"], record["joins"])
    assert {a["cause"] for a in record["auto_submitted"]} == {"time_or_proctor"}
    assert {r["state"] for r in rows} == {"auto_submitted"}
    assert {r.get("submit_cause") for r in rows} == {"time"}
    assert record_mismatches(record, rows) == []


def test_candidates_not_on_the_roster_is_exit_2(
    service: ServiceProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    exam = asyncio.run(seed_exam(service, 3))
    code = main(
        ["simulate", "--server", service.base_url, "--exam-code", exam.exam_code,
         "--candidate-range", "X", "001", "8", "--scenario", "end-rush", "--speed", "20"]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "candidate numbers tried (e.g. X001) are not on the roster of exam" in err
    assert "check --candidates-file, --candidate-range or --candidates" in err


def test_phones_carry_on_after_the_service_was_down(tmp_path) -> None:
    """The service is killed and restarted: phones fail for a while, then beat again."""
    with ServiceProcess.start(tmp_path / "svc") as svc:

        async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]], Any]:
            exam = await seed_exam(svc, 4)
            s = tuned(
                "calm",
                join={"window_minutes": 0.1, "late_fraction": 0, "never_fraction": 0,
                      "outdated_app_fraction": 0, "wrong_paper_fraction": 0},
                locks={"per_hour": 0},
                network={"drops_per_hour": 0},
                crashes={"per_hour": 0},
                battery={"dying_fraction": 0, "start_min": 90},
            )  # fmt: skip
            hall = make_hall(svc, exam, s, seed=6, speed=10, request_timeout=3)
            runner = asyncio.create_task(hall.run())
            await hall.ready.wait()
            await wait_for(
                lambda: sum(p.phase == "answering" for p in hall.phones.values()) == 4,
                15,
                "every phone answering",
            )
            await asyncio.to_thread(svc.kill)
            await wait_for(lambda: hall.record.errors["network"] >= 4, 10, "failed requests")
            await asyncio.to_thread(svc.restart)
            assert svc.base_url == hall.server, "the service came back on another port"
            back = datetime.now(UTC)
            async with httpx.AsyncClient() as client:
                proctor = await Proctor(client, svc, exam).login()

                async def all_beating() -> bool:
                    rows = await proctor.rows()
                    return all((parse_time(r["last_seen"]) or back) > back for r in rows)

                await wait_for(all_beating, 15, "heartbeats from every phone again")
                hall.stop()
                record = (await runner).to_json()
                return record, await proctor.rows(), hall

        record, rows, hall = asyncio.run(scenario())
    assert {p.phase for p in hall.phones.values()} == {"answering"}
    assert {r["state"] for r in rows} == {"answering"}
    assert record["errors"]["network"] >= 4
    assert record_mismatches(record, rows) == []
