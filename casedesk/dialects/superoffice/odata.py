"""The OData subset SuperOffice clients send to an archive query: ``$filter`` with
``eq ne gt lt ge le and or``, ``startswith`` and ``contains``, date and date-time
literals; ``$orderBy``, ``$select``, ``$top`` and ``$skip``.

The filter text is parsed by the ``odata-query`` library into its syntax tree; this
module only walks that tree over rows the services already returned for the caller,
so nothing here reaches the database. Anything outside the subset is refused with a
``ValidationFailed`` that names it (a 400 in SuperOffice's error shape).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from odata_query import ast
from odata_query.exceptions import ODataException
from odata_query.grammar import ODataLexer, ODataParser

from casedesk.domain.errors import ValidationFailed

Row = Mapping[str, Any]
Predicate = Callable[[Row], bool]

_MAX_FILTER = 2000
_COMPARE: dict[type[ast._Comparator], Callable[[Any, Any], bool]] = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
}
_FUNCTIONS: dict[str, Callable[[str, str], bool]] = {
    "startswith": lambda a, b: a.startswith(b),
    "contains": lambda a, b: b in a,
}


@dataclass(frozen=True)
class Column:
    """One archive column: its canonical name and the kind of value it holds."""

    name: str
    kind: type  # int, str or datetime


def _bad(detail: str, field: str = "$filter") -> ValidationFailed:
    return ValidationFailed(detail, field=field)


def resolve(columns: Mapping[str, Column], name: str, field: str) -> Column:
    """The column called ``name`` (case-insensitive, as SuperOffice matches them)."""
    column = columns.get(name.lower())
    if column is None:
        known = ", ".join(sorted(c.name for c in columns.values()))
        raise _bad(f"unknown column {name!r}; known columns: {known}", field)
    return column


def parse_filter(text: str, columns: Mapping[str, Column], tz: tzinfo) -> Predicate:
    """A predicate over rows keyed by canonical column name."""
    if len(text) > _MAX_FILTER:
        raise _bad(f"$filter is longer than {_MAX_FILTER} characters")
    try:
        tree = ODataParser().parse(ODataLexer().tokenize(text))
    except ODataException as exc:
        raise _bad(f"$filter does not parse: {exc}") from None
    if tree is None:
        raise _bad("$filter is empty")
    return _Compiler(columns, tz).boolean(tree)


class _Compiler:
    def __init__(self, columns: Mapping[str, Column], tz: tzinfo) -> None:
        self.columns = columns
        self.tz = tz

    def boolean(self, node: ast._Node) -> Predicate:
        if isinstance(node, ast.BoolOp):
            left, right = self.boolean(node.left), self.boolean(node.right)
            if isinstance(node.op, ast.And):
                return lambda row: left(row) and right(row)
            return lambda row: left(row) or right(row)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise _bad(f"{_describe(node)} is not supported in $filter")

    def compare(self, node: ast.Compare) -> Predicate:
        op = _COMPARE.get(type(node.comparator))
        if op is None:
            raise _bad(f"the operator {_describe(node.comparator)} is not supported")
        left, right = node.left, node.right
        if not isinstance(left, ast.Identifier) and isinstance(right, ast.Identifier):
            left, right = right, left
            op = _mirror(node.comparator)
        if not isinstance(left, ast.Identifier):
            raise _bad("a comparison needs a column on one side")
        column = resolve(self.columns, left.name, "$filter")
        value = self.literal(right, column)
        name = column.name
        ordered = not isinstance(node.comparator, ast.Eq | ast.NotEq)

        def check(row: Row) -> bool:
            have = _fold(row.get(name))
            if have is None or value is None:
                return not ordered and op(have, value)
            return op(_as_kind(have, value), value)

        return check

    def call(self, node: ast.Call) -> Predicate:
        name = node.func.name.lower()
        fn = _FUNCTIONS.get(name)
        if fn is None:
            raise _bad(f"the function {node.func.name!r} is not supported")
        if len(node.args) != 2 or not isinstance(node.args[0], ast.Identifier):
            raise _bad(f"{name} takes a column and a string")
        column = resolve(self.columns, node.args[0].name, "$filter")
        if column.kind is not str or not isinstance(node.args[1], ast.String):
            raise _bad(f"{name} compares a text column with a string")
        needle = node.args[1].val.casefold()
        key = column.name
        return lambda row: isinstance(row.get(key), str) and fn(row[key].casefold(), needle)

    def literal(self, node: ast._Node, column: Column) -> Any:
        if isinstance(node, ast.Null):
            return None
        if column.kind is datetime:
            return self.moment(node, column)
        if column.kind is int and isinstance(node, ast.Integer):
            return int(node.val)
        if column.kind is str and isinstance(node, ast.String):
            return node.val.casefold()
        raise _bad(f"{column.name} cannot be compared with {_describe(node)}")

    def moment(self, node: ast._Node, column: Column) -> datetime | date:
        """A date, a date-time, or a quoted ISO 8601 string (read in the caller's zone
        when it has no offset)."""
        raw = node.val if isinstance(node, ast.Date | ast.DateTime | ast.String) else None
        if raw is None:
            raise _bad(f"{column.name} is compared with a date or a date-time")
        try:
            if isinstance(node, ast.Date) or (len(raw) == 10 and isinstance(node, ast.String)):
                return date.fromisoformat(raw)
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise _bad(f"{raw!r} is not a date or a date-time") from None
        return value if value.tzinfo else value.replace(tzinfo=self.tz)


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _as_kind(have: Any, want: Any) -> Any:
    """A date-time column compared with a bare date compares its calendar day."""
    if isinstance(have, datetime) and type(want) is date:
        return have.date()
    return have


def _mirror(comparator: ast._Comparator) -> Callable[[Any, Any], bool]:
    flipped = {ast.Gt: ast.Lt, ast.Lt: ast.Gt, ast.GtE: ast.LtE, ast.LtE: ast.GtE}
    return _COMPARE[flipped.get(type(comparator), type(comparator))]


def _describe(node: object) -> str:
    return type(node).__name__


def parse_order(text: str, columns: Mapping[str, Column]) -> list[tuple[str, bool]]:
    """``$orderBy=Title desc,TicketId`` → [(column, descending)]."""
    order: list[tuple[str, bool]] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        words = part.split()
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise _bad(f"cannot order by {part!r}", "$orderBy")
        column = resolve(columns, words[0], "$orderBy")
        order.append((column.name, len(words) == 2 and words[1].lower() == "desc"))
    return order


def parse_select(text: str, columns: Mapping[str, Column]) -> list[tuple[str, str]]:
    """``$select=ticketId,title`` → [(name as the client wrote it, column)]; all
    columns when empty."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        return [(c.name, c.name) for c in columns.values()]
    return [(n, resolve(columns, n, "$select").name) for n in names]


def parse_count(raw: str | None, field: str, default: int, highest: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _bad(f"{field} is a whole number", field) from None
    if not 0 <= value <= highest:
        raise _bad(f"{field} is between 0 and {highest}", field)
    return value


def sort_rows(rows: list[dict[str, Any]], order: list[tuple[str, bool]]) -> None:
    """Stable sorts from the last key to the first; nulls sort first as in SQL Server."""
    for name, descending in reversed(order):
        rows.sort(
            key=lambda r: (r[name] is not None, 0 if r[name] is None else _fold(r[name])),
            reverse=descending,
        )
