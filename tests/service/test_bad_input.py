"""Bad input gets a 4xx in the error shape, never a 500 or a traceback."""

from __future__ import annotations

import pytest
from servicekit import AsgiService

from proctor_console.simulator.hall_setup import ExamSetup

from .conftest import API, DEVICE, Phone

pytestmark = pytest.mark.asyncio


def assert_error(r: object, status: int, code: str | None = None) -> dict[str, str]:
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and body["error"]["message"], body
    assert "Traceback" not in r.text and "File \"" not in r.text  # type: ignore[attr-defined]
    assert "x-server-time" in r.headers  # type: ignore[attr-defined]
    if code:
        assert body["error"]["code"] == code, body
    return body["error"]


async def test_join_with_bad_fields_names_them(svc: AsgiService, exam: ExamSetup) -> None:
    r = await svc.client.post(f"{API}/device/join", json={"exam_code": "1234567", "candidate_no": "1", "device": DEVICE})
    assert "exam_code" in assert_error(r, 422, "validation_error")["message"]
    r = await svc.client.post(f"{API}/device/join", json={"exam_code": exam.exam_code})
    err = assert_error(r, 422, "validation_error")
    assert "candidate_no" in err["message"] and "device" in err["message"]
    r = await svc.client.post(f"{API}/device/join", json={"exam_code": 123456, "candidate_no": ["x"], "device": "phone"})
    assert_error(r, 422, "validation_error")
    r = await svc.client.post(f"{API}/device/join", json=[1, 2, 3])
    assert_error(r, 422)


async def test_malformed_bodies(svc: AsgiService, exam: ExamSetup) -> None:
    headers = {"content-type": "application/json"}
    assert_error(await svc.client.post(f"{API}/auth/login", content=b"{not json", headers=headers), 400)
    assert_error(await svc.client.post(f"{API}/auth/login", content=b'{"username": "\xff\xfe", "password": "x"}', headers=headers), 400, "bad_encoding")
    assert_error(await svc.client.post(f"{API}/auth/login", content=b"x" * 1_100_000, headers=headers), 413, "payload_too_large")
    assert_error(await svc.client.post(f"{API}/auth/login", content=b"", headers=headers), 422)


async def test_unknown_ids_and_paths(svc: AsgiService, exam: ExamSetup) -> None:
    admin = await svc.login()
    assert_error(await svc.client.get(f"{API}/sessions/nope/candidates", headers=admin), 404, "session_not_found")
    assert_error(await svc.client.get(f"{API}/attempts/nope/timeline", headers=admin), 404, "attempt_not_found")
    assert_error(await svc.client.post(f"{API}/escalations/nope/claim", headers=admin), 404)
    assert_error(await svc.client.get(f"{API}/no/such/path", headers=admin), 404, "not_found")
    assert_error(await svc.client.delete(f"{API}/halls", headers=admin), 405)
    assert_error(await svc.client.get(f"{API}/sessions/{exam.session_id}/events", params={"after": "abc"}, headers=admin), 422)
    assert_error(await svc.client.post(f"{API}/sessions/nope/roster", json={"rows": []}, headers=admin), 404)


async def test_wrong_types_on_device_calls(svc: AsgiService, exam: ExamSetup) -> None:
    phone = Phone(svc, exam.exam_code, exam.candidates[0].candidate_no)
    await phone.start()
    for body in ({"phase": "dancing"}, {"phase": "answering", "battery_pct": 900}, {"phase": "answering", "network": 5}, {}):
        r = await svc.client.post(f"{API}/device/heartbeat", json=body, headers=phone.headers)
        assert_error(r, 422, "validation_error")
    r = await svc.client.post(f"{API}/device/lock", json={"reason": "boredom"}, headers=phone.headers)
    assert "reason" in assert_error(r, 422)["message"]
    r = await svc.client.post(f"{API}/device/heartbeat", json={"phase": "answering"}, headers={"Authorization": "Bearer forged"})
    assert_error(r, 401, "unauthorized")
    r = await svc.client.post(f"{API}/device/submit", json={"answers": {}}, headers=phone.headers)
    assert "submission_id" in assert_error(r, 422)["message"]


