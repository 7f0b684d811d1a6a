"""API token scopes, and when and from where a token was last used.

Existing tokens get every scope: what they could do before (their user's role and
permissions still limit them).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 22:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | Sequence[str] | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Every scope as of this revision (``casedesk/domain/token_scopes.py``), written out so
#: that the migration does not change when the vocabulary grows.
_ALL_SCOPES = (
    "cases:read cases:write messages:read messages:write attachments:read attachments:write "
    "reference:read reference:write admin:read admin:write reports:read reports:write "
    "itx superoffice itflow trackit casemgmt"
)


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scopes", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_used_from", sa.String(length=64), nullable=True))
    op.execute(sa.text("UPDATE api_tokens SET scopes = :scopes").bindparams(scopes=_ALL_SCOPES))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("last_used_from")
        batch_op.drop_column("last_used_at")
        batch_op.drop_column("scopes")
