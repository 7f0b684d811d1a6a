"""Each corporation's category model: trained by the ``assist-training`` job on the cases
agents categorised, read back for suggestions.

A model is trained again when the categorised cases have grown by a tenth (or by
``RETRAIN_MIN`` cases) since the last training, or when the settings changed what is
eligible. A category is only ever suggested once it has ``min_examples`` examples.
"""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casedesk.services.assist import classifier
from casedesk.services.assist.settings import settings_of
from casedesk.store.db import Database
from casedesk.store.models import (
    AssistSettings,
    Case,
    CaseMessage,
    Category,
    CategoryModel,
    Corporation,
)

JOB = "assist-training"
#: Cases a model is trained on at most (the newest).
TRAIN_LIMIT = 5000
RETRAIN_MIN = 5
#: A suggestion below this probability is not shown.
MIN_CONFIDENCE = 0.2
_cache: dict[int, tuple[datetime, classifier.Model]] = {}
_lock = threading.Lock()


def suggest(s: Session, corporation_id: int, text: str) -> tuple[int, float] | None:
    """The most likely category for ``text`` and its probability, or None."""
    row = s.execute(
        select(CategoryModel.trained_at).where(CategoryModel.corporation_id == corporation_id)
    ).first()
    if row is None:
        return None
    with _lock:
        cached = _cache.get(corporation_id)
    if cached is None or cached[0] != row.trained_at:
        blob = s.scalar(
            select(CategoryModel.model).where(CategoryModel.corporation_id == corporation_id)
        )
        if blob is None:
            return None
        cached = (row.trained_at, classifier.loads(blob))
        with _lock:
            _cache[corporation_id] = cached
    best = classifier.predict(cached[1], text, k=1)
    if not best or best[0][1] < MIN_CONFIDENCE:
        return None
    return best[0]


def corporations(db: Database) -> list[int]:
    with db.read() as s:
        return list(s.scalars(select(Corporation.id).order_by(Corporation.id)))


def train_corporation(
    db: Database, corporation_id: int, now: datetime, *, force: bool = False
) -> bool:
    """Train one corporation's model if due; True when a model was (re)written."""
    with db.read() as s:
        conf = settings_of(s, corporation_id)
        if not conf.category:
            return False
        count = (
            s.scalar(
                select(func.count()).where(
                    Case.corporation_id == corporation_id, Case.category_id.is_not(None)
                )
            )
            or 0
        )
        current = s.get(CategoryModel, corporation_id)
        changed = s.scalar(
            select(AssistSettings.updated_at).where(AssistSettings.corporation_id == corporation_id)
        )
        due = force or current is None or (changed is not None and changed > current.trained_at)
        if current is not None and not due:
            grown = count - current.examples
            due = grown >= max(RETRAIN_MIN, current.examples // 10)
        if not due:
            return False
        texts, labels = _examples(s, corporation_id)
    model = classifier.train(texts, labels, conf.min_examples)
    with db.write() as s:
        row = s.get(CategoryModel, corporation_id)
        if model is None:
            if row is not None:
                s.delete(row)
            return row is not None
        if row is None:
            row = CategoryModel(corporation_id=corporation_id)
            s.add(row)
        row.examples, row.categories = count, len(model.classes)
        row.model, row.trained_at = classifier.dumps(model), now
    return True


def _examples(s: Session, corporation_id: int) -> tuple[list[str], list[int]]:
    """Title, description and first customer message of the newest categorised cases."""
    cases = s.execute(
        select(Case.id, Case.title, Case.description, Case.category_id)
        .join(Category, Category.id == Case.category_id)
        .where(Case.corporation_id == corporation_id, Case.category_id.is_not(None))
        .order_by(Case.id.desc())
        .limit(TRAIN_LIMIT)
    ).all()
    first = _first_messages(s, [c.id for c in cases])
    texts = [
        "\n".join(p for p in (c.title, c.description, first.get(c.id, "")) if p) for c in cases
    ]
    return texts, [int(c.category_id) for c in cases]


def _first_messages(s: Session, case_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for start in range(0, len(case_ids), 500):
        chunk = case_ids[start : start + 500]
        firsts = (
            select(func.min(CaseMessage.id))
            .where(
                CaseMessage.case_id.in_(chunk),
                CaseMessage.visibility == "external",
                CaseMessage.is_system.is_(False),
            )
            .group_by(CaseMessage.case_id)
        )
        for case_id, body in s.execute(
            select(CaseMessage.case_id, CaseMessage.body_text).where(CaseMessage.id.in_(firsts))
        ).all():
            found[case_id] = body[:4000]
    return found
