"""Values that live as long as one database transaction of a connection.

Some work is done once per transaction however many statements ask for it: a setting
applied with ``SET LOCAL``, a notification sent on commit, a query whose answer cannot
change within the transaction. Each keeps what it did here, keyed by name; the value
is forgotten as soon as the connection is in another transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection


def transaction_memo(connection: Connection, name: str) -> dict[Any, Any]:
    """The dictionary kept under ``name`` for the connection's current transaction
    (empty the first time it is asked for in a transaction)."""
    transaction = connection.get_transaction()
    kept = connection.info.get(name)
    if kept is None or kept[0] is not transaction:
        kept = connection.info[name] = (transaction, {})
    memo: dict[Any, Any] = kept[1]
    return memo


def first_in_transaction(connection: Connection, name: str) -> bool:
    """True the first time ``name`` is asked about in the connection's current
    transaction, False after that."""
    memo = transaction_memo(connection, name)
    first = not memo
    memo["asked"] = True
    return first


def forget(connection: Connection, name: str) -> None:
    """Drop what is kept under ``name``: the next ask in this transaction starts afresh."""
    connection.info.pop(name, None)
