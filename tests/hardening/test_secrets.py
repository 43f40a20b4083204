"""Secrets on the service side: argon2 password hashes, unlock codes from `secrets`, nothing secret
in the log, login failures slowed per account and per address."""

from __future__ import annotations

import logging
import random
import secrets
from typing import Any

import httpx
import pytest
from servicekit import asgi_service
from sqlalchemy import select

from proctor_console.service.storage import unlock_codes, users
from proctor_console.simulator.hall_setup import create_exam

from .conftest import API, Phone

pytestmark = pytest.mark.asyncio


async def test_passwords_stored_as_argon2_codes_random_and_nothing_secret_logged(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with asgi_service(tmp_path, run_background=False) as svc:
        exam = await create_exam(
            svc.client, svc.base_url, svc.admin_user, svc.admin_password, hall_rows=2, hall_cols=3
        )
        store = svc.app.state.service.store
        async with store.read() as conn:
            stored = {
                r.username: r.password_hash
                for r in (await conn.execute(select(users.c.username, users.c.password_hash))).all()
            }
        for account in (exam.proctor, exam.support, exam.lead):
            assert stored[account.username].startswith("$argon2id$"), (
                "passwords are hashed with argon2id"
            )
            assert account.password not in stored[account.username]

        proctor = await svc.login(exam.proctor.username, exam.proctor.password)
        tokens_seen = [proctor["Authorization"].split()[1]]
        codes: list[str] = []
        phones = []
        for cand in exam.candidates[:4]:
            phone = await Phone(svc, exam.exam_code, cand.candidate_no).to_state("locked")
            phones.append(phone)
            tokens_seen.append(phone.token)
            random.seed(7)  # a code drawn from `random` would repeat after the same seed
            r = await svc.client.post(
                f"{API}/attempts/{phone.attempt_id}/unlock",
                json={"reason": "r", "mode": "code"},
                headers=proctor,
            )
            assert r.status_code == 200, r.text
            codes.append(r.json()["code"])
        assert len(set(codes)) == len(codes), codes
        # Only a digest of the code is stored.
        async with store.read() as conn:
            stored_codes = [
                dict(r) for r in (await conn.execute(select(unlock_codes))).mappings().all()
            ]
        assert stored_codes and not any(code in str(row) for row in stored_codes for code in codes)
        # A wrong code, a right code, a wrong password: none of them in the log.
        await svc.client.post(
            f"{API}/device/unlock",
            json={"code": "000001" if codes[0] != "000001" else "000002"},
            headers=phones[0].headers,
        )
        assert (
            await svc.client.post(
                f"{API}/device/unlock", json={"code": codes[1]}, headers=phones[1].headers
            )
        ).status_code == 200
        wrong_pw = "wrong-" + secrets.token_hex(6)
        assert (
            await svc.client.post(
                f"{API}/auth/login", json={"username": exam.lead.username, "password": wrong_pw}
            )
        ).status_code == 401
        text = "\n".join(r.getMessage() + " " + repr(r.args) for r in caplog.records)
        assert caplog.records, "the service logs requests"
        for secret in [
            *codes,
            *tokens_seen,
            exam.proctor.password,
            exam.lead.password,
            wrong_pw,
            svc.admin_password,
        ]:
            assert secret not in text, "a secret reached the log"


async def test_login_failures_slowed_per_address_as_well_as_per_account(tmp_path: Any) -> None:
    async with asgi_service(tmp_path, run_background=False) as svc:
        exam = await create_exam(
            svc.client, svc.base_url, svc.admin_user, svc.admin_password, hall_rows=1, hall_cols=2
        )
        # One address sweeping many usernames: after 5 failures even a right password waits.
        for i in range(5):
            r = await svc.client.post(
                f"{API}/auth/login", json={"username": f"guess{i}", "password": "x"}
            )
            assert r.status_code == 401
        r = await svc.client.post(
            f"{API}/auth/login",
            json={"username": exam.lead.username, "password": exam.lead.password},
        )
        assert (
            r.status_code == 429
            and r.json()["error"]["code"] == "too_many_attempts"
            and int(r.headers["retry-after"]) >= 1
        )
        # Another address is not held back by the first one's failures.
        other = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=svc.app, client=("10.9.8.7", 4000)),
            base_url="http://testserver",
        )
        async with other:
            r = await other.post(
                f"{API}/auth/login",
                json={"username": exam.lead.username, "password": exam.lead.password},
            )
            assert r.status_code == 200, r.text
            # ...but the account itself is slowed down whichever address tries it.
            for _ in range(5):
                assert (
                    await other.post(
                        f"{API}/auth/login",
                        json={"username": exam.support.username, "password": "nope"},
                    )
                ).status_code in (401, 429)
        third = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=svc.app, client=("10.1.1.1", 4000)),
            base_url="http://testserver",
        )
        async with third:
            r = await third.post(
                f"{API}/auth/login",
                json={"username": exam.support.username, "password": exam.support.password},
            )
            assert r.status_code == 429
