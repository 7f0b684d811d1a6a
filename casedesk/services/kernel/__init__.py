"""Kernel: the building blocks every other context stands on.

Owns the database handle, the clock, the audit trail, data segregation as query filters
(``access``), the guards and status transitions of the case row that every writer
shares (``case_state``), the checks that referenced ids exist in the caller's
corporation (``references``), which of a contact's organizations a case may be for
(``memberships``), a new corporation with its defaults (``bootstrap``),
idempotent creates, the leases of periodic jobs, and the in-transaction hooks through
which contexts above see every outbox event and route mail (``event_hooks``).

May use: ``domain`` and ``store`` only; no other service context.
"""
