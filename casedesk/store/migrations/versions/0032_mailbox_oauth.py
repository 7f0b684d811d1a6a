"""OAuth2 mailboxes: a mailbox's client registration, encrypted tokens, and whether it
must be authorised again.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | Sequence[str] | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copies of the model's types, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "mailbox_oauth",
        sa.Column("mailbox_id", ID, nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("client_id", sa.String(length=400), nullable=False),
        sa.Column("client_secret_encrypted", sa.Text(), nullable=True),
        sa.Column("authorize_url", sa.String(length=1000), nullable=False),
        sa.Column("token_url", sa.String(length=1000), nullable=False),
        sa.Column("scopes", sa.String(length=1000), nullable=False),
        sa.Column("smtp_url", sa.String(length=1000), nullable=True),
        sa.Column("refresh_token_encrypted", sa.Text(), nullable=True),
        sa.Column("access_token_encrypted", sa.Text(), nullable=True),
        sa.Column("access_expires_at", WHEN, nullable=True),
        sa.Column("authorised_at", WHEN, nullable=True),
        sa.Column("needs_authorisation", sa.Boolean(), nullable=False),
        sa.Column("problem", sa.String(length=1000), nullable=False),
        sa.Column("problem_at", WHEN, nullable=True),
        sa.Column("flow_state", sa.String(length=100), nullable=True),
        sa.Column("flow_verifier_encrypted", sa.Text(), nullable=True),
        sa.Column("flow_started_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["mailbox_id"],
            ["mailboxes.id"],
            name=op.f("fk_mailbox_oauth_mailbox_id_mailboxes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("mailbox_id", name=op.f("pk_mailbox_oauth")),
    )
    op.create_index(op.f("ix_mailbox_oauth_flow_state"), "mailbox_oauth", ["flow_state"])


def downgrade() -> None:
    op.drop_index(op.f("ix_mailbox_oauth_flow_state"), table_name="mailbox_oauth")
    op.drop_table("mailbox_oauth")
