"""Satisfaction surveys: a corporation's survey settings and one survey per closed case.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-06 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036"
down_revision: str | Sequence[str] | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copies of the model's types, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "survey_settings",
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("mail_subject", sa.String(length=200), nullable=False),
        sa.Column("mail_body", sa.Text(), nullable=False),
        sa.Column("page_text", sa.Text(), nullable=False),
        sa.Column("cap_days", sa.Integer(), nullable=False),
        sa.Column("on_bad", sa.String(length=16), nullable=False),
        sa.Column("notify_address", sa.String(length=320), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        _fk("survey_settings", "corporation_id", "corporations", "CASCADE"),
        sa.PrimaryKeyConstraint("corporation_id", name=op.f("pk_survey_settings")),
    )
    op.create_table(
        "surveys",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("contact_id", ID, nullable=True),
        sa.Column("agent_id", ID, nullable=True),
        sa.Column("group_id", ID, nullable=True),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("sent_at", WHEN, nullable=False),
        sa.Column("rating", sa.String(length=8), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("first_answered_at", WHEN, nullable=True),
        sa.Column("answered_at", WHEN, nullable=True),
        _fk("surveys", "agent_id", "users", "SET NULL"),
        _fk("surveys", "case_id", "cases", "CASCADE"),
        _fk("surveys", "contact_id", "contacts", "SET NULL"),
        _fk("surveys", "corporation_id", "corporations", "CASCADE"),
        _fk("surveys", "group_id", "groups", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
        sa.UniqueConstraint("case_id", name=op.f("uq_surveys_case_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_surveys_token_hash")),
    )
    op.create_index(op.f("ix_surveys_agent_id"), "surveys", ["agent_id"])
    op.create_index("ix_surveys_contact", "surveys", ["contact_id", "sent_at"])
    op.create_index("ix_surveys_corporation_answered", "surveys", ["corporation_id", "answered_at"])
    op.create_index(op.f("ix_surveys_corporation_id"), "surveys", ["corporation_id"])
    op.create_index(op.f("ix_surveys_group_id"), "surveys", ["group_id"])


def downgrade() -> None:
    op.drop_table("surveys")
    op.drop_table("survey_settings")
