"""Canned responses (personal or shared with a group) and the composer's drafts.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-05 21:18:51.366304
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copy of the model's id type, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "canned_responses",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("owner_user_id", ID, nullable=True),
        sa.Column("group_id", ID, nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_canned_responses_corporation_id_corporations"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_canned_responses_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"],
            ["users.id"],
            name=op.f("fk_canned_responses_owner_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_responses")),
    )
    with op.batch_alter_table("canned_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_canned_responses_corporation_id"), ["corporation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_canned_responses_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_canned_responses_owner_user_id"), ["owner_user_id"], unique=False
        )

    op.create_table(
        "composer_drafts",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("to_addresses", sa.String(length=2000), nullable=False),
        sa.Column("cc_addresses", sa.String(length=2000), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_composer_drafts_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_composer_drafts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_composer_drafts")),
        sa.UniqueConstraint(
            "user_id", "case_id", "kind", name=op.f("uq_composer_drafts_user_id_case_id_kind")
        ),
    )
    with op.batch_alter_table("composer_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_composer_drafts_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("composer_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_composer_drafts_case_id"))

    op.drop_table("composer_drafts")
    with op.batch_alter_table("canned_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_canned_responses_owner_user_id"))
        batch_op.drop_index(batch_op.f("ix_canned_responses_group_id"))
        batch_op.drop_index(batch_op.f("ix_canned_responses_corporation_id"))

    op.drop_table("canned_responses")
