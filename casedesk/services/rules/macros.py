"""Macros: named action sets an agent applies to a case, or to a selection of cases.

A macro acts with the rights of the agent who applies it (it is their action, audited
as theirs, naming the macro), not with the rules' account: an agent cannot reach
through a macro what they could not change by hand. Its optional reply is added as an
external message. A selection is applied case by case, each in its own transaction, and
the answer says which cases changed and why the others did not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from pydantic import BaseModel

from casedesk.domain.errors import DomainError
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import MessageCreate
from casedesk.services.kernel.access import load_case
from casedesk.services.kernel.clock import utcnow
from casedesk.services.rules import actions, definitions
from casedesk.store.db import Database


class MacroResult(BaseModel):
    case_id: int
    applied: bool
    done: list[str]
    error: str | None = None


def apply_macro(db: Database, principal: Principal, macro_id: int, case_id: int) -> MacroResult:
    now = utcnow()
    with db.write() as s:
        macro = definitions.load(s, principal, "macro", macro_id)
        load_case(s, principal, case_id, Permission.EDIT_CASE, for_update=True)
        actor = dataclasses.replace(principal, acting_as=f"macro:{macro.id}")
        done = actions.apply(s, case_id, macro.id, macro.actions, now, principal=actor)
        if macro.reply_text:
            case = load_case(s, actor, case_id, Permission.ADD_NOTE, for_update=True)
            messages.add_message_in(
                s,
                actor,
                case,
                MessageCreate(visibility="external", body_text=macro.reply_text),
                now,
            )
            done.append("added the reply")
        return MacroResult(case_id=case_id, applied=True, done=done)


def apply_to_selection(
    db: Database, principal: Principal, macro_id: int, case_ids: Sequence[int]
) -> list[MacroResult]:
    """Apply the macro to each case; a case the caller may not change is reported."""
    definitions.get_rule(db, principal, "macro", macro_id)  # 404 before anything else
    out = []
    for case_id in dict.fromkeys(case_ids):
        try:
            out.append(apply_macro(db, principal, macro_id, case_id))
        except (DomainError, ValueError) as exc:
            out.append(MacroResult(case_id=case_id, applied=False, done=[], error=str(exc)))
    return out
