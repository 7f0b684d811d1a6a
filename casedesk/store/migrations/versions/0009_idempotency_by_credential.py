"""Idempotency records are kept per credential (API token, web session, password) as
well as per user, so a replay never crosses what a token is limited to.

Records written before carry no credential (``''``), which no caller presents: they
are kept but never replayed again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 18:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("credential", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.drop_constraint("pk_idempotency_keys", type_="primary")
        batch_op.create_primary_key("pk_idempotency_keys", ["user_id", "credential", "key"])
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.alter_column("credential", server_default=None)


def downgrade() -> None:
    # Several credentials may hold the same key: keep one record of each.
    op.execute(
        sa.text(
            "DELETE FROM idempotency_keys WHERE credential <> ("
            " SELECT MIN(k.credential) FROM idempotency_keys k"
            " WHERE k.user_id = idempotency_keys.user_id AND k.key = idempotency_keys.key)"
        )
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_constraint("pk_idempotency_keys", type_="primary")
        batch_op.create_primary_key("pk_idempotency_keys", ["user_id", "key"])
        batch_op.drop_column("credential")
