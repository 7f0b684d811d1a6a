"""Free extra values and secondary contacts of a case, the first read of each user,
and tags that keep their spelling while matching case-insensitively.

Existing tags were stored lower-case, so their match key is their name; existing reads
get their latest read as their first (nothing older is known).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 19:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "case_extra_values",
        sa.Column("case_id", ID, nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_extra_values_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "key", name=op.f("pk_case_extra_values")),
    )
    op.create_table(
        "case_secondary_contacts",
        sa.Column("case_id", ID, nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_secondary_contacts_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_case_secondary_contacts_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "contact_id", name=op.f("pk_case_secondary_contacts")),
    )
    op.create_index(
        op.f("ix_case_secondary_contacts_contact_id"), "case_secondary_contacts", ["contact_id"]
    )
    with op.batch_alter_table("case_reads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_read_at", UTC_DATETIME, nullable=True))
    op.execute(sa.text("UPDATE case_reads SET first_read_at = read_at"))
    with op.batch_alter_table("case_reads", schema=None) as batch_op:
        batch_op.alter_column("first_read_at", existing_type=UTC_DATETIME, nullable=False)
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=100), nullable=True))
    op.execute(sa.text("UPDATE tags SET name_key = lower(name)"))
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.alter_column("name_key", existing_type=sa.String(length=100), nullable=False)
        batch_op.drop_constraint("uq_tags_corporation_id_name", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_tags_corporation_id_name_key"), ["corporation_id", "name_key"]
        )


def downgrade() -> None:
    # Tags differing only in case cannot exist (one key each), so lower-casing is safe.
    op.execute(sa.text("UPDATE tags SET name = name_key"))
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.drop_constraint("uq_tags_corporation_id_name_key", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_tags_corporation_id_name"), ["corporation_id", "name"]
        )
        batch_op.drop_column("name_key")
    with op.batch_alter_table("case_reads", schema=None) as batch_op:
        batch_op.drop_column("first_read_at")
    op.drop_index(
        op.f("ix_case_secondary_contacts_contact_id"), table_name="case_secondary_contacts"
    )
    op.drop_table("case_secondary_contacts")
    op.drop_table("case_extra_values")
