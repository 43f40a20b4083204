"""Bad data into the console: the hall monitor (LiveHall glue, table, attention list, seat map)
shown offscreen and fed what a broken or hostile service could send. It shows what it can,
logs what it cannot, and neither crashes nor freezes."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from proctor_console.domain.rows import CandidateRow, format_time
from proctor_console.domain.states import AttemptState
from proctor_console.gui.live_hall import ConnectionView, LiveHall
from proctor_console.gui.views.hall_monitor import HallMonitor

NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)


def good_row(i: int, version: int = 1, **changes: Any) -> dict[str, Any]:
    row = CandidateRow(
        attempt_id=f"a{i}",
        version=version,
        session_id="s1",
        hall_id="h1",
        candidate_no=f"2026{i:04d}",
        name=f"考生{i}",
        seat=f"{i // 4 + 1}-{i % 4 + 1}",
        seat_row=i // 4 + 1,
        seat_col=i % 4 + 1,
        state=AttemptState.ANSWERING,
        last_seen=NOW - timedelta(seconds=2),
        battery_pct=70,
        charging=False,
        network="wifi",
        total_questions=100,
        answered=5,
    ).to_json()
    row.update(changes)
    return row


def row(live: LiveHall, attempt_id: str) -> CandidateRow:
    found = live.table.row_by_id(attempt_id)
    assert found is not None, f"{attempt_id} is not in the table"
    return found


def shown_monitor(qtbot: Any) -> tuple[LiveHall, HallMonitor]:
    live = LiveHall(clock=lambda: NOW)
    live.feed_rows([good_row(i) for i in range(12)], reset=True)  # a 3 x 4 hall
    live.flush()
    live.set_connection(ConnectionView("live", NOW))
    monitor = HallMonitor(live)
    qtbot.addWidget(monitor)
    monitor.resize(1200, 800)
    monitor.show()
    monitor.overviewTabs.setCurrentWidget(monitor.seatMap)
    qtbot.waitUntil(lambda: monitor.seatMap.width() > 100)
    return live, monitor


def test_malformed_unknown_missing_wrong_and_absurd_rows(qtbot: Any, caplog: Any) -> None:
    caplog.set_level(logging.WARNING)
    live, monitor = shown_monitor(qtbot)
    seat_map = monitor.seatMap
    tile_before = seat_map._tile_rect(1, 1, *seat_map._grid())
    bad: list[Any] = [
        "not a row",
        42,
        None,
        [1, 2, 3],  # not objects at all
        {"name": "no attempt id", "version": 3},  # missing the key
        {"attempt_id": "a1"},  # missing version
        {"attempt_id": "a2", "version": "seven"},  # version of the wrong type
        good_row(3, version=2, battery_pct=900),  # absurd battery
        good_row(
            4, version=2, lock_count="two", charging="yes", last_seen="yesterday", state="dancing"
        ),  # wrong types
        good_row(
            5, version=2, state="locked", future_field={"x": 1}, another=[1]
        ),  # unknown fields: ignored
        good_row(6, version=2, seat="900-3", seat_row=900, seat_col=3),  # a seat outside the hall
        good_row(7, version=2, seat="-1-0", seat_row=-1, seat_col=0),  # an impossible seat
        {"attempt_id": "new1", "version": 1},  # only the key fields: a new row with defaults
        good_row(8, version=3, state="locked", locked_since=format_time(NOW)),
        good_row(8, version=2, state="answering"),  # older than what the console has: ignored
    ]
    live.feed_rows(bad)
    live.flush()
    qtbot.wait(50)

    # What could be shown is shown.
    assert row(live, "a5").state is AttemptState.LOCKED
    assert row(live, "a8").state is AttemptState.LOCKED, "an older version never wins"
    assert row(live, "a3").battery_pct is None, "900 % is not shown as a battery level"
    a4 = row(live, "a4")
    assert a4.lock_count == 0 and a4.name == "考生4"  # the readable fields stay
    assert a4.state is AttemptState.ANSWERING, "an unknown state keeps the last known one"
    assert live.table.row_by_id("new1") is not None
    assert live.table.rowCount() == 13
    # What could not be read is counted and logged, each with a reason.
    assert live.dropped_events == 7
    text = caplog.text
    for reason in (
        "must be a JSON object",
        "needs an attempt_id",
        "version must be an integer",
        "battery 900",
        "lock_count is not an integer",
        "unknown state",
    ):
        assert reason in text, reason
    # One absurd seat does not squash the hall: seat 1-1 keeps its size on the seat map.
    tile_after = seat_map._tile_rect(1, 1, *seat_map._grid())
    assert (
        tile_after.width() >= tile_before.width() * 0.9
        and tile_after.height() >= tile_before.height() * 0.9
    ), (tile_before, tile_after)
    # Everything still paints, and the attention list has the locked ones.
    assert not monitor.grab().isNull()
    assert live.attention.rowCount() >= 2


def test_an_event_storm_keeps_the_console_responsive(qtbot: Any) -> None:
    live, monitor = shown_monitor(qtbot)
    monitor.overviewTabs.setCurrentIndex(0)
    n_candidates, rounds = 600, 40
    live.feed_rows([good_row(i) for i in range(n_candidates)], reset=True)
    live.flush()
    longest = 0.0
    started = time.monotonic()
    for v in range(2, rounds + 2):
        batch: list[Any] = [
            good_row(
                i,
                version=v,
                answered=v,
                battery_pct=max(1, 100 - v),
                state="locked" if (i + v) % 7 == 0 else "answering",
            )
            for i in range(n_candidates)
        ]
        batch += [{"attempt_id": f"a{v}", "version": "x"}, "garbage"]
        t0 = time.monotonic()
        live.feed_rows(batch)
        live.flush()
        longest = max(longest, time.monotonic() - t0)
        qtbot.wait(1)  # the event loop runs between batches, as it does with the feed
    total = time.monotonic() - started
    # 24,000 row updates plus garbage: every row at its newest version, no batch that freezes the UI.
    assert all(row(live, f"a{i}").version == rounds + 1 for i in range(n_candidates))
    assert live.dropped_events == 2 * rounds
    assert longest < 1.5, f"one batch of {n_candidates} rows took {longest:.2f} s"
    assert total < 60
    assert not monitor.grab().isNull()
