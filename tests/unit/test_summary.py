"""The lead's figures from rows and events, on a tiny exam whose counts are known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from proctor_console.domain.rows import CandidateRow, format_time
from proctor_console.domain.states import AttemptState
from proctor_console.domain.summary import compute_figures, percentile

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def ev(
    i: int, aid: str, kind: str, minutes: float, actor: str | None = None, **detail: object
) -> dict[str, object]:
    return {
        "id": str(i),
        "attempt_id": aid,
        "kind": kind,
        "actor": actor,
        "at": format_time(T0 + timedelta(minutes=minutes)),
        "detail": detail,
    }


def test_figures_of_a_small_exam() -> None:
    rows = [
        CandidateRow(
            "a",
            9,
            state=AttemptState.SUBMITTED,
            lock_count=1,
            received_at=T0 + timedelta(minutes=60),
            receipt_id="r1",
        ),
        CandidateRow(
            "b",
            9,
            state=AttemptState.AUTO_SUBMITTED,
            lock_count=5,
            submit_cause="lock_limit",
            received_at=T0 + timedelta(minutes=30),
        ),
        CandidateRow("c", 1, state=AttemptState.NOT_JOINED),
        CandidateRow(
            "d",
            9,
            state=AttemptState.SUBMITTED,
            received_at=T0 + timedelta(minutes=60, seconds=20),
            receipt_id="r2",
        ),
    ]
    events = [
        ev(1, "a", "locked", 10, reason="call"),
        ev(2, "a", "unlock_issued", 10.5, "li", mode="push"),
        ev(3, "a", "unlocked", 11, mode="push"),
        ev(10, "b", "locked", 20, reason="app_switch"),
        ev(11, "b", "unlock_issued", 20.5, "wang", mode="code"),
        ev(12, "b", "unlocked", 22, mode="code"),
        *[ev(13 + k, "b", "locked", 23 + k, reason="app_switch") for k in range(4)],
        ev(30, "d", "submit_pending", 59),
        ev(31, "d", "submitted", 60.3, receipt_id="r2"),
    ]
    f = compute_figures(rows, events)
    assert (f.rostered, f.joined, f.absent) == (4, 3, 1)
    assert f.submitted_normally == 2 and f.auto_submitted_lock_limit == 1
    assert f.locks_total == 6
    assert f.locks_histogram == {0: 1, 1: 1, 5: 1}  # joined candidates only
    assert f.locks_by_reason == {"app_switch": 5, "call": 1}
    assert f.lock_to_unlock.count == 2
    assert f.lock_to_unlock_by_proctor["li"].median_s == 60.0
    assert f.lock_to_unlock_by_proctor["wang"].median_s == 120.0
    assert f.unlocks_by_mode == {"push": 1, "code": 1}
    assert f.stuck_submissions == {"resubmitted": 1}
    assert f.submissions_per_minute == {"09:30": 1, "10:00": 2}


def test_percentile_nearest_rank() -> None:
    assert percentile([], 90) is None
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 90) == 9.0
    assert percentile([5.0], 50) == 5.0


def test_stuck_submissions_end_as_the_service_logged_them() -> None:
    rows = [
        CandidateRow("held", 3, state=AttemptState.SUBMITTED, receipt_id="r1",
                     received_at=T0 + timedelta(minutes=50)),
        CandidateRow("esc", 3, state=AttemptState.SUBMITTING),
        CandidateRow("spin", 3, state=AttemptState.SUBMITTING),
        CandidateRow("late", 3, state=AttemptState.AUTO_SUBMITTED, submit_cause="time",
                     receipt_id="r3", received_at=T0 + timedelta(minutes=90)),
    ]  # fmt: skip
    events = [
        ev(1, "held", "submitted", 50, receipt_id="r1"),
        ev(2, "held", "submit_pending", 50.2, receipt_id="r1"),
        ev(3, "esc", "submit_pending", 55, receipt_id=None),
        ev(4, "esc", "escalation_raised", 57, "li", escalation_id="e1", category="stuck_submission"),
        ev(5, "esc", "escalation_resolved", 61, "zhao", escalation_id="e1", resolution="ok"),
        ev(6, "spin", "submit_pending", 58, receipt_id=None),
        ev(7, "late", "submit_pending", 80, receipt_id=None),
        ev(8, "late", "auto_submitted", 90, cause="time", receipt_id="r3"),
    ]
    f = compute_figures(rows, events)
    assert f.stuck_submissions == {
        "server_held": 1, "escalated": 1, "auto_submitted": 1, "unresolved": 1,
    }  # fmt: skip
    assert f.escalations_by_category == {"stuck_submission": 1}
    assert f.escalation_resolve.median_s == 240.0
    assert f.auto_submitted_time == 1 and f.receipts == 2
    assert f.battery_low_candidates is None  # no rows in the events: unknown, not zero


def test_battery_and_network_incidents_from_logged_rows() -> None:
    def tele(i: int, seconds: float, battery: int, network: str) -> dict[str, object]:
        row = {"state": "answering", "battery_pct": battery, "charging": False, "network": network,
               "last_seen": format_time(T0 + timedelta(seconds=seconds))}  # fmt: skip
        return {"id": str(i), "attempt_id": "a", "kind": None, "at": row["last_seen"], "row": row}

    rows = [CandidateRow("a", 5, state=AttemptState.ANSWERING), CandidateRow("b", 1)]
    events = [tele(1, 0, 40, "wifi"), tele(2, 8, 19, "wifi"), tele(3, 70, 18, "3g"), tele(4, 78, 18, "wifi")]
    f = compute_figures(rows, events)
    assert (f.battery_low_candidates, f.weak_network_candidates, f.offline_incidents) == (1, 1, 1)
