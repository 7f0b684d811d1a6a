"""Time keeping (calendars, clock classes, SLA policies and breaches, read marks),
automation (templates, schedules, job leases, category agents) and billing.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 18:36:30.295114
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copies of the model types, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=True),
        sa.Column("lease_until", UTC_DATETIME, nullable=True),
        sa.Column("last_run_at", UTC_DATETIME, nullable=True),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_leases")),
    )
    op.create_table(
        "calendars",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_calendars_corporation_id_corporations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendars")),
        sa.UniqueConstraint(
            "corporation_id", "name", name=op.f("uq_calendars_corporation_id_name")
        ),
    )
    with op.batch_alter_table("calendars", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calendars_corporation_id"), ["corporation_id"], unique=False
        )

    op.create_table(
        "case_templates",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_case_templates_corporation_id_corporations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_templates")),
        sa.UniqueConstraint(
            "corporation_id", "name", name=op.f("uq_case_templates_corporation_id_name")
        ),
    )
    with op.batch_alter_table("case_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_templates_corporation_id"), ["corporation_id"], unique=False
        )

    op.create_table(
        "case_schedules",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("template_id", ID, nullable=False),
        sa.Column("run_as_user_id", ID, nullable=False),
        sa.Column("recurrence", sa.JSON(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("anchor_at", UTC_DATETIME, nullable=False),
        sa.Column("next_run_at", UTC_DATETIME, nullable=True),
        sa.Column("last_run_at", UTC_DATETIME, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_case_schedules_corporation_id_corporations"),
        ),
        sa.ForeignKeyConstraint(
            ["run_as_user_id"], ["users.id"], name=op.f("fk_case_schedules_run_as_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["case_templates.id"],
            name=op.f("fk_case_schedules_template_id_case_templates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_schedules")),
        sa.UniqueConstraint(
            "corporation_id", "name", name=op.f("uq_case_schedules_corporation_id_name")
        ),
    )
    with op.batch_alter_table("case_schedules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_schedules_corporation_id"), ["corporation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_case_schedules_next_run_at"), ["next_run_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_case_schedules_template_id"), ["template_id"], unique=False
        )

    op.create_table(
        "category_agents",
        sa.Column("category_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("last_assigned_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_category_agents_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_category_agents_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("category_id", "user_id", name=op.f("pk_category_agents")),
    )
    with op.batch_alter_table("category_agents", schema=None) as batch_op:
        batch_op.create_index("ix_category_agents_user", ["user_id"], unique=False)

    op.create_table(
        "invoices",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("total_seconds", sa.Integer(), nullable=False),
        sa.Column("total_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_invoices_corporation_id_corporations"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_invoices_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_invoices_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoices_corporation_id"), ["corporation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoices_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "sla_policies",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("priority_id", ID, nullable=True),
        sa.Column("category_id", ID, nullable=True),
        sa.Column("organization_id", ID, nullable=True),
        sa.Column("first_response_minutes", sa.Integer(), nullable=True),
        sa.Column("next_response_minutes", sa.Integer(), nullable=True),
        sa.Column("resolution_minutes", sa.Integer(), nullable=True),
        sa.Column("alert_levels", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_sla_policies_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_sla_policies_corporation_id_corporations"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_sla_policies_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["priorities.id"],
            name=op.f("fk_sla_policies_priority_id_priorities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policies")),
        sa.UniqueConstraint(
            "corporation_id", "name", name=op.f("uq_sla_policies_corporation_id_name")
        ),
    )
    with op.batch_alter_table("sla_policies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sla_policies_corporation_id"), ["corporation_id"], unique=False
        )

    op.create_table(
        "case_reads",
        sa.Column("case_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("read_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_reads_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_case_reads_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "user_id", name=op.f("pk_case_reads")),
    )
    with op.batch_alter_table("case_reads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_reads_user_id"), ["user_id"], unique=False)

    op.create_table(
        "schedule_runs",
        sa.Column("schedule_id", ID, nullable=False),
        sa.Column("occurrence_at", UTC_DATETIME, nullable=False),
        sa.Column("case_id", ID, nullable=True),
        sa.Column("ran_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_schedule_runs_case_id_cases"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["case_schedules.id"],
            name=op.f("fk_schedule_runs_schedule_id_case_schedules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("schedule_id", "occurrence_at", name=op.f("pk_schedule_runs")),
    )
    op.create_table(
        "sla_breaches",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("policy_id", ID, nullable=True),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("due_at", UTC_DATETIME, nullable=False),
        sa.Column("breached_at", UTC_DATETIME, nullable=False),
        sa.Column("recorded_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_sla_breaches_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["sla_policies.id"],
            name=op.f("fk_sla_breaches_policy_id_sla_policies"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_breaches")),
        sa.UniqueConstraint(
            "case_id", "target", "due_at", name=op.f("uq_sla_breaches_case_id_target_due_at")
        ),
    )
    with op.batch_alter_table("sla_breaches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sla_breaches_case_id"), ["case_id"], unique=False)

    op.create_table(
        "time_entries",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=False),
        sa.Column("activity", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column("hourly_rate", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("invoice_id", ID, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_time_entries_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_time_entries_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_time_entries_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_entries")),
    )
    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_time_entries_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_time_entries_invoice_id"), ["invoice_id"], unique=False
        )

    with op.batch_alter_table("case_statuses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("clock", sa.String(length=16), nullable=False, server_default="internal")
        )
        batch_op.add_column(sa.Column("auto_close_chaser_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("auto_close_days", sa.Integer(), nullable=True))

    # Existing statuses get the clock of their internal status: Open and Awaiting internal
    # count as internal, Awaiting external as external, the rest stop the clock.
    op.execute(
        "UPDATE case_statuses SET clock = CASE"
        " WHEN internal_status IN (1, 7) THEN 'internal'"
        " WHEN internal_status = 3 THEN 'external' ELSE 'stopped' END"
    )
    with op.batch_alter_table("case_statuses", schema=None) as batch_op:
        batch_op.alter_column("clock", server_default=None)

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sla_policy_id", ID, nullable=True))
        batch_op.add_column(sa.Column("first_response_due_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("next_response_due_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("resolution_due_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("awaiting_reply_since", UTC_DATETIME, nullable=True))
        batch_op.add_column(
            sa.Column("alert_level", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("alert_timeout_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("sla_check_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("auto_close_chaser_sent_at", UTC_DATETIME, nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_sla_check_at"), ["sla_check_at"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_sla_policy_id_sla_policies"),
            "sla_policies",
            ["sla_policy_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assign_strategy", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("last_assigned_user_id", ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_categories_last_assigned_user_id_users"),
            "users",
            ["last_assigned_user_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("priorities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_id", ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_priorities_calendar_id_calendars"),
            "calendars",
            ["calendar_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("priorities", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_priorities_calendar_id_calendars"), type_="foreignkey"
        )
        batch_op.drop_column("calendar_id")

    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_categories_last_assigned_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("last_assigned_user_id")
        batch_op.drop_column("assign_strategy")

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_cases_sla_policy_id_sla_policies"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_cases_sla_check_at"))
        batch_op.drop_column("auto_close_chaser_sent_at")
        batch_op.drop_column("sla_check_at")
        batch_op.drop_column("alert_timeout_at")
        batch_op.drop_column("alert_level")
        batch_op.drop_column("awaiting_reply_since")
        batch_op.drop_column("resolution_due_at")
        batch_op.drop_column("next_response_due_at")
        batch_op.drop_column("first_response_due_at")
        batch_op.drop_column("sla_policy_id")

    with op.batch_alter_table("case_statuses", schema=None) as batch_op:
        batch_op.drop_column("auto_close_days")
        batch_op.drop_column("auto_close_chaser_days")
        batch_op.drop_column("clock")

    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_time_entries_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_time_entries_case_id"))

    op.drop_table("time_entries")
    with op.batch_alter_table("sla_breaches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sla_breaches_case_id"))

    op.drop_table("sla_breaches")
    op.drop_table("schedule_runs")
    with op.batch_alter_table("case_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_reads_user_id"))

    op.drop_table("case_reads")
    with op.batch_alter_table("sla_policies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sla_policies_corporation_id"))

    op.drop_table("sla_policies")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoices_organization_id"))
        batch_op.drop_index(batch_op.f("ix_invoices_corporation_id"))

    op.drop_table("invoices")
    with op.batch_alter_table("category_agents", schema=None) as batch_op:
        batch_op.drop_index("ix_category_agents_user")

    op.drop_table("category_agents")
    with op.batch_alter_table("case_schedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_schedules_template_id"))
        batch_op.drop_index(batch_op.f("ix_case_schedules_next_run_at"))
        batch_op.drop_index(batch_op.f("ix_case_schedules_corporation_id"))

    op.drop_table("case_schedules")
    with op.batch_alter_table("case_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_templates_corporation_id"))

    op.drop_table("case_templates")
    with op.batch_alter_table("calendars", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendars_corporation_id"))

    op.drop_table("calendars")
    op.drop_table("job_leases")
