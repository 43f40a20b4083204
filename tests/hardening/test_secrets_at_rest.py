"""Secrets at rest: after a sign-in with "remember me", an unlock code issued and a wrong
password typed, neither the console's settings file nor its log file nor the service's
log holds a password, a token or an unlock code."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path
from typing import Any

import pytest

# The console's own test fixtures: a qasync loop, a real service subprocess, an in-memory
# keyring (priority -1), settings in a temporary ini file, and the ConsoleFlow factory.
from gui.conftest import Phone, exam, memory_keyring, qloop, service, settings  # noqa: F401
from gui.test_console_live import WAIT_MS, attempt_of, console, row_state_text  # noqa: F401
from PySide6.QtWidgets import QLabel

from proctor_console.gui.app import StartOptions, setup_logging

pytestmark = pytest.mark.slow


@pytest.fixture
def console_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The console's real log file set-up (platform log folder, redirected to tmp), DEBUG level."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = logging.getLogger()
    before_handlers, before_level = list(root.handlers), root.level
    path = setup_logging("DEBUG")
    assert path is not None and str(path).startswith(str(tmp_path))
    yield path
    for handler in root.handlers:
        if handler not in before_handlers:
            handler.close()
    root.handlers[:] = before_handlers
    root.setLevel(before_level)


def test_settings_and_logs_hold_no_secret(
    request: pytest.FixtureRequest, qtbot: Any, console_log: Path
) -> None:
    make_flow = request.getfixturevalue("console")
    seeded = request.getfixturevalue("exam")
    svc = request.getfixturevalue("service")
    console_settings = request.getfixturevalue("settings")
    ring = request.getfixturevalue("memory_keyring")
    flow = make_flow(StartOptions())
    flow.start()
    login = flow.login
    qtbot.keyClicks(login.serverEdit, seeded.base_url)
    login.usernameEdit.clear()
    qtbot.keyClicks(login.usernameEdit, seeded.proctor.username)
    wrong = "typo-" + seeded.proctor.password
    qtbot.keyClicks(login.passwordEdit, wrong)
    login.okButton.click()
    qtbot.waitUntil(
        lambda: "Wrong user name or password" in login.messageLabel.text(), timeout=WAIT_MS
    )
    login.passwordEdit.clear()
    qtbot.keyClicks(login.passwordEdit, seeded.proctor.password)
    login.rememberCheck.setChecked(True)
    login.okButton.click()
    qtbot.waitUntil(
        lambda: flow.picker is not None and flow.picker.sessionList.count() > 0, timeout=WAIT_MS
    )
    tokens = list(ring.secrets.values())
    assert len(tokens) == 1, "remember me keeps the token in the keyring"
    qtbot.keyClicks(flow.picker.dialog, seeded.exam_code)
    qtbot.waitUntil(
        lambda: flow.window is not None and flow.window.live.table.rowCount() == 12, timeout=WAIT_MS
    )

    # An unlock code issued from the console and typed on the phone.
    window = flow.window
    cand = seeded.candidates[1]
    phone = Phone(svc, seeded.exam_code, cand.candidate_no)
    phone.join_and_start()
    phone.lock("call")
    qtbot.waitUntil(
        lambda: row_state_text(flow, cand.candidate_no).startswith("LOCKED"), timeout=WAIT_MS
    )
    window.monitor.select_attempt(attempt_of(flow, cand.candidate_no))
    confirm = window.issue_code()
    confirm.buttonBox.button(confirm.buttonBox.StandardButton.Ok).click()
    aid = attempt_of(flow, cand.candidate_no)
    qtbot.waitUntil(lambda: aid in window.code_views, timeout=WAIT_MS)
    code = (
        window.code_views[aid].dialog.findChild(QLabel, "unlockCodeLabel").text().replace(" ", "")
    )
    assert len(code) == 6
    assert phone.post("/device/unlock", {"code": code}).status_code == 200
    device_token = phone.token
    phone.close()
    window.code_views[aid].dialog.close()

    console_settings.store.sync()
    for handler in logging.getLogger().handlers:
        handler.flush()
    settings_text = Path(console_settings.store.fileName()).read_text(
        encoding="utf-8", errors="replace"
    )
    console_text = "".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in console_log.parent.glob("console.log*")
    )
    service_text = svc.log_text()
    assert seeded.proctor.username in settings_text or seeded.base_url in settings_text, (
        "the settings file is the one the console wrote"
    )
    assert console_text.strip(), "the console wrote its log"
    secrets = {
        "password": seeded.proctor.password,
        "mistyped password": wrong,
        "console token": tokens[0],
        "device token": device_token,
        "unlock code": code,
        "admin password": svc.admin_password,
    }
    for where, text in [
        ("settings", settings_text),
        ("console log", console_text),
        ("svc log", service_text),
    ]:
        for what, secret in secrets.items():
            if (
                what == "unlock code"
            ):  # six digits may occur by chance in a timestamp: look for it as a word
                import re

                found = re.search(rf"(?<![\d.:-]){secret}(?![\d.:-])", text) is not None
            else:
                found = secret in text
            assert not found, f"the {what} is in the {where}"
