"""What goes into the full-text index: case titles and descriptions, message bodies."""

from __future__ import annotations

from sqlalchemy.orm import Session

from casedesk.store.models import Case, CaseMessage
from casedesk.store.search_index import index_text


def index_case(s: Session, case: Case, *, new: bool = False) -> None:
    index_text(s, case.id, "case", case.id, f"{case.title}\n{case.description}", new=new)


def index_message(s: Session, message: CaseMessage) -> None:
    index_text(s, message.case_id, "message", message.id, message.body_text, new=True)
