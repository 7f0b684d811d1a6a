"""Notifications: what the console's bell shows each agent (assigned to them, mentioned,
a customer replied on their case, an SLA target missed on it, the case escalated), and
which kinds each agent also wants by email.

They are written in the transaction of the event that causes them: importing this
package registers :func:`deriving.on_events` with ``kernel.audit``, so every context
that emits case events (sla and identity below, cases, mail above) produces them
without importing this one. Listing checks again that the agent may see each case.
Uses identity and kernel; ``mail`` uses this context to honour the email choices.
"""

from casedesk.services.kernel import audit
from casedesk.services.notifications.deriving import on_events

audit.add_listener(on_events)
