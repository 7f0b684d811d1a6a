"""The change feed's order on PostgreSQL (the writing transaction of each audit row)
and the table of background case exports.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 21:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copy of the model's id type, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("txid", sa.BigInteger(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        # Rows written before the feed existed come first; every later row carries the
        # id of the transaction that wrote it (docs/changes.md).
        op.execute("UPDATE audit_log SET txid = 0")
        op.execute(
            "ALTER TABLE audit_log ALTER COLUMN txid "
            "SET DEFAULT (pg_current_xact_id()::text::bigint)"
        )
    op.create_index("ix_audit_log_feed", "audit_log", ["txid", "id"])
    op.create_table(
        "export_jobs",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_export_jobs_corporation_id_corporations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_export_jobs_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_jobs")),
    )
    op.create_index(
        op.f("ix_export_jobs_corporation_id"), "export_jobs", ["corporation_id"], unique=False
    )
    op.create_index(op.f("ix_export_jobs_state"), "export_jobs", ["state"], unique=False)
    op.create_index(op.f("ix_export_jobs_user_id"), "export_jobs", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_export_jobs_user_id"), table_name="export_jobs")
    op.drop_index(op.f("ix_export_jobs_state"), table_name="export_jobs")
    op.drop_index(op.f("ix_export_jobs_corporation_id"), table_name="export_jobs")
    op.drop_table("export_jobs")
    op.drop_index("ix_audit_log_feed", table_name="audit_log")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("txid")
