"""Elements alike cascaded once (engine/cascade.py): the same styles as WeasyPrint's own cascade."""

from __future__ import annotations

from typing import Any

import pytest
import weasyprint.css as wcss
from weasyprint import CSS, HTML

from handbill.engine import cascade

# Rows alike but for their number, under selectors that can and cannot tell them apart.
STYLE = """
.row p { color: rgb(0, 0, 200); }
.row + .row .sign { color: rgb(200, 0, 0); }
p.sign ~ p { font-weight: 700; }
.row:first-child p { margin-top: 7px; }
.row:nth-child(3n) .sign { margin-left: 3px; }
p:empty { padding-top: 5px; }
[data-merge-row="4"] .sign { text-indent: 9px; }
.row p::before { content: "-"; color: rgb(0, 120, 0); }
.row:last-child p::after { content: "."; }
"""
ROW = '<div class="row" data-merge-row="{n}"><p class="sign">{name}</p><p>{address}</p></div>'
PROPERTIES = ("color", "font_weight", "margin_top", "margin_left", "padding_top", "text_indent")


def _value(value: Any) -> str:
    """A computed value as text: "rgb(0, 0, 200)", "7px", "700"."""
    if hasattr(value, "coordinates"):
        return "rgb({}, {}, {})".format(*(round(c * 255) for c in value.to("srgb").coordinates))
    if hasattr(value, "unit"):
        return f"{value.value:g}{value.unit or ''}"
    return str(value)


