"""The lead's figures of a simulated exam agree with what the simulator saw acknowledged."""

from __future__ import annotations

from collections import Counter

import pytest

from proctor_console.domain.states import AttemptState

from .conftest import PER_HALL, SimulatedExam

pytestmark = pytest.mark.slow


def test_every_figure_matches_the_simulators_record(simulated_exam: SimulatedExam) -> None:
    record, review = simulated_exam.record, simulated_exam.review
    f = review.figures()
    assert f.rostered == 2 * PER_HALL + 2  # two filled halls and the "other" hall's two
    assert f.joined == record["counts"]["joined"]
    assert f.absent == f.rostered - record["counts"]["joined"]

    # Locks: every acknowledged lock, by reason, and per candidate.
    assert f.locks_total == len(record["locks"]) > 0
    assert f.locks_by_reason == dict(Counter(lk["reason"] for lk in record["locks"]))
    per_candidate = Counter(lk["attempt_id"] for lk in record["locks"])
    joined = {j["attempt_id"] for j in record["joins"]}
    expected_hist = Counter(per_candidate.get(aid, 0) for aid in joined)
    assert f.locks_histogram == dict(sorted(expected_hist.items()))

    # Unlocks the phones confirmed, by mode, and whose they were.
    assert f.unlocks_total == len(record["unlocks"]) > 0
    assert f.unlocks_by_mode == dict(Counter(u["mode"] for u in record["unlocks"]))
    exam = simulated_exam.exam
    assert set(f.lock_to_unlock_by_proctor) <= {exam.proctor.username, exam.support.username}
    assert sum(s.count for s in f.lock_to_unlock_by_proctor.values()) == f.lock_to_unlock.count
    assert f.lock_to_unlock.count == f.unlocks_total
    assert f.lock_to_unlock.median_s is not None and f.lock_to_unlock.p90_s is not None
    assert f.lock_to_unlock.median_s <= f.lock_to_unlock.p90_s

    # Auto-submissions by cause: the lock limit, as the phones were told.
    limited = {a["attempt_id"] for a in record["auto_submitted"] if a["cause"] == "lock_limit"}
    assert limited, "the seed must produce at least one repeat offender"
    assert f.auto_submitted_lock_limit == len(limited)
    timed = {a["attempt_id"] for a in record["auto_submitted"] if a["cause"] == "time"}
    assert f.auto_submitted_time == len(timed)

    # Receipts: every receipt a phone holds is one the figures count, none more.
    phone_receipts = {s["receipt_id"] for s in record["submissions"]}
    row_receipts = {r.receipt_id for r in review.rows if r.receipt_id}
    assert phone_receipts <= row_receipts
    assert f.receipts == len(row_receipts)
    normal = {s["attempt_id"] for s in record["submissions"]} - limited - timed
    assert f.submitted_normally == len(normal) > 0
    assert sum(f.submissions_per_minute.values()) == f.receipts

    # Stuck submissions: phones that lost the answer to their submit spun while the server held it.
    lost = {s["attempt_id"] for s in record["lost_submit_answers"]}
    assert f.stuck_submissions.get("server_held", 0) >= len(lost)

    # The escalation raised and resolved after the exam.
    assert f.escalations_by_category == {"device_failure": 1}
    assert f.escalation_resolve.count == 1
    # Telemetry came with the log, so incidents are known (not None).
    assert f.battery_low_candidates is not None and f.offline_incidents is not None


def test_halls_add_up_to_the_session(simulated_exam: SimulatedExam) -> None:
    review = simulated_exam.review
    whole = review.figures()
    halls = review.figures_by_hall()
    assert set(halls) == set(simulated_exam.exam.hall_ids)
    for name in ("rostered", "joined", "locks_total", "unlocks_total", "receipts",
                 "auto_submitted_lock_limit", "submitted_normally"):  # fmt: skip
        assert sum(getattr(h, name) for h in halls.values()) == getattr(whole, name), name
    other = halls[simulated_exam.exam.other_hall_id]
    assert (other.rostered, other.joined) == (2, 0)
    assert {r.state for r in review.rows if r.hall_id == simulated_exam.exam.other_hall_id} == {
        AttemptState.NOT_JOINED
    }


def test_the_services_summary_tells_the_same_numbers(simulated_exam: SimulatedExam) -> None:
    """The service's own summary endpoint and the console's figures agree."""
    f = simulated_exam.review.figures()
    s = simulated_exam.service_summary
    assert s["candidates"] == f.rostered and s["joined"] == f.joined
    assert s["submitted"] == f.submitted_normally
    assert s["auto_submitted_by_cause"]["lock_limit"] == f.auto_submitted_lock_limit
    assert s["auto_submitted_by_cause"]["time"] == f.auto_submitted_time
    assert s["locks"]["total"] == f.locks_total
    assert s["locks"]["by_reason"] == f.locks_by_reason
    assert s["unlocks"]["total"] == f.unlocks_total
    assert s["stuck_submissions"] == f.stuck_total
    assert s["escalations"]["by_category"] == f.escalations_by_category
