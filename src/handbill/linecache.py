"""Remember WeasyPrint's line splits while one document is laid out: flex asks the same many times.

Laying out a flex container measures each item's text for its minimum and maximum widths, then
lays it out, often several times over, and nested flex multiplies that: an event poster asks
Pango to break the same text at the same width about ten times. Each answer depends only on the
text, the element's computed style, the width and two flags, so it is kept and given again.

The cache lives for one ``render()`` (``remembering_lines``) and is keyed on the style object
itself, kept alive by the cache, so nothing can leak between documents or be confused with
another element's style. tests/test_linecache.py checks that PDFs are byte-identical with it
and without it.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from weasyprint.layout import inline, preferred
from weasyprint.text import line_break

_split_first_line = line_break.split_first_line
_local = threading.local()


def _remembered_split(
    text: str,
    style: Any,
    context: Any,
    max_width: float | None,
    justification_spacing: float,
    is_line_start: bool = True,
    minimum: bool = False,
) -> tuple[Any, ...]:
    memo: dict[tuple[Any, ...], tuple[Any, tuple[Any, ...]]] | None = getattr(_local, "memo", None)
    if memo is None:
        return _split_first_line(  # type: ignore[no-any-return]
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
    key = (text, id(style), max_width, justification_spacing, is_line_start, minimum)
    found = memo.get(key)
    if found is None:
        result = _split_first_line(
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
        memo[key] = (style, result)  # holding the style keeps its id from being reused
        return result  # type: ignore[no-any-return]
    layout, *rest = found[1]
    # Each text box gets its own (inactive) layout object, as it would without the cache.
    return (copy.copy(layout), *rest)


# Both layout modules import the function by name (preferred.py also through inline.py inside
# one function), so it is replaced in both. Outside ``remembering_lines`` it is a plain call.
inline.split_first_line = preferred.split_first_line = _remembered_split


@contextmanager
def remembering_lines() -> Iterator[None]:
    """Keep line splits for the duration of the block (one document's layout, in this thread)."""
    _local.memo = {}
    try:
        yield
    finally:
        _local.memo = None
