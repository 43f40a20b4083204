"""Schema migrations (Alembic), run programmatically on our async engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from .storage import Store

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: Any = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


async def upgrade(store: Store) -> None:
    """Bring the schema to the newest revision (idempotent)."""

    def _run(sync_conn: Any) -> None:
        command.upgrade(alembic_config(sync_conn), "head")

    async with store.write() as conn:
        await conn.run_sync(_run)


async def autogenerate(store: Store, message: str) -> None:
    """Developer helper: write a new revision from the difference to the tables."""

    def _run(sync_conn: Any) -> None:
        command.revision(alembic_config(sync_conn), message=message, autogenerate=True)

    async with store.write() as conn:
        await conn.run_sync(_run)


async def has_schema(store: Store) -> bool:
    async with store.read() as conn:
        return await conn.run_sync(lambda c: inspect(c).has_table("attempts"))
