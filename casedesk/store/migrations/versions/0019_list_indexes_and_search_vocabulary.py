"""Indexes for the common filters of case lists, each ending in the default sort
(``updated_at, id``), so a filtered list reads its page from an index as the unfiltered
list does; and, on SQLite, the vocabulary of the full-text index (``fts5vocab``), which
the search reads to turn a word prefix into the words it stands for.

Single-column indexes that a new index begins with are dropped: the new one serves
their look-ups (and their foreign keys) too.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 21:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: name, table, columns
NEW = (
    ("ix_cases_corp_status_updated", "cases", ["corporation_id", "status", "updated_at", "id"]),
    ("ix_cases_status_id_updated", "cases", ["status_id", "updated_at", "id"]),
    ("ix_cases_queue_updated", "cases", ["queue_id", "updated_at", "id"]),
    ("ix_cases_organization_updated", "cases", ["organization_id", "updated_at", "id"]),
    ("ix_case_members_user_case", "case_members", ["user_id", "role", "end_at", "case_id"]),
)
#: Indexes the new ones begin with.
REPLACED = (
    ("ix_cases_status_id", "cases", ["status_id"]),
    ("ix_cases_queue_id", "cases", ["queue_id"]),
    ("ix_cases_organization_id", "cases", ["organization_id"]),
)
VOCABULARY = "CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, 'row')"


def upgrade() -> None:
    for name, table, columns in NEW:
        op.create_index(name, table, columns)
    for name, table, _ in REPLACED:
        op.drop_index(name, table_name=table)
    if op.get_context().dialect.name == "sqlite":
        op.execute(VOCABULARY)


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts_vocab")
    for name, table, columns in REPLACED:
        op.create_index(name, table, columns)
    for name, table, _ in NEW:
        op.drop_index(name, table_name=table)
