"""The demo's canned responses: two shared with the Service Desk, one of Priya's own,
so the composer's ``::`` has something to offer. Loading again adds nothing twice."""

from __future__ import annotations

from casedesk.domain.permissions import Principal
from casedesk.services.canned.responses import CannedCreate, create_canned, list_canned
from casedesk.store.db import Database

#: name, body, shared with this group (None: Priya's own)
SNIPPETS = (
    (
        "thanks",
        "Hello {{ contact.first_name }},\n\nthank you for your message about {{ case.number }}."
        " We are looking into it and will be back to you shortly.\n\n"
        "Best regards,\n{{ agent.name }}",
        "Service Desk",
    ),
    (
        "restart",
        "Hello {{ contact.first_name }},\n\ncould you restart the device and tell us whether"
        " the problem is still there?\n\nThanks,\n{{ agent.first_name }}",
        "Service Desk",
    ),
    (
        "vpn-reset",
        "Hello {{ contact.first_name }},\n\nwe have reset your VPN profile; please sign in"
        " again.\n\n{{ agent.name }}, Network",
        None,
    ),
)


def canned_responses(
    db: Database, admin: Principal, agents: dict[str, Principal], groups: dict[str, int]
) -> None:
    for name, body, group in SNIPPETS:
        owner = admin if group is not None else agents["priya"]
        if any(c.name == name for c in list_canned(db, owner)):
            continue
        data = CannedCreate(name=name, body=body, group_id=groups[group] if group else None)
        create_canned(db, owner, data)
