"""What the assist jobs compute about cases: language, sentiment, suggested category,
the terms similar cases are found by, and each corporation's switches and trained model.

Kept in tables of their own, written after the case's own transaction has committed, so
computing them never slows or blocks a write to the case.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, BigId, UtcDateTime, utcnow


class AssistSettings(Base):
    """A corporation's switches: each part can be turned off; no row means all on."""

    __tablename__ = "assist_settings"

    corporation_id: Mapped[int] = mapped_column(
        ForeignKey("corporations.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[bool] = mapped_column(Boolean, default=True)
    sentiment: Mapped[bool] = mapped_column(Boolean, default=True)
    category: Mapped[bool] = mapped_column(Boolean, default=True)
    similar: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Cases an agent categorised a category needs before it is ever suggested.
    min_examples: Mapped[int] = mapped_column(Integer, default=20)
    #: Percent; a suggestion at or above it is applied by the "apply suggestion" action.
    auto_apply_confidence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class MessageInsight(Base):
    """One row per message the assist job has looked at (also when a part is off)."""

    __tablename__ = "message_insights"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("case_messages.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: ISO 639-1, None when unknown or turned off.
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)


class CaseInsight(Base):
    """A case's language (first external message), sentiment (last external message),
    category suggestion and possible duplicate."""

    __tablename__ = "case_insights"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True, index=True)
    #: negative | neutral | positive | unknown; None when not computed or turned off.
    sentiment: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: 0 (most negative) … 500 (neutral) … 1000 (most positive).
    sentiment_index: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    #: 0 … 1000.
    sentiment_confidence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    suggested_category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: Percent.
    suggestion_confidence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: None until an agent chose; True when they took the suggestion.
    suggestion_taken: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    #: The category the agent chose instead of the suggestion.
    orig_human_category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL"), nullable=True
    )
    #: A case by the same contact in the 7 days before that reads the same.
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), nullable=True
    )
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CaseTerm(Base):
    """The weighted words of a case's title and first message: an inverted index the
    similar-cases look-up ranks with BM25."""

    __tablename__ = "case_terms"
    __table_args__ = (Index("ix_case_terms_corporation_id_term", "corporation_id", "term"),)

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    term: Mapped[str] = mapped_column(String(64), primary_key=True)
    corporation_id: Mapped[int] = mapped_column(BigId)
    count: Mapped[int] = mapped_column(Integer)
    #: Words in the case's text, for BM25's length normalisation.
    length: Mapped[int] = mapped_column(Integer)


class CategoryModel(Base):
    """A corporation's trained category classifier: vocabulary, weights and classes as
    compressed JSON (never a pickle), and what it was trained on."""

    __tablename__ = "category_models"

    corporation_id: Mapped[int] = mapped_column(
        ForeignKey("corporations.id", ondelete="CASCADE"), primary_key=True
    )
    examples: Mapped[int] = mapped_column(Integer)
    categories: Mapped[int] = mapped_column(Integer)
    model: Mapped[bytes] = mapped_column(LargeBinary)
    trained_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


__all__ = ["AssistSettings", "CaseInsight", "CaseTerm", "CategoryModel", "MessageInsight"]
