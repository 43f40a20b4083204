"""The ASGI application: middleware, startup, and the routes of api.md under /api/v1."""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import API_VERSION
from ..domain.rows import format_time
from .auth import LoginThrottle
from .background import AttemptCache, Background, TelemetryBuffer
from .errors import install_handlers, unexpected_error
from .storage import Store

log = logging.getLogger("proctor_console.service")
access_log = logging.getLogger("proctor_console.service.access")

MAX_BODY = 1_000_000
#: How often the count of heartbeats answered from memory is logged.
QUICK_LOG_INTERVAL_S = 60.0


class ServiceState:
    """What the routes share: storage, the telemetry buffer, caches, throttles."""

    def __init__(self, db_url: str) -> None:
        self.store = Store(db_url)
        self.attempt_cache = AttemptCache(self.store)
        self.telemetry = TelemetryBuffer(self.store, self.attempt_cache)
        self.background = Background(self.store, self.telemetry, self.attempt_cache)
        self.throttle = LoginThrottle()
        #: device token hash -> (attempt id, expires at)
        self.device_tokens: dict[str, tuple[str, datetime]] = {}


def _plain_response(status: int, code: str, message: str) -> tuple[Message, Message]:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    start: Message = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    }
    return start, {"type": "http.response.body", "body": body}


class EdgeMiddleware:
    """X-Server-Time on every answer, body size and encoding limits, one log line per request."""

    def __init__(self, app: ASGIApp, quick: dict[str, Callable[[str, bytes], tuple[dict[str, Any], str] | None]] | None = None) -> None:
        self.app = app
        #: POST paths answered here when the handler can (routes.quick_heartbeat), else by the app.
        self.quick = quick or {}
        self.quick_answered = 0
        self._quick_logged_at = time.monotonic()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_holder = {"status": 0}
        scope.setdefault("state", {})

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", []))
                now = datetime.now(UTC)
                headers.append((b"x-server-time", (format_time(now) or "").encode()))
                message = {**message, "headers": [h for h in headers if h[0].lower() != b"server"]}
            await send(message)

        try:
            if scope["method"] in ("POST", "PUT", "PATCH"):
                body = await self._buffer_body(scope, receive)
                if isinstance(body, tuple):
                    for m in body:
                        await send_wrapper(m)
                    return
                quick = self.quick.get(scope["path"]) if scope["method"] == "POST" else None
                if quick is not None and await self._answer_quickly(quick, scope, body, send_wrapper):
                    self.quick_answered += 1  # counted, not logged one by one (see _log_quick_answers)
                    return
                receive = self._replay(body, receive)
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            # Nothing registered took it: answer in the error shape, never with the traceback.
            status, body = unexpected_error(scope["method"], scope["path"], exc)
            if status_holder["status"] == 0:
                await send_wrapper({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
                await send_wrapper({"type": "http.response.body", "body": body})
        finally:
            if status_holder["status"] != 200 or not scope["state"].get("quick"):
                elapsed = (time.perf_counter() - started) * 1000
                who = scope["state"].get("who", "-")
                access_log.info("%s %s %s %.1fms %s", scope["method"], scope["path"], status_holder["status"], elapsed, who)
            now = time.monotonic()
            if now - self._quick_logged_at >= QUICK_LOG_INTERVAL_S:
                self._log_quick_answers(now)

    def _log_quick_answers(self, now: float) -> None:
        """One line a minute for the heartbeats answered from memory: a hall of 5,000 phones
        sends hundreds a second, and a line for each cost a tenth of the service's time."""
        if self.quick_answered:
            access_log.info("POST /api/v1/device/heartbeat 200: %d answered in the last %.0f s", self.quick_answered, now - self._quick_logged_at)
        self.quick_answered = 0
        self._quick_logged_at = now

    @staticmethod
    async def _answer_quickly(quick: Callable[[str, bytes], tuple[dict[str, Any], str] | None], scope: Scope, body: bytes, send: Send) -> bool:
        headers = dict(scope.get("headers") or [])
        if b"json" not in headers.get(b"content-type", b"").lower():
            return False
        answered = quick(headers.get(b"authorization", b"").decode("latin-1"), body)
        if answered is None:
            return False
        answer, attempt_id = answered
        scope["state"]["who"] = f"device:{attempt_id}"
        scope["state"]["quick"] = True
        # As FastAPI's JSONResponse renders it.
        data = json.dumps(answer, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(len(data)).encode()), (b"content-type", b"application/json")]})  # fmt: skip
        await send({"type": "http.response.body", "body": data})
        return True

    @staticmethod
    def _replay(body: bytes, receive: Receive) -> Receive:
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay

    async def _buffer_body(self, scope: Scope, receive: Receive) -> bytes | tuple[Message, Message]:
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                if int(declared) > MAX_BODY:
                    return _plain_response(413, "payload_too_large", f"The body is larger than {MAX_BODY // 1000} kB.")
            except ValueError:
                return _plain_response(400, "bad_request", "Content-Length is not a number.")
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                return _plain_response(413, "payload_too_large", f"The body is larger than {MAX_BODY // 1000} kB.")
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        ctype = headers.get(b"content-type", b"").lower()
        if body and (b"json" in ctype or b"csv" in ctype or b"text" in ctype):
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                return _plain_response(400, "bad_encoding", "The body is not valid UTF-8.")
        return body


def create_app(db_url: str, *, run_background: bool = True) -> FastAPI:
    """The service for one database. Startup (migrate, bootstrap admin, background tasks)
    runs in the lifespan; in-process tests enter ``app.router.lifespan_context(app)``."""
    state = ServiceState(db_url)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from . import migrate
        from .admin import bootstrap_admin

        await migrate.upgrade(state.store)
        await bootstrap_admin(
            state.store, os.environ.get("PROCTOR_ADMIN_USER"), os.environ.get("PROCTOR_ADMIN_PASSWORD")
        )
        if run_background:
            state.background.start()
        try:
            yield
        finally:
            await state.background.stop()
            await state.store.dispose()

    app = FastAPI(
        title="Proctor Console exam service",
        version=API_VERSION,
        description="The exam service of Proctor Console: device API for phones, console API for proctors, support, leads and admins.",
        lifespan=lifespan,
    )
    app.state.service = state
    install_handlers(app)
    from .routes import quick_heartbeat, router

    app.include_router(router, prefix="/api/v1")
    app.add_middleware(EdgeMiddleware, quick={"/api/v1/device/heartbeat": functools.partial(quick_heartbeat, state)})
    return app

