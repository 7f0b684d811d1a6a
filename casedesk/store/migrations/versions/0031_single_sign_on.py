"""Single sign-on: OpenID providers per corporation, the provider accounts of users,
the provider behind a console session, and whether password sign-in is allowed.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | Sequence[str] | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copies of the model's types, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sign_in_providers",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("issuer", sa.String(length=1000), nullable=False),
        sa.Column("client_id", sa.String(length=500), nullable=False),
        sa.Column("client_secret_sealed", sa.Text(), nullable=False),
        sa.Column("scopes", sa.String(length=500), nullable=False),
        sa.Column("groups_claim", sa.String(length=100), nullable=False),
        sa.Column("group_map", sa.JSON(), nullable=False),
        sa.Column("admin_claim", sa.String(length=100), nullable=False),
        sa.Column("admin_values", sa.JSON(), nullable=False),
        sa.Column("provider_mfa_counts", sa.Boolean(), nullable=False),
        sa.Column("sign_out_at_provider", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_sign_in_providers_corporation_id_corporations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_providers")),
        sa.UniqueConstraint(
            "corporation_id", "name", name=op.f("uq_sign_in_providers_corporation_id_name")
        ),
    )
    op.create_index(
        op.f("ix_sign_in_providers_corporation_id"), "sign_in_providers", ["corporation_id"]
    )
    op.create_table(
        "sign_in_identities",
        sa.Column("id", ID, nullable=False),
        sa.Column("provider_id", ID, nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("last_sign_in_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["sign_in_providers.id"],
            name=op.f("fk_sign_in_identities_provider_id_sign_in_providers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_sign_in_identities_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_identities")),
        sa.UniqueConstraint(
            "provider_id", "subject", name=op.f("uq_sign_in_identities_provider_id_subject")
        ),
    )
    op.create_index(op.f("ix_sign_in_identities_user_id"), "sign_in_identities", ["user_id"])
    op.create_table(
        "provider_sessions",
        sa.Column("web_session_id", ID, nullable=False),
        sa.Column("provider_id", ID, nullable=False),
        sa.Column("id_token", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["web_session_id"],
            ["web_sessions.id"],
            name=op.f("fk_provider_sessions_web_session_id_web_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["sign_in_providers.id"],
            name=op.f("fk_provider_sessions_provider_id_sign_in_providers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("web_session_id", name=op.f("pk_provider_sessions")),
    )
    op.create_index(op.f("ix_provider_sessions_provider_id"), "provider_sessions", ["provider_id"])
    op.create_table(
        "password_sign_in_policies",
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_password_sign_in_policies_corporation_id_corporations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("corporation_id", name=op.f("pk_password_sign_in_policies")),
    )


def downgrade() -> None:
    op.drop_table("password_sign_in_policies")
    op.drop_index(op.f("ix_provider_sessions_provider_id"), table_name="provider_sessions")
    op.drop_table("provider_sessions")
    op.drop_index(op.f("ix_sign_in_identities_user_id"), table_name="sign_in_identities")
    op.drop_table("sign_in_identities")
    op.drop_index(op.f("ix_sign_in_providers_corporation_id"), table_name="sign_in_providers")
    op.drop_table("sign_in_providers")
