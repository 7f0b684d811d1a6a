"""What readers tell the knowledge base: "Was this helpful?" (yes or no, with an
optional comment) and "this solved it" (a case not opened), each counted per
translation; and, for editors, the articles that spare the most cases and those that
disappoint the most.

Readers answer only about translations they may read (``public.readable_translation``),
so feedback cannot reveal or count an internal article.
"""

from __future__ import annotations

from sqlalchemy import Integer, case, func, select

from casedesk.domain.permissions import Permission, Principal
from casedesk.services.kernel.clock import utcnow
from casedesk.services.knowledge import public
from casedesk.services.knowledge.public import Reader
from casedesk.services.knowledge.schemas import ArticleFigures, FeedbackIn, FeedbackOut
from casedesk.store.db import Database
from casedesk.store.models import KbDeflection, KbFeedback, KbTranslation

SOURCES = frozenset({"portal", "mail"})


def give_feedback(
    db: Database, reader: Reader, translation_id: int, data: FeedbackIn
) -> FeedbackOut:
    public.readable_translation(db, reader, translation_id)
    with db.write() as s:
        row = KbFeedback(
            translation_id=translation_id,
            helpful=data.helpful,
            comment=data.comment,
            contact_id=reader.contact_id,
            created_at=utcnow(),
        )
        s.add(row)
        s.flush()
        return FeedbackOut.model_validate(row)


def record_deflection(
    db: Database, reader: Reader, translation_id: int, source: str = "portal"
) -> None:
    """A customer about to open a case said this article solved it: no case, one more
    deflection for the article."""
    public.readable_translation(db, reader, translation_id)
    with db.write() as s:
        s.add(
            KbDeflection(
                translation_id=translation_id,
                source=source if source in SOURCES else "portal",
                contact_id=reader.contact_id,
                created_at=utcnow(),
            )
        )


def list_feedback(
    db: Database, principal: Principal, translation_id: int, *, limit: int = 200
) -> list[FeedbackOut]:
    """What readers said about one translation, newest first (agents of its corporation)."""
    with db.read() as s:
        rows = s.scalars(
            select(KbFeedback)
            .join(KbTranslation, KbTranslation.id == KbFeedback.translation_id)
            .where(
                KbFeedback.translation_id == translation_id,
                KbTranslation.corporation_id == principal.corporation_id,
            )
            .order_by(KbFeedback.id.desc())
            .limit(limit)
        )
        return [FeedbackOut.model_validate(r) for r in rows]


def figures(db: Database, principal: Principal) -> list[ArticleFigures]:
    """Deflections and helpful/not helpful per translation of the caller's corporation
    (editors only: these are the figures they act on)."""
    principal.require(Permission.MANAGE_KNOWLEDGE)
    with db.read() as s:
        deflected = (
            select(KbDeflection.translation_id, func.count().label("n"))
            .group_by(KbDeflection.translation_id)
            .subquery("deflected")
        )
        yes = func.sum(case((KbFeedback.helpful.is_(True), 1), else_=0))
        no = func.sum(case((KbFeedback.helpful.is_(False), 1), else_=0))
        answered = (
            select(
                KbFeedback.translation_id,
                yes.cast(Integer).label("yes"),
                no.cast(Integer).label("no"),
            )
            .group_by(KbFeedback.translation_id)
            .subquery("answered")
        )
        rows = s.execute(
            select(
                KbTranslation,
                func.coalesce(deflected.c.n, 0),
                func.coalesce(answered.c.yes, 0),
                func.coalesce(answered.c.no, 0),
            )
            .outerjoin(deflected, deflected.c.translation_id == KbTranslation.id)
            .outerjoin(answered, answered.c.translation_id == KbTranslation.id)
            .where(KbTranslation.corporation_id == principal.corporation_id)
        ).all()
        return [
            ArticleFigures(
                translation_id=t.id,
                article_id=t.article_id,
                language=t.language,
                title=t.title,
                status=t.status,
                deflections=int(d),
                helpful=int(y),
                not_helpful=int(n),
            )
            for t, d, y, n in rows
        ]


def top_deflecting(items: list[ArticleFigures], limit: int = 20) -> list[ArticleFigures]:
    ranked = sorted(items, key=lambda f: (-f.deflections, f.translation_id))
    return [f for f in ranked if f.deflections][:limit]


def most_disappointing(items: list[ArticleFigures], limit: int = 20) -> list[ArticleFigures]:
    """Translations with "not helpful" answers, the largest share (then count) first."""

    def share(f: ArticleFigures) -> float:
        return f.not_helpful / (f.helpful + f.not_helpful)

    ranked = sorted((f for f in items if f.not_helpful), key=lambda f: (-share(f), -f.not_helpful))
    return ranked[:limit]
