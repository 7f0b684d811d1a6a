"""Alembic environment and revision scripts (run through ``casedesk.store.migrate``)."""
