"""The page a refused reply answers with: the messages that arrived since the composer's
page was loaded, first, then the reply as written with a "Send anyway" button.

Status 409; the form keeps the text, To, CC, minutes and status, and carries the newest
message id, so sending again goes through unless yet another message arrived. Files are
not kept by a refused send and must be chosen again (the page says so).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from casedesk.domain.permissions import Principal
from casedesk.services.cases import messages
from casedesk.services.cases.core import get_case
from casedesk.services.reference import contacts
from casedesk.services.workspace.collisions import NewerMessages
from casedesk.services.workspace.composer import ComposerSend
from casedesk.store.db import Database
from casedesk.web.routes.console_context import lookups
from casedesk.web.templating import render


def newer_first(
    request: Request,
    db: Database,
    principal: Principal,
    case_id: int,
    data: ComposerSend,
    refused: NewerMessages,
    had_files: bool,
) -> Response:
    wanted = set(refused.message_ids)
    newer = [m for m in messages.list_messages(db, principal, case_id) if m.id in wanted]
    authors = {m.author_contact_id for m in newer if m.author_contact_id is not None}
    return render(
        request,
        "console/compose_conflict.html",
        {
            "case": get_case(db, principal, case_id),
            "newer": newer,
            "looked": lookups(db, principal),
            "contact_names": contacts.contact_names(db, principal, authors),
            "data": data,
            "seen": max(refused.message_ids),
            "had_files": had_files,
        },
        status_code=409,
    )
