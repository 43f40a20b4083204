"""flags_change_at says until when a row's flags hold as the clock moves: the console
recomputes a row's flags only then (and when the row changes), so no flag may change
before that moment, and OFFLINE's seconds keep counting."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from proctor_console.domain.flags import (
    Flag,
    FlagHit,
    RowContext,
    Thresholds,
    compute_flags,
    flags_change_at,
)
from proctor_console.domain.rows import CandidateRow
from proctor_console.domain.states import AttemptState

NOW = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)


def shown(hits: list[FlagHit]) -> list[tuple[Flag, datetime | None, str]]:
    return [(h.flag, h.since, h.detail) for h in hits]


def random_case(rng: random.Random) -> tuple[CandidateRow, RowContext, Thresholds]:
    def moment() -> datetime | None:
        if rng.random() < 0.3:
            return None
        return NOW + timedelta(seconds=rng.uniform(-900, 900))

    row = CandidateRow(
        attempt_id="a1",
        state=rng.choice(list(AttemptState)),
        last_seen=moment(),
        battery_pct=rng.choice([None, 3, 15, 30, 80]),
        charging=rng.choice([None, False, False, True]),
        network=rng.choice([None, "wifi", "3g"]),
        submit_pending_since=moment(),
        receipt_id=rng.choice([None, "r1"]),
        deadline=moment(),
        lock_count=rng.randint(0, 5),
        help_requested_since=moment(),
        app_version=rng.choice([None, "3.4.2", "3.0"]),
        device_count=rng.randint(0, 2),
    )
    ctx = RowContext(
        now=NOW + timedelta(microseconds=rng.randint(0, 999_999)),
        session_starts_at=moment(),
        session_ends_at=moment(),
        battery_drain_per_min=rng.choice([None, -1.0, 0.0, 0.3, 1.7, 25.0]),
        heartbeat_gap_s=rng.choice([None, 5.0, 40.0]),
    )
    thresholds = Thresholds(offline_after_s=rng.choice([10.0, 30.0, 30.5]))
    return row, ctx, thresholds


def test_no_flag_changes_before_the_moment_it_names() -> None:
    rng = random.Random(3)
    checked = 0
    for _ in range(3000):
        row, ctx, thresholds = random_case(rng)
        first = shown(compute_flags(row, ctx, thresholds))
        until = flags_change_at(row, ctx, thresholds)
        horizon = until if until is not None else ctx.now + timedelta(hours=3)
        span = (horizon - ctx.now).total_seconds()
        assert span >= 0, (row, ctx)
        for k in range(12):
            later = ctx.now + timedelta(seconds=span * k / 12)
            if later >= horizon:
                continue
            again = shown(compute_flags(row, RowContext(**{**vars(ctx), "now": later}), thresholds))
            assert again == first, (row, ctx, later, until)
            checked += 1
    assert checked > 10_000


def test_an_offline_phone_is_rechecked_every_second_and_a_quiet_one_when_it_goes_offline() -> None:
    row = CandidateRow(attempt_id="a1", state=AttemptState.ANSWERING, last_seen=NOW)
    quiet = flags_change_at(row, RowContext(now=NOW + timedelta(seconds=5)))
    assert quiet == NOW + timedelta(seconds=30)
    gone = RowContext(now=NOW + timedelta(seconds=45.2))
    assert [h.detail for h in compute_flags(row, gone)] == ["45 s"]
    assert flags_change_at(row, gone) == NOW + timedelta(seconds=46)
    done = CandidateRow(attempt_id="a2", state=AttemptState.SUBMITTED, last_seen=NOW)
    assert flags_change_at(done, gone) is None
