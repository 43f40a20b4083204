"""``proctor-console demo``: the whole product in one command, on loopback.

Starts the exam service (a subprocess, throw-away SQLite database, random
admin password in its environment only), seeds a session with a roster for a
10x12 hall, starts a simulated hall of phones (a subprocess, with a keypad for
unlock codes), and opens the console signed in as that hall's proctor,
straight into the hall monitor. Closing the window, Ctrl+C or SIGTERM stops
everything it started.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

import httpx

log = logging.getLogger("proctor.demo")

ADMIN_USER = "admin"
START_TIMEOUT_S = 60.0


class DemoError(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "proctor_console.cli", *args]


def _die_with_parent() -> None:
    """In the child (Linux): get SIGTERM when the demo dies, however it dies, so a
    crashed console never leaves a service or a hall of phones running."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _wait_for_port(process: subprocess.Popen[bytes], port_file: Path, log_file: Path) -> int:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_file.read_text(errors="replace")[-800:] if log_file.exists() else ""
            raise DemoError(f"the exam service exited at start (code {process.returncode}):\n{tail}")
        text = port_file.read_text().strip() if port_file.exists() else ""
        if text.isdigit():
            return int(text)
        time.sleep(0.1)
    raise DemoError(f"the exam service did not start within {START_TIMEOUT_S:.0f} s")


def _stop(process: subprocess.Popen[bytes] | None, name: str) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        log.warning("%s did not stop in 10 s; killing it", name)
        process.kill()
        process.wait(timeout=5)


def main(args: argparse.Namespace) -> int:
    from .simulator.hall_setup import ExamSetup, create_exam

    workdir = Path(tempfile.mkdtemp(prefix="proctor-demo-"))
    server: subprocess.Popen[bytes] | None = None
    simulator: subprocess.Popen[bytes] | None = None

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        admin_password = secrets.token_urlsafe(16)
        env = {**os.environ, "PROCTOR_ADMIN_USER": ADMIN_USER, "PROCTOR_ADMIN_PASSWORD": admin_password}
        port_file = workdir / "port"
        server_log = workdir / "service.log"
        db_url = f"sqlite+aiosqlite:///{workdir / 'demo.db'}"
        print(f"demo: starting the exam service (database {workdir / 'demo.db'})", file=sys.stderr)
        with server_log.open("wb") as out:
            server = subprocess.Popen(
                _cli("serve", "--host", "127.0.0.1", "--port", "0", "--port-file", str(port_file), "--db", db_url),
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        port = _wait_for_port(server, port_file, server_log)
        base_url = f"http://127.0.0.1:{port}"

        async def seed() -> ExamSetup:
            async with httpx.AsyncClient(timeout=30) as client:
                return await create_exam(
                    client, base_url, ADMIN_USER, admin_password, hall_rows=10, hall_cols=12, seed=args.seed
                )

        setup = asyncio.run(seed())
        print(
            f"demo: service at {base_url}; session {setup.session.get('title', '')} "
            f"exam code {setup.exam_code}; {len(setup.candidates)} candidates",
            file=sys.stderr,
        )
        roster = workdir / "candidates.csv"
        roster.write_text(
            "".join(f"{c.candidate_no},{c.name}\n" for c in setup.candidates if c.hall_id == setup.hall_id),
            encoding="utf-8",
        )
        keypad_port = _free_port()
        sim_log = workdir / "simulator.log"
        with sim_log.open("wb") as out:
            simulator = subprocess.Popen(
                _cli(
                    "simulate", "--server", base_url, "--exam-code", setup.exam_code,
                    "--candidates-file", str(roster), "--scenario", args.scenario,
                    "--speed", str(args.speed), "--seed", str(args.seed),
                    "--keypad", f"127.0.0.1:{keypad_port}", "--quiet",
                ),
                env=os.environ.copy(),
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        if args.no_console:
            print(f"demo: running; service {base_url}; Ctrl+C stops it", file=sys.stderr)
            while simulator.poll() is None and server.poll() is None:
                time.sleep(0.5)
            return 0

        from .gui.app import StartOptions, run

        return run(
            StartOptions(
                language=getattr(args, "lang", None),
                server=base_url,
                username=setup.proctor.username,
                password=setup.proctor.password,
                session_id=setup.session_id,
                hall_id=setup.hall_id,
                keypad=("127.0.0.1", keypad_port),
            )
        )
    except KeyboardInterrupt:
        return 130
    except DemoError as exc:
        print(f"proctor-console demo: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
        _stop(simulator, "the simulator")
        _stop(server, "the exam service")
        shutil.rmtree(workdir, ignore_errors=True)
