"""Remember WeasyPrint's line splits, lines and widths during one layout: flex asks again and again.

Laying out a flex container measures each item's text for its minimum and maximum widths, then
lays it out, often several times over, and nested flex multiplies that: an event poster asks
Pango to break the same text at the same width about ten times, and lays out the same line at
the same place about six times. Three answers are kept and given again:

- a line split, which depends only on the text, the element's computed style, the width and two
  flags;
- a whole line box, when it holds only text and inline boxes (nothing floated, positioned or
  atomic), no float is beside it and it is not styled by ::first-line: it then depends
  only on the line's source box, where the line starts (skip stack), its position and width and
  the text indent. Each use gets its own copy, since layout moves and edits the boxes it is given;
- a box's min-content and max-content widths, which depend only on its computed style and its
  children. (Tables keep their own widths in WeasyPrint's layout context already.)

Some content changes the box tree in place during layout: a ::first-letter when it is laid out,
and target-counter(), target-text() and page counters in the flow once the pages they name are
known. No lines or widths are remembered in a document with the latter, nor after the first
::first-letter in one.

The caches live for one ``render()`` (``remembering_lines``) and are keyed on objects they keep
alive (the style, the source line box, the list of children), so nothing can leak between
documents or be confused with another element's. tests/test_linecache.py checks that PDFs are
byte-identical with them and without them.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from weasyprint.formatting_structure import boxes
from weasyprint.layout import flex, inline, preferred
from weasyprint.text import line_break

_split_first_line = line_break.split_first_line
_get_next_linebox = inline.get_next_linebox
_min_content_width = preferred.min_content_width
_max_content_width = preferred.max_content_width
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


def _remembered_linebox(
    context: Any,
    linebox: Any,
    position_y: float,
    bottom_space: float,
    skip_stack: Any,
    containing_block: Any,
    absolute_boxes: list[Any],
    fixed_boxes: list[Any],
    first_letter_style: Any,
    first_line_style: Any,
) -> tuple[Any, Any]:
    args = (
        context, linebox, position_y, bottom_space, skip_stack, containing_block,
        absolute_boxes, fixed_boxes, first_letter_style, first_line_style,
    )  # fmt: skip
    if first_letter_style is not None:
        # ::first-letter edits the box tree in place: what was learnt about it may be stale.
        _local.lines = _local.widths = None
    lines, _ = _caches(context)
    if (
        lines is None
        or first_line_style is not None
        or context.excluded_shapes
        or not _plain_source(lines, linebox)
    ):
        return _get_next_linebox(*args)  # type: ignore[no-any-return]
    key = (
        id(linebox),
        _frozen(skip_stack),
        position_y,
        containing_block.content_box_x(),
        containing_block.width,
        containing_block.style["direction"],
        linebox.text_indent,
    )
    found = lines.get(key)
    if found is not None:
        _, line, resume_at, sizes = found
        linebox.position_x, linebox.position_y, linebox.width, linebox.height = sizes
        return (None if line is None else _clone(line)), resume_at
    line, resume_at = _get_next_linebox(*args)
    sizes = (linebox.position_x, linebox.position_y, linebox.width, linebox.height)
    lines[key] = (linebox, None if line is None else _clone(line), resume_at, sizes)
    return line, resume_at


Cache = dict[tuple[Any, ...], tuple[Any, ...]]


def _caches(context: Any) -> tuple[Cache | None, Cache | None]:
    """This document's line and width caches, or None for those that cannot be trusted."""
    if getattr(_local, "unchecked", False):
        _local.unchecked = False
        targets = context.target_collector
        # target-counter(), target-text() and page counters in the flow are made again once
        # the pages they name are laid out, changing the box tree in place.
        if targets.counter_lookup_items or any(
            item.parse_again_functions for item in targets.target_lookup_items.values()
        ):
            _local.lines = _local.widths = None
    return getattr(_local, "lines", None), getattr(_local, "widths", None)


def _plain_source(lines: Cache, linebox: Any) -> bool:
    found = lines.get(("plain", id(linebox)))
    if found is None:
        found = lines[("plain", id(linebox))] = (linebox, _plain(linebox))
    return bool(found[1])


def _plain(box: Any) -> bool:
    """Only text and inline boxes, in normal flow: nothing that floats, is placed or is atomic."""
    return all(
        type(child) in (boxes.TextBox, boxes.InlineBox)
        and child.style["position"] in ("static", "relative")
        and child.style["float"] == "none"
        and _plain(child)
        for child in getattr(box, "children", ())
    )


def _frozen(skip_stack: Any) -> Any:
    if skip_stack is None or not isinstance(skip_stack, dict):
        return skip_stack
    return tuple((index, _frozen(child)) for index, child in skip_stack.items())


def _clone(box: Any) -> Any:
    """A copy of a laid-out line to hand out. WeasyPrint's own ``deepcopy`` would share each text
    box's Pango layout and each box's set of removed decoration sides, which layout and drawing
    change on the copy they are given."""
    new = box.copy()
    new.remove_decoration_sides = set(box.remove_decoration_sides)
    if isinstance(box, boxes.TextBox):
        new.pango_layout = copy.copy(box.pango_layout)
    elif isinstance(box, boxes.ParentBox):
        new.children = [_clone(child) for child in box.children]
    return new


inline.get_next_linebox = _remembered_linebox


def _remembering_widths(function: Any) -> Any:
    def width(context: Any, box: Any, outer: bool = True) -> float:
        _, widths = _caches(context)
        if widths is None or not isinstance(box, _MEASURED):
            return function(context, box, outer)  # type: ignore[no-any-return]
        key = (function, type(box), id(box.style), id(box.children), outer)
        found = widths.get(key)
        if found is None:
            found = widths[key] = (box.style, box.children, function(context, box, outer))
        return found[2]  # type: ignore[no-any-return]

    return width


_MEASURED = (boxes.BlockContainerBox, boxes.FlexContainerBox, boxes.InlineBox, boxes.LineBox)
min_content_width = _remembering_widths(_min_content_width)
max_content_width = _remembering_widths(_max_content_width)
preferred.min_content_width = flex.min_content_width = min_content_width
preferred.max_content_width = flex.max_content_width = max_content_width


@contextmanager
def remembering_lines() -> Iterator[None]:
    """Keep line splits, lines and widths for the block (one document's layout, in this thread)."""
    _local.memo, _local.lines, _local.widths, _local.unchecked = {}, {}, {}, True
    try:
        yield
    finally:
        _local.memo = _local.lines = _local.widths = None
