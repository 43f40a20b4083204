"""The simulated hall: many phones in one asyncio process, one shared HTTP client.

``Hall`` runs inside any asyncio loop (the CLI's, the demo's, a test's):
``await hall.run()`` plays the scenario until its end, until every phone is
done, or until ``hall.stop()``; ``hall.record`` holds what the service
acknowledged. Simulated time runs ``speed`` times faster than the wall clock.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from .phone import Phone, Unreachable
from .plan import plan_phone
from .record import Record
from .roster import Candidate
from .scenario import Scenario

log = logging.getLogger("proctor_console.simulator")

MIN_HEARTBEAT_WALL_SECONDS = 0.2
API_PREFIX = "/api/v1"


class HallError(Exception):
    """The hall cannot run (bad exam code, unreachable server); the message says what to fix."""


class SimClock:
    """Simulated seconds since the start, running ``speed`` times the loop's clock."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self.loop = asyncio.get_running_loop()
        self.t0 = self.loop.time()

    def now(self) -> float:
        return (self.loop.time() - self.t0) * self.speed

    def wall_at(self, t: float) -> float:
        return self.t0 + t / self.speed


def base_url(server: str) -> str:
    """'http://h:p', 'http://h:p/' or 'http://h:p/api/v1' -> 'http://h:p/api/v1'."""
    url = server.strip().rstrip("/")
    if url.endswith(API_PREFIX):
        url = url[: -len(API_PREFIX)]
    return url + API_PREFIX


