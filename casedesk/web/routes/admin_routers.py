"""Every admin page's router, for ``casedesk.web.install``."""

from __future__ import annotations

from fastapi import APIRouter

from casedesk.web.routes import (
    admin_assist,
    admin_calendars,
    admin_categories,
    admin_fields,
    admin_groups,
    admin_home,
    admin_mail,
    admin_mailbox_oauth,
    admin_mailboxes,
    admin_priorities,
    admin_quarantine,
    admin_queues,
    admin_rules,
    admin_schedules,
    admin_sign_in,
    admin_sla,
    admin_sso,
    admin_statuses,
    admin_surveys,
    admin_templates,
    admin_tokens,
    admin_users,
    admin_webhooks,
)

ROUTERS: tuple[APIRouter, ...] = (
    admin_home.router,
    admin_users.router,
    admin_sign_in.router,
    admin_sso.router,
    admin_assist.router,
    admin_groups.router,
    admin_tokens.router,
    admin_categories.router,
    admin_priorities.router,
    admin_calendars.router,
    admin_statuses.router,
    admin_queues.router,
    admin_fields.router,
    admin_templates.router,
    admin_mailboxes.router,
    admin_mailbox_oauth.router,
    admin_sla.router,
    admin_schedules.router,
    admin_quarantine.router,
    admin_mail.router,
    admin_surveys.router,
    admin_webhooks.router,
    *admin_rules.ROUTERS,
)
