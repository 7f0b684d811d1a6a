"""What every admin page shares: reading an HTML form into a service's input model,
answering a successful change, and the page's notice after a change.

Forms are read into the very input models the API uses, so a form can send nothing the
API would refuse; a field the model refuses becomes ``ValidationFailed`` (422) naming
the field, which the web error handler shows as a notice next to the form.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from casedesk.domain.errors import ValidationFailed
from casedesk.services.kernel.translations import N_
from casedesk.web.templating import render

M = TypeVar("M", bound=BaseModel)

#: The largest id a page accepts in its path (what the API accepts, too).
MAX_ID = 2**53
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]

#: What a page says after a change; the query names one of these, never free text, so a
#: link cannot make a page say something else.
DONE = {
    "created": N_("Created."),
    "saved": N_("Saved."),
    "deleted": N_("Deleted."),
    "revoked": N_("Token revoked."),
    "paused": N_("Paused."),
    "resumed": N_("Resumed."),
    "released": N_("Released into intake."),
    "discarded": N_("Mail deleted."),
    "reset": N_("Back to the shipped template."),
    "queued": N_("Queued for delivery."),
}


async def _form(request: Request) -> FormData:
    return await request.form()


#: The posted form fields (already read by the CSRF check, so read once).
Posted = Annotated[FormData, Depends(_form)]


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def optional(form: FormData, name: str) -> str | None:
    """The field stripped, or None when it is empty (a select's "none" option)."""
    return text(form, name).strip() or None


def checked(form: FormData, name: str) -> bool:
    return name in form


def values(form: FormData, name: str) -> list[str]:
    """Every value of a repeated field (checkboxes of one name, a multiple select)."""
    return [v for v in form.getlist(name) if isinstance(v, str) and v]


def lines(value: str) -> list[str]:
    """The non-empty lines of a textarea."""
    return [line.strip() for line in value.splitlines() if line.strip()]


def parse(model: type[M], data: dict[str, Any]) -> M:
    """``data`` as ``model``, or ValidationFailed naming the first field it refuses."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        message = str(first["msg"])
        raise ValidationFailed(f"{field}: {message}" if field else message, field=field) from None


def done(request: Request, url: str, what: str) -> Response:
    """Go to ``url`` after a change: htmx follows HX-Redirect, a plain form the 303."""
    joiner = "&" if "?" in url else "?"
    target = f"{url}{joiner}done={what}" if what in DONE else url
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def notice(request: Request) -> str:
    return DONE.get(request.query_params.get("done", ""), "")


def options(rows: Iterable[Any], label: str = "name") -> list[tuple[str, str]]:
    """(value, label) pairs for a select, from rows with an ``id``."""
    return [(str(row.id), str(getattr(row, label))) for row in rows]


#: The admin sections, in the order the menu and the index page show them.
SECTIONS = (
    ("/console/admin/users", N_("Users"), N_("Agents and admins: role, groups, password, active.")),
    ("/console/admin/groups", N_("Groups"), N_("Who sees which cases; one group is the default.")),
    ("/console/admin/tokens", N_("API tokens"), N_("Tokens for the API, shown once, revocable.")),
    ("/console/admin/sign-in", N_("Sign-in rules"), N_("Whether everyone needs a second factor.")),
    (
        "/console/admin/single-sign-on",
        N_("Single sign-on"),
        N_("OpenID providers; password sign-in."),
    ),
    (
        "/console/admin/categories",
        N_("Categories"),
        N_("The category tree and its assignment rules."),
    ),
    ("/console/admin/priorities", N_("Priorities"), N_("Urgency order and business calendar.")),
    ("/console/admin/calendars", N_("Calendars"), N_("Office hours and holidays in a time zone.")),
    (
        "/console/admin/statuses",
        N_("Statuses"),
        N_("Your statuses, their internal status and clock."),
    ),
    ("/console/admin/queues", N_("Queues"), N_("Where new cases wait, and their group.")),
    ("/console/admin/custom-fields", N_("Custom fields"), N_("Typed fields cases may carry.")),
    ("/console/admin/templates", N_("Case templates"), N_("Starting values for new cases.")),
    ("/console/admin/mailboxes", N_("Mailboxes"), N_("IMAP mailboxes the email channel polls.")),
    ("/console/admin/sla-policies", N_("SLA policies"), N_("Response and resolution targets.")),
    (
        "/console/admin/schedules",
        N_("Schedules"),
        N_("Cases opened from a template on a recurrence."),
    ),
    (
        "/console/admin/quarantine",
        N_("Mail quarantine"),
        N_("Mail kept back: read, release, delete."),
    ),
    (
        "/console/admin/mail-settings",
        N_("Mail settings"),
        N_("Sender address, notifications, hourly cap."),
    ),
    ("/console/admin/mail-templates", N_("Mail templates"), N_("Your wording of the mails sent.")),
    ("/console/admin/surveys", N_("Surveys"), N_("Satisfaction surveys when cases close.")),
    ("/console/admin/webhooks", N_("Webhooks"), N_("Case events posted to other systems, signed.")),
    (
        "/console/admin/triggers",
        N_("Triggers"),
        N_("Rules run on every case event and on new mail."),
    ),
    (
        "/console/admin/automations",
        N_("Automations"),
        N_("Rules run on the clock over live cases."),
    ),
    ("/console/admin/macros", N_("Macros"), N_("Action sets agents apply to cases.")),
    (
        "/console/admin/assist",
        N_("Assist"),
        N_("Language, sentiment, suggested categories, similar cases."),
    ),
)


def show(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> Response:
    """An admin page: the section menu and the notice of the change just made."""
    menu = [(href, label) for href, label, _ in SECTIONS]
    return render(
        request,
        template,
        {"sections": menu, "done": notice(request)} | context,
        status_code=status_code,
    )
