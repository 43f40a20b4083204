"""parse_row reads a well-formed row on a fast path: whatever the data, the row and the
problems it reports are the same as reading it field by field."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from proctor_console.domain.rows import CandidateRow, _parse_carefully, parse_row
from proctor_console.domain.states import AttemptState

NOW = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)

ODD_VALUES: list[Any] = [
    None, "", "x", "2026-11-30T09:30:00Z", "2026-11-30T09:30:00", "yesterday", 0, -1, 1, 5, 101,
    900, 250, True, False, 3.5, [1], {"a": 1}, "locked", "dancing", "answering",
]  # fmt: skip


def full_row(i: int) -> dict[str, Any]:
    return CandidateRow(
        attempt_id=f"a{i}", version=3, session_id="s1", candidate_no=f"2026{i:04d}", name=f"考生{i}",
        hall_id="h1", seat="2-3", seat_row=2, seat_col=3, state=AttemptState.LOCKED, lock_count=2,
        last_lock_reason="call", locked_since=NOW, battery_pct=40, charging=False, network="4g",
        last_seen=NOW + timedelta(seconds=i), app_version="3.4.2", platform="android", os_version="12",
        screen="1920x1080", answered=7, total_questions=100, resumes=1, device_count=1,
        submit_pending_since=NOW, receipt_id="r1", received_at=NOW, open_escalations=1,
        help_requested_since=NOW, help_reason="device", deadline=NOW + timedelta(hours=1),
        submit_cause="time", info_required=True, last_unlock_mode="code",
    ).to_json()  # fmt: skip


def both_ways(data: dict[str, Any]) -> None:
    fast = parse_row(data)
    careful = _parse_carefully(data, str(data["attempt_id"]), data["version"])
    assert fast.row == careful.row, data
    assert vars(fast.row) == vars(careful.row), data
    assert fast.problems == careful.problems, data


def test_well_formed_rows_read_the_same_with_no_problems() -> None:
    for i in range(50):
        data = full_row(i)
        both_ways(data)
        parsed = parse_row(data)
        assert parsed.problems == []
        assert parsed.row.to_json() == data
    # The fewest fields, and nulls everywhere they may be.
    sparse = {
        "attempt_id": "s",
        "version": 1,
        **{k: None for k in full_row(0) if k not in ("attempt_id", "version")},
    }
    both_ways(sparse)
    assert parse_row(sparse).row == CandidateRow(attempt_id="s", version=1)
    both_ways({"attempt_id": 7, "version": 1, "state": "ready"})
    assert parse_row({"attempt_id": 7, "version": 1}).row.attempt_id == "7"


def test_damaged_rows_read_the_same_and_name_the_same_problems() -> None:
    rng = random.Random(10)
    names = [k for k in full_row(0) if k not in ("attempt_id", "version")]
    for i in range(3000):
        data = full_row(i % 40)
        for name in rng.sample(names, rng.randint(1, 4)):
            data[name] = rng.choice(ODD_VALUES)
        if rng.random() < 0.2:
            data[f"future_{rng.randint(0, 3)}"] = rng.choice(ODD_VALUES)
        if rng.random() < 0.2:
            del data[rng.choice(names)]
        if rng.random() < 0.2:
            items = list(data.items())
            rng.shuffle(items)
            data = dict(items)
        both_ways(data)


def test_an_absurd_value_is_still_reported_after_a_good_row_of_the_same_shape() -> None:
    good = full_row(1)
    assert parse_row(good).problems == []
    bad = {**good, "battery_pct": 900, "seat_row": 0, "lock_count": -2, "max_locks": 0}
    parsed = parse_row(bad)
    assert parsed.row.battery_pct is None and parsed.row.seat_row is None
    assert parsed.row.lock_count == 0 and parsed.row.max_locks == 5
    assert len(parsed.problems) == 4
    late = {**good, "last_seen": "not a time"}
    assert parse_row(late).problems == ["last_seen is not a time"]
    assert parse_row(late).row.last_seen is None
