"""The flag rules of the domain, as plain unit tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from proctor_console.domain.flags import Flag, RowContext, Thresholds, compute_flags
from proctor_console.domain.hall import HallState
from proctor_console.domain.rows import CandidateRow, parse_row
from proctor_console.domain.states import AttemptState

NOW = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)


def row(**kw: object) -> CandidateRow:
    base: dict[str, object] = dict(
        attempt_id="a1",
        version=1,
        state=AttemptState.ANSWERING,
        last_seen=NOW,
        battery_pct=80,
        charging=False,
        network="wifi",
        app_version="3.5.0",
        platform="android",
        os_version="12",
        screen="2400x1080",
        device_count=1,
    )
    base.update(kw)
    return CandidateRow(**base)  # type: ignore[arg-type]


def flags(r: CandidateRow, **ctx: object) -> list[Flag]:
    return [h.flag for h in compute_flags(r, RowContext(now=NOW, **ctx))]  # type: ignore[arg-type]


def test_healthy_answering_row_has_no_flags() -> None:
    assert flags(row()) == []


def test_locked_shows_reason_and_count() -> None:
    hits = compute_flags(
        row(state=AttemptState.LOCKED, lock_count=2, last_lock_reason="call", locked_since=NOW),
        RowContext(now=NOW),
    )
    assert hits[0].flag is Flag.LOCKED
    assert hits[0].detail == "call 2/5"


def test_last_chance_at_max_locks_minus_one() -> None:
    assert Flag.LAST_CHANCE in flags(row(lock_count=4, max_locks=5))
    assert Flag.LAST_CHANCE not in flags(row(lock_count=3, max_locks=5))
    assert Flag.LAST_CHANCE in flags(row(lock_count=2, max_locks=3))


def test_offline_appears_with_time_alone() -> None:
    r = row(last_seen=NOW - timedelta(seconds=29))
    assert Flag.OFFLINE not in flags(r)
    later = compute_flags(r, RowContext(now=NOW + timedelta(seconds=2)))
    assert Flag.OFFLINE in [h.flag for h in later]


def test_offline_only_while_live() -> None:
    r = row(state=AttemptState.SUBMITTED, last_seen=NOW - timedelta(minutes=10))
    assert Flag.OFFLINE not in flags(r)


def test_stuck_submitting_says_whether_server_holds_paper() -> None:
    pending = NOW - timedelta(seconds=61)
    no_paper = compute_flags(
        row(state=AttemptState.SUBMITTING, submit_pending_since=pending), RowContext(now=NOW)
    )
    assert no_paper[0].flag is Flag.STUCK_SUBMITTING
    assert "no paper" in no_paper[0].detail
    held = compute_flags(
        row(
            state=AttemptState.SUBMITTED,
            submit_pending_since=pending,
            receipt_id="R1",
            received_at=NOW,
        ),
        RowContext(now=NOW),
    )
    assert held[0].flag is Flag.STUCK_SUBMITTING and "R1" in held[0].detail
    assert Flag.STUCK_SUBMITTING not in flags(
        row(state=AttemptState.SUBMITTING, submit_pending_since=NOW - timedelta(seconds=59))
    )


def test_battery_low_unless_charging() -> None:
    assert Flag.BATTERY_LOW in flags(row(battery_pct=19))
    assert Flag.BATTERY_LOW not in flags(row(battery_pct=19, charging=True))
    assert Flag.BATTERY_LOW not in flags(row(battery_pct=20))


def test_battery_wont_last_from_drain_rate() -> None:
    ends = NOW + timedelta(minutes=60)
    assert Flag.BATTERY_WONT_LAST in flags(
        row(battery_pct=50), session_ends_at=ends, battery_drain_per_min=1.0
    )
    assert Flag.BATTERY_WONT_LAST not in flags(
        row(battery_pct=50), session_ends_at=ends, battery_drain_per_min=0.5
    )


def test_weak_network_and_irregular_heartbeats() -> None:
    assert Flag.WEAK_NETWORK in flags(row(network="3g"))
    assert Flag.WEAK_NETWORK not in flags(row(network="4g"))
    assert Flag.WEAK_NETWORK in flags(row(network="4g"), heartbeat_gap_s=25.0)


def test_not_joined_five_minutes_after_start() -> None:
    r = row(state=AttemptState.NOT_JOINED, last_seen=None)
    assert Flag.NOT_JOINED in flags(r, session_starts_at=NOW - timedelta(minutes=6))
    assert Flag.NOT_JOINED not in flags(r, session_starts_at=NOW - timedelta(minutes=4))


def test_outdated_device_changed_escalated_help() -> None:
    assert Flag.OUTDATED_DEVICE in flags(row(app_version="3.4.1"))
    assert Flag.OUTDATED_DEVICE in flags(row(platform="ios", os_version="8.4"))
    assert Flag.OUTDATED_DEVICE in flags(row(screen="960x540"))
    assert Flag.OUTDATED_DEVICE not in flags(row(platform="android", os_version="5.6"))
    assert Flag.DEVICE_CHANGED in flags(row(device_count=2))
    assert Flag.ESCALATED in flags(row(open_escalations=1))
    assert flags(row(help_requested_since=NOW))[0] is Flag.HELP_REQUESTED


def test_custom_thresholds() -> None:
    t = Thresholds(battery_low_pct=50)
    assert Flag.BATTERY_LOW in [
        h.flag for h in compute_flags(row(battery_pct=40), RowContext(now=NOW), t)
    ]


def test_hall_ignores_older_versions_and_orders_attention() -> None:
    hall = HallState()
    assert hall.apply(
        row(
            attempt_id="a",
            version=2,
            state=AttemptState.LOCKED,
            locked_since=NOW - timedelta(minutes=1),
        )
    )
    assert not hall.apply(row(attempt_id="a", version=1))
    assert hall.rows["a"].state is AttemptState.LOCKED
    hall.apply(
        row(
            attempt_id="b",
            version=1,
            state=AttemptState.LOCKED,
            locked_since=NOW - timedelta(minutes=3),
        )
    )
    hall.apply(row(attempt_id="c", version=1, battery_pct=5))
    order = [r.attempt_id for r, _ in hall.attention(NOW)]
    assert order == ["b", "a", "c"]


def test_hall_measures_battery_drain() -> None:
    hall = HallState()
    for i in range(6):
        hall.apply(
            row(version=i + 1, last_seen=NOW + timedelta(seconds=30 * i), battery_pct=60 - i)
        )
    rate = hall.context("a1", NOW).battery_drain_per_min
    assert rate is not None and abs(rate - 2.0) < 0.01


def test_parse_row_keeps_what_it_can() -> None:
    parsed = parse_row(
        {
            "attempt_id": "x",
            "version": 3,
            "battery_pct": 900,
            "state": "locked",
            "lock_count": "two",
            "surprise": 1,
            "name": "张三",
        }
    )
    assert parsed.row.state is AttemptState.LOCKED
    assert parsed.row.battery_pct is None
    assert parsed.row.name == "张三"
    assert any("battery" in p for p in parsed.problems)
    assert any("lock_count" in p for p in parsed.problems)


def test_row_round_trip() -> None:
    r = row(locked_since=NOW, state=AttemptState.LOCKED)
    back = parse_row(r.to_json())
    assert back.problems == []
    assert back.row == r
