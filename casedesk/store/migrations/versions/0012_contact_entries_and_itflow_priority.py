"""The contacts a client lists on a case, kept as sent (role, registered users,
channels), and which of ITFlow's three priorities each priority shows as.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 19:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copy of the model's id type, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "case_contact_entries",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=True),
        sa.Column("last_name", sa.String(length=100), nullable=True),
        sa.Column("registered_users", sa.JSON(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_contact_entries_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_contact_entries")),
    )
    with op.batch_alter_table("case_contact_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_contact_entries_case_id"), ["case_id"], unique=False
        )
    with op.batch_alter_table("priorities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("itflow_priority", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("priorities", schema=None) as batch_op:
        batch_op.drop_column("itflow_priority")
    with op.batch_alter_table("case_contact_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_contact_entries_case_id"))
    op.drop_table("case_contact_entries")
