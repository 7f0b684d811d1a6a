"""/triggers, /automations, /macros: the rules that run the desk (docs/rules.md).

Everyone reads what they may apply; writing triggers and automations, and shared
macros, is for admins; agents keep personal macros. ``POST …/{id}/test`` is the dry
run ("test this rule against case N"); ``POST /macros/{id}/apply`` applies a macro to
a selection of cases.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from casedesk.api.deps import Caller, Db
from casedesk.api.routers.reference_params import ERRORS, RowId
from casedesk.api.routing import NativeRoute
from casedesk.services.reference.common import Id
from casedesk.services.rules import definitions, dry_run, macros
from casedesk.services.rules.definitions import Kind, RuleIn, RuleOut, RulePatch
from casedesk.services.rules.dry_run import DryRun
from casedesk.services.rules.macros import MacroResult

router = APIRouter(route_class=NativeRoute, responses=ERRORS)


class TestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_id: Id


class Selection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_ids: Annotated[list[Id], Field(min_length=1, max_length=500)]


def _routes(kind: Kind, path: str, tag: str) -> None:
    @router.get(f"/{path}", response_model=list[RuleOut], tags=[tag], name=f"list_{path}")
    def list_rules(caller: Caller, db: Db) -> list[RuleOut]:
        return definitions.list_rules(db, caller, kind)

    @router.post(
        f"/{path}", status_code=201, response_model=RuleOut, tags=[tag], name=f"create_{path}"
    )
    def create_rule(data: RuleIn, caller: Caller, db: Db) -> RuleOut:
        return definitions.create_rule(db, caller, kind, data)

    @router.get(f"/{path}/{{rule_id}}", response_model=RuleOut, tags=[tag], name=f"get_{path}")
    def get_rule(rule_id: RowId, caller: Caller, db: Db) -> RuleOut:
        return definitions.get_rule(db, caller, kind, rule_id)

    @router.patch(f"/{path}/{{rule_id}}", response_model=RuleOut, tags=[tag], name=f"update_{path}")
    def update_rule(rule_id: RowId, data: RulePatch, caller: Caller, db: Db) -> RuleOut:
        return definitions.update_rule(db, caller, kind, rule_id, data)

    @router.delete(f"/{path}/{{rule_id}}", status_code=204, tags=[tag], name=f"delete_{path}")
    def delete_rule(rule_id: RowId, caller: Caller, db: Db) -> None:
        definitions.delete_rule(db, caller, kind, rule_id)

    @router.post(
        f"/{path}/{{rule_id}}/test", response_model=DryRun, tags=[tag], name=f"test_{path}"
    )
    def test_rule(rule_id: RowId, data: TestRequest, caller: Caller, db: Db) -> DryRun:
        """Which conditions match case `case_id` and what the actions would change;
        nothing is changed."""
        return dry_run.test_rule(db, caller, kind, rule_id, data.case_id)


_routes("trigger", "triggers", "triggers")
_routes("automation", "automations", "automations")
_routes("macro", "macros", "macros")


@router.post("/macros/{rule_id}/apply", response_model=list[MacroResult], tags=["macros"])
def apply_macro(rule_id: RowId, data: Selection, caller: Caller, db: Db) -> list[MacroResult]:
    """Apply the macro to each case of the selection, each in its own transaction; a
    case the caller may not change is reported with its error and left as it was."""
    return macros.apply_to_selection(db, caller, rule_id, data.case_ids)
