"""Note types and activity codes for notes, and admins' display names for fields.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 19:32:37.784427
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copies of the model types, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "activity_codes",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("for_cases", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_activity_codes_corporation_id_corporations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_codes")),
        sa.UniqueConstraint(
            "corporation_id", "name", name=op.f("uq_activity_codes_corporation_id_name")
        ),
    )
    with op.batch_alter_table("activity_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_activity_codes_corporation_id"), ["corporation_id"], unique=False
        )

    op.create_table(
        "field_labels",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("scheme", sa.String(length=64), nullable=False),
        sa.Column("field_key", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_field_labels_corporation_id_corporations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_labels")),
        sa.UniqueConstraint(
            "corporation_id",
            "scheme",
            "field_key",
            name=op.f("uq_field_labels_corporation_id_scheme_field_key"),
        ),
        sa.UniqueConstraint(
            "corporation_id",
            "scheme",
            "label",
            name=op.f("uq_field_labels_corporation_id_scheme_label"),
        ),
    )
    with op.batch_alter_table("field_labels", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_field_labels_corporation_id"), ["corporation_id"], unique=False
        )

    op.create_table(
        "note_types",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_note_types_corporation_id_corporations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_types")),
        sa.UniqueConstraint(
            "corporation_id", "name", name=op.f("uq_note_types_corporation_id_name")
        ),
    )
    with op.batch_alter_table("note_types", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_note_types_corporation_id"), ["corporation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("note_types", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_types_corporation_id"))

    op.drop_table("note_types")
    with op.batch_alter_table("field_labels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_field_labels_corporation_id"))

    op.drop_table("field_labels")
    with op.batch_alter_table("activity_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_codes_corporation_id"))

    op.drop_table("activity_codes")
