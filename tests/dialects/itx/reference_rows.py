"""The rows the seed's ITX examples point at, made with the ids the examples use."""

from __future__ import annotations

from casedesk.store.db import Database
from casedesk.store.models import Category, Contact, Priority, Queue


def make_seed_rows(db: Database, corporation_id: int) -> None:
    with db.write() as s:
        s.add_all(
            [
                Contact(
                    id=3257440,
                    corporation_id=corporation_id,
                    first_name="Kari",
                    last_name="Nordmann",
                ),
                Queue(id=541, corporation_id=corporation_id, name="Support line"),
                Category(id=768957, corporation_id=corporation_id, name="Network"),
                Priority(id=46, corporation_id=corporation_id, name="Urgent", rank=1),
            ]
        )
