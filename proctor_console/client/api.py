"""The console's side of the exam service's API (api.md), over one ``httpx.AsyncClient``.

``ConsoleApi`` turns each call into a typed result (``records.py``) or one of
the exceptions of ``errors.py``, whose message a person can act on. It also
keeps the server's clock offset from the ``X-Server-Time`` header of every
answer, so flags ("locked for 3 minutes") use the server's clock.
"""

from __future__ import annotations

import asyncio
import logging
import re
import ssl
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

from ..domain.rows import CandidateRow, RowError, parse_row, parse_time
from .connect import API_PREFIX, normalize_server_url
from .errors import (
    ApiError,
    ConsoleError,
    NotThisApi,
    ServerUnreachable,
    TlsError,
    Unavailable,
    api_error,
)
from .records import (
    AuditEntry,
    BatchUnlockItem,
    Escalation,
    ExamSession,
    Hall,
    LoginResult,
    RecordError,
    ServerInfo,
    Snapshot,
    TimelineEvent,
    UnlockResult,
    User,
)

log = logging.getLogger("proctor_console.client")

SERVER_TIME_HEADER = "X-Server-Time"
IDEMPOTENCY_HEADER = "Idempotency-Key"

# Paths /openapi.json must list for the server to be "our" API (path parameter names may vary).
_REQUIRED_PATHS = (
    re.compile(r"^/api/v1/auth/login$"),
    re.compile(r"^/api/v1/sessions/\{[^}]+\}/candidates$"),
    re.compile(r"^/api/v1/sessions/\{[^}]+\}/events$"),
)

_DEFAULT_MESSAGES = {
    400: "The service refused the request as malformed.",
    401: "The sign-in is not valid (wrong user name or password, or it has expired); sign in again.",
    403: "Your account is not allowed to do this.",
    404: "The service does not know this item; it may have been removed.",
    409: "The candidate's state has changed; refresh and try again.",
    410: "The event stream can no longer replay from here; a new snapshot is needed.",
    422: "The service refused what was sent; check the fields.",
    429: "Too many attempts; wait a little and try again.",
    503: "The service is not available right now; try again in a minute.",
}

# How often an idempotent action is retried on a lost connection, and after how long.
_IDEMPOTENT_RETRY_DELAYS = (0.5, 1.5)


def new_idempotency_key() -> str:
    """A fresh key for one action; pass the same key again to retry that same action."""
    return str(uuid.uuid4())


def _segment(value: str) -> str:
    return quote(str(value), safe="")


