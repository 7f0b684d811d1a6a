"""Facts kept for the reports: one row per case, and the cursor of the job that keeps
them current.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copies of the model's types, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_DATETIME = sa.DateTime(timezone=True)
#: The columns of the index the reports' scans of a range of created days read alone.
COVERED = [
    "corporation_id",
    "created_day",
    "group_id",
    "channel",
    "agent_id",
    "priority_id",
    "category_id",
    "organization_id",
    "first_response_seconds",
    "resolution_seconds",
    "reopen_count",
    "message_count",
    "sla_first_response",
    "sla_resolution",
    "created_weekday",
    "created_hour",
    "closed_day",
    "is_open",
]


def upgrade() -> None:
    op.create_table(
        "case_facts",
        sa.Column("case_id", ID, autoincrement=False, nullable=False),
        sa.Column("corporation_id", sa.BigInteger(), nullable=False),
        sa.Column("group_id", sa.BigInteger(), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=True),
        sa.Column("agent_id", sa.BigInteger(), nullable=True),
        sa.Column("priority_id", sa.BigInteger(), nullable=False),
        sa.Column("category_id", sa.BigInteger(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("created_day", sa.Date(), nullable=False),
        sa.Column("created_weekday", sa.SmallInteger(), nullable=False),
        sa.Column("created_hour", sa.SmallInteger(), nullable=False),
        sa.Column("closed_day", sa.Date(), nullable=True),
        sa.Column("first_response_seconds", sa.Integer(), nullable=True),
        sa.Column("resolution_seconds", sa.Integer(), nullable=True),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("message_count", sa.Integer(), nullable=False),
        sa.Column("sla_first_response", sa.Boolean(), nullable=True),
        sa.Column("sla_resolution", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_facts_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_facts")),
    )
    with op.batch_alter_table("case_facts", schema=None) as batch_op:
        batch_op.create_index("ix_case_facts_created", COVERED)
        batch_op.create_index("ix_case_facts_closed", ["corporation_id", "closed_day"])
        batch_op.create_index("ix_case_facts_group_created", ["group_id", "created_day"])
    op.create_table(
        "report_cursors",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("seen", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_report_cursors")),
    )


def downgrade() -> None:
    op.drop_table("report_cursors")
    with op.batch_alter_table("case_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_case_facts_group_created")
        batch_op.drop_index("ix_case_facts_closed")
        batch_op.drop_index("ix_case_facts_created")
    op.drop_table("case_facts")
