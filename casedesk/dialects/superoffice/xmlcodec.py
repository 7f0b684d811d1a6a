"""TicketEntity as XML: elements named after the properties, lists as repeated item
elements, maps as one element per key, null as ``xsi:nil="true"``.

Written with the standard library's ElementTree; read with defusedxml, which refuses
entity expansion and external references in untrusted input.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from casedesk.dialects.superoffice.wire import XML_LISTS, XML_MAPS
from casedesk.domain.errors import MalformedBody, ValidationFailed
from casedesk.intake import MAX_DEPTH

XSI = "http://www.w3.org/2001/XMLSchema-instance"
NIL = f"{{{XSI}}}nil"


def dumps(root_name: str, value: dict[str, Any]) -> bytes:
    root = Element(root_name, {"xmlns:xsi": XSI})
    _fill(root, value)
    out: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return out


def _fill(parent: Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _put(parent, str(key), item)
    else:
        parent.text = _text(value)


def _put(parent: Element, name: str, value: Any) -> None:
    child = SubElement(parent, name)
    if value is None:
        child.set("xsi:nil", "true")
    elif isinstance(value, list):
        item_name = XML_LISTS.get(name, "Item")
        for item in value:
            _put(child, item_name, item)
    else:
        _fill(child, value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def loads(data: bytes) -> dict[str, Any]:
    try:
        root = fromstring(data)
    except ParseError as exc:
        raise ValidationFailed(f"the request body is not well-formed XML: {exc}") from None
    except DefusedXmlException:
        raise ValidationFailed("the XML uses entities or a DTD, which are refused") from None
    if _depth(root) > MAX_DEPTH:
        raise MalformedBody(f"the XML nests elements deeper than {MAX_DEPTH}")
    value = _read(root, _local(root.tag))
    return value if isinstance(value, dict) else {}


def _depth(root: Element) -> int:
    """How deep ``root``'s elements nest, found without recursion."""
    deepest, level = 0, [(root, 1)]
    while level:
        el, depth = level.pop()
        deepest = max(deepest, depth)
        level.extend((child, depth + 1) for child in el)
    return deepest


def _read(el: Element, name: str, *, map_entry: bool = False) -> Any:
    """``map_entry``: the element is a key of a map, whose name says nothing of its shape."""
    if el.get(NIL) == "true":
        return None
    children = list(el)
    if name in XML_LISTS and not map_entry:
        return [_read(c, _local(c.tag)) for c in children]
    if not children:
        return {} if name in XML_MAPS and not map_entry else (el.text or "")
    is_map = name in XML_MAPS and not map_entry
    return {_local(c.tag): _read(c, _local(c.tag), map_entry=is_map) for c in children}


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]
