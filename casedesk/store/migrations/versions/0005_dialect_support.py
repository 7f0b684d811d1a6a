"""What the SuperOffice, ITFlow and Case Management faces need from the store: API
tokens limited to one organization, a public status per user status, and a code table.

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-24 19:34:20.968146
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copy of the model id type, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "case_codes",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("ticket_type", sa.String(length=16), nullable=False),
        sa.Column("takes_details", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_case_codes_corporation_id_corporations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_codes")),
        sa.UniqueConstraint(
            "corporation_id", "code", name=op.f("uq_case_codes_corporation_id_code")
        ),
    )
    with op.batch_alter_table("case_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_codes_corporation_id"), ["corporation_id"], unique=False
        )

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organization_id", ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_api_tokens_organization_id_organizations"),
            "organizations",
            ["organization_id"],
            ["id"],
            ondelete="CASCADE",
        )

    with op.batch_alter_table("case_statuses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_status", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_statuses", schema=None) as batch_op:
        batch_op.drop_column("public_status")

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_api_tokens_organization_id_organizations"), type_="foreignkey"
        )
        batch_op.drop_column("organization_id")

    with op.batch_alter_table("case_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_codes_corporation_id"))

    op.drop_table("case_codes")
