"""The email channel: mailboxes, inbound mail records (one per corporation and
Message-ID), outbound mail log, mail settings and template overrides, hourly counters of
automatic mail.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 18:55:07.091572
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Frozen copies of the model types, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "mail_rates",
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("hour", UTC_DATETIME, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_mail_rates_corporation_id_corporations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("corporation_id", "address", "hour", name=op.f("pk_mail_rates")),
    )
    op.create_table(
        "mail_settings",
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("from_address", sa.String(length=320), nullable=False),
        sa.Column("from_name", sa.String(length=200), nullable=False),
        sa.Column("new_case_address", sa.String(length=320), nullable=True),
        sa.Column("notify_contacts", sa.Boolean(), nullable=False),
        sa.Column("auto_mail_hourly_cap", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_mail_settings_corporation_id_corporations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("corporation_id", name=op.f("pk_mail_settings")),
    )
    op.create_table(
        "mail_templates",
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_mail_templates_corporation_id_corporations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("corporation_id", "name", name=op.f("pk_mail_templates")),
    )
    op.create_table(
        "mailboxes",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("imap_url", sa.String(length=1000), nullable=False),
        sa.Column("folder", sa.String(length=200), nullable=False),
        sa.Column("processed_action", sa.String(length=8), nullable=False),
        sa.Column("move_to", sa.String(length=200), nullable=True),
        sa.Column("default_group_id", ID, nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_mailboxes_corporation_id_corporations"),
        ),
        sa.ForeignKeyConstraint(
            ["default_group_id"], ["groups.id"], name=op.f("fk_mailboxes_default_group_id_groups")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailboxes")),
        sa.UniqueConstraint(
            "corporation_id", "name", name=op.f("uq_mailboxes_corporation_id_name")
        ),
    )
    with op.batch_alter_table("mailboxes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mailboxes_corporation_id"), ["corporation_id"], unique=False
        )

    op.create_table(
        "outbound_mails",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("outbox_id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=True),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("message_id", sa.String(length=998), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("sent_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_outbound_mails_case_id_cases"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_outbound_mails_corporation_id_corporations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_mails")),
        sa.UniqueConstraint(
            "outbox_id", "recipient", name=op.f("uq_outbound_mails_outbox_id_recipient")
        ),
    )
    with op.batch_alter_table("outbound_mails", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbound_mails_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outbound_mails_message_id"), ["message_id"], unique=False
        )

    op.create_table(
        "inbound_mails",
        sa.Column("id", ID, nullable=False),
        sa.Column("corporation_id", ID, nullable=False),
        sa.Column("mailbox_id", ID, nullable=True),
        sa.Column("message_id", sa.String(length=998), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("case_id", ID, nullable=True),
        sa.Column("case_message_id", ID, nullable=True),
        sa.Column("original_text", sa.Text(), nullable=True),
        sa.Column("raw_key", sa.String(length=255), nullable=True),
        sa.Column("received_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_inbound_mails_case_id_cases"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_message_id"],
            ["case_messages.id"],
            name=op.f("fk_inbound_mails_case_message_id_case_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["corporation_id"],
            ["corporations.id"],
            name=op.f("fk_inbound_mails_corporation_id_corporations"),
        ),
        sa.ForeignKeyConstraint(
            ["mailbox_id"],
            ["mailboxes.id"],
            name=op.f("fk_inbound_mails_mailbox_id_mailboxes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_mails")),
        sa.UniqueConstraint(
            "corporation_id", "message_id", name=op.f("uq_inbound_mails_corporation_id_message_id")
        ),
    )
    with op.batch_alter_table("inbound_mails", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inbound_mails_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "ix_inbound_mails_outcome", ["corporation_id", "outcome", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("inbound_mails", schema=None) as batch_op:
        batch_op.drop_index("ix_inbound_mails_outcome")
        batch_op.drop_index(batch_op.f("ix_inbound_mails_case_id"))

    op.drop_table("inbound_mails")
    with op.batch_alter_table("outbound_mails", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbound_mails_message_id"))
        batch_op.drop_index(batch_op.f("ix_outbound_mails_case_id"))

    op.drop_table("outbound_mails")
    with op.batch_alter_table("mailboxes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mailboxes_corporation_id"))

    op.drop_table("mailboxes")
    op.drop_table("mail_templates")
    op.drop_table("mail_settings")
    op.drop_table("mail_rates")
