"""Sign-off documents built as element trees: the very tree the HTML parser makes of the rows."""

from __future__ import annotations

import html
from xml.etree.ElementTree import tostring  # nosec B405: serialises a parsed tree, parses nothing

import tinyhtml5

from handbill.engine.overlay import token
from handbill.engine.rowtree import rows_tree

PAGE = (
    '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Letters</title>'
    "<style>p { margin: 0 }</style></head><body class='merge'></body></html>"
)
ROW = (
    '<div class="merge-letter" data-merge-row="0">\n<main class="letter-body">\n'
    f'<p class="signature" data-merge-overlay=""><span class="field">{token(0)}</span></p>\n'
    f'<p data-merge-overlay="">{token(1)}, <em>{token(0)}</em> of {token(2)}</p>\n</main></div>'
)
ROWS = [
    (2, ["Siân O’Brien", "14 Harehills Lane, Leeds LS8 4HQ", "Leeds"]),
    (3, ["Szpital <em>Miejski</em> & Co", "ul. Świętokrzyska 11/3", "{{ road }}"]),
    (4, ["نادیہ اختر", "Flat 2\nback door", "T\u0302y\u0302 Gwyn"]),
]


def parsed_whole(rows: list[tuple[int, list[str]]], template: str = ROW) -> bytes:
    """The document as WeasyPrint parses it when the rows are written out as HTML."""
    bodies = ""
    for number, values in rows:
        row = template.replace('data-merge-row="0"', f'data-merge-row="{number}"')
        for index, value in enumerate(values):
            row = row.replace(token(index), html.escape(value, quote=False))
        bodies += row
    whole = PAGE.replace("</body>", bodies + "</body>")
    return tostring(tinyhtml5.parse(whole, namespace_html_elements=False))


def test_rows_make_the_tree_the_parser_makes() -> None:
    tree = rows_tree(PAGE, ROW, ROWS)
    assert tree is not None
    assert tostring(tree) == parsed_whole(ROWS)
    body = tree.find("body")
    assert body is not None
    assert [div.get("data-merge-row") for div in body] == ["2", "3", "4"]
    # Values are text, never markup: the second row's <em> is printed, not an element.
    second = body[1].find("main/p/span")
    assert second is not None and second.text == "Szpital <em>Miejski</em> & Co"


def test_values_the_parser_would_change_leave_the_document_to_be_parsed_whole() -> None:
    assert rows_tree(PAGE, ROW, [(2, ["Ann\r\nLee", "1 Road", "Leeds"])]) is None
    assert rows_tree(PAGE, ROW, [(2, ["Ann\x00", "1 Road", "Leeds"])]) is None
    with_pre = ROW.replace("<main", "<pre").replace("</main>", "</pre>")
    assert rows_tree(PAGE, with_pre, ROWS) is None
    # Not one element, or a body with something in it already.
    assert rows_tree(PAGE, ROW + ROW, ROWS) is None
    assert rows_tree(PAGE.replace("</body>", "<p>x</p></body>"), ROW, ROWS) is None


def test_the_row_is_parsed_in_the_pages_mode() -> None:
    """A <table> inside a <p> ends the <p> in standards mode (the page's doctype), not in quirks
    mode: the row is read as the page is, and a page without the doctype is parsed whole."""
    with_table = ROW.replace(
        "</main>", "<p>Ref <table><tr><td>" + token(2) + "</td></tr></table></p>\n</main>"
    )
    tree = rows_tree(PAGE, with_table, ROWS)
    assert tree is not None
    assert tostring(tree) == parsed_whole(ROWS, with_table)
    assert rows_tree(PAGE.replace("<!doctype html>", ""), with_table, ROWS) is None


def test_values_in_raw_text_leave_the_document_to_be_parsed_whole() -> None:
    """A <style>'s text is taken as it is, entities and all: a value there is not text."""
    in_style = ROW.replace(
        "</main>", "<style>.a::after { content: '" + token(2) + "' }</style></main>"
    )
    assert rows_tree(PAGE, in_style, ROWS) is None
