"""The import ledger: which records of an import file are in the database.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copy of the model's id type, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "import_ledger",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("imported_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_import_ledger_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_import_ledger_corporation_id_corporations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_ledger")),
        sa.UniqueConstraint(
            "corporation_id",
            "external_id",
            name=op.f("uq_import_ledger_corporation_id_external_id"),
        ),
    )
    with op.batch_alter_table("import_ledger", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_ledger_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("import_ledger", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_ledger_case_id"))
    op.drop_table("import_ledger")
