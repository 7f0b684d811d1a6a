"""Rules (triggers, automations, macros), automation matches, group round-robin turns,
and the SLA policy a rule may set on a case.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-05 21:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copies of the model's column types, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sla_policy_pin_id", ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_sla_policy_pin_id_sla_policies"),
            "sla_policies",
            ["sla_policy_pin_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "rules",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("group_id", ID, nullable=True),
        sa.Column("owner_user_id", ID, nullable=True),
        sa.Column("reply_text", sa.Text(), nullable=True),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_rules_corporation_id_corporations"),
        ),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], name=op.f("fk_rules_group_id_groups")),
        sa.ForeignKeyConstraint(
            ["owner_user_id"], ["users.id"], name=op.f("fk_rules_owner_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rules")),
        sa.UniqueConstraint(
            "corporation_id", "kind", "name", name=op.f("uq_rules_corporation_id_kind_name")
        ),
    )
    op.create_index(
        "ix_rules_corporation_id_kind_position",
        "rules",
        ["corporation_id", "kind", "position"],
        unique=False,
    )
    op.create_table(
        "rule_matches",
        sa.Column("rule_id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("matched_at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["rules.id"],
            name=op.f("fk_rule_matches_rule_id_rules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_rule_matches_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("rule_id", "case_id", name=op.f("pk_rule_matches")),
    )
    op.create_index(op.f("ix_rule_matches_case_id"), "rule_matches", ["case_id"], unique=False)
    op.create_table(
        "group_assignment_turns",
        sa.Column("group_id", ID, nullable=False),
        sa.Column("last_user_id", ID, nullable=True),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_group_assignment_turns_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["last_user_id"],
            ["users.id"],
            name=op.f("fk_group_assignment_turns_last_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_group_assignment_turns")),
    )


def downgrade() -> None:
    op.drop_table("group_assignment_turns")
    op.drop_index(op.f("ix_rule_matches_case_id"), table_name="rule_matches")
    op.drop_table("rule_matches")
    op.drop_index("ix_rules_corporation_id_kind_position", table_name="rules")
    op.drop_table("rules")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_cases_sla_policy_pin_id_sla_policies"), type_="foreignkey"
        )
        batch_op.drop_column("sla_policy_pin_id")
