"""Whether a kit's CSS styles a merge's letters by their place among the letters of a document.

A merge lays out many letters to a document, each in its own ``<div class="merge-letter">``,
so rules such as ``.merge-letter:nth-child(2n) p`` or ``div + div .recipient`` would style a
letter by where it falls in that document: an accident of how the rows are split into
documents, and of whether its group shares a layout. A letter should look as it does laid out
alone. So the first row's letter is styled (cascaded, not laid out) alone in a document and as
the first, second and third of three copies: where any element or pseudo-element of a copy is
styled otherwise than alone, the merge lays out each letter in a document of its own.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element  # nosec B405: walks a tree WeasyPrint parsed

from weasyprint import HTML
from weasyprint.css import get_all_computed_styles

from handbill.engine.bases import PROPERTIES
from handbill.engine.fetcher import KitURLFetcher
from handbill.engine.layout import weasyprint_warnings
from handbill.kit.boundary import stock_dir
from handbill.kit.loader import Kit

LETTER = "merge-letter"
# The wrapper's own: its id (the row's number) and its break (each letter on a new sheet).
_WRAPPER_PROPERTIES = [name for name in PROPERTIES if name not in ("anchor", "break_before")]
_PSEUDO = (None, "before", "after", "marker", "first-line", "first-letter")


def styled_by_place(kit: Kit, alone: str, many: str) -> bool:
    """Whether the letters of ``many`` (copies of the letter ``alone`` holds) are styled
    otherwise than the letter in ``alone``, anywhere in them."""

    def letters(document: str) -> list[list[tuple[Any, ...]]]:
        html = HTML(
            string=document,
            base_url=kit.root.as_uri() + "/",
            url_fetcher=KitURLFetcher((kit.root, stock_dir())),
        )
        style_for = get_all_computed_styles(html, font_config=_fonts())
        # By style object: alike elements share one. (Per document: style_for keeps its
        # objects, and so their ids, alive only while the document is looked at.)
        signatures: dict[tuple[int, bool], tuple[str, ...]] = {}

        def signature(style: Any, wrapper: bool) -> tuple[str, ...]:
            key = (id(style), wrapper)
            if key not in signatures:
                names = _WRAPPER_PROPERTIES if wrapper else PROPERTIES
                signatures[key] = tuple(repr(style[name]) for name in names)
            return signatures[key]

        found = []
        for wrapper in _wrappers(html.etree_element):
            found.append(
                [
                    (element.tag, pseudo, signature(style, element is wrapper))
                    for element in wrapper.iter()
                    for pseudo in _PSEUDO
                    if (style := style_for(element, pseudo)) is not None
                ]
            )
        return found

    try:
        with weasyprint_warnings():  # the letters' own layout reports them
            reference = letters(alone)
            return any(copy != reference[0] for copy in letters(many))
    except Exception:
        # A stylesheet that cannot be read or used: the letters' own layout fails on it too,
        # with its message; nothing is decided here.
        return False


def _wrappers(root: Element) -> list[Element]:
    """The letters' wrappers, in document order."""
    return [e for e in root.iter() if LETTER in (e.get("class") or "").split()]


def _fonts() -> Any:
    """The worker's shared font configuration (engine/layout.py), if it has one."""
    from handbill.engine import layout

    return getattr(layout._shared, "fonts", None)
