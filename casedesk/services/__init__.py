"""Use-cases: the only code that changes state. Each public function is one transaction
that checks the caller's rights, applies the domain rules, and writes its audit record
and outbox events together with the change.

The use-cases are grouped by bounded context, one package each, and a context uses only
the contexts below it (``docs/architecture.md`` draws the map; import-linter checks it):

    demo
    mail | portal | billing | scheduling
    cases | canned | notifications
    reference | attachments
    identity | sla
    kernel
"""

# Registers the notifications' listener on the outbox, whichever context is used first.
# Registers the assist's listener that records an agent's choice of category.
import casedesk.services.assist
import casedesk.services.notifications  # noqa: F401
