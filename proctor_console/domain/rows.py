"""The candidate row: what snapshots and events carry for one attempt.

The service builds rows with :meth:`CandidateRow.to_json`; the console reads
them with :func:`parse_row`, which accepts what it can of a damaged row and
says what it dropped, so one bad field never hides a whole candidate.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from .states import AttemptState

ROW_FIELDS = (
    "attempt_id", "session_id", "candidate_no", "name", "hall_id", "seat", "seat_row",
    "seat_col", "state", "lock_count", "max_locks", "last_lock_reason", "locked_since",
    "battery_pct", "charging", "network", "last_seen", "app_version", "platform",
    "os_version", "screen", "answered", "total_questions", "resumes", "device_count",
    "submit_pending_since", "receipt_id", "received_at", "open_escalations",
    "help_requested_since", "version",
)  # fmt: skip
"""The fields of api.md, in its order. Extra fields below are our additions."""


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 (with Z or an offset) -> aware UTC datetime; None when absent or bad."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_time(value: datetime | None) -> str | None:
    """Aware datetime -> '2026-11-30T12:00:00.123Z' (UTC, with Z)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    text = value.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


@dataclass
class CandidateRow:
    attempt_id: str
    version: int = 0
    session_id: str = ""
    candidate_no: str = ""
    name: str = ""
    hall_id: str = ""
    seat: str = ""
    seat_row: int | None = None
    seat_col: int | None = None
    state: AttemptState = AttemptState.NOT_JOINED
    lock_count: int = 0
    max_locks: int = 5
    last_lock_reason: str | None = None
    locked_since: datetime | None = None
    battery_pct: int | None = None
    charging: bool | None = None
    network: str | None = None
    last_seen: datetime | None = None
    app_version: str | None = None
    platform: str | None = None
    os_version: str | None = None
    screen: str | None = None
    answered: int = 0
    total_questions: int = 0
    resumes: int = 0
    device_count: int = 0
    submit_pending_since: datetime | None = None
    receipt_id: str | None = None
    received_at: datetime | None = None
    open_escalations: int = 0
    help_requested_since: datetime | None = None
    # Our additions to api.md's row (allowed: "add to it, never break it").
    help_reason: str | None = None
    deadline: datetime | None = None  # the attempt's end, with any extension
    submit_cause: str | None = None  # lock_limit | time | proctor, when auto-submitted
    info_required: bool = False
    last_unlock_mode: str | None = None  # push | code | offline

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in _FIELD_NAMES:
            value = getattr(self, name)
            if isinstance(value, datetime):
                value = format_time(value)
            elif isinstance(value, AttemptState):
                value = value.value
            out[name] = value
        return out

    @property
    def is_locked(self) -> bool:
        return self.state is AttemptState.LOCKED


_FIELD_NAMES = tuple(f.name for f in fields(CandidateRow))
_TIME_FIELDS = {f.name for f in fields(CandidateRow) if "datetime" in str(f.type)}
_INT_FIELDS = {
    "version", "seat_row", "seat_col", "lock_count", "max_locks", "battery_pct", "answered",
    "total_questions", "resumes", "device_count", "open_escalations",
}  # fmt: skip
_BOOL_FIELDS = {"charging", "info_required"}
_STR_FIELDS = (
    {f.name for f in fields(CandidateRow)} - _TIME_FIELDS - _INT_FIELDS - _BOOL_FIELDS - {"state"}
)


class RowError(ValueError):
    """The data cannot be a candidate row at all (no attempt_id or version)."""


@dataclass
class ParsedRow:
    row: CandidateRow
    problems: list[str] = field(default_factory=list)


#: The most rows or columns a hall can have (the service refuses larger halls).
MAX_HALL_SIDE = 200

# parse_row's fast path: a row whose fields all have their exact JSON type. A feed sends
# rows of few shapes (the same keys, each a value or null), so each shape (keys and the
# types of the values) is checked once and remembered with what to do for it.
_KINDS: dict[str, type] = {
    **{name: str for name in _TIME_FIELDS | _STR_FIELDS | {"state"}},
    **{name: int for name in _INT_FIELDS},
    **{name: bool for name in _BOOL_FIELDS},
}
_STATE_BY_VALUE = {state.value: state for state in AttemptState}
_DEFAULTS = {f.name: f.default for f in fields(CandidateRow)}


@dataclass(frozen=True)
class _Shape:
    """What to do with a well-formed row of one shape, after taking its values."""

    #: null fields: their defaults
    reset: tuple[tuple[str, Any], ...]
    times: tuple[str, ...]
    has_state: bool


#: shape (keys, then the types of the values) -> its plan, or None: not well-formed
_SHAPES: dict[tuple[Any, ...], _Shape | None] = {}
_SHAPES_MAX = 256
#: Timestamps as sent -> parsed. A stream repeats them (each row's unchanged times, one
#: "now" per batch); datetimes are immutable, so rows can share them. Bounded by clearing.
_TIME_CACHE: dict[str, datetime] = {}
_TIME_CACHE_MAX = 4096