async def test_login_failures_are_slowed(svc: AsgiService, exam: ExamSetup) -> None:
    for _ in range(5):
        assert_error(await svc.client.post(f"{API}/auth/login", json={"username": exam.lead.username, "password": "wrong-password"}), 401, "bad_credentials")
    r = await svc.client.post(f"{API}/auth/login", json={"username": exam.lead.username, "password": exam.lead.password})
    assert_error(r, 429, "too_many_attempts")
    assert int(r.headers["retry-after"]) >= 1
    assert exam.lead.password not in r.text


async def test_roster_import_reports_each_rejected_row(svc: AsgiService, exam: ExamSetup) -> None:
    admin = await svc.login()
    csv_text = (
        "candidate_no,name,hall_id,seat_row,seat_col\n"
        f"N1,周杰,{exam.other_hall_id},2,2\n"
        f"N2,林峰,{exam.other_hall_id},9,9\n"
        f"N3,,{exam.other_hall_id},2,1\n"
        f"N4,吴迪,nohall,1,1\n"
        f"N5,高远,{exam.other_hall_id},1,1\n"
        f"N1,周杰,{exam.other_hall_id},2,1\n"
        f"N6,钱多,{exam.other_hall_id},x,1\n"
    )
    r = await svc.client.post(f"{API}/sessions/{exam.session_id}/roster", content=csv_text.encode(), headers={**admin, "content-type": "text/csv"})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["added"] == 1 and report["rejected"] == 6
    reasons = {row["line"]: row["reason"] for row in report["rejected_rows"]}
    assert "outside" in reasons[3] and "name is empty" in reasons[4] and "not a hall of this session" in reasons[5]
    assert "already taken" in reasons[6] and "twice" in reasons[7] and "whole numbers" in reasons[8]
    r = await svc.client.post(f"{API}/sessions/{exam.session_id}/roster", content=b"a,b\n1,2\n", headers={**admin, "content-type": "text/csv"})
    assert_error(r, 422, "bad_roster")


async def test_session_codes(svc: AsgiService, exam: ExamSetup) -> None:
    admin = await svc.login()
    r = await svc.client.post(f"{API}/sessions", json={"title": "again", "exam_code": exam.exam_code}, headers=admin)
    assert_error(r, 409, "exam_code_taken")
    r = await svc.client.post(f"{API}/sessions", json={"title": "t", "exam_code": "12345"}, headers=admin)
    assert_error(r, 422, "validation_error")
    r = await svc.client.post(f"{API}/sessions", json={"title": "t"}, headers=admin)
    assert r.status_code == 201 and len(r.json()["exam_code"]) == 6 and r.json()["max_locks"] == 5
    assert r.json()["info_fields"] == ["name", "id_last4"]


async def test_database_down_is_503(tmp_path: object) -> None:
    import httpx
    from servicekit import create_asgi_app, free_port

    # A real service whose database does not answer (nothing listens on that port).
    app = create_asgi_app(f"postgresql+asyncpg://root@127.0.0.1:{free_port()}/test", run_background=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        r = await client.post(f"{API}/auth/login", json={"username": "a", "password": "b"})
        assert_error(r, 503, "service_unavailable")
        r = await client.get(f"{API}/me", headers={"Authorization": "Bearer x"})
        assert_error(r, 503, "service_unavailable")
    await app.state.service.store.dispose()


async def test_openapi_document_lists_the_contract(svc: AsgiService) -> None:
    r = await svc.client.get("/openapi.json")
    assert r.status_code == 200 and "x-server-time" in r.headers
    paths = r.json()["paths"]
    for path in ("/api/v1/auth/login", "/api/v1/sessions/{sid}/candidates", "/api/v1/sessions/{sid}/events", "/api/v1/device/heartbeat", "/api/v1/attempts/{aid}/unlock", "/api/v1/sessions/{sid}/roster"):
        assert path in paths
    assert "text/csv" in paths["/api/v1/sessions/{sid}/roster"]["post"]["requestBody"]["content"]
