"""The record's check against the service's rows, and its fingerprint."""

from __future__ import annotations

from proctor_console.simulator.record import Record, record_mismatches


def _row(aid: str, **fields: object) -> dict[str, object]:
    return {"attempt_id": aid, "state": "answering", "lock_count": 0, "receipt_id": None, **fields}


def test_a_record_that_agrees_with_the_service() -> None:
    record = {
        "submissions": [{"candidate_no": "1", "attempt_id": "a", "receipt_id": "R1"}],
        "locks": [
            {"candidate_no": "2", "attempt_id": "b", "lock_count": 1},
            {"candidate_no": "2", "attempt_id": "b", "lock_count": 2},
        ],
        "auto_submitted": [{"candidate_no": "3", "attempt_id": "c", "cause": "lock_limit"}],
    }
    rows = [
        _row("a", state="submitted", receipt_id="R1"),
        _row("b", state="locked", lock_count=2),
        _row("c", state="auto_submitted", lock_count=5),
    ]
    assert record_mismatches(record, rows) == []


def test_each_disagreement_is_named() -> None:
    record = {
        "submissions": [
            {"candidate_no": "1", "attempt_id": "a", "receipt_id": "R1"},
            {"candidate_no": "9", "attempt_id": "z", "receipt_id": "R9"},
        ],
        "locks": [{"candidate_no": "2", "attempt_id": "b", "lock_count": 3}],
        "auto_submitted": [{"candidate_no": "3", "attempt_id": "c", "cause": "lock_limit"}],
    }
    rows = [
        _row("a", state="submitting", receipt_id="R2"),
        _row("b", state="locked", lock_count=2),
        _row("c", state="answering"),
    ]
    problems = record_mismatches(record, rows)
    assert "1: receipt R1 but the service holds R2" in problems
    assert "1: has a receipt, service says submitting" in problems
    assert "9: attempt z not in the service" in problems
    assert "2: 1 locks acknowledged (up to count 3) but the service counts 2" in problems
    assert "3: auto-submitted (lock_limit) but the service says answering" in problems
    assert len(problems) == 5


def test_the_fingerprint_follows_actions_and_their_times() -> None:
    def record(*actions: tuple[str, float, str]) -> str:
        r = Record()
        for no, t, what in actions:
            r.action(no, t, what)
        return r.fingerprint()

    base = record(("1", 1.0, "/device/join"), ("2", 2.0, "/device/join"))
    # Phones may interleave differently in wall time; each phone's own sequence is what counts.
    assert record(("2", 2.0, "/device/join"), ("1", 1.0, "/device/join")) == base
    assert record(("1", 1.5, "/device/join"), ("2", 2.0, "/device/join")) != base
    assert record(("1", 1.0, "/device/join"), ("2", 2.0, "/device/start")) != base
