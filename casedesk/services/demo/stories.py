"""The demo's cases, each told as it went: opened by email or phone, answered, noted,
timed and taken to where it stands (closed, waiting, on hold, merged, spam, ...).

Every step is a use-case called with the instant it happened, so SLA clocks, status
history and the audit log come out as they would have. Cases are found by title:
those that exist are left alone.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

from sqlalchemy import select

from casedesk.domain.permissions import Principal
from casedesk.services.billing.time_entries import TimeEntryCreate, add_time_entry
from casedesk.services.cases import core as cases
from casedesk.services.cases import merging, messages
from casedesk.services.cases.schemas import CaseCreate, CasePatch, MessageCreate, Origin
from casedesk.services.demo.data import CASES, LIVE_CASES, MERGE_TARGET, CaseSpec
from casedesk.services.demo.reference import Ids, organization_of
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import Case

#: What an hour of the desk's work is billed at, in the corporation's currency.
HOURLY_RATE = Decimal("95.00")


def tell_cases(
    db: Database,
    admin: Principal,
    agents: dict[str, Principal],
    ids: Ids,
    now: datetime,
    seed: int,
) -> int:
    """Open the demo cases that are missing; how many were opened. The stories spread
    over the last month; the live ones end just before ``now``."""
    with db.read() as s:
        done = set(s.scalars(select(Case.title).where(Case.corporation_id == admin.corporation_id)))
    start = now - timedelta(days=30)
    created = 0
    for n, spec in enumerate(CASES):
        if spec[0] in done:
            continue
        rng = random.Random(seed * 1000 + n)  # per case: the same data whatever exists already
        at = start + timedelta(hours=17 * n + rng.randint(0, 9), minutes=rng.randint(0, 59))
        _Story(db, admin, agents, ids, rng).tell(n, spec, at)
        created += 1
    for n, (title, category, contact, asset, tags, age, reply) in enumerate(
        LIVE_CASES, start=len(CASES)
    ):
        if title in done:
            continue
        story = _Story(db, admin, agents, ids, random.Random(seed * 1000 + n))
        story.tell_live(n, (title, category, contact, asset, tags, "progress"), now, age, reply)
        created += 1
    return created


class _Story:
    """One demo case from its opening to how it went, told through the use-cases."""

    def __init__(
        self,
        db: Database,
        admin: Principal,
        agents: dict[str, Principal],
        ids: Ids,
        rng: random.Random,
    ) -> None:
        self.db, self.admin, self.agents, self.ids, self.rng = db, admin, agents, ids, rng
        self.case_id = 0
        self.contact_id: int | None = None
        self.t = utcnow()

    def tell(self, n: int, spec: CaseSpec, at: datetime) -> None:
        agent, first_name = self.open(n, spec, at)
        self.conclude(n, agent, spec[-1], first_name)

    def tell_live(
        self, n: int, spec: CaseSpec, now: datetime, age_minutes: int, reply_minutes: int
    ) -> None:
        """A case opened ``age_minutes`` before ``now``, answered after
        ``reply_minutes`` and being worked on since."""
        agent, first_name = self.open(n, spec, now - timedelta(minutes=age_minutes))
        self.say(
            agent,
            f"Hi {first_name},\n\nwe are on it and will call you as soon as it works again."
            "\n\nBest regards,\nIT Service Desk",
            minutes=reply_minutes,
            exact=True,
        )
        self.change(agent, CasePatch(status_id=self.ids.statuses["In progress"]))
        self.log_time(agent, "Diagnosis", minutes=15)

    def open(self, n: int, spec: CaseSpec, at: datetime) -> tuple[Principal, str]:
        """Open the case at ``at``; the agent who works on it and the contact's name."""
        title, category, contact_key, asset_key, tags, outcome = spec
        ids, rng = self.ids, self.rng
        network = category == "VPN"
        assignee: Principal | None = (
            self.agents["priya"] if network or n % 3 == 0 else self.agents["sam"]
        )
        if outcome == "open" and n % 2:
            assignee = None
        contact = ids.contacts.get(contact_key)
        asset = ids.assets.get(asset_key)
        self.contact_id = contact[0] if contact else None
        first_name = contact[1] if contact else ""
        origin: Origin = "phone" if contact and n % 4 == 0 else "email"
        sender = contact[2] if contact else "offers@bargains.example"
        custom: dict[str, str | None] = {
            "impact": "high" if "outage" in tags else rng.choice(["low", "medium"])
        }
        if asset:
            custom["device_serial"] = asset[1]
        priority = "Critical" if "outage" in tags else rng.choice(["Low", "Medium", "High"])
        description = _description(title, first_name, spam=outcome == "spam")
        data = CaseCreate(
            title=title,
            description=description,
            category_id=ids.categories[category],
            queue_id=ids.queues["Network operations" if network else "First line"],
            group_id=ids.groups["Network" if network else "Service Desk"],
            priority_id=ids.priorities[priority],
            contact_id=self.contact_id,
            organization_id=organization_of(ids, contact_key),
            asset_id=asset[0] if asset else None,
            assignee_id=assignee.user_id if assignee else None,
            tags=tags,
            custom_fields=custom,
            origin=origin,
            from_address=sender if origin == "email" else None,
        )
        self.case_id = cases.open_case(self.db, assignee or self.admin, data, now=at).id
        self.t = at
        agent = assignee or self.agents["sam"]
        if origin == "email":
            self.say(agent, description, direction="inbound", minutes=0, exact=True)
        return agent, first_name

    def conclude(self, n: int, agent: Principal, outcome: str, first_name: str) -> None:
        statuses_ = self.ids.statuses
        if outcome == "spam":
            self.change(self.admin, CasePatch(status=6))
            return
        if outcome == "merged":
            self.say(agent, "Same problem as the open VPN case; merging.", internal=True)
            with self.db.read() as s:
                target = s.scalar(
                    select(Case.id).where(
                        Case.corporation_id == self.admin.corporation_id,
                        Case.title == MERGE_TARGET,
                    )
                )
            if target is not None:
                merging.merge_case(self.db, agent, self.case_id, target)
            return
        if outcome != "open" or n % 3 == 0:
            self.say(
                agent,
                f"Hi {first_name},\n\nthanks for letting us know. I am looking into it and "
                "will get back to you shortly.\n\nBest regards,\nIT Service Desk",
            )
        if n % 3 == 1:
            self.say(agent, "Checked the logs: nothing obvious yet.", internal=True, minutes=20)
        if outcome == "awaiting":
            self.say(agent, "Could you send a screenshot of the error and tell us when it started?")
            self.change(agent, CasePatch(status_id=statuses_["Awaiting customer"]))
        elif outcome == "closed":
            self.log_time(agent, "Remote support", minutes=self.rng.choice([30, 45, 60, 90]))
            self.say(agent, "We have applied a fix. Please check that all works now.", minutes=180)
            self.say(agent, "Yes, it works again. Thank you!", direction="inbound", minutes=240)
            self.change(agent, CasePatch(status_id=statuses_["Closed"]))
        elif outcome == "vendor":
            self.log_time(agent, "Vendor liaison", minutes=20)
            self.say(
                agent, f"Opened a ticket with the vendor, reference V-{4711 + n}.", internal=True
            )
            self.change(agent, CasePatch(status_id=statuses_["Waiting for vendor"]))
        elif outcome == "hold":
            until = self.t + timedelta(days=40)
            patch = CasePatch(
                status_id=statuses_["On hold"],
                on_hold_until=until,
                on_hold_comment="Replacement part on order",
            )
            self.change(agent, patch)
        elif outcome == "progress":
            self.change(agent, CasePatch(status_id=statuses_["In progress"]))
            self.log_time(agent, "Troubleshooting", minutes=self.rng.choice([15, 30, 45]))

    def say(
        self,
        who: Principal,
        body: str,
        *,
        direction: Literal["inbound", "outbound"] = "outbound",
        internal: bool = False,
        minutes: int = 45,
        exact: bool = False,
    ) -> None:
        """A message ``minutes`` after the last step (and up to half an hour more,
        unless ``exact``)."""
        self.t += timedelta(minutes=minutes + (0 if exact else self.rng.randint(0, 30)))
        data = MessageCreate(
            visibility="internal" if internal else "external",
            direction="note" if internal else direction,
            body_text=body,
            contact_id=self.contact_id if direction == "inbound" else None,
        )
        messages.add_message(self.db, who, self.case_id, data, now=self.t)

    def change(self, who: Principal, patch: CasePatch) -> None:
        self.t += timedelta(minutes=10)
        cases.update_case(self.db, who, self.case_id, patch, now=self.t)

    def log_time(self, who: Principal, activity: str, *, minutes: int) -> None:
        """Book ``minutes`` of billable work, recorded when it was done."""
        data = TimeEntryCreate(
            duration_seconds=minutes * 60, activity=activity, hourly_rate=HOURLY_RATE
        )
        add_time_entry(self.db, who, self.case_id, data, now=self.t)


def _description(title: str, first_name: str, *, spam: bool = False) -> str:
    if spam:
        return "Best replicas, 90% off, today only. Click here to order."
    return (
        f"Hello,\n\n{title}. It started this morning and I cannot work properly. "
        f"Could you please help?\n\nThanks,\n{first_name}"
    )
