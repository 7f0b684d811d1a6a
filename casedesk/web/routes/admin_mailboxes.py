"""/console/admin/mailboxes: the IMAP mailboxes the email channel polls.

A mailbox's password is write-only: the form never shows it (the URL is shown without
it), an empty password field keeps the stored one, and a box removes it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.services.kernel.translations import N_
from casedesk.services.mail import mailbox_admin, mailbox_oauth
from casedesk.services.mail.mailbox_admin import MailboxCreate, MailboxPatch
from casedesk.services.reference import groups
from casedesk.web.routes.admin_forms import (
    Posted,
    RowId,
    checked,
    done,
    optional,
    options,
    parse,
    show,
    text,
)
from casedesk.web.routes.admin_mailbox_oauth import redirect_uri
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin/mailboxes")
HOME = "/console/admin/mailboxes"
ACTIONS = [("flag", N_("Flag it as seen")), ("move", N_("Move it to another folder"))]


def _fields(form: Posted) -> dict[str, object]:
    return {
        "name": text(form, "name"),
        "imap_url": text(form, "imap_url"),
        "folder": optional(form, "folder"),
        "processed_action": text(form, "processed_action"),
        "move_to": optional(form, "move_to"),
        "default_group_id": optional(form, "default_group_id"),
        "is_active": checked(form, "is_active"),
    }


@router.get("")
def list_mailboxes(request: Request, agent: Agent) -> Response:
    db = database(request)
    rows = mailbox_admin.list_mailboxes(db, agent.principal)
    group_rows = groups.list_groups(db, agent.principal)
    return show(
        request,
        "admin/mailboxes.html",
        {
            "mailboxes": rows,
            "oauth_states": mailbox_oauth.oauth_states(db, agent.principal),
            "groups": options(group_rows),
            "group_names": {g.id: g.name for g in group_rows},
            "actions": ACTIONS,
        },
    )


@router.post("")
def create_mailbox(request: Request, agent: Agent, form: Posted) -> Response:
    fields = _fields(form) | {"password": optional(form, "password")}
    data = parse(MailboxCreate, fields)
    mailbox_admin.create_mailbox(database(request), agent.principal, data)
    return done(request, HOME, "created")


@router.get("/{mailbox_id}")
def edit_mailbox(request: Request, agent: Agent, mailbox_id: RowId) -> Response:
    db = database(request)
    row = mailbox_admin.get_mailbox(db, agent.principal, mailbox_id)
    return show(
        request,
        "admin/mailbox_edit.html",
        {
            "mailbox": row,
            "groups": options(groups.list_groups(db, agent.principal)),
            "actions": ACTIONS,
            "oauth": mailbox_oauth.oauth_of(db, agent.principal, mailbox_id),
            "oauth_callback": redirect_uri(request),
        },
    )


@router.post("/{mailbox_id}")
def update_mailbox(request: Request, agent: Agent, mailbox_id: RowId, form: Posted) -> Response:
    fields = _fields(form)
    if fields["folder"] is None:
        del fields["folder"]  # keep the folder the URL or the stored mailbox names
    password = optional(form, "password")
    if password is not None:
        fields["password"] = password
    elif checked(form, "remove_password"):
        fields["password"] = None
    patch = parse(MailboxPatch, fields)
    mailbox_admin.update_mailbox(database(request), agent.principal, mailbox_id, patch)
    return done(request, HOME, "saved")


@router.post("/{mailbox_id}/delete")
def delete_mailbox(request: Request, agent: Agent, mailbox_id: RowId) -> Response:
    mailbox_admin.delete_mailbox(database(request), agent.principal, mailbox_id)
    return done(request, HOME, "deleted")
