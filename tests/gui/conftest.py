"""GUI tests: a qasync loop that qtbot's waits drive, a real exam service as
a subprocess (a server thread in this process crashes Qt), an in-memory
keyring and settings in a temporary file."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import keyring
import keyring.backend
import pytest
import qasync
from PySide6.QtCore import QSettings, QTimer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from servicekit import ServiceProcess

from proctor_console.gui.settings import ConsoleSettings
from proctor_console.simulator.hall_setup import ExamSetup, create_exam


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = -1  # never chosen by keyring on its own

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture
def settings(tmp_path: Path) -> ConsoleSettings:
    return ConsoleSettings(QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def qloop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop over the running Qt loop: qtbot.waitUntil drives its tasks."""
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    # Cancel what is left and let the cancellations run (every task must have
    # started, or its coroutine is reported "never awaited" in a later test).
    for _ in range(50):
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        if not pending:
            break
        for task in pending:
            task.cancel()
        for _ in range(5):
            qapp.processEvents()
    # already_running=True made it "the running loop" of this thread: undo that, or
    # every later asyncio.run() in this process fails ("cannot be called from a
    # running event loop"). It was never run_forever()'d, so it may be closed now.
    asyncio.events._set_running_loop(None)
    with contextlib.suppress(RuntimeError, TypeError):
        qapp.aboutToQuit.disconnect(loop._after_run_forever)
    loop._QEventLoop__is_running = False  # type: ignore[attr-defined]
    loop.close()
    asyncio.set_event_loop(None)
    gc.collect()
    QTimer.singleShot(0, lambda: None)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[ServiceProcess]:
    with ServiceProcess.start(tmp_path / "svc") as svc:
        yield svc


def seed_exam(svc: ServiceProcess, **kwargs: Any) -> ExamSetup:
    async def go() -> ExamSetup:
        async with httpx.AsyncClient(timeout=30) as client:
            return await create_exam(
                client, svc.base_url, svc.admin_user, svc.admin_password,
                hall_rows=3, hall_cols=4, seed=7, **kwargs,
            )  # fmt: skip

    # A plain loop in a fresh thread: the test's qasync loop is not running here.
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result(60)


@pytest.fixture
def exam(service: ServiceProcess) -> ExamSetup:
    return seed_exam(service)


class Phone:
    """A candidate's phone, driven by hand over the device API (sync httpx)."""

    def __init__(self, svc: ServiceProcess, exam_code: str, candidate_no: str) -> None:
        self.svc = svc
        self.exam_code = exam_code
        self.candidate_no = candidate_no
        self.http = httpx.Client(timeout=15)
        self.token = ""
        self.unlock_seed: str | None = None

    def post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return self.http.post(f"{self.svc.api}{path}", json=body or {}, headers=headers)

    def join_and_start(self) -> None:
        r = self.post(
            "/device/join",
            {
                "exam_code": self.exam_code,
                "candidate_no": self.candidate_no,
                "device": {
                    "device_id": f"dev-{self.candidate_no}", "platform": "android",
                    "os_version": "12", "app_version": "3.5.0", "model": "Test", "screen": "2400x1080",
                },
            },
        )
        assert r.status_code == 200, r.text
        self.token = r.json()["device_token"]
        self.unlock_seed = r.json().get("unlock_seed")
        assert self.post("/device/start").status_code == 200
        self.heartbeat("answering")

    def heartbeat(self, phase: str) -> dict[str, Any]:
        r = self.post(
            "/device/heartbeat",
            {"battery_pct": 70, "charging": False, "network": "wifi", "phase": phase, "answered": 5},
        )
        assert r.status_code == 200, r.text
        return r.json()

    def lock(self, reason: str = "app_switch") -> None:
        r = self.post("/device/lock", {"reason": reason})
        assert r.status_code == 200, r.text
        self.heartbeat("locked")

    def close(self) -> None:
        self.http.close()


_exit_status: list[int] = []


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """Close every window and collect while the QApplication still lives: left to
    the interpreter's exit, Qt objects are destroyed in no fixed order and the
    test process can crash (SIGSEGV) after all tests passed."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    _exit_status.append(int(exitstatus))
    app = QApplication.instance()
    if app is None:
        return
    for widget in QApplication.topLevelWidgets():
        widget.close()
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: Any) -> None:
    """Everything is reported by now. Python's own teardown of the remaining Qt
    objects crashes now and then (SIGSEGV, after every test passed), which would
    turn a green run red: end the process here with pytest's own exit status."""
    import os

    if _exit_status:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status[-1])
