"""Replay shows the hall as it was; the summary view shows the figures, charts and halls."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QTableWidget

from proctor_console.domain.rows import parse_time
from proctor_console.domain.states import AttemptState
from proctor_console.gui.views.replay import ReplayView
from proctor_console.gui.views.summary import SummaryView

from .conftest import SimulatedExam

pytestmark = pytest.mark.slow

LOCKING = {"locked": True, "unlocked": False, "auto_submitted": False, "locks_reset": False}


def _locked_at(events: list[dict[str, Any]], moment: Any) -> set[str]:
    """Who was locked at ``moment``, from the timeline's kinds alone (not from rows)."""
    locked: dict[str, bool] = {}
    for e in sorted(events, key=lambda e: int(e["id"])):
        at = parse_time(e["at"])
        if e["kind"] in LOCKING and at is not None and at <= moment:
            locked[e["attempt_id"]] = LOCKING[e["kind"]]
    return {aid for aid, is_locked in locked.items() if is_locked}


def _hall_events(exam: SimulatedExam) -> list[dict[str, Any]]:
    ids = {r.attempt_id for r in exam.review.rows if r.hall_id == exam.exam.hall_id}
    return [e for e in exam.review.events if e.get("attempt_id") in ids and e.get("kind")]


def test_replay_at_a_lock_shows_that_moment(simulated_exam: SimulatedExam) -> None:
    review = simulated_exam.review
    hall_id = simulated_exam.exam.hall_id
    hall_events = _hall_events(simulated_exam)
    replay = review.replay(hall_id)
    moments = replay.lock_moments()
    assert len(moments) == sum(1 for e in hall_events if e["kind"] == "locked") > 0
    for moment in moments:
        hall = replay.seek(moment)
        expected = _locked_at(hall_events, moment)
        assert {aid for aid, r in hall.rows.items() if r.state is AttemptState.LOCKED} == expected
        assert replay.counts()[AttemptState.LOCKED] == len(expected)
        # The attention list at that moment names every locked candidate.
        attention = {row.attempt_id for row, _ in replay.attention()}
        assert expected <= attention

    # Before anyone joined, everyone is absent; after the last event, the hall is as it ended.
    assert replay.first is not None and replay.last is not None
    first = replay.seek(replay.first - timedelta(seconds=1))
    assert Counter(r.state for r in first.rows.values()) == {AttemptState.NOT_JOINED: 8}
    end = replay.seek(replay.last)
    final = {r.attempt_id: r.state for r in review.rows if r.hall_id == hall_id}
    assert {aid: r.state for aid, r in end.rows.items()} == final
    # Going back rebuilds: the first lock again shows only that lock's candidate(s).
    back = replay.seek(moments[0])
    assert {a for a, r in back.rows.items() if r.is_locked} == _locked_at(hall_events, moments[0])


def test_replay_view_steps_from_lock_to_lock(qtbot: Any, simulated_exam: SimulatedExam) -> None:
    view = ReplayView(simulated_exam.review)
    qtbot.addWidget(view)
    view.show_hall(simulated_exam.exam.hall_id)
    replay = view.replay
    assert replay is not None
    moments = replay.lock_moments()
    view.nextLockButton.click()
    assert view.moment == moments[0]
    hall_events = _hall_events(simulated_exam)
    locked = _locked_at(hall_events, moments[0])
    assert f"LOCKED {len(locked)}" in view.countsLabel.text()
    assert set(view.attention.attempt_ids()) >= locked
    if len(moments) > 1:
        view.nextLockButton.click()
        assert view.moment == moments[1]
        view.previousLockButton.click()
        assert view.moment == moments[0]
    # The slider moves the hall in time too.
    view.slider.setValue(0)
    assert view.moment == replay.first
    assert not view.previousLockButton.isEnabled() or replay.previous_lock(view.moment) is not None


def _table(view: SummaryView, name: str) -> QTableWidget:
    table = view.findChild(QTableWidget, name)
    assert table is not None, name
    return table


def _table_dict(table: QTableWidget) -> dict[str, str]:
    cells = [(table.item(r, 0), table.item(r, 1)) for r in range(table.rowCount())]
    return {a.text(): b.text() for a, b in cells if a is not None and b is not None}


def test_summary_view_shows_the_figures_charts_and_halls(
    qtbot: Any, simulated_exam: SimulatedExam, tmp_path: Path
) -> None:
    review = simulated_exam.review
    view = SummaryView(review)
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    assert view.objectName() == "summaryView"
    f = review.figures()
    shown = _table_dict(_table(view, "summaryFigures"))
    assert shown["Rostered"] == str(f.rostered) and shown["Locks"] == str(f.locks_total)
    assert shown["Auto-submitted at the lock limit"] == str(f.auto_submitted_lock_limit)
    assert shown["Receipts"] == str(f.receipts)
    charts = {w.objectName() for w in view.findChildren(pg.PlotWidget)}
    assert charts == {
        "chart_locks_histogram",
        "chart_lock_reasons",
        "chart_submissions_per_minute",
        "chart_unlock_by_proctor",
    }
    halls = _table(view, "hallComparison")
    assert halls.columnCount() == 1 + len(simulated_exam.exam.hall_ids)
    # One hall: the same page for that hall only.
    index = view.hallCombo.findData(simulated_exam.exam.hall_id)
    view.hallCombo.setCurrentIndex(index)
    mine = [r for r in review.rows if r.hall_id == simulated_exam.exam.hall_id]
    assert _table_dict(_table(view, "summaryFigures"))["Rostered"] == str(len(mine))
    assert view.findChild(QTableWidget, "hallComparison") is None
    # Export from the view: the CSV of that hall, the PDF of the session.
    view.export_csv(tmp_path / "hall.csv")
    assert (tmp_path / "hall.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "hall.csv").read_bytes().count(b"\r\n") == 1 + len(mine)
    assert view.export_pdf(tmp_path / "r.pdf") == 5
    view.grab().save(str(tmp_path / "summary.png"))
