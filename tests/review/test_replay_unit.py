"""domain.replay on a hand-made log: moments, going back, lock to lock (no service)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from proctor_console.domain.replay import Replay
from proctor_console.domain.rows import CandidateRow, format_time
from proctor_console.domain.states import AttemptState

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def entry(
    i: int, seconds: float, kind: str | None, aid: str, version: int, state: str, **row: object
) -> dict[str, object]:
    at = format_time(T0 + timedelta(seconds=seconds))
    data = {"attempt_id": aid, "version": version, "state": state, "seat": "1-1", **row}
    return {
        "id": str(i),
        "at": at,
        "kind": kind,
        "attempt_id": aid,
        "actor": None,
        "detail": {},
        "row": data,
    }


ROSTER = [
    CandidateRow(
        "a",
        9,
        candidate_no="1",
        name="王芳",
        seat="1-1",
        seat_row=1,
        seat_col=1,
        state=AttemptState.SUBMITTED,
    ),
    CandidateRow(
        "b",
        5,
        candidate_no="2",
        name="李娜",
        seat="1-2",
        seat_row=1,
        seat_col=2,
        state=AttemptState.ANSWERING,
    ),
]
LOG = [
    entry(1, 0, "joined", "a", 1, "joined"),
    entry(2, 5, "started", "a", 2, "answering"),
    entry(3, 6, "joined", "b", 1, "joined"),
    entry(4, 8, "started", "b", 2, "answering"),
    entry(
        5,
        60,
        "locked",
        "a",
        3,
        "locked",
        lock_count=1,
        locked_since=format_time(T0 + timedelta(seconds=60)),
    ),
    entry(6, 61, None, "b", 3, "answering", battery_pct=50),
    entry(7, 90, "unlocked", "a", 4, "answering", lock_count=1),
    entry(8, 120, "locked", "b", 4, "locked", lock_count=1),
    entry(9, 200, "unlocked", "b", 5, "answering", lock_count=1),
    entry(10, 300, "submitted", "a", 9, "submitted", receipt_id="R1"),
]


def states(replay: Replay, seconds: float) -> dict[str, AttemptState]:
    hall = replay.seek(T0 + timedelta(seconds=seconds))
    return {aid: row.state for aid, row in hall.rows.items()}


def test_the_hall_at_each_moment_forward_and_back() -> None:
    replay = Replay(ROSTER, LOG)
    assert states(replay, -1) == {"a": AttemptState.NOT_JOINED, "b": AttemptState.NOT_JOINED}
    assert replay.hall.rows["a"].name == "王芳"  # who and where are known before anything happened
    assert states(replay, 7) == {"a": AttemptState.ANSWERING, "b": AttemptState.JOINED}
    assert states(replay, 60) == {"a": AttemptState.LOCKED, "b": AttemptState.ANSWERING}
    assert replay.counts()[AttemptState.LOCKED] == 1
    assert [row.attempt_id for row, _ in replay.attention()] == ["a"]
    assert states(replay, 130) == {"a": AttemptState.ANSWERING, "b": AttemptState.LOCKED}
    assert states(replay, 400) == {"a": AttemptState.SUBMITTED, "b": AttemptState.ANSWERING}
    # back in time: rebuilt, not left at the later state
    assert states(replay, 65) == {"a": AttemptState.LOCKED, "b": AttemptState.ANSWERING}
    assert replay.hall.rows["b"].battery_pct == 50


def test_step_from_lock_to_lock() -> None:
    replay = Replay(ROSTER, LOG)
    first, second = T0 + timedelta(seconds=60), T0 + timedelta(seconds=120)
    assert replay.lock_moments() == [first, second]
    assert replay.next_lock(T0) == first
    assert replay.next_lock(first) == second
    assert replay.next_lock(second) is None
    assert replay.previous_lock(second) == first
    assert replay.previous_lock(first) is None
    assert (replay.first, replay.last) == (T0, T0 + timedelta(seconds=300))


def test_entries_without_rows_or_times_are_skipped() -> None:
    log: list[dict[str, object]] = [
        *LOG,
        {"id": "11", "at": None, "kind": "info", "attempt_id": "a"},
        {"id": "12", "at": format_time(T0), "kind": "escalation_raised", "attempt_id": "a"},
    ]
    replay = Replay(ROSTER, log)
    assert len(replay.log) == len(LOG)
