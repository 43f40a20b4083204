"""Subcommands of the service part (registered by proctor_console.cli). Light imports only."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def default_db_url() -> str:
    """SQLite file in the user data directory (e.g. ~/.local/share/proctor-console/exam.db)."""
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('proctor-console', appauthor=False)) / 'exam.db'}"


def _db_help() -> str:
    return (
        "database URL: sqlite:///PATH or postgresql+asyncpg://USER@HOST:PORT/DB "
        "(append ?schema=NAME on PostgreSQL for a schema); default: a SQLite file in the "
        "user data directory (~/.local/share/proctor-console/exam.db on Linux), "
        "or $PROCTOR_DB_URL when set"
    )


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help=_db_help())


def register(sub: Any, *parents: argparse.ArgumentParser) -> None:
    """Add this part's subcommands to the top-level parser."""
    serve = sub.add_parser(
        "serve",
        help="run the exam service (HTTP API for phones and consoles)",
        description=(
            "Run the exam service. It migrates the database to the newest schema on start. "
            "When the database holds no admin, it creates one from PROCTOR_ADMIN_USER and "
            "PROCTOR_ADMIN_PASSWORD. The API lives under /api/v1; /openapi.json describes it."
        ),
    )
    _add_db(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="TCP port (default 8765; 0 picks a free port)")
    serve.add_argument("--port-file", metavar="PATH", help="write the bound port number to PATH once accepting connections")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"], help="log level (default info)")
    serve.set_defaults(func=_run_serve)

    admin = sub.add_parser(
        "admin",
        help="set up the exam service's database: schema, users, halls, sessions, rosters",
        description=(
            "Administration acting directly on the database given by --db (the service need not run). "
            "Passwords are never taken as arguments: they are read from standard input with "
            "--password-stdin, else from $PROCTOR_NEW_PASSWORD, else asked for at a prompt."
        ),
    )
    _add_db(admin)
    asub = admin.add_subparsers(dest="admin_command", metavar="WHAT", required=True)

    asub.add_parser("migrate", help="create or upgrade the schema (Alembic migrations)")

    user = asub.add_parser("user", help="users").add_subparsers(dest="user_command", metavar="ACTION", required=True)
    uadd = user.add_parser("add", help="add a user")
    uadd.add_argument("username")
    uadd.add_argument("--role", required=True, choices=["proctor", "support", "lead", "admin"])
    uadd.add_argument("--display-name", help="name shown in the console (default: the username)")
    uadd.add_argument("--hall", action="append", default=[], metavar="HALL_ID", help="a hall a proctor is assigned to (repeatable)")
    uadd.add_argument("--password-stdin", action="store_true", help="read the password from standard input (first line)")
    user.add_parser("list", help="list users")

    hall = asub.add_parser("hall", help="halls").add_subparsers(dest="hall_command", metavar="ACTION", required=True)
    hadd = hall.add_parser("add", help="add a hall")
    hadd.add_argument("name")
    hadd.add_argument("--rows", type=int, required=True)
    hadd.add_argument("--cols", "--columns", dest="columns", type=int, required=True)
    hall.add_parser("list", help="list halls")

    session = asub.add_parser("session", help="exam sessions").add_subparsers(dest="session_command", metavar="ACTION", required=True)
    sadd = session.add_parser("add", help="add an exam session; prints it as JSON (with its exam code)")
    sadd.add_argument("title")
    sadd.add_argument("--starts-at", help="ISO 8601 start time, e.g. 2026-12-01T09:00:00Z (default: now)")
    sadd.add_argument("--duration", type=int, default=120, help="minutes (default 120)")
    sadd.add_argument("--max-locks", type=int, default=5, help="locks that auto-submit (default 5)")
    sadd.add_argument("--code", help="6-digit exam code (default: generated, unique among open sessions)")
    sadd.add_argument("--hall", action="append", default=[], metavar="HALL_ID", help="a hall of the session (repeatable)")
    sadd.add_argument("--info-collection", action="store_true", help="candidates register info fields before starting")
    sadd.add_argument("--questions", type=int, default=100, help="total questions (default 100)")
    session.add_parser("list", help="list sessions")

    roster = asub.add_parser("roster", help="rosters").add_subparsers(dest="roster_command", metavar="ACTION", required=True)
    rimp = roster.add_parser("import", help="import candidates from CSV: candidate_no,name,hall_id,seat_row,seat_col")
    rimp.add_argument("session_id")
    rimp.add_argument("csv_file", help="CSV file with a header row (UTF-8; '-' for standard input)")
    admin.set_defaults(func=_run_admin)


def _run_serve(args: argparse.Namespace) -> int:
    from .serve import run_serve

    return run_serve(args)


def _run_admin(args: argparse.Namespace) -> int:
    from .admin_cli import run_admin

    return run_admin(args)
