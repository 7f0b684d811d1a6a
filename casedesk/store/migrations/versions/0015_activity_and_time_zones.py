"""When a case last saw activity (a customer's or an agent's message) and by whom, so
lists follow activity and mark what a reader has not seen; each user's and contact's
time zone, and each user's language, so pages show times as the reader lives them.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 21:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
#: Frozen copy of the model's id type, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_activity_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("last_activity_by_id", ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_last_activity_by_id_users"),
            "users",
            ["last_activity_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # Cases opened before: their latest message, else their opening.
    op.execute(
        "UPDATE cases SET last_activity_at = COALESCE("
        "(SELECT MAX(m.created_at) FROM case_messages m WHERE m.case_id = cases.id),"
        " created_at)"
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.alter_column("last_activity_at", existing_type=UTC_DATETIME, nullable=False)
    op.create_index("ix_cases_corp_activity", "cases", ["corporation_id", "last_activity_at", "id"])
    op.create_index("ix_cases_group_activity", "cases", ["group_id", "last_activity_at", "id"])
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=True))
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("language")
        batch_op.drop_column("time_zone")
    op.drop_index("ix_cases_group_activity", table_name="cases")
    op.drop_index("ix_cases_corp_activity", table_name="cases")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_cases_last_activity_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("last_activity_by_id")
        batch_op.drop_column("last_activity_at")
