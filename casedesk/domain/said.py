"""Sentences made in code that a page shows in its reader's language.

A ``Said`` is the English sentence itself (a ``str``, so code and tests read it as
text) and remembers its template and values, so a page can say it again through its
translations (``Said.say``). Templates are marked with ``N_`` so Babel extracts them;
values that are ``Said`` themselves (a field's name, "by email") are translated too,
names and data are not.
"""

from __future__ import annotations

from collections.abc import Callable

Translate = Callable[[str], str]


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


def _same(message: str) -> str:
    return message


class Said(str):
    """``template % values`` in English; ``say(gettext)`` in another language.
    ``capital``: the sentence starts with a capital whatever its first value."""

    template: str
    values: dict[str, object]
    capital: bool

    def __new__(cls, template: str, *, capital: bool = False, **values: object) -> Said:
        said = super().__new__(cls, _fill(template, values, _same, capital))
        said.template, said.values, said.capital = template, values, capital
        return said

    def say(self, translate: Translate) -> str:
        return _fill(self.template, self.values, translate, self.capital)


def _fill(template: str, values: dict[str, object], translate: Translate, capital: bool) -> str:
    filled = {k: v.say(translate) if isinstance(v, Said) else v for k, v in values.items()}
    text = translate(template) % filled if values else translate(template)
    return text[:1].upper() + text[1:] if capital else text
