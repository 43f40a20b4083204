"""The thin models, without any window: rows in, dataChanged only for changed rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from proctor_console.domain.flags import Flag
from proctor_console.domain.rows import CandidateRow
from proctor_console.domain.states import AttemptState
from proctor_console.gui.live_hall import ConnectionView, LiveHall
from proctor_console.gui.models.candidates import (
    CandidateFilterProxy,
    CandidateTableModel,
    Column,
    contiguous_runs,
)

NOW = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)


def make_row(i: int, **changes: object) -> CandidateRow:
    row = CandidateRow(
        attempt_id=f"a{i}",
        version=1,
        candidate_no=f"2026{i:04d}",
        name=f"Name {i}",
        seat=f"{i // 12 + 1}-{i % 12 + 1}",
        seat_row=i // 12 + 1,
        seat_col=i % 12 + 1,
        state=AttemptState.ANSWERING,
        last_seen=NOW - timedelta(seconds=3),
        battery_pct=80,
        charging=False,
        network="wifi",
        total_questions=100,
        answered=10,
    )
    for key, value in changes.items():
        setattr(row, key, value)
    return row


@pytest.fixture
def model(qapp):  # type: ignore[no-untyped-def]
    m = CandidateTableModel()
    m.reset_rows([make_row(i) for i in range(20)])
    return m


def test_contiguous_runs() -> None:
    assert contiguous_runs([5, 1, 2, 3, 9, 2]) == [(1, 3), (5, 5), (9, 9)]
    assert contiguous_runs([]) == []


def test_only_changed_rows_emit_datachanged(model: CandidateTableModel) -> None:
    seen: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda tl, br, roles=(): seen.append((tl.row(), br.row())))
    changed = [make_row(i, version=2, answered=11) for i in (3, 4, 5, 12)]
    assert model.update_rows(changed) == 4
    assert seen == [(3, 5), (12, 12)]
    assert model.index(12, Column.PROGRESS).data() == "11/100"


def test_new_rows_are_inserted_not_reset(model: CandidateTableModel) -> None:
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append((first, last)))
    model.update_rows([make_row(100), make_row(101)])
    assert inserted == [(20, 21)]
    assert model.rowCount() == 22


def test_cells_say_what_a_proctor_needs(model: CandidateTableModel) -> None:
    locked = make_row(
        2, version=2, state=AttemptState.LOCKED, lock_count=4, last_lock_reason="call",
        charging=True, battery_pct=15,
    )
    model.update_rows([locked])
    assert model.index(2, Column.STATE).data() == "LOCKED · phone call"
    assert model.index(2, Column.LOCKS).data() == "4/5"
    assert model.index(2, Column.BATTERY).data() == "15 % ⚡"
    assert model.index(2, Column.SEAT).data() == "1-3"
    assert model.headerData(Column.NUMBER, Qt.Orientation.Horizontal) == "Candidate no."


def test_submission_says_whether_server_holds_the_paper(model: CandidateTableModel) -> None:
    pending = make_row(1, version=2, state=AttemptState.SUBMITTING, submit_pending_since=NOW)
    held = make_row(
        2, version=2, state=AttemptState.SUBMITTED, submit_pending_since=NOW,
        receipt_id="R-77", received_at=NOW,
    )
    model.update_rows([pending, held])
    assert "NOT on server" in model.index(1, Column.SUBMIT).data()
    assert "Server has it" in model.index(2, Column.SUBMIT).data()
    assert "still spinning" in model.index(2, Column.SUBMIT).data()


def test_stale_rows_are_marked(model: CandidateTableModel) -> None:
    model.set_stale(True)
    assert model.index(0, Column.STATE).data().endswith("(stale)")
    assert model.index(0, Column.STATE).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_proxy_filters_text_state_and_flag(model: CandidateTableModel) -> None:
    proxy = CandidateFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_text("20260013")
    assert proxy.rowCount() == 1
    proxy.set_text("2-")  # a seat row
    assert proxy.rowCount() == 8
    proxy.clear_filters()
    model.update_rows([make_row(7, version=2, state=AttemptState.LOCKED)])
    proxy.set_states([AttemptState.LOCKED])
    assert proxy.rowCount() == 1
    assert proxy.index(0, Column.NUMBER).data() == "20260007"


def test_live_hall_batches_and_flags(qapp, qtbot) -> None:  # type: ignore[no-untyped-def]
    clock = [NOW]
    hall = LiveHall(clock=lambda: clock[0])
    hall.feed_rows([make_row(i).to_json() for i in range(10)], reset=True)
    hall.flush()
    hall.set_connection(ConnectionView("live"))
    assert hall.table.rowCount() == 10
    assert hall.attention.rowCount() == 0

    # A lock arrives as JSON from the stream; a malformed event is ignored.
    locked = make_row(4, version=2, state=AttemptState.LOCKED, locked_since=NOW,
                      lock_count=1, last_lock_reason="app_switch")
    hall.feed_rows([locked.to_json(), {"garbage": True}, "not a row"])
    hall.flush()
    assert hall.dropped_events == 2
    assert hall.state_counts[AttemptState.LOCKED] == 1
    assert hall.flag_counts[Flag.LOCKED] == 1
    assert hall.attention.rowCount() == 1
    assert hall.attention.index(0, 0).data() == "1-5"

    # An older version never overwrites a newer one.
    hall.feed_rows([make_row(4, version=1).to_json()])
    hall.flush()
    assert hall.table.row_by_id("a4").state is AttemptState.LOCKED

    # Time passes with no event: OFFLINE appears on the next tick.
    clock[0] = NOW + timedelta(seconds=45)
    hall.tick()
    assert hall.flag_counts[Flag.OFFLINE] == 10
    assert hall.attention.rowCount() == 10
    # The locked one stays first: most severe first.
    assert hall.attention.index(0, 0).data() == "1-5"


def test_unlock_feedback(qapp) -> None:  # type: ignore[no-untyped-def]
    hall = LiveHall(clock=lambda: NOW)
    hall.feed_rows([make_row(1, state=AttemptState.LOCKED, locked_since=NOW)], reset=True)
    hall.flush()
    hall.expect_unlock("a1", "unlock sent…")
    assert "unlock sent" in hall.table.index(0, Column.STATE).data()
    hall.feed_rows([make_row(1, version=2, state=AttemptState.ANSWERING)])
    hall.flush()
    assert hall.table.index(0, Column.STATE).data() == "Answering — unlocked ✓"


def test_sorting_happens_in_the_model_and_keeps_persistent_indexes(model: CandidateTableModel) -> None:
    from PySide6.QtCore import QPersistentModelIndex

    proxy = CandidateFilterProxy()
    proxy.setSourceModel(model)
    model.update_rows([make_row(9, version=2, lock_count=3), make_row(4, version=2, lock_count=1)])
    held = QPersistentModelIndex(proxy.index(proxy.mapFromSource(model.index(9, 0)).row(), 0))
    proxy.sort(Column.LOCKS, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(i, Column.NUMBER).data() for i in range(2)] == ["20260009", "20260004"]
    assert held.isValid() and held.row() == 0  # a selection follows its candidate
    proxy.sort(Column.SEAT, Qt.SortOrder.AscendingOrder)
    assert proxy.index(0, Column.SEAT).data() == "1-1"


def test_unlocked_note_goes_after_a_minute(qapp) -> None:  # type: ignore[no-untyped-def]
    clock = [NOW]
    hall = LiveHall(clock=lambda: clock[0])
    hall.feed_rows([make_row(1, state=AttemptState.LOCKED, locked_since=NOW)], reset=True)
    hall.flush()
    hall.expect_unlock("a1", "unlock sent…")
    hall.feed_rows([make_row(1, version=2, state=AttemptState.ANSWERING)])
    hall.flush()
    assert hall.table.note("a1") == "unlocked ✓"
    clock[0] = NOW + timedelta(seconds=61)
    hall.tick()
    assert hall.table.note("a1") is None
    assert hall.table.index(0, Column.STATE).data() == "Answering"
