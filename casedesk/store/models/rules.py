"""Rules (triggers, automations, macros), which automation matched which case, and the
round-robin turn of each group."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, BigId, UtcDateTime, utcnow


class Rule(Base):
    """One rule. ``kind`` is trigger (on events), automation (on the clock) or macro
    (applied by hand). ``conditions`` and ``actions`` are the vocabulary of
    ``domain.rules``; triggers run in ``position`` order, then by id."""

    __tablename__ = "rules"
    __table_args__ = (
        UniqueConstraint("corporation_id", "kind", "name"),
        Index("ix_rules_corporation_id_kind_position", "corporation_id", "kind", "position"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The trigger events the rule listens to (empty for automations and macros).
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    conditions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: Macros: shared with this group's agents (null: every agent) unless personal.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), nullable=True)
    #: Macros: personal to this user.
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    #: Macros: an external reply added with the actions.
    reply_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class RuleMatch(Base):
    """An automation acted on a case. The primary key makes it act once per match,
    however many processes reach the case together; the row goes when the case stops
    matching, so a later match acts again."""

    __tablename__ = "rule_matches"

    rule_id: Mapped[int] = mapped_column(
        ForeignKey("rules.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    matched_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class GroupAssignmentTurn(Base):
    """Whose turn it was last when rules assign round robin within a group."""

    __tablename__ = "group_assignment_turns"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    last_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
