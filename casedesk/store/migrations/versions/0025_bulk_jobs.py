"""The table of background bulk changes over many cases, and saved filters shared
with a group or everyone, with their columns.

Revision ID: 0025
Revises: 0023
Create Date: 2026-12-05 22:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | Sequence[str] | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copy of the model's id type, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "bulk_jobs",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("cases_total", sa.Integer(), nullable=False),
        sa.Column("cases_done", sa.Integer(), nullable=False),
        sa.Column("cases_failed", sa.Integer(), nullable=False),
        sa.Column("failures", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_bulk_jobs_corporation_id_corporations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_bulk_jobs_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_jobs")),
    )
    op.create_index(
        op.f("ix_bulk_jobs_corporation_id"), "bulk_jobs", ["corporation_id"], unique=False
    )
    op.create_index(op.f("ix_bulk_jobs_state"), "bulk_jobs", ["state"], unique=False)
    op.create_index(op.f("ix_bulk_jobs_user_id"), "bulk_jobs", ["user_id"], unique=False)
    with op.batch_alter_table("saved_filters") as batch:
        batch.add_column(sa.Column("shared_with", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("group_id", ID, nullable=True))
        batch.add_column(sa.Column("columns", sa.String(length=200), nullable=True))
        batch.create_foreign_key(
            op.f("fk_saved_filters_group_id_groups"),
            "groups",
            ["group_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index(op.f("ix_saved_filters_group_id"), ["group_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("saved_filters") as batch:
        batch.drop_index(op.f("ix_saved_filters_group_id"))
        batch.drop_constraint(op.f("fk_saved_filters_group_id_groups"), type_="foreignkey")
        batch.drop_column("columns")
        batch.drop_column("group_id")
        batch.drop_column("shared_with")
    op.drop_index(op.f("ix_bulk_jobs_user_id"), table_name="bulk_jobs")
    op.drop_index(op.f("ix_bulk_jobs_state"), table_name="bulk_jobs")
    op.drop_index(op.f("ix_bulk_jobs_corporation_id"), table_name="bulk_jobs")
    op.drop_table("bulk_jobs")
