"""Storage: the tables, the engine, and the one way to open a writing transaction.

SQLite (a file, WAL mode, busy timeout) by default; PostgreSQL by URL. Every
change of an attempt and its event are written in one transaction. The event
``id`` is the cursor of the stream; to keep cursors in commit order across
several service processes on one PostgreSQL, every writing transaction first
takes one advisory lock (on SQLite the database's single writer does the same).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import sqlite3
from collections.abc import AsyncIterator, Callable, Generator
from datetime import UTC, datetime
from typing import Any

import aiosqlite
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    make_url,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC (SQLite keeps no zone), always read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

users = Table(
    "users",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(128), nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(256), nullable=False),
    Column("hall_ids", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("kind", String(8), nullable=False),  # user | device
    Column("user_id", String(32), nullable=True),
    Column("attempt_id", String(32), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

halls = Table(
    "halls",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(128), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("columns", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

exam_sessions = Table(
    "exam_sessions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("exam_code", String(6), nullable=False, index=True),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("max_locks", Integer, nullable=False),
    Column("info_collection", Boolean, nullable=False),
    Column("info_fields", JSON, nullable=False),
    Column("total_questions", Integer, nullable=False),
    Column("hall_ids", JSON, nullable=False),
    Column("closed", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
)

attempts = Table(
    "attempts",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("session_id", String(32), ForeignKey("exam_sessions.id"), nullable=False),
    Column("candidate_no", String(32), nullable=False),
    Column("name", String(128), nullable=False),
    Column("hall_id", String(32), ForeignKey("halls.id"), nullable=False),
    Column("seat_row", Integer, nullable=False),
    Column("seat_col", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("lock_count", Integer, nullable=False, default=0),
    Column("last_lock_reason", String(16)),
    Column("locked_since", UTCDateTime),
    Column("battery_pct", Integer),
    Column("charging", Boolean),
    Column("network", String(8)),
    Column("last_seen", UTCDateTime),
    # last_seen as the latest event carried it: a heartbeat that changes nothing
    # else only refreshes last_seen in place, and re-sends the row every 15 s.
    Column("seen_in_event", UTCDateTime),
    Column("device_id", String(128)),
    Column("app_version", String(32)),
    Column("platform", String(16)),
    Column("os_version", String(32)),
    Column("model", String(64)),
    Column("screen", String(16)),
    Column("answered", Integer, nullable=False, default=0),
    Column("answers", JSON),
    Column("resumes", Integer, nullable=False, default=0),
    Column("device_count", Integer, nullable=False, default=0),
    Column("submit_pending_since", UTCDateTime),
    Column("submission_id", String(128)),
    Column("receipt_id", String(32)),
    Column("received_at", UTCDateTime),
    Column("submit_cause", String(16)),
    Column("open_escalations", Integer, nullable=False, default=0),
    Column("help_requested_since", UTCDateTime),
    Column("help_reason", String(16)),
    Column("help_note", String(200)),
    Column("info", JSON),
    Column("info_done", Boolean, nullable=False, default=False),
    Column("deadline", UTCDateTime, nullable=False),
    Column("extension_minutes", Integer, nullable=False, default=0),
    Column("last_unlock_mode", String(8)),
    # The lock count for which a push unlock reached the phone (heartbeat commands).
    Column("unlock_delivered_lock", Integer),
    Column("wrong_codes", Integer, nullable=False, default=0),  # for the current lock
    Column("pending_commands", Integer, nullable=False, default=0),
    Column("unlock_seed", String(64), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    UniqueConstraint("session_id", "candidate_no", name="uq_attempts_session_candidate"),
    Index("ix_attempts_session_hall", "session_id", "hall_id"),
    Index("ix_attempts_state_deadline", "state", "deadline"),
)

events = Table(
    "events",
    metadata,
    # The cursor of the stream. BigInteger on PostgreSQL, INTEGER (rowid) on SQLite.
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("session_id", String(32), nullable=False),
    Column("hall_id", String(32)),
    Column("attempt_id", String(32)),
    Column("type", String(16), nullable=False),  # candidate | escalation | session
    Column("kind", String(32)),  # timeline kind; null for telemetry-only changes
    Column("actor", String(64)),
    Column("detail", JSON),
    Column("data", JSON, nullable=False),
    Index("ix_events_session_id", "session_id", "id"),
    Index("ix_events_attempt", "attempt_id", "id"),
)

commands = Table(
    "commands",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("attempt_id", String(32), nullable=False),
    Column("type", String(16), nullable=False),  # unlock | message | help_ack
    Column("text", String(400)),
    Column("lock_count", Integer),
    Column("created_by", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime),
    Column("void", Boolean, nullable=False, default=False),
    Index("ix_commands_pending", "attempt_id", "delivered_at"),
)

unlock_codes = Table(
    "unlock_codes",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("attempt_id", String(32), nullable=False, index=True),
    Column("lock_count", Integer, nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("issued_by", String(64), nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
    Column("void", Boolean, nullable=False, default=False),
)

escalations = Table(
    "escalations",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("attempt_id", String(32), nullable=False, index=True),
    Column("session_id", String(32), nullable=False, index=True),
    Column("hall_id", String(32), nullable=False),
    Column("category", String(32), nullable=False),
    Column("note", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("raised_by", String(64), nullable=False),
    Column("raised_at", UTCDateTime, nullable=False),
    Column("claimed_by", String(64)),
    Column("claimed_at", UTCDateTime),
    Column("resolved_by", String(64)),
    Column("resolved_at", UTCDateTime),
    Column("resolution", Text),
    Column("comments", JSON, nullable=False),
)

audit = Table(
    "audit",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("role", String(16)),
    Column("action", String(32), nullable=False),
    Column("session_id", String(32), index=True),
    Column("hall_id", String(32)),
    Column("attempt_id", String(32)),
    Column("candidate_no", String(32)),
    Column("reason", Text),
    Column("detail", JSON),
)

idempotency = Table(
    "idempotency",
    metadata,
    Column("user_id", String(32), primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("path", String(200), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("body", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

#: The attempts changed by the writing transaction of the current task: id -> the row as
#: written (the caller's dict, read at commit), or None when the caller holds no whole row.
ChangedAttempts = dict[str, dict[str, Any] | None]
_changed_attempts: contextvars.ContextVar[ChangedAttempts | None] = contextvars.ContextVar("changed_attempts", default=None)


def mark_changed(conn: AsyncConnection, attempt_id: str, row: dict[str, Any] | None = None) -> None:
    """Record that this transaction changed an attempt (for the in-memory caches).

    ``row``: the attempt as it now stands in the database (as ``exam.load_attempt`` reads
    it), kept up to date by the caller until commit; the caches then take it instead of
    reading it again. Without it the caches forget the attempt.
    """
    changed = _changed_attempts.get()
    if changed is not None:
        if row is None or changed.get(attempt_id, row) is not row:
            changed[attempt_id] = None  # two different dicts for one attempt: trust neither
        else:
            changed[attempt_id] = row


service_meta = Table(
    "service_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
)

#: service_meta key: every telemetry-only event with an id up to this was pruned.
PRUNED_THROUGH = "events_pruned_through"

#: Advisory lock key taken by every writing transaction on PostgreSQL.
WRITE_LOCK_KEY = 7_301_742


def normalize_url(url: str) -> tuple[str, dict[str, Any]]:
    """Our URL -> (SQLAlchemy URL, connect_args).

    ``postgresql://`` becomes ``postgresql+asyncpg://``; ``sqlite://`` becomes
    ``sqlite+aiosqlite://``. A ``?schema=NAME`` on a PostgreSQL URL sets the
    search path (tests use a fresh schema per run).
    """
    parsed = make_url(url)
    connect_args: dict[str, Any] = {}
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        parsed = parsed.set(drivername="postgresql+asyncpg")
        schema = parsed.query.get("schema")
        if schema:
            parsed = parsed.difference_update_query(["schema"])
            connect_args["server_settings"] = {"search_path": str(schema)}
    elif backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
        connect_args["timeout"] = 30
    else:
        raise ValueError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")
    return parsed.render_as_string(hide_password=False), connect_args


def compact_json(value: Any) -> str:
    """Rows are stored by the million: no spaces, and Chinese as UTF-8 rather than \\u escapes."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _RunNow:
    """Stands in for aiosqlite's queue to its worker thread: runs the work at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as exc:
            if future is not None:
                future.set_exception(exc)
            return
        if future is not None:
            future.set_result(result)


class InlineSqliteConnection(aiosqlite.Connection):
    """aiosqlite's interface with the statements run on the event loop's own thread.

    aiosqlite hands every call (cursor, execute, fetch, close: four per statement) to a
    thread and back; under load each hand-over waits for the GIL, and a write
    transaction took 5-7 ms for well under a millisecond of SQLite work
    (tests/bench/RESULTS.md). Our statements are short (WAL, synchronous=NORMAL: a
    commit does not wait for the disk), so running them in place is faster and keeps
    the loop free enough. The price: a writer blocked by *another process* would block
    the loop, so one service process owns a SQLite file (several processes: PostgreSQL).
    """

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, 64)
        self._tx = _RunNow()  # type: ignore[assignment]

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    async def _connect(self) -> InlineSqliteConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    def __await__(self) -> Generator[Any, None, InlineSqliteConnection]:
        return self._connect().__await__()


def make_engine(url: str) -> AsyncEngine:
    sa_url, connect_args = normalize_url(url)
    if sa_url.startswith("sqlite"):
        parsed = make_url(sa_url)
        file_args, file_kwargs = parsed.get_dialect()().create_connect_args(parsed)
        file_kwargs.update(connect_args)

        async def connect_inline() -> InlineSqliteConnection:
            return await InlineSqliteConnection(lambda: sqlite3.connect(*file_args, **file_kwargs))  # type: ignore[call-overload]

        engine = create_async_engine(
            sa_url, async_creator=connect_inline, pool_size=5, max_overflow=5, json_serializer=compact_json
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Manage BEGIN ourselves so writers can take the lock up front.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            if conn.get_execution_options().get("proctor_write"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")

        return engine
    return create_async_engine(
        sa_url, connect_args=connect_args, pool_size=10, max_overflow=10, pool_pre_ping=True,
        json_serializer=compact_json,
    )


class Store:
    """The engine plus the writing-transaction discipline."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._write_engine = self.engine.execution_options(proctor_write=True)
        # One writer at a time inside this process: no busy-waiting on SQLite,
        # and a short queue instead of many pooled connections waiting on PG's lock.
        self._write_lock = asyncio.Lock()
        self._written = asyncio.Event()
        #: Called after each committed write with the ids of the attempts it changed.
        self.on_commit: list[Callable[[ChangedAttempts], None]] = []

    def notify_written(self) -> None:
        """Wake this process's event streams early (others poll the table)."""
        self._written.set()
        self._written = asyncio.Event()

    async def wait_written(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._written.wait(), timeout)

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A writing transaction; attempts marked with :func:`mark_changed` are reported after commit."""
        changed: ChangedAttempts = {}
        token = _changed_attempts.set(changed)
        try:
            async with self._write_lock, self._write_engine.begin() as conn:
                if not self.is_sqlite:
                    await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK_KEY})
                yield conn
        finally:
            _changed_attempts.reset(token)
        for callback in self.on_commit:
            callback(changed)
        self.notify_written()

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn:
            if not self.is_sqlite:
                await conn.execution_options(isolation_level="REPEATABLE READ")
            async with conn.begin():
                yield conn

    async def dispose(self) -> None:
        await self.engine.dispose()
