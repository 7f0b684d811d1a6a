"""Managing a corporation's reference data: the corporation itself, groups, users and
their API tokens, categories, priorities, statuses, queues, customer organizations,
contacts, assets and custom-field definitions.

Everyone in a corporation may read it; writing needs ``Permission.MANAGE_REFERENCE``
(admins hold every permission). Each module is one kind of row: its wire schemas and
its use-cases. Every write is one transaction with its audit record, and every row is
scoped to the caller's corporation: a row of another corporation is reported as not
found. (``casedesk.services.kernel.references`` is the other side: checking the ids a case
points at.)
"""
