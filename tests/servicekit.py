"""Test helpers around the real exam service (no mocks).

Two ways to run it:

* a subprocess, ``proctor-console serve`` on a free loopback port::

      with ServiceProcess.start(tmp_path) as svc:       # temp SQLite DB
          svc.base_url, svc.admin_user, svc.admin_password
          svc.kill(); svc.restart()                      # SIGKILL, then the same DB and port

  (``ServiceProcess.start(tmp_path, db_url=...)`` for another database.)

* in-process over ``httpx.ASGITransport`` (fast; lifespan entered by hand)::

      async with asgi_service(tmp_path) as svc:
          r = await svc.client.post("/api/v1/auth/login", json=...)

``fresh_pg_url()`` gives a PostgreSQL URL with a new empty schema when
``PROCTOR_TEST_PG_URL`` is set (``drop_pg_schema(url)`` removes it).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ADMIN_USER = "admin"
ADMIN_PASSWORD = "admin-pass-" + secrets.token_hex(6)
PG_ENV = "PROCTOR_TEST_PG_URL"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sqlite_url(folder: Path, name: str = "exam.db") -> str:
    return f"sqlite:///{folder / name}"


@dataclass
class ServiceProcess:
    """A real `proctor-console serve` subprocess."""

    folder: Path
    db_url: str
    admin_user: str = ADMIN_USER
    admin_password: str = ADMIN_PASSWORD
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def start(cls, folder: Path, db_url: str | None = None, *, port: int = 0, timeout: float = 30.0, env: dict[str, str] | None = None) -> ServiceProcess:
        folder.mkdir(parents=True, exist_ok=True)
        svc = cls(folder=folder, db_url=db_url or sqlite_url(folder), port=port, extra_env=dict(env or {}))
        svc._spawn(timeout)
        return svc

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api(self) -> str:
        return self.base_url + "/api/v1"

    @property
    def log_path(self) -> Path:
        return self.folder / f"service-{self.starts}.log"

    def log_text(self) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(self.folder.glob("service-*.log")))

    def _spawn(self, timeout: float) -> None:
        self.starts += 1
        port_file = self.folder / f"port-{self.starts}"
        env = {**os.environ, "PROCTOR_ADMIN_USER": self.admin_user, "PROCTOR_ADMIN_PASSWORD": self.admin_password, **self.extra_env}
        cmd = [sys.executable, "-m", "proctor_console.cli", "serve", "--db", self.db_url, "--host", "127.0.0.1", "--port", str(self.port), "--port-file", str(port_file)]
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if port_file.exists() and port_file.read_text().strip():
                self.port = int(port_file.read_text().strip())
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"the service exited with {self.proc.returncode}:\n{self.log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"the service did not start within {timeout} s:\n{self.log_path.read_text(errors='replace')[-3000:]}")

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def restart(self, timeout: float = 30.0) -> None:
        """Start again on the same database and (if free) the same port."""
        self.stop()
        try:
            self._spawn(timeout)
        except RuntimeError:
            self.port = 0
            self._spawn(timeout)

    def __enter__(self) -> ServiceProcess:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


@dataclass
class AsgiService:
    app: Any
    client: httpx.AsyncClient
    db_url: str
    admin_user: str = ADMIN_USER
    admin_password: str = ADMIN_PASSWORD
    base_url: str = "http://testserver"

    async def login(self, username: str | None = None, password: str | None = None) -> dict[str, str]:
        """Log in (admin by default) and return the Authorization header."""
        r = await self.client.post("/api/v1/auth/login", json={"username": username or self.admin_user, "password": password or self.admin_password})
        r.raise_for_status()
        return {"Authorization": f"Bearer {r.json()['access_token']}"}


def create_asgi_app(db_url: str, *, run_background: bool = True) -> Any:
    """The service's ASGI app for a database (its lifespan is not started)."""
    from proctor_console.service.app import create_app

    return create_app(db_url, run_background=run_background)


@contextlib.asynccontextmanager
async def asgi_service(folder: Path | None = None, db_url: str | None = None, *, run_background: bool = True) -> AsyncIterator[AsgiService]:
    """The real app in-process, lifespan entered (migrations, first admin, background tasks)."""
    if db_url is None:
        if folder is None:
            raise ValueError("give a folder for the SQLite file or a db_url")
        db_url = sqlite_url(folder)
    old = {k: os.environ.get(k) for k in ("PROCTOR_ADMIN_USER", "PROCTOR_ADMIN_PASSWORD")}
    os.environ["PROCTOR_ADMIN_USER"] = ADMIN_USER
    os.environ["PROCTOR_ADMIN_PASSWORD"] = ADMIN_PASSWORD
    app = create_asgi_app(db_url, run_background=run_background)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                yield AsgiService(app, client, db_url)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def pg_base_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def fresh_pg_url() -> str | None:
    """A PostgreSQL URL on a new empty schema (None when PROCTOR_TEST_PG_URL is unset)."""
    base = pg_base_url()
    if not base:
        return None
    import asyncio

    import asyncpg

    schema = "proctor_test_" + secrets.token_hex(4)
    dsn = base.replace("postgresql+asyncpg://", "postgresql://")

    async def create() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f'CREATE SCHEMA "{schema}"')
        finally:
            await conn.close()

    asyncio.run(create()) if not _loop_running() else _run_in_thread(create)
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}schema={schema}"


def drop_pg_schema(url: str) -> None:
    import asyncio

    import asyncpg

    base, _, query = url.partition("?schema=")
    schema = query.split("&", 1)[0]
    if not schema.startswith("proctor_test_"):
        return
    dsn = base.replace("postgresql+asyncpg://", "postgresql://")

    async def drop() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()

    asyncio.run(drop()) if not _loop_running() else _run_in_thread(drop)


def _loop_running() -> bool:
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _run_in_thread(factory: Any) -> None:
    import asyncio
    import threading

    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(factory())
        except BaseException as exc:
            errors.append(exc)

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if errors:
        raise errors[0]
