"""/categories, /priorities, /statuses, /queues, /custom-fields: what a case is filed
under. Everyone reads; writing needs the manage_reference permission."""

from __future__ import annotations

from fastapi import APIRouter

from casedesk.api.deps import Caller, Db
from casedesk.api.routers.reference_params import ERRORS, RowId
from casedesk.api.routing import NativeRoute
from casedesk.services.cases import assignment
from casedesk.services.cases.assignment import AssignmentRules, AssignmentRulesOut
from casedesk.services.reference import (
    categories,
    field_definitions,
    priorities,
    queues,
    statuses,
)
from casedesk.services.reference.categories import (
    CategoryCreate,
    CategoryNode,
    CategoryOut,
    CategoryPatch,
)
from casedesk.services.reference.field_definitions import (
    FieldDefinitionCreate,
    FieldDefinitionOut,
    FieldDefinitionPatch,
)
from casedesk.services.reference.priorities import PriorityCreate, PriorityOut, PriorityPatch
from casedesk.services.reference.queues import QueueCreate, QueueOut, QueuePatch
from casedesk.services.reference.statuses import StatusCreate, StatusOut, StatusPatch

router = APIRouter(route_class=NativeRoute, responses=ERRORS)


@router.get(
    "/categories", response_model=list[CategoryNode] | list[CategoryOut], tags=["categories"]
)
def list_categories(
    caller: Caller, db: Db, tree: bool = False
) -> list[CategoryNode] | list[CategoryOut]:
    """All categories with their `parent_id`; with `tree=true` nested under their parents."""
    if tree:
        return categories.category_tree(db, caller)
    return categories.list_categories(db, caller)


@router.post("/categories", status_code=201, response_model=CategoryOut, tags=["categories"])
def create_category(data: CategoryCreate, caller: Caller, db: Db) -> CategoryOut:
    return categories.create_category(db, caller, data)


@router.get("/categories/{category_id}", response_model=CategoryOut, tags=["categories"])
def get_category(category_id: RowId, caller: Caller, db: Db) -> CategoryOut:
    return categories.get_category(db, caller, category_id)


@router.patch("/categories/{category_id}", response_model=CategoryOut, tags=["categories"])
def update_category(
    category_id: RowId, patch: CategoryPatch, caller: Caller, db: Db
) -> CategoryOut:
    """Rename or move; moving a category under itself or its subcategories is refused."""
    return categories.update_category(db, caller, category_id, patch)


@router.delete("/categories/{category_id}", status_code=204, tags=["categories"])
def delete_category(category_id: RowId, caller: Caller, db: Db) -> None:
    """Refused (409) while it has subcategories or cases."""
    categories.delete_category(db, caller, category_id)


@router.get(
    "/categories/{category_id}/assignment", response_model=AssignmentRulesOut, tags=["categories"]
)
def get_assignment_rules(category_id: RowId, caller: Caller, db: Db) -> AssignmentRulesOut:
    """How cases of this category are assigned when a create or update asks for
    `auto_assign`: the strategy and the agents who take them."""
    return assignment.get_rules(db, caller, category_id)


@router.put(
    "/categories/{category_id}/assignment", response_model=AssignmentRulesOut, tags=["categories"]
)
def set_assignment_rules(
    category_id: RowId, data: AssignmentRules, caller: Caller, db: Db
) -> AssignmentRulesOut:
    """Replace the strategy and the agents (active users of the corporation). Agents who
    cannot see a case's group are passed over for that case."""
    return assignment.set_rules(db, caller, category_id, data)


@router.get("/priorities", response_model=list[PriorityOut], tags=["priorities"])
def list_priorities(caller: Caller, db: Db) -> list[PriorityOut]:
    """Most urgent (lowest rank) first."""
    return priorities.list_priorities(db, caller)


@router.post("/priorities", status_code=201, response_model=PriorityOut, tags=["priorities"])
def create_priority(data: PriorityCreate, caller: Caller, db: Db) -> PriorityOut:
    return priorities.create_priority(db, caller, data)


@router.get("/priorities/{priority_id}", response_model=PriorityOut, tags=["priorities"])
def get_priority(priority_id: RowId, caller: Caller, db: Db) -> PriorityOut:
    return priorities.get_priority(db, caller, priority_id)


