"""Checks of a page's markup that the CSP and accessibility ask for: no inline style
or script and no hx-on, a label for every field (by ``for`` or around it), unique ids,
one h1 first and headings that do not skip a level."""

from __future__ import annotations

import itertools
from html.parser import HTMLParser

FIELDS = {"input", "select", "textarea"}
UNLABELLED_TYPES = {"hidden", "submit", "button"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.fields: list[tuple[str | None, bool, str]] = []
        self.headings: list[int] = []
        self.open_labels = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if "style" in values:
            self.problems.append(f"inline style on <{tag}>")
        if any(name.startswith("hx-on") for name in values):
            self.problems.append(f"hx-on on <{tag}>")
        if any(name.startswith("on") for name in values):
            self.problems.append(f"event handler attribute on <{tag}>")
        if tag == "script" and not values.get("src"):
            self.problems.append("inline script")
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if tag == "label":
            self.open_labels += 1
            if values.get("for"):
                self.label_for.add(str(values["for"]))
        if tag in FIELDS and values.get("type") not in UNLABELLED_TYPES:
            named = "aria-label" in values or "aria-labelledby" in values
            self.fields.append((values.get("id"), self.open_labels > 0 or named, str(attrs)))
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.headings.append(int(tag[1]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self.open_labels:
            self.open_labels -= 1


def markup_problems(html: str) -> list[str]:
    page = _Page()
    page.feed(html)
    problems = list(page.problems)
    for field_id, labelled, attrs in page.fields:
        if not labelled and (field_id is None or field_id not in page.label_for):
            problems.append(f"unlabelled field {attrs}")
    repeated = {i for i in page.ids if page.ids.count(i) > 1}
    if repeated:
        problems.append(f"repeated ids {sorted(repeated)}")
    if not page.headings or page.headings[0] != 1:
        problems.append("the first heading is not an h1")
    for before, after in itertools.pairwise(page.headings):
        if after > before + 1:
            problems.append(f"heading h{before} is followed by h{after}")
    return problems
