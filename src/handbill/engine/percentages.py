"""Resolve a box's lengths once per set of values: boxes styled alike share WeasyPrint's result.

WeasyPrint turns each box's computed margins, paddings, widths, heights and borders into used
values (``resolve_percentages``) whenever it lays the box out, often twice a box: 17 times a
row of a merge's sign-offs, a tenth of their layout. The result depends only on those values,
the containing block's width and height, and whether the box is a page; boxes styled alike
(every row's paragraphs) get the same answer. So it is worked out by WeasyPrint's own function
once per distinct set of inputs, kept, and copied onto the next box alike.

Values that WeasyPrint's result depends on beyond those inputs are left to its function every
time: a ``calc()`` (it may read the font size) and collapsed table borders (set on the box
beforehand).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from weasyprint.css.properties import Dimension
from weasyprint.formatting_structure.boxes import Box, PageBox
from weasyprint.layout import absolute, block, column, flex, grid, inline, page, percent, table
from weasyprint.layout import float as floats

_resolve = percent.resolve_percentages
# What the function reads from the style, and the box attributes it sets.
_LENGTHS = (
    "margin_top", "margin_right", "margin_bottom", "margin_left",
    "padding_top", "padding_right", "padding_bottom", "padding_left",
    "width", "min_width", "max_width", "height", "min_height", "max_height",
)  # fmt: skip
_BORDERS = ("border_top_width", "border_right_width", "border_bottom_width", "border_left_width")
_READ = (*_LENGTHS, *_BORDERS, "box_sizing", "border_collapse")
_SET = (*_LENGTHS, *_BORDERS)
_values = itemgetter(*_READ)
_KEPT = 4096  # results kept before the store starts again: memory stays bounded
_store: dict[Any, dict[str, Any]] = {}


def resolve_percentages(box: Any, containing_block: Any) -> None:
    """WeasyPrint's ``resolve_percentages``, its result shared by boxes with the same inputs."""
    if isinstance(containing_block, Box):
        width, height = containing_block.width, containing_block.height
    else:
        width, height = containing_block
    try:
        values = _values(box.style)
        key = (isinstance(box, PageBox), width, height, values)
        known = _store.get(key)
    except TypeError:  # a value that cannot be a key
        _resolve(box, containing_block)
        return
    if known is not None:
        box.__dict__.update(known)
        return
    _resolve(box, containing_block)
    if values[-1] == "collapse" or not all(_plain(v) for v in values[: len(_LENGTHS)]):
        return
    if len(_store) >= _KEPT:
        _store.clear()
    _store[key] = {name: getattr(box, name) for name in _SET}


def _plain(value: Any) -> bool:
    """Whether a length is a plain length, percentage or ``auto``, never a ``calc()``."""
    return value == "auto" or value is None or type(value) is Dimension


_MODULES = (absolute, block, column, flex, floats, grid, inline, page, percent, table)


def install() -> None:
    """Lay out through ``resolve_percentages`` (idempotent)."""
    _set(resolve_percentages)


@contextmanager
def weasyprints_percentages() -> Iterator[None]:
    """WeasyPrint's own function for the block, installed or not (for the tests to compare)."""
    installed = percent.resolve_percentages
    _set(_resolve)
    try:
        yield
    finally:
        _set(installed)


def _set(function: Any) -> None:
    for module in _MODULES:
        if hasattr(module, "resolve_percentages"):
            module.resolve_percentages = function
