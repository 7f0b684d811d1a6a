"""Files uploaded before the case they are for (the Case Management upload endpoint).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 20:22:53.924056
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copies of the model types, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "pending_uploads",
        sa.Column("id", ID, nullable=False),
        sa.Column("token", sa.String(length=36), nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("uploaded_by_id", ID, nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("storage_key", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_pending_uploads_corporation_id_corporations"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_pending_uploads_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_uploads")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_pending_uploads_storage_key")),
        sa.UniqueConstraint("token", name=op.f("uq_pending_uploads_token")),
    )
    with op.batch_alter_table("pending_uploads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pending_uploads_corporation_id"), ["corporation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pending_uploads_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pending_uploads_uploaded_by_id"), ["uploaded_by_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pending_uploads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_uploads_uploaded_by_id"))
        batch_op.drop_index(batch_op.f("ix_pending_uploads_created_at"))
        batch_op.drop_index(batch_op.f("ix_pending_uploads_corporation_id"))
    op.drop_table("pending_uploads")
