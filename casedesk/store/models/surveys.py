"""Satisfaction surveys: a corporation's settings and one survey per closed case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, BigId, UtcDateTime, utcnow


class SurveySettings(Base):
    """Whether a corporation surveys its contacts, in which words, how often, and what
    a bad rating does on its own (``nothing``, ``reopen`` the case, ``notify`` an address)."""

    __tablename__ = "survey_settings"

    corporation_id: Mapped[int] = mapped_column(
        ForeignKey("corporations.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    mail_subject: Mapped[str] = mapped_column(String(200), default="")
    mail_body: Mapped[str] = mapped_column(Text, default="")
    page_text: Mapped[str] = mapped_column(Text, default="")
    #: A contact gets at most one survey in this many days.
    cap_days: Mapped[int] = mapped_column(Integer, default=14)
    on_bad: Mapped[str] = mapped_column(String(16), default="nothing")
    notify_address: Mapped[str] = mapped_column(String(320), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Survey(Base):
    """The survey of one closed case. The agent and group are those of the case when it
    closed, so scores stay with who did the work. The link's token is kept only as its
    hash and replaced by each answer (a link works once)."""

    __tablename__ = "surveys"
    __table_args__ = (
        Index("ix_surveys_contact", "contact_id", "sent_at"),
        Index("ix_surveys_corporation_answered", "corporation_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(
        ForeignKey("corporations.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True
    )
    agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="SET NULL"), nullable=True, index=True
    )
    address: Mapped[str] = mapped_column(String(320), default="")
    token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    rating: Mapped[str | None] = mapped_column(String(8), nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    first_answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


__all__ = ["Survey", "SurveySettings"]
