"""The scope vocabulary: which scopes a request needs, and parsing what a user names."""

from __future__ import annotations

import pytest

from casedesk.domain.errors import Forbidden, ValidationFailed
from casedesk.domain.token_scopes import (
    ALL_SCOPES,
    format_scopes,
    parse_scopes,
    require_scopes,
    required_scopes,
)


@pytest.mark.parametrize(
    ("method", "path", "needed"),
    [
        ("GET", "/api/v1/cases", ("cases:read",)),
        ("POST", "/api/v1/cases", ("cases:write",)),
        ("PATCH", "/api/v1/cases/7", ("cases:write",)),
        ("POST", "/api/v1/cases/7/messages", ("messages:write",)),
        ("GET", "/api/v1/cases/7/attachments", ("attachments:read",)),
        ("GET", "/api/v1/reports/volume", ("reports:read",)),
        ("POST", "/api/v1/webhooks", ("admin:write",)),
        ("POST", "/api/v1/sign-in-providers", ("admin:write",)),
        ("PUT", "/api/v1/sign-in-rules/password", ("admin:write",)),
        ("GET", "/api/v1/sign-in-providers/3", ("admin:read",)),
        ("GET", "/api/v1/users", ("reference:read",)),
        ("POST", "/itx/rest/itxems/case", ("itx", "cases:write")),
        ("POST", "/itx/rest/itxems/cases/search", ("itx", "cases:read")),
        (
            "POST",
            "/superoffice/api/v1/Agents/Ticket/GetTicketEntity",
            ("superoffice", "cases:read"),
        ),
        (
            "POST",
            "/superoffice/api/v1/Agents/Ticket/SaveTicketEntity",
            ("superoffice", "cases:write"),
        ),
        ("GET", "/itflow/api/v1/tickets/read.php", ("itflow", "cases:read")),
        ("POST", "/trackit/WebApi/tickets/3/AddNote", ("trackit", "cases:write")),
        ("DELETE", "/casemgmt/v2/cases/3", ("casemgmt", "cases:write")),
        ("GET", "/console/cases", ()),
    ],
)
def test_required_scopes(method: str, path: str, needed: tuple[str, ...]) -> None:
    assert required_scopes(method, path) == needed


def test_parse_and_format() -> None:
    assert parse_scopes(["itx, cases:read", "cases:write"]) == {"itx", "cases:read", "cases:write"}
    assert format_scopes({"itx", "cases:read"}) == "cases:read itx"
    assert parse_scopes(ALL_SCOPES) == set(ALL_SCOPES)
    with pytest.raises(ValidationFailed, match="cases:delete"):
        parse_scopes(["cases:delete"])


def test_require_names_the_missing_scope_and_spares_non_tokens() -> None:
    with pytest.raises(Forbidden, match="cases:write"):
        require_scopes(frozenset({"cases:read", "itx"}), ("itx", "cases:write"))
    require_scopes(frozenset({"cases:read"}), ("cases:read",))
    require_scopes(None, ("admin:write",))