def _shape_plan(shape: tuple[Any, ...]) -> _Shape | None:
    half = len(shape) // 2
    reset: list[tuple[str, Any]] = []
    times: list[str] = []
    has_state = False
    for name, kind_of_value in zip(shape[:half], shape[half:], strict=True):
        expected = _KINDS.get(name)
        if expected is None:
            continue  # a field this console does not know: ignored
        if kind_of_value is type(None):
            if name in ("attempt_id", "version"):
                return None
            reset.append((name, _DEFAULTS[name]))
        elif kind_of_value is not expected:
            return None
        elif name in _TIME_FIELDS:
            times.append(name)
        elif name == "state":
            has_state = True
    return _Shape(tuple(reset), tuple(times), has_state)


def _parse_well_formed(data: dict[str, Any], attempt_id: str) -> CandidateRow | None:
    """The row when every field has its exact type and a sane value; None sends the
    data to the careful path, which names each problem (same result when there is none)."""
    shape = (*data, *map(type, data.values()))
    try:
        plan = _SHAPES[shape]
    except KeyError:
        plan = _shape_plan(shape)
        if len(_SHAPES) >= _SHAPES_MAX:
            _SHAPES.clear()
        _SHAPES[shape] = plan
    if plan is None:
        return None
    attrs = {**_DEFAULTS, **data}
    attrs["attempt_id"] = attempt_id
    for name, default in plan.reset:
        attrs[name] = default
    for name in plan.times:
        text = attrs[name]
        parsed = _TIME_CACHE.get(text)
        if parsed is None:
            parsed = parse_time(text)
            if parsed is None:
                return None
            if len(_TIME_CACHE) >= _TIME_CACHE_MAX:
                _TIME_CACHE.clear()
            _TIME_CACHE[text] = parsed
        attrs[name] = parsed
    if plan.has_state:
        state = _STATE_BY_VALUE.get(attrs["state"])
        if state is None:
            return None
        attrs["state"] = state
    battery, seat_row, seat_col = attrs["battery_pct"], attrs["seat_row"], attrs["seat_col"]
    if (
        (battery is not None and not 0 <= battery <= 100)
        or attrs["max_locks"] < 1
        or (seat_row is not None and not 1 <= seat_row <= MAX_HALL_SIDE)
        or (seat_col is not None and not 1 <= seat_col <= MAX_HALL_SIDE)
        or attrs["lock_count"] < 0
        or attrs["answered"] < 0
        or attrs["resumes"] < 0
        or attrs["device_count"] < 0
        or attrs["open_escalations"] < 0
    ):
        return None
    # Positional, in field order: the plain dataclass __init__, no per-name keyword matching.
    return CandidateRow(*map(attrs.__getitem__, _FIELD_NAMES))


def parse_row(data: Any) -> ParsedRow:
    """Read a row from JSON data, keeping every field that makes sense.

    Unknown fields are ignored; a field of the wrong type, or an absurd value
    (battery 900 %), is dropped to its default and named in ``problems``.
    """
    if not isinstance(data, dict):
        raise RowError("a candidate row must be a JSON object")
    attempt_id = data.get("attempt_id")
    if not isinstance(attempt_id, (str, int)) or isinstance(attempt_id, bool) or attempt_id == "":
        raise RowError("a candidate row needs an attempt_id")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise RowError(f"row {attempt_id}: version must be an integer")
    fast = _parse_well_formed(data, str(attempt_id))
    if fast is not None:
        return ParsedRow(fast, [])
    return _parse_carefully(data, str(attempt_id), version)


def _parse_carefully(data: dict[str, Any], attempt_id: str, version: int) -> ParsedRow:
    """Field by field, keeping what makes sense and naming what does not."""
    row = CandidateRow(attempt_id=attempt_id, version=version)
    problems: list[str] = []
    for name, value in data.items():
        if name in ("attempt_id", "version") or value is None:
            continue
        if name == "state":
            try:
                row.state = AttemptState(value)
            except ValueError:
                problems.append(f"unknown state {value!r}")
        elif name in _TIME_FIELDS:
            parsed = parse_time(value)
            if parsed is None:
                problems.append(f"{name} is not a time")
            else:
                setattr(row, name, parsed)
        elif name in _INT_FIELDS:
            if isinstance(value, bool) or not isinstance(value, int):
                problems.append(f"{name} is not an integer")
            else:
                setattr(row, name, value)
        elif name in _BOOL_FIELDS:
            if not isinstance(value, bool):
                problems.append(f"{name} is not true/false")
            else:
                setattr(row, name, value)
        elif name in _STR_FIELDS:
            if isinstance(value, (dict, list)):
                problems.append(f"{name} is not text")
            else:
                setattr(row, name, str(value))
    if row.battery_pct is not None and not 0 <= row.battery_pct <= 100:
        problems.append(f"battery {row.battery_pct} % is impossible")
        row.battery_pct = None
    for name in ("lock_count", "answered", "resumes", "device_count", "open_escalations"):
        if getattr(row, name) < 0:
            problems.append(f"{name} is negative")
            setattr(row, name, 0)
    if row.max_locks < 1:
        problems.append("max_locks is below 1")
        row.max_locks = 5
    for name in ("seat_row", "seat_col"):
        value = getattr(row, name)
        if value is not None and not 1 <= value <= MAX_HALL_SIDE:
            # No hall has this seat; drawn as it is, it would squash the seat map.
            problems.append(f"{name} {value} is outside any hall")
            setattr(row, name, None)
    return ParsedRow(row, problems)
