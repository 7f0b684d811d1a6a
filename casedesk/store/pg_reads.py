"""PostgreSQL settings for the reads of a case list or search, set once per transaction.

- ``max_parallel_workers_per_gather = 0``: starting parallel workers costs a few
  milliseconds, more than the bounded reads of a page or a text index probe take, and
  under concurrent requests the workers take the cores the other requests need.
- ``jit = off``: a count's estimated cost can pass the threshold at which PostgreSQL
  compiles it, which costs more than it runs.
- ``work_mem = 64MB``: the bitmap of a common word's documents (millions of entries at a
  million cases) stays exact; in the default 4 MB it becomes lossy, and every document
  on a lossy page is checked again by parsing its text.

``SET LOCAL`` ends with the transaction; nothing is changed for other reads.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from casedesk.store.per_transaction import first_in_transaction

_SETTINGS = text(
    "SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off; "
    "SET LOCAL work_mem = '64MB'"
)
_DONE = "casedesk.pg_reads"


def tune_for_lists(session: Session) -> None:
    """Apply the settings to the session's transaction (PostgreSQL; once per transaction)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    if first_in_transaction(connection, _DONE):
        connection.execute(_SETTINGS)
