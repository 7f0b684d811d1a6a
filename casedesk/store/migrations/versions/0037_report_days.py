"""Per-day rollups of the report facts, the case id in the covering index of the facts
(so a sample of them is read from the index alone), an index of the open cases by
agent, and one of the SLA breaches by when they happened.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-06 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037"
down_revision: str | Sequence[str] | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The covering index of 0022, frozen here, and the same with the case id last.
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
OPEN = ["corporation_id", "is_open", "agent_id", "group_id", "organization_id", "channel"]
COUNTS = (
    "created",
    "closed",
    "ever_closed",
    "reopened",
    "messages",
    "first_response_met",
    "first_response_missed",
    "resolution_met",
    "resolution_missed",
)


def upgrade() -> None:
    op.create_table(
        "report_days",
        sa.Column("corporation_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("group_id", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.PrimaryKeyConstraint(
            "corporation_id",
            "kind",
            "day",
            "group_id",
            "channel",
            "key",
            name=op.f("pk_report_days"),
        ),
    )
    with op.batch_alter_table("case_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_case_facts_created")
        batch_op.create_index("ix_case_facts_created", [*COVERED, "case_id"])
        batch_op.create_index("ix_case_facts_open", OPEN)
    with op.batch_alter_table("sla_breaches", schema=None) as batch_op:
        batch_op.create_index("ix_sla_breaches_breached", ["breached_at", "id"])


def downgrade() -> None:
    with op.batch_alter_table("sla_breaches", schema=None) as batch_op:
        batch_op.drop_index("ix_sla_breaches_breached")
    with op.batch_alter_table("case_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_case_facts_open")
        batch_op.drop_index("ix_case_facts_created")
        batch_op.create_index("ix_case_facts_created", COVERED)
    op.drop_table("report_days")
