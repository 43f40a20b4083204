"""`proctor-console admin ...`: set-up acting directly on the database."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
from datetime import datetime
from typing import Any

from ..domain.rows import parse_time
from ..usage import UsageError
from .serve import resolve_db_url


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UsageError("--password-stdin: standard input had no password")
        return line
    env = os.environ.get("PROCTOR_NEW_PASSWORD")
    if env:
        return env
    if not sys.stdin.isatty():
        raise UsageError("no password: use --password-stdin, set PROCTOR_NEW_PASSWORD, or run in a terminal")
    first = getpass.getpass("Password for the new user: ")
    if first != getpass.getpass("Again: "):
        raise UsageError("the two passwords differ")
    return first


def _print(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


async def _admin(args: argparse.Namespace, url: str, password: str | None) -> int:
    from sqlalchemy import select

    from . import admin, exam, migrate
    from .errors import ApiError
    from .storage import Store, exam_sessions, halls, users

    store = Store(url)
    try:
        await migrate.upgrade(store)
        what = args.admin_command
        try:
            if what == "migrate":
                print("the schema is up to date")
            elif what == "user" and args.user_command == "add":
                hashed = await admin.hash_new_password(password or "")
                async with store.write() as conn:
                    u = await admin.create_user(conn, args.username, hashed, args.display_name, args.role, args.hall)
                    await exam.write_audit(conn, "admin-cli", "user_add", detail={"username": u["username"], "role": u["role"]})
                _print(u)
            elif what == "user":
                async with store.read() as conn:
                    _print([admin.user_json(dict(r)) for r in (await conn.execute(select(users).order_by(users.c.username))).mappings()])
            elif what == "hall" and args.hall_command == "add":
                async with store.write() as conn:
                    _print(await admin.create_hall(conn, args.name, args.rows, args.columns))
            elif what == "hall":
                async with store.read() as conn:
                    _print([admin.hall_json(dict(r)) for r in (await conn.execute(select(halls).order_by(halls.c.created_at))).mappings()])
            elif what == "session" and args.session_command == "add":
                starts: datetime | None = None
                if args.starts_at:
                    starts = parse_time(args.starts_at)
                    if starts is None:
                        raise UsageError(f"--starts-at: {args.starts_at!r} is not an ISO 8601 time like 2026-12-01T09:00:00Z")
                fields = {
                    "title": args.title, "exam_code": args.code, "starts_at": starts,
                    "duration_minutes": args.duration, "max_locks": args.max_locks,
                    "info_collection": args.info_collection, "total_questions": args.questions,
                    "hall_ids": args.hall,
                }
                async with store.write() as conn:
                    _print(await admin.create_session(conn, fields))
            elif what == "session":
                async with store.read() as conn:
                    rows = (await conn.execute(select(exam_sessions).order_by(exam_sessions.c.starts_at))).mappings()
                    _print([exam.session_json(dict(r)) for r in rows])
            elif what == "roster":
                try:
                    text = sys.stdin.read() if args.csv_file == "-" else open(args.csv_file, encoding="utf-8-sig").read()  # noqa: SIM115
                except OSError as exc:
                    raise UsageError(f"cannot read {args.csv_file}: {exc.strerror}") from None
                except UnicodeDecodeError:
                    raise UsageError(f"{args.csv_file} is not UTF-8 text") from None
                roster = admin.parse_roster_csv(text)
                async with store.write() as conn:
                    report = await admin.import_roster(conn, args.session_id, roster)
                print(f"added {report.added}, updated {report.updated}, rejected {len(report.rejected)}")
                for rej in report.rejected:
                    print(f"  line {rej['line']}: {rej['candidate_no'] or '(no number)'}: {rej['reason']}")
                return 1 if report.rejected else 0
        except ApiError as exc:
            raise UsageError(exc.message) from None
        return 0
    finally:
        await store.dispose()


def run_admin(args: argparse.Namespace) -> int:
    url = resolve_db_url(args.db)
    password = None
    if args.admin_command == "user" and args.user_command == "add":
        password = _read_password(args)
        if len(password) < 8:
            raise UsageError("the password must have at least 8 characters")
    try:
        return asyncio.run(_admin(args, url, password))
    except (OSError, ConnectionError) as exc:
        raise UsageError(f"cannot reach the database: {exc}".splitlines()[0]) from None
