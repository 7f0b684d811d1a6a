"""Contacts in several organizations: one row per membership. Every contact's
existing organization becomes its first (primary) membership.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | Sequence[str] | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copies of the model's types, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "contact_organizations",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_contact_organizations_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_contact_organizations_corporation_id_corporations"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_contact_organizations_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_organizations")),
        sa.UniqueConstraint(
            "contact_id",
            "organization_id",
            name=op.f("uq_contact_organizations_contact_id_organization_id"),
        ),
    )
    op.create_index(
        op.f("ix_contact_organizations_organization_id"),
        "contact_organizations",
        ["organization_id"],
    )
    op.execute(
        "INSERT INTO contact_organizations (corporation_id, contact_id, organization_id,"
        " created_at) SELECT corporation_id, id, organization_id, created_at FROM contacts"
        " WHERE organization_id IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_contact_organizations_organization_id"), table_name="contact_organizations"
    )
    op.drop_table("contact_organizations")
