"""Hostile Markdown and HTML in an article come out harmless."""

from __future__ import annotations

import pytest

from casedesk.services.knowledge import rendering

HOSTILE = [
    ("<script>alert(1)</script>", "<script"),
    ("<img src=x onerror=alert(1)>", "onerror"),
    ('<a href="#" onclick="steal()">x</a>', "onclick"),
    ("[click](javascript:alert(1))", 'href="javascript'),
    ("[click](<javascript:alert(1)>)", 'href="javascript'),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript:"),
    ('<a href="jav&#x09;ascript:alert(1)">x</a>', "ascript:"),
    ("<svg onload=alert(1)><circle r=1 /></svg>", "<svg"),
    ("<svg><script>alert(1)</script></svg>", "alert"),
    ('<iframe src="https://evil.test"></iframe>', "<iframe"),
    ('<div style="background:url(javascript:x)">x</div>', "style"),
    ("![x](data:image/svg+xml;base64,PHN2Zz4=)", 'src="data:'),
    ('<object data="x.swf"></object>', "<object"),
    ('<form action="https://evil.test"><input></form>', "<form"),
]


@pytest.mark.parametrize(("markdown", "forbidden"), HOSTILE)
def test_hostile_markup_is_removed(markdown: str, forbidden: str) -> None:
    html = rendering.to_html(markdown, file_base="/portal/kb/files")
    assert forbidden.lower() not in html.lower(), html


def test_ordinary_markdown_survives() -> None:
    html = rendering.to_html(
        "# Steps\n\n1. Open **Settings**\n2. See [help](https://example.test/help)\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        file_base="/portal/kb/files",
    )
    assert "<h1>Steps</h1>" in html
    assert "<strong>Settings</strong>" in html
    assert 'href="https://example.test/help"' in html
    assert "<td>1</td>" in html


def test_only_the_articles_own_files_are_linked() -> None:
    html = rendering.to_html(
        "![plan](kbfile:7) [other](kbfile:8)",
        file_base="/portal/kb/files",
        file_ids={7},
        file_names={7: "floor plan.png"},
    )
    assert 'src="/portal/kb/files/7/floor-plan.png"' in html
    assert "kbfile" not in html
    assert "/8" not in html


def test_plain_text_and_summary_drop_the_markup() -> None:
    assert (
        rendering.to_text("# Title\n\n*Some* <b>text</b> <script>x()</script>") == "Title Some text"
    )
    long = "word " * 100
    assert rendering.summary(long).endswith("…")
    assert len(rendering.summary(long)) <= rendering.SUMMARY_CHARS + 1
    assert rendering.summary(long, "Written by hand") == "Written by hand"


def test_deflection_looks_up_the_telling_words_of_what_was_typed() -> None:
    from casedesk.domain.knowledge import deflection_terms

    typed = "Hello, the VPN is disconnecting all the time since Monday. Thanks!"
    assert deflection_terms(typed) == ["disconnecting", "monday", "time", "vpn"]