@router.patch("/priorities/{priority_id}", response_model=PriorityOut, tags=["priorities"])
def update_priority(
    priority_id: RowId, patch: PriorityPatch, caller: Caller, db: Db
) -> PriorityOut:
    """`is_default: true` makes this the one default priority."""
    return priorities.update_priority(db, caller, priority_id, patch)


@router.delete("/priorities/{priority_id}", status_code=204, tags=["priorities"])
def delete_priority(priority_id: RowId, caller: Caller, db: Db) -> None:
    """Refused (409) while cases use it, and for the default priority."""
    priorities.delete_priority(db, caller, priority_id)


@router.get("/statuses", response_model=list[StatusOut], tags=["statuses"])
def list_statuses(caller: Caller, db: Db) -> list[StatusOut]:
    return statuses.list_statuses(db, caller)


@router.post("/statuses", status_code=201, response_model=StatusOut, tags=["statuses"])
def create_status(data: StatusCreate, caller: Caller, db: Db) -> StatusOut:
    return statuses.create_status(db, caller, data)


@router.get("/statuses/{status_id}", response_model=StatusOut, tags=["statuses"])
def get_status(status_id: RowId, caller: Caller, db: Db) -> StatusOut:
    return statuses.get_status(db, caller, status_id)


@router.patch("/statuses/{status_id}", response_model=StatusOut, tags=["statuses"])
def update_status(status_id: RowId, patch: StatusPatch, caller: Caller, db: Db) -> StatusOut:
    """`is_default: true` makes this the default of its internal status."""
    return statuses.update_status(db, caller, status_id, patch)


@router.delete("/statuses/{status_id}", status_code=204, tags=["statuses"])
def delete_status(status_id: RowId, caller: Caller, db: Db) -> None:
    """Refused (409) while cases are or were in it, and for the last status or the
    default of its internal status."""
    statuses.delete_status(db, caller, status_id)


@router.get("/queues", response_model=list[QueueOut], tags=["queues"])
def list_queues(caller: Caller, db: Db) -> list[QueueOut]:
    return queues.list_queues(db, caller)


@router.post("/queues", status_code=201, response_model=QueueOut, tags=["queues"])
def create_queue(data: QueueCreate, caller: Caller, db: Db) -> QueueOut:
    return queues.create_queue(db, caller, data)


@router.get("/queues/{queue_id}", response_model=QueueOut, tags=["queues"])
def get_queue(queue_id: RowId, caller: Caller, db: Db) -> QueueOut:
    return queues.get_queue(db, caller, queue_id)


@router.patch("/queues/{queue_id}", response_model=QueueOut, tags=["queues"])
def update_queue(queue_id: RowId, patch: QueuePatch, caller: Caller, db: Db) -> QueueOut:
    return queues.update_queue(db, caller, queue_id, patch)


@router.delete("/queues/{queue_id}", status_code=204, tags=["queues"])
def delete_queue(queue_id: RowId, caller: Caller, db: Db) -> None:
    """Refused (409) while cases use it."""
    queues.delete_queue(db, caller, queue_id)


@router.get("/custom-fields", response_model=list[FieldDefinitionOut], tags=["custom fields"])
def list_custom_fields(caller: Caller, db: Db) -> list[FieldDefinitionOut]:
    return field_definitions.list_fields(db, caller)


@router.post(
    "/custom-fields", status_code=201, response_model=FieldDefinitionOut, tags=["custom fields"]
)
def create_custom_field(data: FieldDefinitionCreate, caller: Caller, db: Db) -> FieldDefinitionOut:
    """A select field lists its `options`; other types have none."""
    return field_definitions.create_field(db, caller, data)


@router.get("/custom-fields/{field_id}", response_model=FieldDefinitionOut, tags=["custom fields"])
def get_custom_field(field_id: RowId, caller: Caller, db: Db) -> FieldDefinitionOut:
    return field_definitions.get_field(db, caller, field_id)


@router.patch(
    "/custom-fields/{field_id}", response_model=FieldDefinitionOut, tags=["custom fields"]
)
def update_custom_field(
    field_id: RowId, patch: FieldDefinitionPatch, caller: Caller, db: Db
) -> FieldDefinitionOut:
    """A field with values keeps its type, and a select the options cases use."""
    return field_definitions.update_field(db, caller, field_id, patch)


@router.delete("/custom-fields/{field_id}", status_code=204, tags=["custom fields"])
def delete_custom_field(field_id: RowId, caller: Caller, db: Db) -> None:
    """Refused (409) while cases have a value for it."""
    field_definitions.delete_field(db, caller, field_id)
