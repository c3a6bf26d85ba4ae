"""A document of many rows' sign-offs built as one element tree, the row's HTML parsed only once.

A shared-layout merge lays out each row's sign-off (engine/overlay.py), a few hundred rows to a
document. WeasyPrint parses a document's HTML with tinyhtml5, in pure Python: about half a
millisecond a row, a fifth of what laying out a sign-off costs. Every row's HTML is the same
but for its cells, so the row is parsed once, with its markers, and each row is a copy of that
tree with its values put in as text: the tree the parser would have made from the row's HTML
with its values escaped, as tests/test_rowtree.py checks.
"""

from __future__ import annotations

import copy
import re

# ElementTree only holds the parsed elements here; it parses nothing itself.
from xml.etree.ElementTree import Element  # nosec B405

import tinyhtml5

from handbill.engine.overlay import fill_text, in_raw_text
from handbill.render.letters import ROW

# Where the parser would not keep a cell's text as it is: line ends and NUL are rewritten, and
# a newline right after <pre>, <textarea> or <listing> is dropped.
_CHANGED = re.compile("[\r\x00]")
_FIRST_NEWLINE = re.compile(r"<(pre|textarea|listing)\b", re.I)


def rows_tree(page: str, row: str, rows: list[tuple[int, list[str]]]) -> Element | None:
    """The element tree of ``page`` (a whole document, its <body> empty) with one copy of
    ``row`` (an element's HTML with cell markers) appended to its body for each of ``rows``
    (row number, cell values in the table's order): its ``data-merge-row`` attribute set to
    the number and each marker replaced by the row's value.

    None where a value holds a character the parser would have changed: the caller then
    parses the document's HTML whole.
    """
    if _FIRST_NEWLINE.search(row) or any(_CHANGED.search(v) for _, vs in rows for v in vs):
        return None
    if not _standards(page):
        return None  # the row is read in standards mode (below): a page in another, whole
    root = _parse(page)
    body = next(child for child in root if child.tag == "body")
    # In standards mode, as the page is (a <table> closes a <p> there, not in quirks mode).
    row_root = _parse(f"<!DOCTYPE html><body>{row}</body>")
    found = list(next(child for child in row_root if child.tag == "body"))
    if len(found) != 1 or len(body):
        return None  # not one element, or a body already holding something: parse it whole
    template = found[0]
    if in_raw_text(template):
        return None  # a value in raw text (CSS, a script) would not be the escaped text parsed
    template.tail = None
    # The text and tails that hold markers, as paths from the row's element.
    holders = [
        (path, attribute)
        for path, element in _paths(template)
        for attribute in ("text", "tail")
        if "\ue000" in (getattr(element, attribute) or "")
    ]
    for number, values in rows:
        made = copy.deepcopy(template)
        made.set(ROW, str(number))
        for path, attribute in holders:
            element = made
            for index in path:
                element = element[index]
            text = getattr(element, attribute)
            setattr(element, attribute, fill_text(text, values))
        body.append(made)
    return root


def _standards(page: str) -> bool:
    """Whether ``page`` starts with the doctype that puts the parser in standards mode."""
    return page.lstrip()[:15].lower() == "<!doctype html>"


def _parse(html: str) -> Element:
    # As WeasyPrint parses a document (weasyprint.HTML).
    root: Element = tinyhtml5.parse(html, namespace_html_elements=False)
    return root


def _paths(element: Element, path: tuple[int, ...] = ()) -> list[tuple[tuple[int, ...], Element]]:
    """Every element under ``element`` (itself first) with its path of child indices."""
    found = [(path, element)]
    for index, child in enumerate(element):
        found += _paths(child, (*path, index))
    return found
