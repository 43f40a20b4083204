"""Benchmark: a hall of 5,000 candidates with 500 updates a second.

Run with ``pytest -m bench tests/gui/test_bench_hall.py -s``. It prints what a
frame's batch, the one-second flag tick and a re-sort cost; it asserts only
that the views end up right (timings vary with the machine: not a timed test).
"""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import timedelta

import pytest

from proctor_console.domain.states import AttemptState
from proctor_console.gui.live_hall import ConnectionView, LiveHall
from proctor_console.gui.models.candidates import Column
from proctor_console.gui.views.hall_monitor import HallMonitor

from .test_models import NOW, make_row

pytestmark = pytest.mark.bench

HALL = 5_000
UPDATES_PER_SECOND = 500
SECONDS = 5
FRAME_S = 0.075


def test_hall_of_5000_with_500_updates_a_second(qtbot) -> None:  # type: ignore[no-untyped-def]
    clock = [NOW]
    live = LiveHall(clock=lambda: clock[0])
    rows = {f"a{i}": make_row(i) for i in range(HALL)}
    started = time.perf_counter()
    live.feed_rows(list(rows.values()), reset=True)
    live.flush()
    live.set_connection(ConnectionView("live", NOW))
    monitor = HallMonitor(live)
    qtbot.addWidget(monitor)
    monitor.resize(1600, 1000)
    monitor.show()
    monitor.candidateTable.sortByColumn(Column.STATE, monitor.candidateTable.horizontalHeader().sortIndicatorOrder())
    load_s = time.perf_counter() - started

    rng = random.Random(1)
    per_frame = int(UPDATES_PER_SECOND * FRAME_S)
    flush_times: list[float] = []
    tick_times: list[float] = []
    frames = int(SECONDS / FRAME_S)
    for frame in range(frames):
        clock[0] = NOW + timedelta(seconds=frame * FRAME_S)
        batch = []
        for _ in range(per_frame):
            aid = f"a{rng.randrange(HALL)}"
            old = rows[aid]
            locked = rng.random() < 0.05
            new = replace(
                old,
                version=old.version + 1,
                battery_pct=max(1, (old.battery_pct or 80) - 1),
                last_seen=clock[0],
                state=AttemptState.LOCKED if locked else AttemptState.ANSWERING,
                locked_since=clock[0] if locked else None,
            )
            rows[aid] = new
            batch.append(new.to_json())
        live.feed_rows(batch)
        t0 = time.perf_counter()
        live.flush()
        qtbot.wait(0)  # let the views repaint what changed
        flush_times.append(time.perf_counter() - t0)
        if frame % int(1 / FRAME_S) == 0:
            t0 = time.perf_counter()
            live.tick()
            qtbot.wait(0)
            tick_times.append(time.perf_counter() - t0)

    locked = sum(1 for r in rows.values() if r.state is AttemptState.LOCKED)
    assert live.state_counts[AttemptState.LOCKED] == locked
    assert monitor.state_buttons[AttemptState.LOCKED].text().endswith(str(locked))
    flush_times.sort()
    tick_times.sort()
    print(
        f"\nhall {HALL}, {UPDATES_PER_SECOND}/s in batches of {per_frame}: load {load_s * 1000:.0f} ms; "
        f"batch median {flush_times[len(flush_times) // 2] * 1000:.1f} ms, "
        f"p95 {flush_times[int(len(flush_times) * 0.95)] * 1000:.1f} ms; "
        f"1 s tick (flags for all rows + re-sort) median {tick_times[len(tick_times) // 2] * 1000:.0f} ms, "
        f"max {tick_times[-1] * 1000:.0f} ms"
    )
