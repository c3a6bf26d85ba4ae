"""Where each letter of a document of letters starts, read from the laid-out boxes."""

from __future__ import annotations

import pytest
from weasyprint import HTML

from handbill.engine.inspect import letter_starts
from handbill.errors import LayoutError

LETTER = '<div class="merge-letter" data-merge-row="{n}" style="{style}">{body}</div>'


def _document(*letters: str, root: str = "") -> object:
    page = "<style>@page { size: A6 } .merge-letter + .merge-letter { break-before: page }</style>"
    return HTML(string=f"<html {root}>{page}<body>{''.join(letters)}</body></html>").render()


def test_each_letter_starts_on_its_first_page() -> None:
    """A letter of three pages, then one of one page: pages 0 and 3."""
    long = "<p style='break-after: page'>a</p>" * 2 + "<p>b</p>"
    document = _document(
        LETTER.format(n=2, style="", body=long), LETTER.format(n=5, style="", body="c")
    )
    assert letter_starts(document, [2, 5], "note") == {2: 0, 5: 3}


def test_kit_content_holding_the_attribute_is_no_letter() -> None:
    """The attribute on the root, on an element inside a letter, and on a fixed box (repeated on
    every page) decides nothing; nor does a value that is not a row number."""
    inner = (
        '<p data-merge-row="9">x</p>'
        '<div class="merge-letter" data-merge-row="7" style="position: fixed; top: 0">fixed</div>'
    )
    document = _document(
        '<div class="merge-letters" data-merge-row="8">another class</div>',
        LETTER.format(n=2, style="", body=inner),
        LETTER.format(n=3, style="", body="b"),
        root='data-merge-row="x" class="merge-letter"',
    )
    assert letter_starts(document, [2, 3], "note") == {2: 0, 3: 1}


def test_letters_on_one_page_are_one_clear_error() -> None:
    document = _document(
        LETTER.format(n=2, style="position: absolute", body="a"),
        LETTER.format(n=3, style="position: absolute", body="b"),
    )
    with pytest.raises(
        LayoutError, match="note: the letters of rows 2 and 3 start on the same page"
    ):
        letter_starts(document, [2, 3], "note")


def test_a_hidden_letter_is_one_clear_error() -> None:
    document = _document(
        LETTER.format(n=2, style="", body="a"), LETTER.format(n=3, style="display: none", body="b")
    )
    with pytest.raises(LayoutError, match="note: the letter of row 3 was not laid out"):
        letter_starts(document, [2, 3], "note")
