"""What is kept for a transaction lasts exactly as long as that transaction."""

from __future__ import annotations

from casedesk.store.db import Database
from casedesk.store.per_transaction import first_in_transaction, forget, transaction_memo


def test_the_first_ask_in_each_transaction_is_told_it_is_first(db: Database) -> None:
    with db.write() as s:
        connection = s.connection()
        assert first_in_transaction(connection, "settings")
        assert not first_in_transaction(connection, "settings")
        assert first_in_transaction(connection, "another name")
    with db.write() as s:
        assert first_in_transaction(s.connection(), "settings")


def test_a_memo_is_shared_within_a_transaction_and_empty_in_the_next(db: Database) -> None:
    with db.write() as s:
        transaction_memo(s.connection(), "stamps")[7] = "kept"
        assert transaction_memo(s.connection(), "stamps") == {7: "kept"}
        forget(s.connection(), "stamps")
        assert transaction_memo(s.connection(), "stamps") == {}
        transaction_memo(s.connection(), "stamps")[7] = "kept again"
    with db.read() as s:
        assert transaction_memo(s.connection(), "stamps") == {}
