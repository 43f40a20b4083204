"""Each phone's plan: what its candidate will do and when, drawn before the run.

A plan depends only on the scenario, the seed, the candidate number and the
length of the run, never on the wall clock, so the same seed replays the same
hall. What a phone does in reaction to the service (an unlock arriving, a
code typed by a proctor) draws from the phone's own separate streams, see
:func:`stream`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .scenario import Scenario

_IOS_MODELS = ("iPhone 8", "iPhone X", "iPhone 11", "iPhone 12", "iPhone 13", "iPhone SE")
_ANDROID_MODELS = (
    "HUAWEI P30", "HUAWEI Mate 20", "Xiaomi Mi 9", "Redmi Note 8", "OPPO R17",
    "vivo X23", "Honor 20", "Samsung Galaxy S9",
)  # fmt: skip
_APP_VERSIONS = ("3.4.2", "3.4.5", "3.5.0", "3.6.1")


def stream(seed: int, candidate_no: str, purpose: str) -> random.Random:
    """A random stream of one phone for one purpose; the same inputs give the same stream."""
    return random.Random(f"{seed}:{candidate_no}:{purpose}")


@dataclass(frozen=True)
class Device:
    device_id: str
    platform: str
    os_version: str
    app_version: str
    model: str
    screen: str

    def to_json(self) -> dict[str, str]:
        return {
            "device_id": self.device_id,
            "platform": self.platform,
            "os_version": self.os_version,
            "app_version": self.app_version,
            "model": self.model,
            "screen": self.screen,
        }


@dataclass(frozen=True)
class PlannedLock:
    at: float  # simulated seconds
    reason: str
    offline_after: float | None = None  # the network drops this many seconds after the lock ...
    offline_for: float | None = None  # ... for this long


@dataclass(frozen=True)
class PhonePlan:
    candidate_no: str
    device: Device
    join_at: float | None  # None: never comes
    reenter_after: tuple[float, ...] = ()  # extra code entries, seconds after the join
    outdated_app: bool = False
    wrong_paper: bool = False
    pace: float = 1.0  # multiplies the scenario's seconds per question
    already_answered_fraction: float = 0.0
    locks: tuple[PlannedLock, ...] = ()
    repeat_offender: bool = False
    battery_start: float = 100.0
    drain_per_hour: float = 10.0  # negative while charging
    charging: bool = False
    die_at: float | None = None
    swap_after: float | None = None  # a dead phone's candidate joins from another phone
    network: str = "wifi"
    drops: tuple[tuple[float, float], ...] = ()  # (start, end) with no network
    crashes: tuple[tuple[float, float], ...] = ()  # (at, restart delay)
    help_at: float | None = None
    help_reason: str = "question"
    submit_at: float | None = None
    submit_mode: str = "normal"  # normal | held (server has it, answer lost) | unsent
    spin_seconds: float = 0.0
    submission_id: str = ""


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = sorted(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _poisson_times(rng: random.Random, per_hour: float, start: float, end: float) -> list[float]:
    times: list[float] = []
    if per_hour <= 0:
        return times
    t = start
    while True:
        t += rng.expovariate(per_hour / 3600.0)
        if t >= end:
            return times
        times.append(t)


def make_device(rng: random.Random, candidate_no: str, s: Scenario, n: int = 0) -> Device:
    ios = rng.random() < s.join.ios_fraction
    old = rng.random() < s.join.old_device_fraction
    if ios:
        platform = "ios"
        os_version = "8.4" if old else rng.choice(("12.5", "14.8", "15.7", "16.6", "17.2"))
        model = rng.choice(_IOS_MODELS)
        screen = "1136x640" if old else rng.choice(("1334x750", "1792x828", "2532x1170"))
    else:
        platform = "android"
        os_version = "5.1" if old else rng.choice(("8.1", "9", "10", "11", "12", "13"))
        model = rng.choice(_ANDROID_MODELS)
        screen = "960x540" if old else rng.choice(("1280x720", "1920x1080", "2340x1080"))
    device_id = f"sim-{candidate_no}-{n}-{rng.getrandbits(32):08x}"
    return Device(device_id, platform, os_version, rng.choice(_APP_VERSIONS), model, screen)


def plan_phone(s: Scenario, seed: int, candidate_no: str, horizon: float) -> PhonePlan:
    """The plan of one phone over ``horizon`` simulated seconds."""
    rng = stream(seed, candidate_no, "plan")
    device = make_device(rng, candidate_no, s)
    j = s.join
    roll = rng.random()
    join_at: float | None
    if roll < j.never_fraction:
        join_at = None
    elif roll < j.never_fraction + j.late_fraction:
        join_at = rng.uniform(j.window_minutes, max(j.window_minutes, j.late_until_minutes)) * 60
    else:
        # Most arrive early in the window: a triangular spread peaking near its start.
        join_at = rng.triangular(0, j.window_minutes * 60, j.window_minutes * 10)
    reenter: tuple[float, ...] = ()
    if rng.random() < j.reenter_fraction and j.reenter_max > 0:
        count = rng.randint(1, j.reenter_max)
        gaps = [rng.uniform(3, 20) for _ in range(count)]
        reenter = tuple(sum(gaps[: i + 1]) for i in range(count))
    outdated = rng.random() < j.outdated_app_fraction
    wrong_paper = rng.random() < j.wrong_paper_fraction
    if wrong_paper and not reenter:
        reenter = (5.0, 15.0, 30.0)  # the guide: enter the code again, several times
    pace = rng.lognormvariate(0, 0.3)

    lk = s.locks
    repeat = rng.random() < lk.repeat_offender_fraction
    start = join_at or 0.0
    locks = []
    for at in _poisson_times(rng, lk.per_hour, start + 30, horizon):
        reason = _weighted(rng, lk.reasons)
        offline_after = offline_for = None
        if rng.random() < lk.offline_after_lock_fraction:
            offline_after = rng.uniform(2, 8)
            offline_for = rng.uniform(lk.offline_minutes_min, lk.offline_minutes_max) * 60
        locks.append(PlannedLock(at, reason, offline_after, offline_for))

    b = s.battery
    battery = rng.uniform(b.start_min, b.start_max)
    charging = rng.random() < b.charging_fraction
    drain = rng.uniform(b.drain_per_hour_min, b.drain_per_hour_max)
    dying = rng.random() < b.dying_fraction and not charging
    swap = rng.random() < b.swap_fraction
    die_at: float | None = None
    if charging:
        drain = -b.charge_per_hour
    elif dying:
        die_at = start + rng.uniform(0.2, 0.8) * max(horizon - start, 60)
        drain = battery / (die_at / 3600)
    elif drain > 0 and battery / drain * 3600 < horizon:
        die_at = battery / drain * 3600
    swap_after = rng.uniform(120, 300) if die_at is not None and swap else None

    n = s.network
    network = _weighted(rng, n.mix)
    drops = []
    for at in _poisson_times(rng, n.drops_per_hour, start, horizon):
        drops.append((at, at + rng.uniform(n.drop_seconds_min, n.drop_seconds_max)))
    crashes = [
        (at, rng.uniform(s.crashes.restart_seconds_min, s.crashes.restart_seconds_max))
        for at in _poisson_times(rng, s.crashes.per_hour, start + 60, horizon)
    ]

    help_at = None
    help_reason = _weighted(rng, s.help.reasons)
    if rng.random() < s.help.fraction:
        help_at = rng.uniform(start + 60, max(start + 60, horizon * 0.8))
    if wrong_paper:
        help_at = start + (reenter[-1] if reenter else 0) + rng.uniform(10, 40)
        help_reason = "paper"

    sub = s.submit
    submit_at: float | None = rng.uniform(sub.start_minute * 60, sub.end_minute * 60)
    if rng.random() < sub.never_fraction:
        submit_at = None
    mode = "normal"
    if rng.random() < sub.spin_fraction:
        mode = "held" if rng.random() < sub.held_fraction else "unsent"
    spin = rng.uniform(sub.spin_seconds_min, sub.spin_seconds_max)
    submission_id = f"sub-{candidate_no}-{rng.getrandbits(64):016x}"
    return PhonePlan(
        candidate_no=candidate_no,
        device=device,
        join_at=join_at,
        reenter_after=reenter,
        outdated_app=outdated,
        wrong_paper=wrong_paper,
        pace=pace,
        already_answered_fraction=s.answering.already_answered_fraction,
        locks=tuple(locks),
        repeat_offender=repeat,
        battery_start=battery,
        drain_per_hour=drain,
        charging=charging,
        die_at=die_at,
        swap_after=swap_after,
        network=network,
        drops=tuple(drops),
        crashes=tuple(crashes),
        help_at=help_at,
        help_reason=help_reason,
        submit_at=submit_at,
        submit_mode=mode,
        spin_seconds=spin,
        submission_id=submission_id,
    )
