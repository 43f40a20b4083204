"""Edge values the fuzzer seldom draws: bodies that are not JSON objects, numbers past 64 bits,
NaN, deep nesting, NUL characters, bad UTF-8; on the device API (including the fast
heartbeat path below FastAPI) and the console API. Never a 5xx, always the error shape."""

from __future__ import annotations

from typing import Any

import pytest
from servicekit import asgi_service

from proctor_console.simulator.hall_setup import create_exam

from .conftest import API, Phone

pytestmark = pytest.mark.asyncio

BODIES = [
    b"", b"{", b"null", b"[]", b'"x"', b"1e999", b"\xff\xfe", b"[" * 5000 + b"]" * 5000,
    b'{"phase":"answering","battery_pct":1e999}', b'{"phase":"answering","battery_pct":NaN}',
    b'{"phase":"answering","battery_pct":99999999999999999999999999}', b'{"phase":"answering","answered":-1}',
    b'{"phase":"answering","battery_pct":50,"charging":"yes"}', b'{"phase":"answering","network":"wifi\\u0000"}',
    b'{"reason":"call","code":"12345\\u0000","submission_id":"' + b"s" * 5000 + b'","answers":[]}',
]  # fmt: skip


def assert_client_error(r: Any, what: str) -> None:
    assert r.status_code < 500, f"{what}: {r.status_code} {r.text[:300]}"
    if r.status_code >= 400:
        error = r.json()["error"]
        assert error["code"] and error["message"], what
        assert "Traceback" not in r.text


async def test_odd_bodies_and_huge_numbers_are_client_errors(tmp_path: Any) -> None:
    async with asgi_service(tmp_path, run_background=False) as svc:
        exam = await create_exam(
            svc.client, svc.base_url, svc.admin_user, svc.admin_password, hall_rows=1, hall_cols=2
        )
        phone = await Phone(svc, exam.exam_code, exam.candidates[0].candidate_no).to_state(
            "answering"
        )
        proctor = await svc.login(exam.proctor.username, exam.proctor.password)
        admin = await svc.login()
        device_paths = [
            f"/device/{p}"
            for p in (
                "heartbeat",
                "lock",
                "unlock",
                "answers",
                "submit",
                "help",
                "info",
                "start",
                "join",
            )
        ]
        console_paths = [
            f"/attempts/{phone.attempt_id}/unlock",
            "/attempts/unlock",
            "/escalations",
            f"/attempts/{phone.attempt_id}/message",
            f"/attempts/{phone.attempt_id}/force-submit",
            "/auth/login",
            f"/sessions/{exam.session_id}/roster",
            "/sessions",
            "/halls",
            "/users",
        ]
        for headers, paths in [
            (phone.headers, device_paths),
            (proctor, console_paths),
            (admin, console_paths),
        ]:
            for path in paths:
                for body in BODIES:
                    r = await svc.client.post(
                        f"{API}{path}",
                        content=body,
                        headers={**headers, "content-type": "application/json"},
                    )
                    assert_client_error(r, f"POST {path} {body[:40]!r}")
        for csv_body in [
            b"\xff\xfe\x00bad",
            b"candidate_no,name,hall_id,seat_row,seat_col\n\x001,a\x00,b,1,1\n",
            b"",
            b'"' * 3 + b"\n",
        ]:
            r = await svc.client.post(
                f"{API}/sessions/{exam.session_id}/roster",
                content=csv_body,
                headers={**admin, "content-type": "text/csv"},
            )
            assert_client_error(r, f"roster CSV {csv_body[:30]!r}")
        huge = "99999999999999999999999"
        for query in [f"after={huge}", "after=-1", "after=abc", f"limit={huge}", "hall_id=%00"]:
            r = await svc.client.get(
                f"{API}/sessions/{exam.session_id}/timeline?{query}", headers=proctor
            )
            assert_client_error(r, f"timeline ?{query}")
        r = await svc.client.get(f"{API}/audit?limit={huge}", headers=admin)
        assert_client_error(r, "audit limit")
        for query in [f"after={huge}", "after=-5"]:
            r = await svc.client.get(
                f"{API}/sessions/{exam.session_id}/events?{query}", headers=proctor
            )
            assert_client_error(r, f"events ?{query}")
            assert r.status_code in (410, 422)
        r = await svc.client.get(
            f"{API}/sessions/{exam.session_id}/events", headers={**proctor, "Last-Event-ID": huge}
        )
        assert r.status_code == 410 and r.json()["error"]["code"] == "cursor_gone"
