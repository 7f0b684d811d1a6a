"""What goes into the full-text index: case titles and descriptions, message bodies."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from casedesk.store.models import Case, CaseMessage, SearchDocument
from casedesk.store.search_index import index_new_texts, index_text


def index_case(s: Session, case: Case) -> None:
    """Replace the indexed text of a case whose title or description changed."""
    index_text(s, case.id, "case", case.id, f"{case.title}\n{case.description}")


def index_new_cases(s: Session, cases: list[tuple[int, str, str]]) -> None:
    """Index cases created in this transaction, given as ``(id, title, description)``."""
    index_new_texts(s, [(case_id, "case", case_id, f"{t}\n{d}") for case_id, t, d in cases])


def index_message(s: Session, message: CaseMessage) -> None:
    index_text(s, message.case_id, "message", message.id, message.body_text, new=True)


def move_message_documents(s: Session, message_ids: list[int], case_id: int) -> None:
    """The documents of moved messages now belong to ``case_id``. Only the owner
    changes, not the text, so the full-text index itself needs no update."""
    s.execute(
        update(SearchDocument)
        .where(SearchDocument.source == "message", SearchDocument.source_id.in_(message_ids))
        .values(case_id=case_id)
        .execution_options(synchronize_session=False)
    )
