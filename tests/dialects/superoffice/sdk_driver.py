"""Drives the public ``superoffice-python-sdk`` (0.2.8) against a casedesk server.

Run by the SDK's own virtualenv's python (never imported by the test suite):

    python sdk_driver.py BASE_URL API_TOKEN ADMIN_TOKEN

(API_TOKEN does everything; ADMIN_TOKEN, of a user allowed to delete, deletes at the
end, after API_TOKEN's delete was refused.)

Two things of the SDK are replaced, and nothing else:

1. its login: ``superofficesdk.rest.SuperOfficeLogin`` signs a system token and calls
   SuperOffice's cloud login service (SOAP) for a ticket; here it returns a casedesk
   API token, which the SDK then sends as ``Authorization: SOTicket <token>``;
2. its base URL: the SDK builds ``https://{environment}.superoffice.com/{cust}/api/v1/``
   both in ``SuperOffice.__init__`` and for each ``SOType``; the subclass below points
   both at ``BASE_URL/superoffice/api/v1/``.

Every call then goes through the SDK's own methods (``create``, ``get``, ``update``,
``delete``, ``query``) with the headers and bodies it builds itself. Prints one JSON
object with what each call returned.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import superofficesdk.rest as sdk


def main(base_url: str, token: str, admin_token: str) -> None:
    class CasedeskSuperOffice(sdk.SuperOffice):
        """The SDK's client with its base URL on casedesk (2. the base URL)."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.base_url = f"{base_url}/superoffice/api/v1/"

        def __getattr__(self, name: str) -> Any:
            so_type = super().__getattr__(name)
            so_type.base_url = f"{self.base_url}{name}/"
            return so_type

    def client(ticket: str) -> CasedeskSuperOffice:
        sdk.SuperOfficeLogin = lambda *args, **kwargs: ticket  # 1. the login
        return CasedeskSuperOffice(
            cust_id="Cust12345",
            app_token="casedesk-test-app",
            sys_token="casedesk-test-system",
            private_key="not used: the login is replaced",
        )

    so = client(token)
    out: dict[str, Any] = {"auth_type": so.auth_type}
    created = so.Ticket.create({"Title": "Opened by the SDK", "Tags": [{"Name": "SDK"}]})
    ticket_id = str(created["TicketId"])
    out["created"] = created
    out["got"] = so.Ticket.get(ticket_id)
    changed = dict(out["got"], Title="Updated by the SDK")
    out["update_status"] = so.Ticket.update(ticket_id, changed)
    out["got_after_update"] = so.Ticket.get(ticket_id)
    out["query"] = so.query(
        "Ticket", "TicketId,Title", filter="startswith(Title,'Updated by')", top=10
    )
    out["query_page"] = so.query("Ticket", "TicketId", top=1, skip=1)
    out["delete_status"] = so.Ticket.delete(ticket_id)
    out["admin_delete_status"] = client(admin_token).Ticket.delete(ticket_id)
    out["query_after_delete"] = so.query("Ticket", "TicketId", filter=f"TicketId eq {ticket_id}")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
