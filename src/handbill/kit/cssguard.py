"""Kit CSS checked before layout: no number so large (or nesting so deep) that layout breaks."""

from __future__ import annotations

import hashlib
from typing import Any

import tinycss2

# A length beyond 100,000 (px, pt, mm ...) is metres across: no page has a use for it, and
# far larger ones (font-size: 1e30px) overflow the text engine. Plain numbers (z-index,
# line-height, counters) get more room.
MAX_DIMENSION = 100_000
MAX_NUMBER = 1_000_000_000
MAX_CSS_DEPTH = 64
_CHECKED: set[str] = set()


def css_problem(text: str) -> str:
    """What in this CSS would break the layout ("" when nothing), e.g. "the length 1e30px"."""
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if key in _CHECKED:
        return ""
    nodes: list[tuple[Any, int]] = [
        (node, 1) for node in tinycss2.parse_component_value_list(text, skip_comments=True)
    ]
    while nodes:
        node, depth = nodes.pop()
        if depth > MAX_CSS_DEPTH:
            return f"brackets or functions nested more than {MAX_CSS_DEPTH} deep"
        kind = getattr(node, "type", "")
        value: Any = getattr(node, "value", None)
        if kind in ("dimension", "percentage") and abs(value) > MAX_DIMENSION:
            return f"the length {node.serialize()}, far beyond any page"
        if kind == "number" and abs(value) > MAX_NUMBER:
            return f"the number {node.serialize()}, far beyond any use"
        children = getattr(node, "content", None) or getattr(node, "arguments", None) or ()
        nodes.extend((child, depth + 1) for child in children)
    _CHECKED.add(key)
    return ""