def _styles(init: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """Each element's (and its ::before and ::after's) computed values, cascaded by ``init``."""
    rows = "".join(
        ROW.format(n=n, name=f"Name {n}", address="" if n == 5 else f"{n} High Street")
        for n in range(1, 8)
    )
    html = HTML(string=f"<html><body>{rows}</body></html>")
    monkeypatch.setattr(wcss.StyleFor, "__init__", init)
    style_for = wcss.get_all_computed_styles(html, user_stylesheets=[CSS(string=STYLE)])
    found = []
    for element in html.etree_element.iter():
        for pseudo in (None, "before", "after"):
            style = style_for(element, pseudo)
            values = None if style is None else tuple(_value(style[p]) for p in PROPERTIES)
            found.append((element.tag, element.get("data-merge-row"), pseudo, values))
    return found


def test_the_same_styles_as_weasyprints_cascade(monkeypatch: pytest.MonkeyPatch) -> None:
    ours = _styles(cascade.style_for_init, monkeypatch)
    assert ours == _styles(cascade.WEASYPRINT_INIT, monkeypatch)
    # Not alike by accident: the rows' paragraphs come in seven different styles.
    assert len({values for tag, _, pseudo, values in ours if tag == "p" and not pseudo}) == 7


def _paragraphs(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[tuple[str, ...]]]:
    """Each row's two paragraphs' computed values, by row number."""
    rows: dict[str, list[tuple[str, ...]]] = {}
    current = ""
    for tag, row, pseudo, values in _styles(cascade.style_for_init, monkeypatch):
        if tag == "div":
            current = row
        elif tag == "p" and pseudo is None and values is not None:
            rows.setdefault(current, []).append(values)
    return rows


def test_rows_differ_where_the_careful_selectors_say(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _paragraphs(monkeypatch)
    sign = {row: values[0] for row, values in rows.items()}
    address = {row: values[1] for row, values in rows.items()}
    # .row + .row: every row's name but the first is red.
    assert sign["1"][0] == "rgb(0, 0, 200)" and sign["2"][0] == sign["7"][0] == "rgb(200, 0, 0)"
    assert sign["1"][2] == "7px" and sign["2"][2] == "16px"  # :first-child (else 1em)
    assert sign["3"][3] == "3px" == sign["6"][3] and sign["4"][3] == "0px"  # :nth-child(3n)
    assert sign["4"][5] == "9px" and sign["3"][5] == "0px"  # [data-merge-row="4"]
    assert address["5"][4] == "5px" and address["4"][4] == "0px"  # :empty
    assert address["2"][1] == "700" and sign["2"][1] == "400"  # p.sign ~ p


def test_careful_selectors_are_those_that_look_beyond_ancestors() -> None:
    sheet = CSS(
        string="a p { color: red } .x > p { color: red } p:lang(cy) { color: red } "
        "p ~ p { color: red } p:first-child { color: red } p:empty { color: red } "
        "div:has(p) { color: red } [data-merge-row] { color: red } "
        "input:disabled { color: red }"
    )
    careful = cascade.careful_matcher(sheet.matcher)
    kept = sorted(
        entry[2] for entries in careful.lower_local_name_selectors.values() for entry in entries
    )
    kept += sorted(entry[2] for entry in careful.other_selectors)
    # Orders 4 to 9 (the sibling, position, text, child, row number and fieldset selectors).
    assert sorted(kept) == [4, 5, 6, 7, 8, 9]


# List items draw a ::marker, footnotes a ::footnote-call and ::footnote-marker: the styles
# computed only when asked for (engine/cascade.py's _Computed) must be WeasyPrint's.
NOTES = """
li::marker { color: rgb(200, 0, 0); }
.row li:nth-child(2)::marker { color: rgb(0, 200, 0); }
.note { float: footnote; }
::footnote-call { color: rgb(0, 0, 200); }
.note::footnote-marker { font-weight: 700; }
"""
PSEUDO = (None, "before", "after", "marker", "footnote-call", "footnote-marker")


def _pseudo_styles(init: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], bytes]:
    row = (
        '<div class="row"><ol><li>One</li><li>Two</li></ol>'
        '<p>Text<span class="note">N</span></p></div>'
    )
    html = HTML(string=f"<html><body>{row * 4}</body></html>")
    monkeypatch.setattr(wcss.StyleFor, "__init__", init)
    sheets = [CSS(string=NOTES)]
    style_for = wcss.get_all_computed_styles(html, user_stylesheets=sheets)
    found = []
    for element in html.etree_element.iter():
        for pseudo in PSEUDO:
            style = style_for(element, pseudo)
            values = None if style is None else tuple(_value(style[p]) for p in PROPERTIES)
            found.append((element.tag, pseudo, values))
    page = html.render(stylesheets=sheets).pages[0]
    return found, repr(_boxes(page._page_box)).encode()


def _boxes(box: Any) -> list[Any]:
    """Every box's kind, place, size and text: what the page draws."""
    found = [(type(box).__name__, box.position_x, box.position_y, box.width, box.height)]
    found += [getattr(box, "text", "")]
    for child in getattr(box, "children", ()):
        found += _boxes(child)
    return found


def test_pseudo_elements_computed_when_asked_for_are_weasyprints(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ours, our_boxes = _pseudo_styles(cascade.style_for_init, monkeypatch)
    theirs, their_boxes = _pseudo_styles(cascade.WEASYPRINT_INIT, monkeypatch)
    assert ours == theirs and our_boxes == their_boxes
    colours = {values[0] for tag, pseudo, values in ours if pseudo == "marker" and values}
    assert {"rgb(200, 0, 0)", "rgb(0, 200, 0)"} <= colours
    assert ("span", "footnote-call", None) not in ours  # the call is the span's, and styled
    calls = [values for tag, pseudo, values in ours if tag == "span" and pseudo == "footnote-call"]
    assert calls and calls[0] is not None and calls[0][0] == "rgb(0, 0, 200)"


def test_pseudo_elements_never_asked_for_are_never_computed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[Any] = []
    compute = wcss.StyleFor.set_computed_styles

    def counted(self: Any, element: Any, *args: Any, **kwargs: Any) -> None:
        made.append(kwargs.get("pseudo_type"))
        compute(self, element, *args, **kwargs)

    monkeypatch.setattr(wcss.StyleFor, "set_computed_styles", counted)
    html = HTML(string="<html><body><p>One</p><p>Two</p></body></html>")
    monkeypatch.setattr(wcss.StyleFor, "__init__", cascade.style_for_init)
    style_for = wcss.get_all_computed_styles(html)
    assert not any(made)  # the elements' own styles only
    body = next(e for e in html.etree_element.iter() if e.tag == "body")
    assert style_for(body, "marker") is not None and made.count("marker") == 1


@pytest.mark.parametrize(
    "css",
    [
        'p::before { content: "X"; display: table-cell; margin: 0 40px; }',
        'p::after { content: "Z"; display: table; border-collapse: collapse; padding: 20px; }',
    ],
)
def test_pseudo_elements_laid_out_as_table_parts_are_weasyprints(
    css: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boxes(init: Any) -> list[Any]:
        monkeypatch.setattr(wcss.StyleFor, "__init__", init)
        html = HTML(string="<p>Hello</p>")
        return _boxes(html.render(stylesheets=[CSS(string=css)]).pages[0]._page_box)

    assert boxes(cascade.style_for_init) == boxes(cascade.WEASYPRINT_INIT)
