"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-30 16:35:36.578938
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import proctor_console.service.storage

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "audit",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", proctor_console.service.storage.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=True),
        sa.Column("hall_id", sa.String(length=32), nullable=True),
        sa.Column("attempt_id", sa.String(length=32), nullable=True),
        sa.Column("candidate_no", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_session_id"), ["session_id"], unique=False)

    op.create_table(
        "commands",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("attempt_id", sa.String(length=32), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("text", sa.String(length=400), nullable=True),
        sa.Column("lock_count", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", proctor_console.service.storage.UTCDateTime(), nullable=False),
        sa.Column("delivered_at", proctor_console.service.storage.UTCDateTime(), nullable=True),
        sa.Column("void", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commands")),
    )
    with op.batch_alter_table("commands", schema=None) as batch_op:
        batch_op.create_index("ix_commands_pending", ["attempt_id", "delivered_at"], unique=False)

    op.create_table(
        "escalations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("attempt_id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("hall_id", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("raised_by", sa.String(length=64), nullable=False),
        sa.Column("raised_at", proctor_console.service.storage.UTCDateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", proctor_console.service.storage.UTCDateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=64), nullable=True),
        sa.Column("resolved_at", proctor_console.service.storage.UTCDateTime(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("comments", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
    )
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_escalations_attempt_id"), ["attempt_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_escalations_session_id"), ["session_id"], unique=False)

    op.create_table(
        "events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", proctor_console.service.storage.UTCDateTime(), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("hall_id", sa.String(length=32), nullable=True),
        sa.Column("attempt_id", sa.String(length=32), nullable=True),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_attempt", ["attempt_id", "id"], unique=False)
        batch_op.create_index("ix_events_session_id", ["session_id", "id"], unique=False)

    op.create_table(
        "exam_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("exam_code", sa.String(length=6), nullable=False),
        sa.Column("starts_at", proctor_console.service.storage.UTCDateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("max_locks", sa.Integer(), nullable=False),
        sa.Column("info_collection", sa.Boolean(), nullable=False),
        sa.Column("info_fields", sa.JSON(), nullable=False),
        sa.Column("total_questions", sa.Integer(), nullable=False),
        sa.Column("hall_ids", sa.JSON(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("created_at", proctor_console.service.storage.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_sessions")),
    )
    with op.batch_alter_table("exam_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exam_sessions_exam_code"), ["exam_code"], unique=False)

    op.create_table(
        "halls",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("columns", sa.Integer(), nullable=False),
        sa.Column("created_at", proctor_console.service.storage.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_halls")),
    )
    op.create_table(
        "idempotency",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", proctor_console.service.storage.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_idempotency")),
    )
    op.create_table(
        "tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("attempt_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", proctor_console.service.storage.UTCDateTime(), nullable=False),
        sa.Column("expires_at", proctor_console.service.storage.UTCDateTime(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_tokens")),
    )
    op.create_table(
        "unlock_codes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("attempt_id", sa.String(length=32), nullable=False),
        sa.Column("lock_count", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.Column("issued_at", proctor_console.service.storage.UTCDateTime(), nullable=False),
        sa.Column("expires_at", proctor_console.service.storage.UTCDateTime(), nullable=False),
        sa.Column("used_at", proctor_console.service.storage.UTCDateTime(), nullable=True),
        sa.Column("void", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unlock_codes")),
    )
    with op.batch_alter_table("unlock_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unlock_codes_attempt_id"), ["attempt_id"], unique=False
        )

    op.create_table(
        "users",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("hall_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", proctor_console.service.storage.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "attempts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("candidate_no", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("hall_id", sa.String(length=32), nullable=False),
        sa.Column("seat_row", sa.Integer(), nullable=False),
        sa.Column("seat_col", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("lock_count", sa.Integer(), nullable=False),
        sa.Column("last_lock_reason", sa.String(length=16), nullable=True),
        sa.Column("locked_since", proctor_console.service.storage.UTCDateTime(), nullable=True),
        sa.Column("battery_pct", sa.Integer(), nullable=True),
        sa.Column("charging", sa.Boolean(), nullable=True),
        sa.Column("network", sa.String(length=8), nullable=True),
        sa.Column("last_seen", proctor_console.service.storage.UTCDateTime(), nullable=True),
        sa.Column("seen_in_event", proctor_console.service.storage.UTCDateTime(), nullable=True),
        sa.Column("device_id", sa.String(length=128), nullable=True),
        sa.Column("app_version", sa.String(length=32), nullable=True),
        sa.Column("platform", sa.String(length=16), nullable=True),
        sa.Column("os_version", sa.String(length=32), nullable=True),
        sa.Column("model", sa.String(length=64), nullable=True),
        sa.Column("screen", sa.String(length=16), nullable=True),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("resumes", sa.Integer(), nullable=False),
        sa.Column("device_count", sa.Integer(), nullable=False),
        sa.Column(
            "submit_pending_since", proctor_console.service.storage.UTCDateTime(), nullable=True
        ),
        sa.Column("submission_id", sa.String(length=128), nullable=True),
        sa.Column("receipt_id", sa.String(length=32), nullable=True),
        sa.Column("received_at", proctor_console.service.storage.UTCDateTime(), nullable=True),
        sa.Column("submit_cause", sa.String(length=16), nullable=True),
        sa.Column("open_escalations", sa.Integer(), nullable=False),
        sa.Column(
            "help_requested_since", proctor_console.service.storage.UTCDateTime(), nullable=True
        ),
        sa.Column("help_reason", sa.String(length=16), nullable=True),
        sa.Column("help_note", sa.String(length=200), nullable=True),
        sa.Column("info", sa.JSON(), nullable=True),
        sa.Column("info_done", sa.Boolean(), nullable=False),
        sa.Column("deadline", proctor_console.service.storage.UTCDateTime(), nullable=False),
        sa.Column("extension_minutes", sa.Integer(), nullable=False),
        sa.Column("last_unlock_mode", sa.String(length=8), nullable=True),
        sa.Column("unlock_delivered_lock", sa.Integer(), nullable=True),
        sa.Column("wrong_codes", sa.Integer(), nullable=False),
        sa.Column("pending_commands", sa.Integer(), nullable=False),
        sa.Column("unlock_seed", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["hall_id"], ["halls.id"], name=op.f("fk_attempts_hall_id_halls")),
        sa.ForeignKeyConstraint(
            ["session_id"], ["exam_sessions.id"], name=op.f("fk_attempts_session_id_exam_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempts")),
        sa.UniqueConstraint("session_id", "candidate_no", name="uq_attempts_session_candidate"),
    )
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.create_index("ix_attempts_session_hall", ["session_id", "hall_id"], unique=False)
        batch_op.create_index("ix_attempts_state_deadline", ["state", "deadline"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_attempts_state_deadline")
        batch_op.drop_index("ix_attempts_session_hall")

    op.drop_table("attempts")
    op.drop_table("users")
    with op.batch_alter_table("unlock_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unlock_codes_attempt_id"))

    op.drop_table("unlock_codes")
    op.drop_table("tokens")
    op.drop_table("idempotency")
    op.drop_table("halls")
    with op.batch_alter_table("exam_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_sessions_exam_code"))

    op.drop_table("exam_sessions")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_session_id")
        batch_op.drop_index("ix_events_attempt")

    op.drop_table("events")
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalations_session_id"))
        batch_op.drop_index(batch_op.f("ix_escalations_attempt_id"))

    op.drop_table("escalations")
    with op.batch_alter_table("commands", schema=None) as batch_op:
        batch_op.drop_index("ix_commands_pending")

    op.drop_table("commands")
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_session_id"))

    op.drop_table("audit")
