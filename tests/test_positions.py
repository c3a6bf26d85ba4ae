"""Letters styled by their place among others (engine/positions.py), found from their styles."""

from __future__ import annotations

import pytest

from conftest import REPO
from handbill.engine.positions import styled_by_place
from handbill.kit.loader import load_kit

KIT = load_kit(REPO)
LETTER = (
    '<div class="merge-letter" data-merge-row="{n}"><p class="a">Dear Ann,</p><p>Yours,</p></div>'
)


def _documents(css: str) -> tuple[str, str]:
    """A document of the letter alone, and one of three copies, with ``css``."""
    head = f"<html><head><style>{css}</style></head><body>"
    many = "".join(LETTER.format(n=n) for n in (1, 2, 3))
    return head + LETTER.format(n=1) + "</body></html>", head + many + "</body></html>"


@pytest.mark.parametrize(
    ("css", "by_place"),
    [
        ("", False),
        ("p + p { color: red } p:first-child { margin: 0 }", False),  # inside the letter
        (".merge-letter:nth-child(2n) p { color: red }", True),
        ("div + div .a { border-top: 1px solid }", True),
        (".merge-letter:last-child p::after { content: '.' }", True),
        ("body > :only-child { padding: 2px }", True),
        ('[data-merge-row="2"] p { color: red }', True),  # a letter's own row number
        (".merge-letter + .merge-letter { break-before: page }", False),  # the merge's own
    ],
)
def test_styles_that_depend_on_a_letters_place(css: str, by_place: bool) -> None:
    assert (styled_by_place(KIT, *_documents(css)) is not None) is by_place


def test_what_differs_is_named_as_the_template_has_it() -> None:
    css = ".merge-letter:nth-child(2n) p.a { color: red }"
    assert styled_by_place(KIT, *_documents(css)) == 'the color of <p class="a">'
    css = ".merge-letter:last-child p::after { content: '.' }"
    assert styled_by_place(KIT, *_documents(css)) == 'the content of <p class="a">::after'
