"""Local assist: language, sentiment and category suggestion per case, the terms similar
cases are found by, each corporation's switches and trained category model.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06 01:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
down_revision: str | Sequence[str] | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copies of the model's types, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "assist_settings",
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("language", sa.Boolean(), nullable=False),
        sa.Column("sentiment", sa.Boolean(), nullable=False),
        sa.Column("category", sa.Boolean(), nullable=False),
        sa.Column("similar", sa.Boolean(), nullable=False),
        sa.Column("min_examples", sa.Integer(), nullable=False),
        sa.Column("auto_apply_confidence", sa.Integer(), nullable=True),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_assist_settings_corporation_id_corporations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("corporation_id", name=op.f("pk_assist_settings")),
    )
    op.create_table(
        "category_models",
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("examples", sa.Integer(), nullable=False),
        sa.Column("categories", sa.Integer(), nullable=False),
        sa.Column("model", sa.LargeBinary(), nullable=False),
        sa.Column("trained_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_category_models_corporation_id_corporations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("corporation_id", name=op.f("pk_category_models")),
    )
    op.create_table(
        "case_insights",
        sa.Column("case_id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("sentiment", sa.String(length=16), nullable=True),
        sa.Column("sentiment_index", sa.Integer(), nullable=True),
        sa.Column("sentiment_confidence", sa.Integer(), nullable=True),
        sa.Column("suggested_category_id", ID, nullable=True),
        sa.Column("suggestion_confidence", sa.Integer(), nullable=True),
        sa.Column("suggestion_taken", sa.Boolean(), nullable=True),
        sa.Column("orig_human_category_id", ID, nullable=True),
        sa.Column("duplicate_of_id", ID, nullable=True),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_insights_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_case_insights_corporation_id_corporations"),
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["cases.id"],
            name=op.f("fk_case_insights_duplicate_of_id_cases"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["orig_human_category_id"],
            ["categories.id"],
            name=op.f("fk_case_insights_orig_human_category_id_categories"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["suggested_category_id"],
            ["categories.id"],
            name=op.f("fk_case_insights_suggested_category_id_categories"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_insights")),
    )
    op.create_index(
        op.f("ix_case_insights_corporation_id"), "case_insights", ["corporation_id"], unique=False
    )
    op.create_index(op.f("ix_case_insights_language"), "case_insights", ["language"], unique=False)
    op.create_index(
        op.f("ix_case_insights_sentiment_index"), "case_insights", ["sentiment_index"], unique=False
    )
    op.create_index(
        op.f("ix_case_insights_suggested_category_id"),
        "case_insights",
        ["suggested_category_id"],
        unique=False,
    )
    op.create_table(
        "case_terms",
        sa.Column("case_id", ID, nullable=False),
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_terms_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "term", name=op.f("pk_case_terms")),
    )
    op.create_index(
        "ix_case_terms_corporation_id_term", "case_terms", ["corporation_id", "term"], unique=False
    )
    op.create_table(
        "message_insights",
        sa.Column("message_id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_message_insights_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["case_messages.id"],
            name=op.f("fk_message_insights_message_id_case_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_message_insights")),
    )
    op.create_index(
        op.f("ix_message_insights_case_id"), "message_insights", ["case_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_message_insights_case_id"), table_name="message_insights")
    op.drop_table("message_insights")
    op.drop_index("ix_case_terms_corporation_id_term", table_name="case_terms")
    op.drop_table("case_terms")
    op.drop_index(op.f("ix_case_insights_suggested_category_id"), table_name="case_insights")
    op.drop_index(op.f("ix_case_insights_sentiment_index"), table_name="case_insights")
    op.drop_index(op.f("ix_case_insights_language"), table_name="case_insights")
    op.drop_index(op.f("ix_case_insights_corporation_id"), table_name="case_insights")
    op.drop_table("case_insights")
    op.drop_table("category_models")
    op.drop_table("assist_settings")
