"""Alembic environment: run with a connection handed in by proctor_console.service.migrate."""

from __future__ import annotations

from alembic import context

from proctor_console.service.storage import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `proctor-console admin migrate`")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
