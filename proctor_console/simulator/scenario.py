"""Scenarios: the rates that shape a simulated hall, read from TOML.

A scenario file has the sections below; every key is optional and takes the
default written here. An unknown section or key is an error that names it (a
typo must not silently fall back to a default). Times are simulated minutes
or seconds counted from the start of the simulation; rates are per candidate.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

LOCK_REASONS = ("app_switch", "call", "screenshot", "other")
NETWORKS = ("wifi", "5g", "4g", "3g", "2g")
HELP_REASONS = ("question", "device", "paper", "other")


class ScenarioError(ValueError):
    """A scenario that cannot be read; the message says what to fix."""


@dataclass(frozen=True)
class About:
    name: str = ""
    description: str = ""
    duration_minutes: float = 60.0  # how long the simulation runs unless --duration says


@dataclass(frozen=True)
class Join:
    window_minutes: float = 5.0  # most candidates join within this many minutes
    late_fraction: float = 0.05  # join after the window ...
    late_until_minutes: float = 20.0  # ... but before this
    never_fraction: float = 0.02  # never show up
    reenter_fraction: float = 0.08  # enter the code again right after joining
    reenter_max: int = 3  # at most this many extra entries
    outdated_app_fraction: float = 0.01  # app below 3.4.2: refused, updates, joins again
    update_minutes: float = 3.0  # time to update the app
    old_device_fraction: float = 0.01  # OS or screen below the minimums (warned, not refused)
    wrong_paper_fraction: float = 0.003  # the paper is not theirs: re-enters, then calls for help
    ios_fraction: float = 0.35


@dataclass(frozen=True)
class Answering:
    seconds_per_question: float = 50.0  # mean pace
    already_answered_fraction: float = 0.0  # answers given before the simulation starts


@dataclass(frozen=True)
class Locks:
    per_hour: float = 0.4  # Poisson rate while answering
    reasons: dict[str, float] = field(
        default_factory=lambda: {"app_switch": 0.6, "call": 0.25, "screenshot": 0.15}
    )
    repeat_offender_fraction: float = 0.005  # lock again soon after every unlock
    repeat_gap_seconds: float = 60.0  # mean time an offender stays unlocked
    offline_after_lock_fraction: float = 0.0  # the network drops right after the lock
    offline_minutes_min: float = 2.0
    offline_minutes_max: float = 6.0
    walk_seconds_min: float = 8.0  # a proctor walking to a phone to type a code
    walk_seconds_max: float = 40.0


@dataclass(frozen=True)
class Battery:
    start_min: float = 45.0
    start_max: float = 100.0
    drain_per_hour_min: float = 8.0
    drain_per_hour_max: float = 35.0
    charging_fraction: float = 0.08
    charge_per_hour: float = 30.0
    dying_fraction: float = 0.004  # drain fast and die (stop heartbeating) during the exam
    swap_fraction: float = 0.5  # of the dying: join again from another phone


@dataclass(frozen=True)
class Network:
    mix: dict[str, float] = field(default_factory=lambda: {"wifi": 0.6, "4g": 0.32, "3g": 0.08})
    drops_per_hour: float = 0.15
    drop_seconds_min: float = 10.0
    drop_seconds_max: float = 90.0


@dataclass(frozen=True)
class Crashes:
    per_hour: float = 0.02  # the app crashes; the candidate joins again
    restart_seconds_min: float = 20.0
    restart_seconds_max: float = 120.0


@dataclass(frozen=True)
class Help:
    fraction: float = 0.01  # press "call a proctor" once
    reasons: dict[str, float] = field(
        default_factory=lambda: {"question": 0.5, "device": 0.35, "other": 0.15}
    )


@dataclass(frozen=True)
class Submit:
    start_minute: float = 45.0  # candidates submit between these times
    end_minute: float = 58.0
    never_fraction: float = 0.01  # leave it to the time limit
    spin_fraction: float = 0.05  # the submission hangs ("转圈")
    held_fraction: float = 0.5  # of those: the server got it, the phone lost the answer
    spin_seconds_min: float = 40.0  # how long the phone spins before trying again
    spin_seconds_max: float = 150.0


@dataclass(frozen=True)
class Scenario:
    scenario: About = field(default_factory=About)
    join: Join = field(default_factory=Join)
    answering: Answering = field(default_factory=Answering)
    locks: Locks = field(default_factory=Locks)
    battery: Battery = field(default_factory=Battery)
    network: Network = field(default_factory=Network)
    crashes: Crashes = field(default_factory=Crashes)
    help: Help = field(default_factory=Help)
    submit: Submit = field(default_factory=Submit)

    @property
    def name(self) -> str:
        return self.scenario.name


#: Keys of these tables are checked against the allowed names.
_MIX_KEYS = {
    ("locks", "reasons"): LOCK_REASONS,
    ("network", "mix"): NETWORKS,
    ("help", "reasons"): HELP_REASONS,
}


def _section(section: str, cls: type, data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise ScenarioError(f"{where}: [{section}] must be a table")
    known = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ScenarioError(
                f"{where}: unknown key '{key}' in [{section}]; known keys: {', '.join(known)}"
            )
        default = getattr(cls(), key)
        values[key] = _value(section, key, value, default, where)
    return cls(**values)


def _value(section: str, key: str, value: Any, default: Any, where: str) -> Any:
    name = f"{section}.{key}"
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise ScenarioError(f"{where}: {name} must be a table of weights")
        allowed = _MIX_KEYS[(section, key)]
        out: dict[str, float] = {}
        for k, w in value.items():
            if k not in allowed:
                raise ScenarioError(
                    f"{where}: unknown key '{k}' in {name}; known keys: {', '.join(allowed)}"
                )
            if isinstance(w, bool) or not isinstance(w, int | float) or w < 0:
                raise ScenarioError(f"{where}: {name}.{k} must be a number >= 0")
            out[k] = float(w)
        if not out or sum(out.values()) <= 0:
            raise ScenarioError(f"{where}: {name} needs at least one weight above 0")
        return out
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ScenarioError(f"{where}: {name} must be a string")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(f"{where}: {name} must be a number, not {value!r}")
    if value < 0:
        raise ScenarioError(f"{where}: {name} must not be negative")
    if key.endswith("fraction") and value > 1:
        raise ScenarioError(f"{where}: {name} is a fraction between 0 and 1, not {value}")
    if isinstance(default, int):
        if int(value) != value:
            raise ScenarioError(f"{where}: {name} must be a whole number")
        return int(value)
    return float(value)


def parse_scenario(text: str, where: str = "scenario") -> Scenario:
    """Read a scenario from TOML text; ``where`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{where}: not valid TOML ({exc})") from None
    sections = {f.name: f for f in dataclasses.fields(Scenario)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in sections:
            raise ScenarioError(
                f"{where}: unknown section [{key}]; known sections: {', '.join(sections)}"
            )
        cls = type(getattr(Scenario(), key))
        values[key] = _section(key, cls, value, where)
    scenario = Scenario(**values)
    _check_ranges(scenario, where)
    return scenario


def _check_ranges(s: Scenario, where: str) -> None:
    pairs = [
        ("locks.offline_minutes", s.locks.offline_minutes_min, s.locks.offline_minutes_max),
        ("locks.walk_seconds", s.locks.walk_seconds_min, s.locks.walk_seconds_max),
        ("battery.start", s.battery.start_min, s.battery.start_max),
        ("battery.drain_per_hour", s.battery.drain_per_hour_min, s.battery.drain_per_hour_max),
        ("network.drop_seconds", s.network.drop_seconds_min, s.network.drop_seconds_max),
        ("crashes.restart_seconds", s.crashes.restart_seconds_min, s.crashes.restart_seconds_max),
        ("submit.spin_seconds", s.submit.spin_seconds_min, s.submit.spin_seconds_max),
        ("submit minutes", s.submit.start_minute, s.submit.end_minute),
    ]
    for name, low, high in pairs:
        if low > high:
            raise ScenarioError(
                f"{where}: {name}: the minimum ({low}) is above the maximum ({high})"
            )
    if s.battery.start_max > 100:
        raise ScenarioError(f"{where}: battery.start_max is a percentage, at most 100")
    if s.scenario.duration_minutes <= 0:
        raise ScenarioError(f"{where}: scenario.duration_minutes must be above 0")
    if s.answering.seconds_per_question <= 0:
        raise ScenarioError(f"{where}: answering.seconds_per_question must be above 0")


def builtin_names() -> list[str]:
    folder = resources.files(__package__) / "scenarios"
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_scenario(name_or_path: str) -> Scenario:
    """A named scenario shipped with the package (calm, rough, end-rush) or a TOML file."""
    if name_or_path in builtin_names():
        text = (resources.files(__package__) / "scenarios" / f"{name_or_path}.toml").read_text(
            encoding="utf-8"
        )
        scenario = parse_scenario(text, f"scenario {name_or_path}")
    else:
        path = Path(name_or_path)
        if not path.is_file():
            raise ScenarioError(
                f"no scenario named '{name_or_path}' and no such file; "
                f"named scenarios: {', '.join(builtin_names())}"
            )
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(f"cannot read scenario file {path}: {exc}") from None
        scenario = parse_scenario(text, str(path))
    if not scenario.scenario.name:
        scenario = dataclasses.replace(
            scenario,
            scenario=dataclasses.replace(scenario.scenario, name=Path(name_or_path).stem),
        )
    return scenario
