"""The demo's bridge: a code issued in the console reaches the simulated
phone's keypad, the phone types it, and the console shows it unlocked."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servicekit import free_port

from proctor_console.domain.states import AttemptState
from proctor_console.gui.app import StartOptions

from .test_console_live import WAIT_MS, console, open_hall  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow


@pytest.fixture
def simulated_hall(tmp_path: Path, exam: Any, service: Any) -> Iterator[tuple[str, int]]:
    roster = tmp_path / "candidates.csv"
    roster.write_text("".join(f"{c.candidate_no},{c.name}\n" for c in exam.candidates if c.hall_id == exam.hall_id))
    port = free_port()
    log = (tmp_path / "sim.log").open("wb")
    sim = subprocess.Popen(
        [
            sys.executable, "-m", "proctor_console.cli", "simulate", "--server", service.base_url,
            "--exam-code", exam.exam_code, "--candidates-file", str(roster), "--scenario", "rough",
            "--speed", "30", "--seed", "3", "--keypad", f"127.0.0.1:{port}", "--quiet",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield ("127.0.0.1", port)
    sim.terminate()
    sim.wait(10)
    log.close()


def test_code_goes_to_the_simulated_phone(console, qtbot, exam, simulated_hall) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    flow = console(
        StartOptions(
            server=exam.base_url, username=exam.proctor.username, password=exam.proctor.password,
            session_id=exam.session_id, hall_id=exam.hall_id, keypad=simulated_hall,
        )
    )
    flow.start()
    qtbot.waitUntil(lambda: flow.window is not None, timeout=WAIT_MS)
    window = flow.window
    live = window.live

    def a_locked_one() -> str | None:
        return next((r.attempt_id for r in live.hall.rows.values() if r.state is AttemptState.LOCKED), None)

    qtbot.waitUntil(lambda: a_locked_one() is not None, timeout=90_000)
    aid = a_locked_one()
    window.monitor.select_attempt(aid)
    confirm = window.issue_code()
    confirm.buttonBox.button(confirm.buttonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: aid in window.code_views, timeout=WAIT_MS)
    view = window.code_views[aid]
    assert "simulated phone" in view.statusLabel.text()
    qtbot.waitUntil(lambda: "unlocked ✓" in view.statusLabel.text(), timeout=60_000)
    assert live.hall.rows[aid].last_unlock_mode == "code"
