"""`proctor-console serve`: the exam service under uvicorn."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from ..usage import UsageError
from .commands import default_db_url


def resolve_db_url(given: str | None) -> str:
    """--db, else $PROCTOR_DB_URL, else the default file; checks the URL and makes the folder."""
    from .storage import normalize_url

    url = given or os.environ.get("PROCTOR_DB_URL") or default_db_url()
    try:
        sa_url, _ = normalize_url(url)
    except Exception as exc:
        raise UsageError(f"--db: {exc}".splitlines()[0]) from None
    if sa_url.startswith("sqlite") and "memory" not in sa_url:
        path = url.split(":///", 1)[-1].split("?", 1)[0]
        if path:
            try:
                Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise UsageError(f"--db: cannot create the folder for {path}: {exc.strerror}") from None
    return url


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed (less CPU per request: phones call by the thousand), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run_serve(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        raise UsageError("--port must be between 0 and 65535")
    url = resolve_db_url(args.db)
    setup_logging(args.log_level)
    sock = _bind(args.host, args.port)
    port = sock.getsockname()[1]

    import uvicorn

    from .app import create_app

    app = create_app(url)
    config = uvicorn.Config(
        app, log_level=args.log_level, access_log=False, lifespan="on", timeout_graceful_shutdown=3,
        log_config=None, server_header=False,
    )
    server = uvicorn.Server(config)
    log = logging.getLogger("proctor_console.service")

    async def main() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.02)
        if server.started:
            log.info("exam service listening on http://%s:%d (API under /api/v1)", args.host, port)
            if args.port_file:
                target = Path(args.port_file)
                tmp = target.with_name(target.name + ".tmp")
                tmp.write_text(str(port))
                tmp.replace(target)
        await task

    with contextlib.suppress(KeyboardInterrupt), asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(main())
    return 0 if server.started else 1
