"""Every page speaks through gettext, and German is complete: no template writes a word
outside ``_()``/``trans``, every text the templates and the code mark has a German
translation (none fuzzy, placeholders kept), and the page's language is the reader's
choice, else their browser's, else English, also when pages render at once in threads.

After adding texts, ``scripts/i18n update`` merges them into the catalogs; these tests
say which are still untranslated."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from starlette.requests import Request

import casedesk
from casedesk.domain.history import Actor, Entry, sentences
from casedesk.services.kernel import translations
from casedesk.web import i18n
from casedesk.web.local_times import local_text, relative_text
from casedesk.web.templating import env, render
from tests.web.template_text import literals

PACKAGE = Path(casedesk.__file__).parent
TEMPLATES = PACKAGE / "web" / "templates"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
}
SIGN_IN = {"next": "", "email": "", "error": "", "providers": [], "area": "portal"}


def _extracted() -> set[str]:
    """The msgids Babel extracts from the code and templates, as scripts/i18n does."""
    with (PACKAGE / "locale" / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        PACKAGE, method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_no_template_writes_a_word_outside_gettext() -> None:
    problems = [
        f"{path.relative_to(TEMPLATES)}: {literal.text!r}"
        + (f" (in {literal.attribute}=)" if literal.attribute else "")
        for path in sorted(TEMPLATES.rglob("*.html"))
        for literal in literals(path.read_text("utf-8"))
    ]
    assert problems == [], "wrap these in {{ _(...) }}:\n" + "\n".join(problems)


def test_the_scanner_finds_text_and_visible_attributes_but_not_code() -> None:
    source = (
        '<p class="x{% if a %} y{% endif %}">Hello {{ name }}</p>'
        '<input type="submit" value="Save"><input name="q" placeholder="{{ _("Find") }}">'
        '<button title="Close">{{ _("Close") }}</button><code>case_title</code><kbd>j</kbd>'
        "<script>var a = 'Words';</script>{{ _(\"Fine\") }} &middot;"
    )
    assert [(x.text, x.attribute) for x in literals(source)] == [
        ("Hello", None),
        ("Save", "value"),
        ("Close", "title"),
    ]


def test_the_german_catalog_translates_every_marked_text_and_nothing_is_fuzzy() -> None:
    with (PACKAGE / "locale" / "de" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale="de")
    translated = {}
    fuzzy = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = [message.string] if isinstance(message.string, str) else message.string
        translated[key] = bool(strings) and all(strings or ())
        if message.fuzzy:
            fuzzy.append(key)
    missing = sorted(m for m in _extracted() if not translated.get(m))
    assert missing == [], "run scripts/i18n update, then translate:\n" + "\n".join(missing)
    assert fuzzy == []
    errors = [(m.id, [str(e) for e in errs]) for m, errs in catalog.check()]
    assert errors == []


def _request(accept_language: str | None) -> Request:
    headers = [(b"accept-language", accept_language.encode())] if accept_language else []
    return Request({"type": "http", "method": "GET", "path": "/portal/sign-in", "headers": headers})


@pytest.mark.parametrize(
    ("chosen", "header", "expected"),
    [
        (None, None, "en"),
        (None, "de-DE,de;q=0.9,en;q=0.8", "de"),
        (None, "fr-CH, fr;q=0.9, de;q=0.7, *;q=0.5", "de"),
        (None, "en-US,en;q=0.9,de;q=0.8", "en"),
        (None, "de;q=0, en", "en"),
        (None, "xx-invalid;;q=abc", "en"),
        ("de", "en-US", "de"),
        ("en", "de", "en"),
        ("fr", "de", "de"),  # no French pages: the browser's next best
        ("DE-at", None, "de"),
    ],
)
def test_the_language_is_the_readers_else_the_browsers_else_english(
    chosen: str | None, header: str | None, expected: str
) -> None:
    assert translations.negotiate(chosen, header) == expected


def _text(response: object) -> str:
    return bytes(response.body).decode()  # type: ignore[attr-defined]


def test_a_page_speaks_the_browsers_language_and_says_so() -> None:
    german = render(_request("de-DE,de;q=0.9"), "portal/sign_in.html", SIGN_IN)
    assert "Beim Support-Portal anmelden" in _text(german)
    assert '<html lang="de">' in _text(german)
    assert german.headers["content-language"] == "de"
    english = render(_request("en-GB"), "portal/sign_in.html", SIGN_IN)
    assert "Sign in to the support portal" in _text(english)
    assert english.headers["content-language"] == "en"


def test_pages_rendered_at_once_in_threads_keep_their_own_language() -> None:
    """The server renders pages in a thread pool: each render's language is its own."""
    wrong: list[str] = []
    start = threading.Barrier(8)

    def work(header: str, expected: str) -> None:
        start.wait()
        for _ in range(40):
            body = _text(render(_request(header), "portal/sign_in.html", SIGN_IN))
            if expected not in body:
                wrong.append(header)

    threads = [
        threading.Thread(target=work, args=(header, expected))
        for header, expected in [
            ("de", "Beim Support-Portal anmelden"),
            ("en", "Sign in to the support portal"),
        ]
        * 4
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []


def test_dates_and_numbers_take_the_languages_forms() -> None:
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert local_text(summer, "Europe/Berlin", "en") == "2026-07-01 14:00 CEST"
    assert local_text(summer, "Europe/Berlin", "de") == "01.07.2026, 14:00 CEST"
    assert local_text(summer, None, "de-AT") == "01.07.2026, 12:00 UTC"
    assert relative_text(summer - timedelta(hours=2), summer, "de") == "vor 2 Std."
    template = env.from_string("{{ 1234.5|number }}")
    with i18n.speaking("de"):
        assert template.render(signed_in=None) == "1.234,5"
    assert template.render(signed_in=None) == "1,234.5"


def test_a_history_line_is_said_in_the_pages_language() -> None:
    (line,) = sentences(
        Entry("case.updated", Actor(channel="email"), {"deadline_at": {"from": None, "to": "x"}}),
        lambda _field, value: str(value) if value else "",
    )
    assert line == "Deadline set to x by email"
    with i18n.speaking("de"):
        assert i18n.translate(line) == "Frist auf x gesetzt per E-Mail"
    assert i18n.translate(line) == "Deadline set to x by email"
