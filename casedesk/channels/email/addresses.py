"""Strict reading of a mail's sender: exactly one well-formed address, or a reason why not.

The sender decides which contact a mail comes from, and so which cases it may add to
and reopen. A lenient reading picks one address out of a header that holds several,
or out of the malformed shapes of CVE-2023-27043 (``a@x.example <evil@y.example>``,
``a@x.example)<evil@y.example>``), where a mail client may show another one: a
stranger then writes as a customer. So a ``From:`` that is missing or names no one is
``no-sender``, and one that is anything but a single well-formed mailbox (two
addresses, a group, two ``From:`` headers, text the grammar does not allow) is
``ambiguous-sender``; both are quarantined by the caller.

The standard library's ``getaddresses(strict=True)`` exists only from Python 3.11.10
on, and 3.11 builds before it read these shapes leniently. This module uses the parser
behind the modern email API (``email.headerregistry.AddressHeader``), which reads the
header by RFC 5322's grammar on every 3.11 build and records each deviation as a
defect instead of guessing: any ``InvalidHeaderDefect`` (an address followed by more
text, a missing ``>``, a stray ``)``) makes the sender ambiguous. Obsolete but
unambiguous syntax (a source route, an empty list element) is accepted, as mail
clients accept it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from email import errors
from email.headerregistry import AddressHeader

NO_SENDER = "no-sender"
AMBIGUOUS_SENDER = "ambiguous-sender"

#: Defects that mean the header is not what the grammar allows.
_FATAL_DEFECTS = (errors.InvalidHeaderDefect, errors.HeaderMissingRequiredValue)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MAX_ADDRESS = 320


class SenderProblem(Exception):
    """The header does not name exactly one well-formed sender; ``reason`` says how."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def single_mailbox(values: Sequence[str]) -> tuple[str, str]:
    """(display name, address in lower case) of the one mailbox that ``values`` (every
    occurrence of the header, raw) name. SenderProblem otherwise."""
    if not values or not any(v.strip() for v in values):
        raise SenderProblem(NO_SENDER)
    if len(values) > 1:
        raise SenderProblem(AMBIGUOUS_SENDER)
    try:
        tree = AddressHeader.value_parser(unfolded(values[0]))
    except (errors.HeaderParseError, ValueError, IndexError, TypeError, AssertionError):
        raise SenderProblem(AMBIGUOUS_SENDER) from None
    mailboxes = list(tree.all_mailboxes)
    if not mailboxes and not tree.all_defects:
        raise SenderProblem(NO_SENDER)  # an empty group: ``undisclosed-recipients:;``
    addresses = list(tree.addresses)
    if (
        len(addresses) != 1
        or len(mailboxes) != 1
        or addresses[0][0].token_type != "mailbox"
        or any(isinstance(d, _FATAL_DEFECTS) for d in tree.all_defects)
    ):
        raise SenderProblem(AMBIGUOUS_SENDER)
    box = mailboxes[0]
    spec = str(box.addr_spec or "").lower()
    if (
        not box.local_part
        or not box.domain
        or len(spec) > _MAX_ADDRESS
        or any(ch.isspace() or not ch.isprintable() for ch in spec)
    ):
        raise SenderProblem(AMBIGUOUS_SENDER)
    return str(box.display_name or ""), spec


def unfolded(value: str) -> str:
    """A raw header value as one line, with raw 8-bit text (RFC 6532) read as UTF-8."""
    value = "".join(_LINE_BREAK.split(value))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes kept as surrogates by the parser
        value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return value
