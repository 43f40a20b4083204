"""One simulated phone: a candidate's exam app speaking the device API.

Each phone runs a small event loop of its own in simulated time: timers
(join, heartbeat, answer, lock, network drop, crash, help, submit, a code
being typed) sit in a heap ordered by simulated time and are handled one at a
time. Timers are scheduled from the simulated time of the timer that caused
them, never from the wall clock, so a late wake-up changes nothing that the
phone decides.
"""

from __future__ import annotations

import asyncio
import heapq
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pyotp

from ..domain.rows import parse_time
from .plan import Device, PhonePlan, make_device, stream

if TYPE_CHECKING:
    from .hall import Hall

FINAL = ("submitted", "auto_submitted")
_RETRIED = frozenset({"join", "info", "start", "help", "code"})
_CHOICES = "ABCDE"


class Unreachable(Exception):
    """The request did not get an answer (connection failed, timed out)."""


class Phone:
    def __init__(self, hall: Hall, plan: PhonePlan, name: str) -> None:
        self.hall = hall
        self.plan = plan
        self.no = plan.candidate_no
        self.name = name
        self.device: Device = plan.device
        self.react = stream(hall.seed, self.no, "react")  # reactions to the service
        self.pace_rng = stream(hall.seed, self.no, "pace")  # answering
        self.beat_rng = stream(hall.seed, self.no, "beat")  # heartbeat intervals
        self._timers: list[tuple[float, int, str, Any]] = []
        self._seq = 0
        self._wake: asyncio.Future[None] | None = None
        self._wake_handle: asyncio.TimerHandle | None = None
        # What the app knows.
        self.app = "off"  # off (not started / crashed) | on | dead | left
        self.drops = 0  # network drops in progress
        self.attempt_id: str | None = None
        self.token: str | None = None
        self.phase = (
            "waiting"  # waiting | info | ready | answering | locked | submitting | submitted
        )
        self.server_state: str | None = None
        self.lock_count = 0
        self.max_locks = 5
        self.unlock_seed: str | None = None
        self.total_questions = 0
        self.info_fields: list[str] = []
        self.answered = 0
        self.answers_dirty = False
        self.joined_once = False
        self.app_updated = False
        self.heartbeating = False
        self.answering_timer = False
        self.unlock_to_confirm: str | None = None  # push id applied, confirm with a heartbeat
        self.pending_lock_reasons: list[str] = []
        self.pending_offline_unlock: dict[str, Any] | None = None
        self.submit_sent = False
        self.lost_receipt: str | None = None
        self.battery_base_t = 0.0
        self.battery_base = plan.battery_start
        self.drain = plan.drain_per_hour
        self.charging = plan.charging
        self.network = plan.network
        self.submit_retries = 0

    # -- timers ---------------------------------------------------------------

    def at(self, t: float, kind: str, data: Any = None) -> None:
        self._seq += 1
        heapq.heappush(self._timers, (t, self._seq, kind, data))

    def wake(self) -> None:
        """Interrupt the phone's sleep: a timer was added from outside (the keypad)."""
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(None)
        if self._wake_handle is not None:
            self._wake_handle.cancel()

    async def _sleep_until(self, wall: float) -> None:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        self._wake = fut
        self._wake_handle = loop.call_at(wall, _resolve, fut)
        try:
            await fut
        finally:
            self._wake = None
            self._wake_handle.cancel()
            self._wake_handle = None

    @property
    def online(self) -> bool:
        return self.drops == 0

    @property
    def finished(self) -> bool:
        return self.app in ("dead", "left") and not self._timers

    def schedule_plan(self) -> None:
        p = self.plan
        if p.join_at is None:
            self.app = "left"  # never comes
            return
        self.at(p.join_at, "join", {"first": True})
        for lock in p.locks:
            self.at(lock.at, "lock", lock)
        for start, end in p.drops:
            self.at(start, "drop", end - start)
        for at, delay in p.crashes:
            self.at(at, "crash", delay)
        if p.die_at is not None:
            self.at(p.die_at, "die")
        if p.help_at is not None:
            self.at(p.help_at, "help")
        if p.submit_at is not None:
            self.at(p.submit_at, "submit")

    async def run(self) -> None:
        hall = self.hall
        clock = hall.clock
        loop = asyncio.get_running_loop()
        while self._timers and not hall.stopping and self.app != "left":
            t, _, kind, data = self._timers[0]
            if t >= hall.horizon:
                hall.cut_by_horizon = True
                break
            target = clock.wall_at(t)
            if target > loop.time():
                await self._sleep_until(target)
                continue
            heapq.heappop(self._timers)
            hall.note_late(loop.time() - target)
            if self.app == "dead" and kind not in ("swap",):
                continue
            try:
                await getattr(self, f"on_{kind}")(t, data)
            except Unreachable:
                # Counted by the hall. Steps the candidate repeats when the app shows an
                # error are tried again; heartbeats and answers carry on by their own timers.
                if kind in _RETRIED:
                    self.at(t + self.react.uniform(5, 15), kind, data)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a bug in one phone must not stop the hall
                hall.note_bug(self.no, kind, exc)
        self._timers.clear()

    # -- requests -------------------------------------------------------------

    async def post(
        self, t: float, path: str, body: dict[str, Any] | None, token: str | None = ""
    ) -> tuple[int, Any]:
        """A device call, with the phone's token unless one is given (None: no token)."""
        self.hall.record.action(self.no, t, path)
        return await self.hall.post(path, body, self.token if token == "" else token)

    def battery(self, t: float) -> int:
        level = self.battery_base - self.drain * (t - self.battery_base_t) / 3600
        return int(max(0, min(100, round(level))))

    # -- joining --------------------------------------------------------------

    async def on_join(self, t: float, data: Any) -> None:
        data = data or {}
        if not self.online:
            self.at(t + 15, "join", data)
            return
        device = self.device.to_json()
        if self.plan.outdated_app and not self.app_updated:
            device["app_version"] = "3.3.9"
        body = {"exam_code": self.hall.exam_code, "candidate_no": self.no, "device": device}
        status, answer = await self.post(t, "/device/join", body, token=None)
        record = self.hall.record
        if status == 426:
            record.refused_joins.append(
                {
                    "candidate_no": self.no,
                    "code": _code(answer),
                    "app_version": device["app_version"],
                }
            )
            self.app_updated = True  # the candidate updates the app, then enters the code again
            self.at(t + self.hall.scenario.join.update_minutes * 60, "join", data)
            return
        if status >= 500 or status == 429 or _code(answer) == "too_early":
            self.at(t + self.react.uniform(10, 30), "join", data)
            return
        if status != 200:
            record.refused_joins.append({"candidate_no": self.no, "code": _code(answer)})
            self.hall.note_refused_join(_code(answer))
            self.app = "left"
            return
        self.hall.joined_any = True
        self.app = "on"
        self.attempt_id = str(answer["attempt_id"])
        self.token = answer["device_token"]
        session = answer.get("session") or {}
        self.total_questions = int(session.get("total_questions") or 50)
        self.info_fields = list(
            answer.get("info_fields") or session.get("info_fields") or ["name", "id_last4"]
        )
        self.max_locks = int(session.get("max_locks") or 5)
        self.unlock_seed = answer.get("unlock_seed") or self.unlock_seed
        state = str(answer.get("state"))
        self.server_state = state
        if "lock_count" in answer:
            self.lock_count = int(answer["lock_count"])
        kind = "resumed" if self.joined_once else "joined"
        record.joins.append(
            {"candidate_no": self.no, "attempt_id": self.attempt_id, "kind": kind, "state": state}
        )
        record.events[kind] += 1
        if not self.joined_once:
            self.joined_once = True
            if self.plan.already_answered_fraction:
                self.answered = int(self.total_questions * self.plan.already_answered_fraction)
                self.answers_dirty = True
            for delay in self.plan.reenter_after:
                self.at(t + delay, "join", {"reenter": True})
        if not self.heartbeating:
            self.heartbeating = True
            self.at(t + self.beat_rng.uniform(1, 5), "heartbeat")
        if data.get("reenter"):
            return  # entering the code again changes nothing the phone shows
        await self._continue_after_join(t, state, answer)

    def _saw_final(self, state: str) -> None:
        """The service answers that the paper is in without this phone's submit."""
        if self.phase in ("submitted", "submitting"):
            return  # a spinning phone keeps spinning until its retry brings the receipt
        self.phase = "submitted"
        if state == "auto_submitted":
            cause = "lock_limit" if self.lock_count >= self.max_locks else "time_or_proctor"
            self.hall.record.auto_submitted.append(
                {"candidate_no": self.no, "attempt_id": self.attempt_id, "cause": cause}
            )

    async def _continue_after_join(self, t: float, state: str, answer: dict[str, Any]) -> None:
        if state in FINAL:
            self._saw_final(state)
            return
        if state == "locked":
            self.phase = "locked"
            return
        if state == "submitting" or self.phase == "submitting":
            self.phase = "submitting"
            self.at(t + self.react.uniform(3, 10), "submit_retry")
            return
        if state == "answering":
            self.phase = "answering"
            self._start_answering(t)
            return
        if answer.get("requires_info") or state == "info_pending":
            self.phase = "info"
            await self.on_info(t, None)
        else:
            self.phase = "ready"
            delay = (
                self.react.uniform(180, 360) if self.plan.wrong_paper else self.react.uniform(2, 8)
            )
            self.at(t + delay, "start")

    async def on_info(self, t: float, data: Any) -> None:
        if self.app != "on" or self.phase != "info":
            return
        if not self.online:
            self.at(t + 15, "info")
            return
        fields = {f: self._info_value(f) for f in self.info_fields}
        status, _answer = await self.post(t + 0.001, "/device/info", {"fields": fields})
        if status == 200:
            self.hall.record.events["info"] += 1
            self.phase = "ready"
            delay = (
                self.react.uniform(180, 360) if self.plan.wrong_paper else self.react.uniform(2, 8)
            )
            self.at(t + delay, "start")
        else:
            self.at(t + 20, "info")

    def _info_value(self, name: str) -> str:
        if name == "name":
            return self.name
        if name == "id_last4":
            return f"{stream(self.hall.seed, self.no, 'id').randrange(10000):04d}"
        return f"{name} of {self.no}"

    async def on_start(self, t: float, data: Any) -> None:
        if self.app != "on" or self.phase != "ready":
            return
        if not self.online:
            self.at(t + 10, "start")
            return
        status, answer = await self.post(t, "/device/start", None)
        if status == 200:
            self.server_state = str(answer.get("state", "answering"))
            if self.server_state in FINAL:
                self._saw_final(self.server_state)
                return
            self.phase = "locked" if self.server_state == "locked" else "answering"
            self.hall.record.events["started"] += 1
            self._start_answering(t)
        elif _code(answer) in ("info_required", "info_pending"):
            self.phase = "info"
            self.at(t + 1, "info")
        else:  # not open yet, or a passing failure: try again a little later
            self.at(t + self.react.uniform(15, 40), "start")

    # -- answering ------------------------------------------------------------

    def _start_answering(self, t: float) -> None:
        if not self.answering_timer:
            self.answering_timer = True
            self.at(t + self._question_seconds(), "answer")

    def _question_seconds(self) -> float:
        mean = self.hall.scenario.answering.seconds_per_question * self.plan.pace
        return self.pace_rng.uniform(0.3, 1.7) * mean

    def answers(self) -> dict[str, str]:
        return {str(q): _CHOICES[(q * 7 + len(self.no)) % 5] for q in range(1, self.answered + 1)}

    async def on_answer(self, t: float, data: Any) -> None:
        if self.app != "on":
            self.answering_timer = False  # crashed: answering starts again after the re-join
            return
        if self.phase == "answering" and self.answered < self.total_questions:
            self.answered += 1
            self.answers_dirty = True
        if self.phase in ("submitting", "submitted") or self.answered >= self.total_questions:
            self.answering_timer = False
        else:
            self.at(t + self._question_seconds(), "answer")
        await self._sync_answers(t)

    async def _sync_answers(self, t: float) -> None:
        if not self.answers_dirty or not self.online or self.app != "on":
            return
        if self.phase not in ("answering", "locked"):
            return  # before the start the service takes no answers; after the submit none
        status, _ = await self.post(t, "/device/answers", {"answers": self.answers()})
        if status == 200:
            self.answers_dirty = False

    # -- heartbeat ------------------------------------------------------------

    async def on_heartbeat(self, t: float, data: Any) -> None:
        if self.app != "on":
            self.heartbeating = False
            return
        interval = max(self.beat_rng.uniform(5, 10), self.hall.min_heartbeat_sim)
        self.at(t + interval, "heartbeat")  # first, so that a failed request keeps the beat
        if not self.online:
            return
        await self._flush_pending(t)
        phase = (
            self.phase
            if self.phase in ("answering", "locked", "submitting", "submitted")
            else "answering"
        )
        if self.phase in ("info", "ready", "waiting"):
            phase = "answering"  # api.md's heartbeat phases know no earlier step
        body = {
            "battery_pct": self.battery(t),
            "charging": self.charging,
            "network": self.network,
            "phase": phase,
            "answered": self.answered,
        }
        status, answer = await self.post(t, "/device/heartbeat", body)
        if status == 200:
            self._after_heartbeat(t, phase, answer)
        if self.phase == "submitted":
            self.leave(t)

    def leave(self, t: float) -> None:
        """After the paper is in and the phone has said so once, the candidate leaves."""
        self.app = "left"
        self.hall.record.action(self.no, t, "left")

    def _after_heartbeat(self, t: float, phase: str, answer: dict[str, Any]) -> None:
        state = str(answer.get("state"))
        self.server_state = state
        if "lock_count" in answer:
            self.lock_count = int(answer["lock_count"])
        server_time = parse_time(answer.get("server_time"))
        if server_time is not None:
            self.hall.server_offset = (server_time - datetime.now(UTC)).total_seconds()
        record = self.hall.record
        if self.unlock_to_confirm and phase == "answering":
            if state == "answering":
                record.unlocks.append(self._unlock_entry("push", t, self.unlock_to_confirm))
                record.events["unlocked"] += 1
                self.unlock_to_confirm = None
                self._after_unlock(t)
            elif state == "locked":
                self.phase = "locked"  # the service did not take it; keep waiting
                self.unlock_to_confirm = None
        if state in FINAL:
            self._saw_final(state)
        for command in answer.get("commands") or []:
            kind = command.get("type")
            if kind == "unlock" and self.phase == "locked":
                self.phase = "answering"  # applied at once; the next heartbeat says so
                self.unlock_to_confirm = str(command.get("id"))
                self.at(t + self.react.uniform(0.5, 2), "confirm")
            elif kind == "message":
                record.messages.append(
                    {
                        "candidate_no": self.no,
                        "attempt_id": self.attempt_id,
                        "id": command.get("id"),
                        "text": command.get("text"),
                    }
                )
                record.events["message_shown"] += 1
            elif kind == "help_ack":  # the phone shows "a proctor is on the way"
                record.help_acks.append(
                    {
                        "candidate_no": self.no,
                        "attempt_id": self.attempt_id,
                        "id": command.get("id"),
                    }
                )
                record.events["help_ack_shown"] += 1

    async def on_confirm(self, t: float, data: Any) -> None:
        """The heartbeat right after an applied push unlock (outside the regular beat)."""
        if self.app != "on" or not self.online or not self.unlock_to_confirm:
            return
        body = {
            "battery_pct": self.battery(t),
            "charging": self.charging,
            "network": self.network,
            "phase": "answering",
            "answered": self.answered,
        }
        status, answer = await self.post(t, "/device/heartbeat", body)
        if status == 200:
            self._after_heartbeat(t, "answering", answer)

    def _unlock_entry(self, mode: str, t: float, detail: str | None = None) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "candidate_no": self.no,
            "attempt_id": self.attempt_id,
            "mode": mode,
            "lock_count": self.lock_count,
            "sim_t": round(t, 3),
        }
        if mode == "push":
            entry["command_id"] = detail
        return entry

    def _after_unlock(self, t: float) -> None:
        self._start_answering(t)
        if self.plan.repeat_offender:
            gap = self.react.expovariate(1 / self.hall.scenario.locks.repeat_gap_seconds)
            reason = self.react.choice(("app_switch", "app_switch", "call", "screenshot"))
            self.at(t + max(5.0, gap), "lock", reason)

    async def _flush_pending(self, t: float) -> None:
        """What the phone could not tell the service while it was unreachable."""
        if self.pending_offline_unlock and self.online:
            report = self.pending_offline_unlock
            status, answer = await self.post(t, "/device/unlock", report["body"])
            self.pending_offline_unlock = None
            if status == 200:
                entry = self._unlock_entry("offline", t)
                entry["lock_count"] = report["lock_count"]
                entry["unlocked_at"] = report["body"]["unlocked_at"]
                self.hall.record.unlocks.append(entry)
                self.hall.record.events["unlocked"] += 1
            elif status in (404, 405, 422):
                self.hall.record.unsupported.add("offline unlock report")
            else:
                self.hall.record.rejected_codes.append(
                    {"candidate_no": self.no, "mode": "offline", "code": _code(answer)}
                )
        while self.pending_lock_reasons and self.online:
            reason = self.pending_lock_reasons[0]
            if not await self._report_lock(t, reason):
                return
            self.pending_lock_reasons.pop(0)
        await self._sync_answers(t)

    # -- locks and unlocks ----------------------------------------------------

    async def on_lock(self, t: float, data: Any) -> None:
        if self.app != "on" or self.phase != "answering":
            return
        if self.unlock_to_confirm or self.pending_offline_unlock:
            return  # the service still has it locked: a lock now would not count
        reason = data.reason if hasattr(data, "reason") else str(data)
        self.phase = "locked"  # the phone locks at once, whatever the network does
        if not self.online or not await self._report_lock(t, reason):
            self.pending_lock_reasons.append(reason)
        offline_after = getattr(data, "offline_after", None)
        if offline_after is not None and self.phase == "locked":
            self.at(t + offline_after, "drop", data.offline_for)

    async def _report_lock(self, t: float, reason: str) -> bool:
        """Tell the service about a lock; False when it did not hear (tell it again later)."""
        try:
            status, answer = await self.post(t, "/device/lock", {"reason": reason})
        except Unreachable:
            return False
        if status != 200:
            if status >= 500 or status == 429:
                return False
            # The service does not see this attempt as answering (time over, already final).
            self.hall.record.errors[f"lock:{_code(answer)}"] += 1
            return True
        state = str(answer.get("state"))
        known = self.lock_count
        self.lock_count = int(answer.get("lock_count", self.lock_count + 1))
        self.max_locks = int(answer.get("max_locks", self.max_locks))
        self.server_state = state
        if self.lock_count == known:
            # The service did not count it (it had this attempt locked already, or final).
            self.hall.record.events["lock_not_counted"] += 1
            if state in FINAL:
                self.phase = "submitted"
            return True
        record = self.hall.record
        record.locks.append(
            {
                "candidate_no": self.no,
                "attempt_id": self.attempt_id,
                "reason": reason,
                "lock_count": self.lock_count,
                "state": state,
                "sim_t": round(t, 3),
            }
        )
        record.events["locked"] += 1
        if state == "auto_submitted":
            self.phase = "submitted"
            record.auto_submitted.append(
                {"candidate_no": self.no, "attempt_id": self.attempt_id, "cause": "lock_limit"}
            )
        return True

    def type_code(self, code: str) -> str | None:
        """A proctor types a code on this phone; None when it was taken, else why not."""
        if self.app != "on":
            return f"candidate {self.no}'s phone is not in the exam app"
        if self.phase != "locked":
            return f"candidate {self.no}'s phone is not locked"
        walk = self.react.uniform(
            self.hall.scenario.locks.walk_seconds_min, self.hall.scenario.locks.walk_seconds_max
        )
        self.at(self.hall.clock.now() + walk, "code", code)
        self.wake()
        return None

    async def on_code(self, t: float, code: str) -> None:
        if self.app != "on" or self.phase != "locked":
            self.hall.record.events["code_ignored"] += 1
            return
        # An offline code (HOTP of the attempt's seed at the lock count) the phone checks
        # itself, network or not, and reports; any other code goes to the service.
        if self.unlock_seed and pyotp.HOTP(self.unlock_seed).verify(code, self.lock_count):
            self.phase = "answering"
            unlocked_at = datetime.now(UTC) + timedelta(seconds=self.hall.server_offset)
            self.pending_offline_unlock = {
                "lock_count": self.lock_count,
                "body": {
                    "code": code,
                    "offline": True,
                    "unlocked_at": unlocked_at.isoformat(timespec="milliseconds").replace(
                        "+00:00", "Z"
                    ),
                },
            }
            self.hall.record.events["unlocked_offline_locally"] += 1
            self._after_unlock(t)
            if self.online:
                await self._flush_pending(t)
            return
        if not self.online:
            self.hall.record.rejected_codes.append(
                {"candidate_no": self.no, "mode": "offline", "code": "wrong_offline_code"}
            )
            return
        status, answer = await self.post(t, "/device/unlock", {"code": code})
        if status == 200 and str(answer.get("state")) == "answering":
            self.phase = "answering"
            self.hall.record.unlocks.append(self._unlock_entry("code", t))
            self.hall.record.events["unlocked"] += 1
            self._after_unlock(t)
        else:
            self.hall.record.rejected_codes.append(
                {"candidate_no": self.no, "mode": "code", "code": _code(answer)}
            )

    # -- network, crashes, battery --------------------------------------------

    async def on_drop(self, t: float, length: float) -> None:
        self.drops += 1
        self.hall.record.events["network_drop"] += 1
        self.at(t + length, "reconnect")

    async def on_reconnect(self, t: float, data: Any) -> None:
        self.drops = max(0, self.drops - 1)
        if self.online and self.app == "on":
            await self._flush_pending(t)

    async def on_crash(self, t: float, restart_after: float) -> None:
        if self.app != "on" or self.phase in ("submitted",):
            return
        self.app = "off"
        self.heartbeating = False
        self.answering_timer = False
        self.hall.record.events["app_crash"] += 1
        self.at(t + restart_after, "join", {"restart": True})

    async def on_die(self, t: float, data: Any) -> None:
        if self.app == "left" or self.phase == "submitted":
            return
        self.app = "dead"
        self.heartbeating = False
        self.answering_timer = False
        self.hall.record.events["phone_died"] += 1
        self.hall.record.action(self.no, t, "died")
        if self.plan.swap_after is not None:
            self.at(t + self.plan.swap_after, "swap")
        else:
            self._timers.clear()

    async def on_swap(self, t: float, data: Any) -> None:
        """The candidate borrows another phone and joins again from it."""
        self.device = make_device(
            stream(self.hall.seed, self.no, "swap"), self.no, self.hall.scenario, 1
        )
        self.battery_base, self.battery_base_t = 90.0, t
        self.drain, self.charging = 10.0, False
        self.app = "off"
        self.hall.record.events["device_swapped"] += 1
        await self.on_join(t, {"restart": True})

    # -- help -----------------------------------------------------------------

    async def on_help(self, t: float, data: Any) -> None:
        if self.app != "on" or self.phase == "submitted" or "help" in self.hall.record.unsupported:
            return
        if not self.online:
            self.at(t + 20, "help")
            return
        reason = self.plan.help_reason
        note = "试卷不是本人专业 (the paper is not my specialty)" if self.plan.wrong_paper else ""
        body = {"reason": reason, "note": note} if note else {"reason": reason}
        status, answer = await self.post(t, "/device/help", body)
        if status == 200:
            self.hall.record.help_requests.append(
                {"candidate_no": self.no, "attempt_id": self.attempt_id, "reason": reason}
            )
            self.hall.record.events["help"] += 1
        elif status in (404, 405) and _code(answer) in ("not_found", "method_not_allowed", ""):
            self.hall.record.unsupported.add("help")

    # -- submitting -----------------------------------------------------------

    async def on_submit(self, t: float, data: Any) -> None:
        if self.phase in ("submitted", "submitting"):
            return
        if self.app != "on" or self.phase != "answering":
            if self.app in ("dead", "left") or self.phase in ("waiting",):
                return
            self.at(t + 30, "submit")  # locked, crashed, not started: try again later
            return
        self.phase = "submitting"
        self.hall.record.events["submit_pressed"] += 1
        mode = self.plan.submit_mode
        if mode == "unsent" or not self.online:
            self.at(t + self.plan.spin_seconds, "submit_retry")
            return
        if mode == "held":
            try:
                status, answer = await self._send_submission(t)
            except Unreachable:
                status, answer = 0, {}
            if status == 200:
                self.lost_receipt = answer.get("receipt_id")
                self.hall.record.lost_submit_answers.append(
                    {"candidate_no": self.no, "attempt_id": self.attempt_id,
                     "submission_id": self.plan.submission_id}
                )  # fmt: skip
            self.at(t + self.plan.spin_seconds, "submit_retry")
            return
        await self.on_submit_retry(t, None)

    async def _send_submission(self, t: float) -> tuple[int, Any]:
        self.submit_sent = True
        body = {"submission_id": self.plan.submission_id, "answers": self.answers()}
        return await self.post(t, "/device/submit", body)

    async def on_submit_retry(self, t: float, data: Any) -> None:
        if self.phase != "submitting":
            return
        if self.app != "on" or not self.online:
            self.at(t + 20, "submit_retry")
            return
        try:
            status, answer = await self._send_submission(t)
        except Unreachable:
            status, answer = 0, {}
        record = self.hall.record
        if status == 200:
            self.phase = "submitted"
            receipt = answer.get("receipt_id")
            entry = {
                "candidate_no": self.no,
                "attempt_id": self.attempt_id,
                "submission_id": self.plan.submission_id,
                "receipt_id": receipt,
                "received_at": answer.get("received_at"),
                "retries": self.submit_retries,
            }
            if self.lost_receipt is not None:
                entry["same_receipt_as_lost"] = self.lost_receipt == receipt
            record.submissions.append(entry)
            record.events["submitted"] += 1
            self.at(t + self.react.uniform(0.5, 2), "heartbeat_final")
        elif _code(answer) == "locked":
            # The service still has the paper locked: the candidate waits for the proctor.
            self.phase = "locked"
            self.at(t + 30, "submit")
        elif 400 <= status < 500 and status not in (408, 429):
            # The service will not take it (already auto-submitted, time over): stop spinning.
            record.errors[f"submit:{_code(answer)}"] += 1
            self.phase = "submitted"
        else:
            self.submit_retries += 1
            self.at(t + self.react.uniform(10, 30), "submit_retry")

    async def on_heartbeat_final(self, t: float, data: Any) -> None:
        """One heartbeat showing 'submitted', then the candidate leaves the hall."""
        if self.app == "on" and self.online:
            body = {
                "battery_pct": self.battery(t),
                "charging": self.charging,
                "network": self.network,
                "phase": "submitted",
                "answered": self.answered,
            }
            await self.post(t, "/device/heartbeat", body)
        self.leave(t)


def _resolve(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


def _code(answer: Any) -> str:
    if isinstance(answer, dict):
        err = answer.get("error")
        if isinstance(err, dict):
            return str(err.get("code", ""))
    return ""
