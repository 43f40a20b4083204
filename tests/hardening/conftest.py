"""Shared helpers of the hardening tests: a phone speaking the device API, a raw ASGI status probe."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from servicekit import AsgiService

API = "/api/v1"
DEVICE = {
    "device_id": "dev-h",
    "platform": "android",
    "os_version": "12",
    "app_version": "3.5.0",
    "model": "Mi 10",
    "screen": "2340x1080",
}


class Phone:
    """A candidate's phone on the device API of the real in-process service."""

    def __init__(self, svc: AsgiService, exam_code: str, candidate_no: str) -> None:
        self.svc = svc
        self.exam_code = exam_code
        self.candidate_no = candidate_no
        self.token = ""
        self.attempt_id = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def join(self) -> None:
        body = {
            "exam_code": self.exam_code,
            "candidate_no": self.candidate_no,
            "device": {**DEVICE, "device_id": "dev-" + self.candidate_no},
        }
        r = await self.svc.client.post(f"{API}/device/join", json=body)
        assert r.status_code == 200, r.text
        self.token = r.json()["device_token"]
        self.attempt_id = r.json()["attempt_id"]

    async def post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        r = await self.svc.client.post(
            f"{API}/device/{path}", json=body or {}, headers=self.headers
        )
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def to_state(self, state: str) -> Phone:
        """Bring the attempt to ``joined``, ``answering``, ``locked``, ``submitted`` or ``help``."""
        await self.join()
        if state == "joined":
            return self
        await self.post("start")
        if state == "locked":
            await self.post("lock", {"reason": "call"})
        elif state == "submitted":
            await self.post(
                "submit", {"submission_id": secrets.token_hex(8), "answers": {"1": "A"}}
            )
        elif state == "help":
            await self.post("help", {"reason": "question", "note": "q"})
        return self


async def response_status(
    app: Any, method: str, path: str, headers: dict[str, str], query: str = ""
) -> int:
    """The status of a response without reading its body (for endless streams like SSE)."""
    started: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await (
            asyncio.Event().wait()
        )  # the client never disconnects on its own; the task is cancelled
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and not started.done():
            started.set_result(int(message["status"]))

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 5555),
        "server": ("testserver", 80),
        "state": {},
    }
    task = asyncio.create_task(app(scope, receive, send))
    try:
        return await asyncio.wait_for(asyncio.shield(started), 10)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