class Hall:
    def __init__(
        self,
        server: str,
        exam_code: str,
        candidates: Sequence[Candidate],
        scenario: Scenario,
        *,
        seed: int = 0,
        speed: float = 1.0,
        duration_minutes: float | None = None,
        keypad: tuple[str, int] | None = None,
        client: httpx.AsyncClient | None = None,
        progress: Callable[[str], None] | None = None,
        progress_every: float = 5.0,
        request_timeout: float = 30.0,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be above 0")
        self.server = server
        self.api = base_url(server)
        self.exam_code = exam_code
        self.candidates = list(candidates)
        self.scenario = scenario
        self.seed = seed
        self.speed = speed
        minutes = (
            duration_minutes if duration_minutes is not None else scenario.scenario.duration_minutes
        )
        self.horizon = minutes * 60.0
        self.keypad_address = keypad
        self._own_client = client is None
        self.client = client
        self.request_timeout = request_timeout
        self.progress = progress
        self.progress_every = progress_every
        self.min_heartbeat_sim = MIN_HEARTBEAT_WALL_SECONDS * speed
        self.record = Record(
            server=server,
            exam_code=exam_code,
            scenario=scenario.name,
            seed=seed,
            speed=speed,
            phones=len(self.candidates),
        )
        self.phones: dict[str, Phone] = {}
        self.stopping = False
        self.cut_by_horizon = False  # some phone still had plans when the time was up
        self.joined_any = False
        self.fatal: str | None = None  # why the hall gave up (raised from run())
        self._not_on_roster = 0
        self.ready = asyncio.Event()
        self.server_offset = 0.0
        self.requests = 0
        self.request_seconds = 0.0
        self.clock: SimClock
        self._stop_event: asyncio.Event | None = None
        self._lag_window = 0.0
        self._late_window: list[float] = []
        self._keypad_server: asyncio.Server | None = None
        self._bugs = 0
        self._in_flight = asyncio.Semaphore(100)

    # -- HTTP -------------------------------------------------------------------

    async def post(
        self, path: str, body: dict[str, Any] | None, token: str | None
    ) -> tuple[int, Any]:
        assert self.client is not None
        headers = {"Authorization": f"Bearer {token}"} if token else None
        self.requests += 1
        # Wait here rather than in httpx's pool: its queue of waiting requests costs time
        # in proportion to its length on every answer, which stalls the loop at thousands.
        async with self._in_flight:
            started = time.perf_counter()
            try:
                response = await self.client.post(
                    self.api + path, json=body if body is not None else {}, headers=headers
                )
            except (httpx.TransportError, httpx.TimeoutException) as exc:
                self.record.errors["network"] += 1
                raise Unreachable(str(exc)) from None
            finally:
                self.request_seconds += time.perf_counter() - started
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if response.status_code >= 400:
            code = ""
            if isinstance(answer, dict) and isinstance(answer.get("error"), dict):
                code = str(answer["error"].get("code", ""))
            self.record.errors[f"{response.status_code} {code}".strip()] += 1
        return response.status_code, answer

    async def _check_service(self) -> None:
        """Fail fast, without joining anyone, when the server or the exam code is wrong."""
        probe = {
            "exam_code": self.exam_code,
            "candidate_no": "__simulator_probe__",
            "device": {
                "device_id": "sim-probe", "platform": "android", "os_version": "12",
                "app_version": "3.6.1", "model": "probe", "screen": "1920x1080",
            },
        }  # fmt: skip
        try:
            status, answer = await self.post("/device/join", probe, None)
        except Unreachable as exc:
            raise HallError(
                f"cannot reach the exam service at {self.server} ({exc or 'no answer'}); "
                "check --server and that the service is running"
            ) from None
        code = ""
        if isinstance(answer, dict) and isinstance(answer.get("error"), dict):
            code = str(answer["error"].get("code", ""))
        if status == 404 and code == "exam_code_not_found":
            raise HallError(
                f"the service knows no open exam with code {self.exam_code} "
                "(exam_code_not_found); check --exam-code"
            )
        if status == 404 and code != "candidate_not_found":
            raise HallError(
                f"{self.server} does not answer the device API at {self.api}/device/join "
                f"(HTTP 404); check --server"
            )
        if status >= 500:
            raise HallError(f"the exam service at {self.server} fails (HTTP {status}); see its log")
        self.record.errors.clear()

    # -- the keypad ---------------------------------------------------------------

    def enter_code(self, candidate_no: str, code: str) -> str | None:
        """A proctor types ``code`` on a candidate's phone: None if the phone took it, else why not."""
        code = str(code).strip()
        if not (len(code) == 6 and code.isdigit()):
            return "a code is 6 digits"
        phone = self.phones.get(str(candidate_no))
        if phone is None:
            return f"no candidate {candidate_no} in this simulated hall"
        return phone.type_code(code)

    async def _keypad_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while line := await reader.readline():
                error: str | None
                try:
                    msg = json.loads(line)
                    if not isinstance(msg, dict) or "candidate_no" not in msg or "code" not in msg:
                        raise ValueError
                except ValueError:
                    error = (
                        'send one JSON object per line: {"candidate_no": "...", "code": "123456"}'
                    )
                else:
                    error = self.enter_code(str(msg["candidate_no"]), str(msg["code"]))
                    # Never log the code itself.
                    log.info("keypad: code for %s %s", msg["candidate_no"], error or "taken")
                reply = {"ok": True} if error is None else {"ok": False, "error": error}
                writer.write((json.dumps(reply) + "\n").encode())
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def _start_keypad(self) -> None:
        if self.keypad_address is None:
            return
        host, port = self.keypad_address
        try:
            self._keypad_server = await asyncio.start_server(self._keypad_connection, host, port)
        except OSError as exc:
            raise HallError(
                f"the keypad cannot listen on {host}:{port} ({exc.strerror}); pick another --keypad port"
            ) from None
        bound = self._keypad_server.sockets[0].getsockname()
        self.keypad_address = (host, int(bound[1]))

    # -- running --------------------------------------------------------------------

    def stop(self) -> None:
        """Ask the hall to end soon; ``run()`` then returns the record."""
        self.stopping = True
        if self._stop_event is not None:
            self._stop_event.set()
        for phone in self.phones.values():
            phone.wake()

    def note_refused_join(self, code: str) -> None:
        """Stop early when the candidate numbers plainly do not match the roster."""
        if code != "candidate_not_found" or self.joined_any:
            return
        self._not_on_roster += 1
        if self._not_on_roster >= min(5, len(self.candidates)):
            first = self.candidates[0].candidate_no
            self.fatal = (
                f"the first {self._not_on_roster} candidate numbers tried (e.g. {first}) are not "
                f"on the roster of exam {self.exam_code}; check --candidates-file, "
                "--candidate-range or --candidates"
            )
            self.stop()

    def note_late(self, seconds: float) -> None:
        """How late (wall seconds) a phone handled one of its timers."""
        if len(self._late_window) < 20_000:
            self._late_window.append(seconds)

    def note_bug(self, candidate_no: str, kind: str, exc: Exception) -> None:
        self._bugs += 1
        self.record.errors[f"simulator:{type(exc).__name__}"] += 1
        if self._bugs <= 5:
            log.error("phone %s failed at %s: %r", candidate_no, kind, exc, exc_info=exc)

    async def run(self) -> Record:
        self._stop_event = asyncio.Event()
        if self.stopping:  # stop() came before run()
            self._stop_event.set()
        pool = max(20, min(100, len(self.candidates) // 5))
        self._in_flight = asyncio.Semaphore(pool)
        if self.client is None:
            self.client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.request_timeout, connect=10.0, pool=None),
                limits=httpx.Limits(max_connections=pool, max_keepalive_connections=pool),
            )
        tasks: list[asyncio.Task[None]] = []
        helpers: list[asyncio.Task[None]] = []
        try:
            await self._check_service()
            await self._start_keypad()
            self.record.started_at = _now_text()
            self.clock = SimClock(self.speed)
            for cand in self.candidates:
                plan = plan_phone(self.scenario, self.seed, cand.candidate_no, self.horizon)
                phone = Phone(self, plan, cand.name)
                phone.schedule_plan()
                self.phones[cand.candidate_no] = phone
            self.ready.set()
            tasks = [
                asyncio.create_task(p.run(), name=f"phone {p.no}") for p in self.phones.values()
            ]
            helpers = [
                asyncio.create_task(self._measure_lag()),
                asyncio.create_task(self._report()),
            ]
            all_done: asyncio.Future[Any] = asyncio.gather(*tasks)
            end: asyncio.Future[Any] = asyncio.create_task(self._stop_event.wait())
            # Phones stop by themselves at the end of simulated time; late phones get a
            # grace to finish what they had to do before it, so a slow moment does not
            # change what a seed does. Past the grace, the hall stops anyway.
            wall = self.horizon / self.speed
            horizon: asyncio.Future[Any] = asyncio.create_task(
                asyncio.sleep(wall + max(2.0, 0.1 * wall))
            )
            done, _ = await asyncio.wait(
                {all_done, end, horizon}, return_when=asyncio.FIRST_COMPLETED
            )
            if end in done:
                self.record.stopped_because = "stopped"
            elif self.cut_by_horizon or all_done not in done:
                self.record.stopped_because = f"{self.horizon / 60:g} simulated minutes passed"
            else:
                self.record.stopped_because = "every phone is done"
            self.stopping = True
            for phone in self.phones.values():
                phone.wake()
            # Requests in flight get a moment to finish so the record stays true.
            if tasks:
                await asyncio.wait(tasks, timeout=min(5.0, self.request_timeout))
            for task in (*tasks, end, horizon):
                task.cancel()
            await asyncio.gather(*tasks, end, horizon, return_exceptions=True)
            if not all_done.done():
                all_done.cancel()
            await asyncio.gather(all_done, return_exceptions=True)
        finally:
            # Also when run() itself is cancelled: no phone outlives its hall.
            for task in (*tasks, *helpers):
                task.cancel()
            await asyncio.gather(*tasks, *helpers, return_exceptions=True)
            if self._keypad_server is not None:
                self._keypad_server.close()
                await self._keypad_server.wait_closed()
            if self._own_client and self.client is not None:
                await self.client.aclose()
                self.client = None
            if hasattr(self, "clock"):
                self.record.simulated_seconds = min(self.clock.now(), self.horizon)
            self.record.ended_at = _now_text()
        if self.fatal:
            raise HallError(self.fatal)
        if self.progress:
            for line in self.record.summary_lines():
                self.progress(line)
        return self.record

    async def _measure_lag(self) -> None:
        """How late the event loop wakes up: the simulator's own capacity, not the server's."""
        loop = asyncio.get_running_loop()
        tick = 0.1
        while True:
            before = loop.time()
            await asyncio.sleep(tick)
            lag = loop.time() - before - tick
            self._lag_window = max(self._lag_window, lag)
            self.record.max_lag_seconds = max(self.record.max_lag_seconds, lag)

    def counts(self) -> Counter[str]:
        c: Counter[str] = Counter()
        for phone in self.phones.values():
            if phone.attempt_id is not None:
                c["joined"] += 1
            if phone.app == "dead":
                c["dead"] += 1
            elif phone.app == "on" and not phone.online:
                c["offline"] += 1
            if phone.phase in ("answering", "locked", "submitting", "submitted"):
                c[phone.phase] += 1
        return c

    def progress_line(self, rate: float, phones_late: float) -> str:
        c = self.counts()
        # Refusals (4xx) are the service's answers to what phones do; errors are failures.
        refused = sum(v for k, v in self.record.errors.items() if k[:1] == "4")
        errors = sum(v for k, v in self.record.errors.items() if k[:1] != "4")
        mean_ms = 1000 * self.request_seconds / self.requests if self.requests else 0.0
        return (
            f"[{self.clock.now() / 60:6.1f} min] joined {c['joined']}/{len(self.phones)}, "
            f"answering {c['answering']}, locked {c['locked']}, submitting {c['submitting']}, "
            f"submitted {c['submitted']}, offline {c['offline']}, dead {c['dead']} | "
            f"{rate:.0f} req/s ({mean_ms:.0f} ms), refused {refused}, errors {errors}, "
            f"lag {self._lag_window:.2f} s, phones late {phones_late:.1f} s"
        )

    def _phones_late(self) -> float:
        """The 95th percentile of how late phones acted in the last window (wall seconds)."""
        late = sorted(self._late_window)
        self._late_window = []
        return late[int(len(late) * 0.95)] if late else 0.0

    async def _report(self) -> None:
        last_requests, last_seconds = self.requests, self.request_seconds
        last_time, last_cpu = time.perf_counter(), time.process_time()
        while True:
            await asyncio.sleep(self.progress_every)
            now, cpu = time.perf_counter(), time.process_time()
            rate = (self.requests - last_requests) / max(now - last_time, 1e-6)
            cpu_share = (cpu - last_cpu) / max(now - last_time, 1e-6)
            answered = max(self.requests - last_requests, 1)
            window_ms = 1000 * (self.request_seconds - last_seconds) / answered
            last_requests, last_seconds = self.requests, self.request_seconds
            last_time, last_cpu = now, cpu
            phones_late = self._phones_late()
            self.record.max_phones_late_seconds = max(
                self.record.max_phones_late_seconds, phones_late
            )
            line = self.progress_line(rate, phones_late) + f", cpu {100 * cpu_share:.0f}%"
            if self._lag_window > 0.5 and cpu_share > 0.85:
                line += (
                    f"  FALLING BEHIND: the simulator is short of CPU (wakes up to "
                    f"{self._lag_window:.1f} s late); lower --speed or --candidates"
                )
            elif self._lag_window > 0.5:
                line += (
                    f"  FALLING BEHIND: wakes up to {self._lag_window:.1f} s late while using "
                    f"{100 * cpu_share:.0f}% of a core: the machine is busy with other work"
                )
            elif phones_late > 2.0:
                line += (
                    f"  FALLING BEHIND: phones act {phones_late:.1f} s late because the service "
                    f"answers slowly ({window_ms:.0f} ms a request)"
                )
            if self.progress:
                self.progress(line)
            else:
                log.info("%s", line)
            self._lag_window = 0.0


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
