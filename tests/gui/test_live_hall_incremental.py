"""LiveHall keeps its counts, flags and attention list up to date as rows and time move,
recomputing only what changed: after every flush and tick they must read exactly what
computing everything afresh from the hall would give."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import timedelta

from proctor_console.domain.flags import Thresholds
from proctor_console.domain.states import AttemptState
from proctor_console.gui.live_hall import ConnectionView, LiveHall
from proctor_console.gui.models.attention import AttentionColumn, attention_entries

from .test_models import NOW, make_row

STATES = [AttemptState.ANSWERING] * 6 + [
    AttemptState.LOCKED,
    AttemptState.SUBMITTING,
    AttemptState.SUBMITTED,
    AttemptState.NOT_JOINED,
    AttemptState.AUTO_SUBMITTED,
]


def shown(live: LiveHall) -> list[tuple[str, ...]]:
    model = live.attention
    return [
        tuple(str(model.index(r, c).data()) for c in range(len(AttentionColumn)))
        for r in range(model.rowCount())
    ]


def check(live: LiveHall, now_at: object, resets: list[int], people: list[object]) -> None:
    """``resets``: modelReset count since the last check; ``people``: the list's (id, flag)s
    at the last check. The list resets (and drops its selection) only when those change."""
    hall = live.hall
    now = live.clock()
    fresh = {aid: hall.flags(aid, now) for aid in hall.rows}
    as_seen = {aid: [(h.flag, h.since, h.detail) for h in hits] for aid, hits in live.flags.items()}
    assert as_seen == {
        aid: [(h.flag, h.since, h.detail) for h in hits] for aid, hits in fresh.items()
    }, now_at
    assert live.state_counts == Counter(r.state for r in hall.rows.values()), now_at
    assert live.flag_counts == Counter(h.flag for hits in fresh.values() for h in hits), now_at
    expected = attention_entries(hall.rows, fresh)
    model = live.attention
    assert [model.entry(i)[0].attempt_id for i in range(model.rowCount())] == [
        r.attempt_id for r, _ in expected
    ], now_at
    now_people = [(r.attempt_id, h.flag) for r, h in expected]
    assert bool(resets[0]) == (now_people != people[0]), now_at
    resets[0] = 0
    people[0] = now_people
    reference = LiveHall(clock=live.clock)
    reference.attention.set_entries(expected, now, stale=live.connection.state != "live")
    assert shown(live) == shown(reference), now_at
    reference.deleteLater()


def test_counts_flags_and_attention_match_a_full_recompute(qapp) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(5)
    clock = [NOW]
    live = LiveHall(clock=lambda: clock[0])
    live._tick_timer.stop()  # the test drives the clock and the ticks
    rows = {
        f"a{i}": make_row(i, last_seen=NOW - timedelta(seconds=rng.randint(0, 60)))
        for i in range(60)
    }
    live.feed_rows([r.to_json() for r in rows.values()], reset=True)
    live.flush()
    live.set_connection(ConnectionView("live", NOW))
    live.set_session_times(NOW - timedelta(minutes=10), NOW + timedelta(minutes=40))
    resets = [0]
    people: list[object] = [None]
    live.attention.modelReset.connect(lambda: resets.__setitem__(0, resets[0] + 1))
    live.tick()
    check(live, "start", [1], people)
    for step in range(400):
        roll = rng.random()
        if roll < 0.55:
            batch = []
            for _ in range(rng.randint(1, 12)):
                aid = f"a{rng.randrange(70)}"  # now and then a new candidate
                old = rows.get(aid) or make_row(int(aid[1:]))
                state = rng.choice(STATES)
                new = replace(
                    old,
                    version=old.version + 1,
                    state=state,
                    battery_pct=max(1, min(100, (old.battery_pct or 50) + rng.choice([-7, -1, 1]))),
                    last_seen=clock[0] - timedelta(seconds=rng.choice([0, 0, 5, 40])),
                    locked_since=clock[0] if state is AttemptState.LOCKED else None,
                    lock_count=old.lock_count + (state is AttemptState.LOCKED),
                    submit_pending_since=clock[0] if state is AttemptState.SUBMITTING else None,
                    help_requested_since=clock[0] if rng.random() < 0.05 else None,
                )
                rows[aid] = new
                batch.append(new.to_json())
            live.feed_rows(batch)
            live.flush()
        elif roll < 0.9:
            clock[0] += timedelta(seconds=rng.choice([0.3, 1, 1, 2.5, 7, 31, 95]))
            live.tick()
        elif roll < 0.93:
            clock[0] -= timedelta(
                seconds=rng.choice([1, 20])
            )  # the server-corrected clock went back
            live.tick()
        elif roll < 0.96:
            live.set_thresholds(Thresholds(offline_after_s=rng.choice([20.0, 30.0, 45.0])))
        elif roll < 0.98:
            live.set_session_times(
                clock[0] - timedelta(minutes=10), clock[0] + timedelta(minutes=rng.choice([5, 40]))
            )
            live.tick()
        else:
            live.set_connection(ConnectionView(rng.choice(["live", "stale"]), clock[0]))
        check(live, (step, roll), resets, people)
    assert live.attention.rowCount() > 0
