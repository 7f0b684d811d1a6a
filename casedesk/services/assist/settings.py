"""Each corporation's assist switches: every part can be turned off on its own.

No row means every part on with the defaults; an admin changes them (audited). The jobs
read them for each case they handle, so turning a part off takes effect at once for new
work; what was computed before stays readable until the next change of the case.
"""

from __future__ import annotations

from pydantic import Field
from sqlalchemy.orm import Session

from casedesk.domain.errors import Forbidden
from casedesk.domain.permissions import Principal
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reference.common import In
from casedesk.store.db import Database
from casedesk.store.models import AssistSettings


class AssistSettingsIn(In):  # unknown fields refused
    language: bool = True
    sentiment: bool = True
    category: bool = True
    similar: bool = True
    #: Categorised cases a category needs before it is suggested.
    min_examples: int = Field(default=20, ge=2, le=10_000)
    #: Percent; the "apply suggested category" rule action applies a suggestion at or
    #: above it. None: never applied automatically.
    auto_apply_confidence: int | None = Field(default=None, ge=1, le=100)


class AssistSettingsOut(AssistSettingsIn):
    pass


DEFAULTS = AssistSettingsOut()


def settings_of(s: Session, corporation_id: int) -> AssistSettingsOut:
    """The switches in force for a corporation (the defaults without a row)."""
    row = s.get(AssistSettings, corporation_id)
    if row is None:
        return DEFAULTS
    return AssistSettingsOut(
        language=row.language,
        sentiment=row.sentiment,
        category=row.category,
        similar=row.similar,
        min_examples=row.min_examples,
        auto_apply_confidence=row.auto_apply_confidence,
    )


def get_settings(db: Database, principal: Principal) -> AssistSettingsOut:
    with db.read() as s:
        return settings_of(s, principal.corporation_id)


def set_settings(db: Database, principal: Principal, data: AssistSettingsIn) -> AssistSettingsOut:
    """Replace the corporation's switches; only an admin may. Audited."""
    if not principal.is_admin:
        raise Forbidden("only an admin may change the assist settings")
    corp = principal.corporation_id
    with db.write() as s:
        before = settings_of(s, corp).model_dump()
        row = s.get(AssistSettings, corp)
        if row is None:
            row = AssistSettings(corporation_id=corp)
            s.add(row)
        for key, value in data.model_dump().items():
            setattr(row, key, value)
        row.updated_at = utcnow()
        after = data.model_dump()
        changes = {k: {"from": before[k], "to": v} for k, v in after.items() if before[k] != v}
        audit.record(s, principal, corp, "assist.settings", "corporation", corp, changes=changes)
    return AssistSettingsOut(**data.model_dump())
