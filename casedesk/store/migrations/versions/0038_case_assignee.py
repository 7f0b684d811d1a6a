"""The case's active assignee on the case row, with an index of each assignee's cases
by last update: an agent's cases (and their count) are one range of it instead of a
check of the members of every case the other filters leave.

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-06 11:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038"
down_revision: str | Sequence[str] | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ASSIGNED_USER = 1  # domain.members.MemberRole, frozen here
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference in place; a batch would copy the table.
        op.execute(
            "ALTER TABLE cases ADD COLUMN assignee_id INTEGER"
            " CONSTRAINT fk_cases_assignee_id_users REFERENCES users (id)"
        )
    else:
        op.add_column("cases", sa.Column("assignee_id", ID, nullable=True))
        op.create_foreign_key(
            "fk_cases_assignee_id_users", "cases", "users", ["assignee_id"], ["id"]
        )
    op.execute(
        sa.text(
            "UPDATE cases SET assignee_id = m.user_id FROM case_members AS m"
            " WHERE m.case_id = cases.id AND m.role = :role AND m.end_at IS NULL"
        ).bindparams(role=ASSIGNED_USER)
    )
    op.create_index(
        "ix_cases_assignee_updated",
        "cases",
        ["assignee_id", "updated_at", "id", "corporation_id", "group_id", "status", "status_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_cases_assignee_updated", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        if op.get_bind().dialect.name != "sqlite":  # there the copy leaves it out
            batch.drop_constraint("fk_cases_assignee_id_users", type_="foreignkey")
        batch.drop_column("assignee_id")
