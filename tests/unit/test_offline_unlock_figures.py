"""Offline unlocks in the lead's figures: counted as such, and timed from the
phone's own unlock moment rather than from the late report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from proctor_console.domain.rows import CandidateRow, format_time
from proctor_console.domain.states import AttemptState
from proctor_console.domain.summary import compute_figures

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def at(minutes: float) -> str:
    return format_time(T0 + timedelta(minutes=minutes))


def test_offline_unlock_counts_and_waits_from_the_phone_s_unlock_time() -> None:
    rows = [CandidateRow("a", 5, state=AttemptState.ANSWERING, lock_count=1)]
    events = [
        {"id": "1", "attempt_id": "a", "kind": "locked", "actor": None, "at": at(10), "detail": {"reason": "call", "lock_count": 1}},
        {"id": "2", "attempt_id": "a", "kind": "unlock_issued", "actor": "wang", "at": at(11), "detail": {"mode": "offline", "lock_count": 1}},
        # The phone opened at 10:12 with no network and reported it at 10:20.
        {"id": "3", "attempt_id": "a", "kind": "unlocked", "actor": None, "at": at(20), "detail": {"mode": "offline", "lock_count": 1, "unlocked_at": at(12)}},
    ]
    f = compute_figures(rows, events)
    assert f.unlocks_by_mode == {"offline": 1}
    assert f.unlocks_total == 1
    assert f.lock_to_unlock.median_s == 120
    assert f.lock_to_unlock_by_proctor["wang"].median_s == 120