def _is_cert_rejection(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(
            current
        ):
            return True
        current = current.__cause__ or current.__context__
    return False


def _is_tls_failure(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLError) or "SSL" in str(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _sent_tracer(sent: asyncio.Event) -> Callable[[str, dict[str, Any]], Awaitable[None]]:
    """An httpcore trace callback that sets ``sent`` when the request body has been
    written (HTTP/1.1 and HTTP/2 name the step alike)."""

    async def trace(event: str, info: dict[str, Any]) -> None:
        if event.endswith("send_request_body.complete"):
            sent.set()

    return trace


class ConsoleApi:
    """The exam service's console API. One per signed-in server; the client is shared and passed in."""

    def __init__(self, base_url: str, http: httpx.AsyncClient, token: str | None = None) -> None:
        self.base_url = normalize_server_url(base_url)
        self.http = http
        self.token = token
        self.clock_offset = 0.0
        """Seconds the server's clock is ahead of ours (server minus local)."""
        self.clock_offset_known = False

    # ----- plumbing -----

    def url(self, path: str) -> str:
        return f"{self.base_url}{API_PREFIX}{path}"

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def server_now(self) -> datetime:
        """Now, by the server's clock (as far as the last answer told)."""
        return datetime.now(UTC) + timedelta(seconds=self.clock_offset)

    def note_server_time(self, response: httpx.Response, sent_at: float | None = None) -> None:
        """Update :attr:`clock_offset` from an answer's ``X-Server-Time``.

        With ``sent_at`` (``time.time()`` when the request left), the local
        moment is the middle of the round trip, which halves the error.
        """
        server_time = parse_time(response.headers.get(SERVER_TIME_HEADER))
        if server_time is None:
            return
        received_at = time.time()
        local = (sent_at + received_at) / 2 if sent_at is not None else received_at
        self.clock_offset = server_time.timestamp() - local
        self.clock_offset_known = True

    def _transport_error(self, exc: httpx.HTTPError, what: str) -> ConsoleError:
        where = self.base_url
        if isinstance(exc, httpx.ConnectError) and _is_cert_rejection(exc):
            return TlsError(
                f"The TLS certificate of {where} was rejected. If your organisation uses its own "
                "certificate authority, set its CA bundle (a PEM file) in the connection settings "
                "(--ca-bundle on the command line)."
            )
        if (
            isinstance(exc, httpx.ConnectError)
            and self.base_url.startswith("https:")
            and _is_tls_failure(exc)
        ):
            return TlsError(
                f"A secure (TLS) connection to {where} failed; check whether the address should "
                "start with http:// or https://, and the CA bundle setting."
            )
        if isinstance(exc, httpx.ConnectTimeout):
            return ServerUnreachable(
                f"{where} did not accept a connection in time; check the address and the network."
            )
        if isinstance(exc, httpx.ConnectError):
            return ServerUnreachable(
                f"Cannot reach the exam service at {where}; check the address and that the service is running."
            )
        if isinstance(exc, httpx.TimeoutException):
            return ServerUnreachable(
                f"The exam service at {where} did not answer in time ({what}); try again."
            )
        if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
            return NotThisApi(
                f"{where} is not a usable server address; give one like http://127.0.0.1:8765."
            )
        return ServerUnreachable(f"The connection to {where} broke ({what}); try again.")

    def error_from_response(self, response: httpx.Response, what: str) -> ConsoleError:
        """The exception for a 4xx/5xx answer (its body must have been read)."""
        status = response.status_code
        body: Any = None
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            error = body.get("error")
            if isinstance(error, dict) and isinstance(error.get("code"), str):
                message = error.get("message")
                if not isinstance(message, str) or not message.strip():
                    message = _DEFAULT_MESSAGES.get(
                        status, f"The service refused {what} (HTTP {status})."
                    )
                return api_error(status, error["code"], message)
            detail = body.get("detail")  # a framework's own error shape: still a JSON API answer
            if isinstance(detail, str) and status not in (404, 405):
                return api_error(status, f"http_{status}", detail)
        if status in (404, 405) or (body is None and status < 500):
            return NotThisApi(
                f"{self.base_url} answered {what} with HTTP {status} where the exam service's API "
                "should be; check the address (is it a Proctor Console exam service?)."
            )
        if status in (502, 503, 504):
            return Unavailable(status, "unavailable", _DEFAULT_MESSAGES[503])
        return api_error(
            status,
            f"http_{status}",
            _DEFAULT_MESSAGES.get(
                status,
                f"The service failed on {what} (HTTP {status}); try again, or tell the service's operator.",
            ),
        )

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        what: str | None = None,
        sent: asyncio.Event | None = None,
    ) -> httpx.Response:
        """Send one request; return a 2xx answer or raise the matching ConsoleError.

        ``sent`` is set once the whole request is on the wire (the service is working
        on it), so a caller can do other work meanwhile without holding it back.
        """
        what = what or f"{method} {path.split('?')[0]}"
        all_headers = {**self.auth_headers(), **(headers or {})}
        clean_params = {k: v for k, v in (params or {}).items() if v is not None}
        extensions = {"trace": _sent_tracer(sent)} if sent is not None else None
        sent_at = time.time()
        try:
            response = await self.http.request(
                method,
                self.url(path),
                json=json,
                params=clean_params or None,
                headers=all_headers,
                extensions=extensions,
            )
        except httpx.HTTPError as exc:
            # Log the kind of failure only: the request (with its token or password) stays out.
            log.info("%s: %s (%s)", what, type(exc).__name__, self.base_url)
            raise self._transport_error(exc, what) from None
        self.note_server_time(response, sent_at)
        if response.status_code >= 400:
            raise self.error_from_response(response, what)
        if 300 <= response.status_code < 400:
            raise self._redirected(response)
        return response

    def _redirected(self, response: httpx.Response) -> NotThisApi:
        # Redirects are not followed: a POST would lose its body, and a token must not travel elsewhere.
        target = response.headers.get("location", "")
        hint = ""
        if target:
            moved = response.url.join(target)
            asked = response.request.url.path
            api_path = asked[asked.find(API_PREFIX) :] if API_PREFIX in asked else asked
            path = moved.path[: -len(api_path)] if moved.path.endswith(api_path) else moved.path
            try:
                hint = f"; use {normalize_server_url(str(moved.copy_with(path=path or '/', query=None)))} instead"
            except ValueError:
                hint = ""
        return NotThisApi(
            f"{self.base_url} redirects elsewhere (HTTP {response.status_code}){hint}."
        )

    def _json(self, response: httpx.Response, what: str) -> Any:
        try:
            return response.json()
        except ValueError:
            raise NotThisApi(
                f"{self.base_url} answered {what} with something that is not JSON; "
                "is it a Proctor Console exam service?"
            ) from None

    async def get_json(
        self,
        path: str,
        *,
        params: dict[str, str] | None = None,
        what: str | None = None,
        sent: asyncio.Event | None = None,
    ) -> Any:
        what = what or f"GET {path}"
        response = await self.request("GET", path, params=params, what=what, sent=sent)
        return self._json(response, what)

    async def post_json(
        self,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        what: str | None = None,
    ) -> Any:
        what = what or f"POST {path}"
        response = await self.request(
            "POST", path, json=body if body is not None else {}, headers=headers, what=what
        )
        if response.status_code == 204 or not response.content:
            return {}
        return self._json(response, what)

    def _not_ours(self, what: str, exc: RecordError) -> NotThisApi:
        return NotThisApi(
            f"The answer of {self.base_url} to {what} is not in the form this console expects ({exc}); "
            "the service may be of another version."
        )

    @staticmethod
    def _items(body: Any, *keys: str) -> list[Any]:
        """A list answer: either a bare JSON list or an object holding it under one of ``keys``."""
        if isinstance(body, list):
            return body
        if isinstance(body, dict):
            for key in keys:
                value = body.get(key)
                if isinstance(value, list):
                    return value
        raise RecordError(f"expected a list under {' or '.join(keys)}")

    async def _post_idempotent(self, path: str, body: Any, key: str, what: str) -> Any:
        """POST an action with its Idempotency-Key; on a lost connection or 503, retry with the same key.

        The same key makes a retry safe: the service answers it with the first
        outcome instead of acting twice.
        """
        for delay in (*_IDEMPOTENT_RETRY_DELAYS, None):
            try:
                return await self.post_json(
                    path, body, headers={IDEMPOTENCY_HEADER: key}, what=what
                )
            except (ServerUnreachable, Unavailable) as exc:
                if delay is None:
                    raise
                log.info("%s: %s; retrying with the same Idempotency-Key", what, type(exc).__name__)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    # ----- accounts -----

    async def login(self, username: str, password: str) -> LoginResult:
        """Sign in; on success the token is kept for the calls that follow."""
        what = "the sign-in"
        body = await self.post_json(
            "/auth/login", {"username": username, "password": password}, what=what
        )
        try:
            result = LoginResult.from_json(body)
        except RecordError as exc:
            raise self._not_ours(what, exc) from None
        self.token = result.token
        return result

    async def logout(self) -> None:
        """Revoke the token on the service (best effort) and forget it here."""
        if self.token is None:
            return
        try:
            await self.post_json("/auth/logout", what="the sign-out")
        finally:
            self.token = None

    async def me(self) -> User:
        what = "the account check"
        body = await self.get_json("/me", what=what)
        try:
            return User.from_json(body)
        except RecordError as exc:
            raise self._not_ours(what, exc) from None

    async def server_info(self) -> ServerInfo:
        """The API's title and version from ``/openapi.json``; NotThisApi when it is not ours."""
        what = "GET /openapi.json"
        sent_at = time.time()
        try:
            response = await self.http.get(f"{self.base_url}/openapi.json")
        except httpx.HTTPError as exc:
            raise self._transport_error(exc, what) from None
        self.note_server_time(response, sent_at)
        not_ours = NotThisApi(
            f"{self.base_url} is not a Proctor Console exam service (no API v1 description at "
            "/openapi.json); check the address and the port."
        )
        if response.status_code >= 400:
            if response.status_code in (502, 503, 504):
                raise self.error_from_response(response, what)
            raise not_ours
        try:
            document = response.json()
        except ValueError:
            raise not_ours from None
        paths = document.get("paths") if isinstance(document, dict) else None
        if not isinstance(paths, dict) or not all(
            any(p.match(path) for path in paths) for p in _REQUIRED_PATHS
        ):
            raise not_ours
        info = document.get("info")
        info = info if isinstance(info, dict) else {}
        return ServerInfo(title=str(info.get("title", "")), version=str(info.get("version", "")))

    # ----- sessions and halls -----

    async def sessions(self) -> list[ExamSession]:
        what = "the list of sessions"
        body = await self.get_json("/sessions", what=what)
        try:
            return [ExamSession.from_json(item) for item in self._items(body, "sessions", "items")]
        except RecordError as exc:
            raise self._not_ours(what, exc) from None

    async def halls(self) -> list[Hall]:
        what = "the list of halls"
        body = await self.get_json("/halls", what=what)
        try:
            return [Hall.from_json(item) for item in self._items(body, "halls", "items")]
        except RecordError as exc:
            raise self._not_ours(what, exc) from None

    async def snapshot(
        self, session_id: str, hall_id: str | None = None, *, sent: asyncio.Event | None = None
    ) -> Snapshot:
        """Every candidate row of the session (or hall) and the cursor to follow from.

        A row that cannot be read is skipped and named in ``problems``; it never raises.
        ``sent``: set once the request is on its way (see :meth:`request`).
        """
        what = "the candidate snapshot"
        params = {"hall_id": hall_id} if hall_id else None
        body = await self.get_json(
            f"/sessions/{_segment(session_id)}/candidates", params=params, what=what, sent=sent
        )
        if not isinstance(body, dict) or not isinstance(body.get("candidates"), list):
            raise self._not_ours(what, RecordError("no candidates list"))
        cursor = body.get("cursor")
        rows = []
        problems: list[str] = []
        for index, item in enumerate(body["candidates"]):
            try:
                parsed = parse_row(item)
            except RowError as exc:
                problems.append(f"row {index + 1} skipped: {exc}")
                continue
            rows.append(parsed.row)
            problems.extend(
                f"candidate {parsed.row.candidate_no or parsed.row.attempt_id}: {p}"
                for p in parsed.problems
            )
        if problems:
            log.warning(
                "snapshot of session %s: %d problem(s), first: %s",
                session_id,
                len(problems),
                problems[0],
            )
        return Snapshot(
            cursor="" if cursor is None else str(cursor),
            server_time=parse_time(body.get("server_time")),
            rows=rows,
            problems=problems,
        )

    @asynccontextmanager
    async def event_stream(
        self,
        session_id: str,
        after: str,
        hall_id: str | None = None,
        *,
        read_timeout: float = 25.0,
    ) -> AsyncIterator[httpx.Response]:
        """Open ``GET /sessions/{sid}/events`` (SSE) from ``after``; yield the open 2xx response.

        Raises CursorExpired on 410 (take a new snapshot), and the other
        errors as :meth:`request` does. The read timeout must exceed the
        service's keep-alive interval (15 s), or an idle stream would drop.
        """
        what = "the live event stream"
        params = {"after": after} if after else {}
        if hall_id:
            params["hall_id"] = hall_id
        headers = {
            **self.auth_headers(),
            "Accept": "text/event-stream",
            "Cache-Control": "no-store",
        }
        if after:
            headers["Last-Event-ID"] = after
        timeout = httpx.Timeout(read_timeout, connect=5.0)
        url = self.url(f"/sessions/{_segment(session_id)}/events")
        sent_at = time.time()
        try:
            async with self.http.stream(
                "GET", url, params=params, headers=headers, timeout=timeout
            ) as response:
                self.note_server_time(response, sent_at)
                if response.status_code >= 400:
                    await response.aread()
                    raise self.error_from_response(response, what)
                content_type = response.headers.get("content-type", "")
                if "text/event-stream" not in content_type:
                    raise NotThisApi(
                        f"{self.base_url} answered {what} with {content_type or 'no content type'} "
                        "instead of an event stream; is it a Proctor Console exam service?"
                    )
                yield response
        except httpx.HTTPError as exc:
            log.info("%s: %s (%s)", what, type(exc).__name__, self.base_url)
            raise self._transport_error(exc, what) from None

    # ----- actions on candidates -----

    async def unlock(
        self,
        attempt_id: str,
        reason: str,
        mode: str = "push",
        *,
        idempotency_key: str | None = None,
    ) -> UnlockResult:
        """Unlock one attempt: ``push`` (next heartbeat), ``code`` or ``offline`` (a code to type on the phone).

        The ``Idempotency-Key`` is made here unless given; give the same key to
        retry the same action after a failure.
        """
        what = "the unlock"
        key = idempotency_key or new_idempotency_key()
        body = await self._post_idempotent(
            f"/attempts/{_segment(attempt_id)}/unlock",
            {"reason": reason, "mode": str(mode)},
            key,
            what,
        )
        try:
            return UnlockResult.from_json(body)
        except RecordError as exc:
            raise self._not_ours(what, exc) from None

    async def unlock_many(
        self,
        attempt_ids: Sequence[str],
        reason: str,
        mode: str = "push",
        *,
        idempotency_key: str | None = None,
    ) -> list[BatchUnlockItem]:
        """Unlock several attempts at once: one result (or refusal) per attempt."""
        what = "the batch unlock"
        key = idempotency_key or new_idempotency_key()
        body = await self._post_idempotent(
            "/attempts/unlock",
            {"attempt_ids": list(attempt_ids), "reason": reason, "mode": str(mode)},
            key,
            what,
        )
        try:
            return [
                BatchUnlockItem.from_json(item) for item in self._items(body, "results", "items")
            ]
        except RecordError as exc:
            raise self._not_ours(what, exc) from None

    async def timeline(self, attempt_id: str) -> list[TimelineEvent]:
        what = "the candidate's timeline"
        body = await self.get_json(f"/attempts/{_segment(attempt_id)}/timeline", what=what)
        try:
            return [TimelineEvent.from_json(item) for item in self._items(body, "events")]
        except RecordError as exc:
            raise self._not_ours(what, exc) from None

    async def _attempt_action(
        self, attempt_id: str, action: str, body: dict[str, Any], what: str
    ) -> Any:
        return await self.post_json(f"/attempts/{_segment(attempt_id)}/{action}", body, what=what)

    async def _row_action(
        self, attempt_id: str, action: str, body: dict[str, Any], what: str
    ) -> CandidateRow:
        """An action whose answer is the candidate's new row."""
        answer = await self._attempt_action(attempt_id, action, body, what)
        if isinstance(answer, dict) and isinstance(answer.get("candidate"), dict):
            answer = answer["candidate"]
        try:
            return parse_row(answer).row
        except RowError as exc:
            raise self._not_ours(what, RecordError(str(exc))) from None

    async def reopen(self, attempt_id: str, reason: str) -> CandidateRow:
        """Support only: reopen a submitted paper (an abnormal case)."""
        return await self._row_action(
            attempt_id, "reopen", {"reason": reason}, "reopening the paper"
        )

    async def reset_locks(self, attempt_id: str, reason: str) -> CandidateRow:
        """Support only: set the lock count back to zero."""
        return await self._row_action(
            attempt_id, "reset-locks", {"reason": reason}, "resetting the locks"
        )

    async def extend(self, attempt_id: str, reason: str, minutes: int) -> CandidateRow:
        """Support only: give the attempt more time."""
        return await self._row_action(
            attempt_id, "extend", {"reason": reason, "minutes": minutes}, "extending the time"
        )

    async def message(self, attempt_id: str, text: str) -> str:
        """Send a short text (≤ 200 characters) to the phone; returns the command id."""
        what = "sending the message"
        answer = await self._attempt_action(attempt_id, "message", {"text": text}, what)
        if not isinstance(answer, dict) or answer.get("command_id") is None:
            raise self._not_ours(what, RecordError("no command_id"))
        return str(answer["command_id"])

    async def help_ack(self, attempt_id: str) -> CandidateRow:
        """Tell the candidate a proctor is on the way (clears the help request)."""
        return await self._row_action(attempt_id, "help/ack", {}, "answering the help request")

    async def force_submit(self, attempt_id: str, reason: str) -> CandidateRow:
        """Submit the paper now with the answers saved so far (state auto_submitted, cause proctor)."""
        return await self._row_action(
            attempt_id, "force-submit", {"reason": reason}, "submitting the paper"
        )

    # ----- escalations -----

    async def escalations(
        self, status: str | None = None, session_id: str | None = None
    ) -> list[Escalation]:
        what = "the escalation queue"
        params = {k: v for k, v in (("status", status), ("session_id", session_id)) if v}
        body = await self.get_json("/escalations", params=params, what=what)
        try:
            return [
                Escalation.from_json(item) for item in self._items(body, "escalations", "items")
            ]
        except RecordError as exc:
            raise self._not_ours(what, exc) from None

    async def _escalation(self, path: str, body: dict[str, Any], what: str) -> Escalation:
        answer = await self.post_json(path, body, what=what)
        try:
            return Escalation.from_json(
                answer.get("escalation", answer) if isinstance(answer, dict) else answer
            )
        except RecordError as exc:
            raise self._not_ours(what, exc) from None

    async def raise_escalation(self, attempt_id: str, category: str, note: str) -> Escalation:
        return await self._escalation(
            "/escalations",
            {"attempt_id": attempt_id, "category": str(category), "note": note},
            "raising the escalation",
        )

    async def claim(self, escalation_id: str) -> Escalation:
        return await self._escalation(
            f"/escalations/{_segment(escalation_id)}/claim", {}, "claiming the escalation"
        )

    async def comment(self, escalation_id: str, text: str) -> Escalation:
        return await self._escalation(
            f"/escalations/{_segment(escalation_id)}/comment",
            {"text": text},
            "commenting on the escalation",
        )

    async def resolve(self, escalation_id: str, resolution: str) -> Escalation:
        return await self._escalation(
            f"/escalations/{_segment(escalation_id)}/resolve",
            {"resolution": resolution},
            "resolving the escalation",
        )

    # ----- looking back -----

    async def summary(self, session_id: str) -> dict[str, Any]:
        what = "the session summary"
        body = await self.get_json(f"/sessions/{_segment(session_id)}/summary", what=what)
        if not isinstance(body, dict):
            raise self._not_ours(what, RecordError("not a JSON object"))
        return body

    async def export_csv(self, session_id: str) -> bytes:
        """The service's CSV export, one row per candidate, as the bytes it sent."""
        response = await self.request(
            "GET", f"/sessions/{_segment(session_id)}/export.csv", what="the CSV export"
        )
        return response.content

    async def audit(self, session_id: str | None = None) -> list[AuditEntry]:
        what = "the audit"
        params = {"session_id": session_id} if session_id else None
        body = await self.get_json("/audit", params=params, what=what)
        try:
            return [
                AuditEntry.from_json(item)
                for item in self._items(body, "entries", "audit", "events", "items")
            ]
        except RecordError as exc:
            raise self._not_ours(what, exc) from None


__all__ = ["ApiError", "ConsoleApi", "new_idempotency_key"]
