"""The sandbox canned responses are parsed and rendered in.

Jinja2's ``SandboxedEnvironment`` refuses attribute access to internals (``__class__``,
``__globals__``, …) and unsafe calls. On top of it: unknown names fail instead of
rendering empty (``StrictUndefined``), ``*`` and ``**`` are bounded so that
``{{ "x" * 10**9 }}`` cannot exhaust memory, and the output is capped. Every failure is
a ``ValidationFailed`` naming the problem, never an exception from Jinja2.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from casedesk.domain.errors import ValidationFailed

#: Longest text a snippet may render to, and the largest operand of ``*`` and ``**``.
MAX_OUTPUT = 100_000
_MAX_REPEAT = 10_000
_MAX_EXPONENT = 64
_MAX_BITS = 4096


class _Bounded(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, int | float) and abs(right) > _MAX_EXPONENT:
                raise SecurityError("the exponent is too large")
            if isinstance(left, int) and isinstance(right, int):
                _bounded_int(abs(left).bit_length() * max(right, 0))
            return left**right
        for count, other in ((right, left), (left, right)):
            repeats = isinstance(count, int) and isinstance(other, str | list | tuple)
            if repeats and count * len(other) > _MAX_REPEAT:
                raise SecurityError("the repeated text is too long")
        if isinstance(left, int) and isinstance(right, int):
            _bounded_int(abs(left).bit_length() + abs(right).bit_length())
        return left * right


def _bounded_int(bits: int) -> None:
    if bits > _MAX_BITS:
        raise SecurityError("the number is too large")


_ENV = _Bounded(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)


def check(source: str, *, field: str = "body") -> None:
    """Refuse a snippet that does not parse, naming the line and the problem."""
    try:
        parsed = _ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise ValidationFailed(
            f"the snippet does not parse: line {exc.lineno}: {exc.message}", field=field
        ) from None
    for node in parsed.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        raise ValidationFailed(
            f"line {node.lineno}: a snippet cannot include or import templates", field=field
        )


def render(source: str, context: Mapping[str, Any], *, field: str = "body") -> str:
    """The snippet rendered with ``context``; ValidationFailed naming what went wrong."""
    check(source, field=field)
    try:
        text = _ENV.from_string(source).render(dict(context))
    except SecurityError as exc:
        raise ValidationFailed(f"the snippet is not allowed: {exc}", field=field) from None
    except TemplateError as exc:
        raise ValidationFailed(f"the snippet cannot be filled in: {exc}", field=field) from None
    except (ArithmeticError, TypeError, ValueError, RecursionError) as exc:
        raise ValidationFailed(f"the snippet cannot be filled in: {exc}", field=field) from None
    if len(text) > MAX_OUTPUT:
        raise ValidationFailed(
            f"the snippet renders to more than {MAX_OUTPUT} characters", field=field
        )
    return text
