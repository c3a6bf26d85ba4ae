"""Whether a kit's CSS styles a merge's letters by their place among the letters of a document.

A merge lays out many letters to a document, each in its own ``<div class="merge-letter">``,
so rules such as ``.merge-letter:nth-child(2n) p`` or ``div + div .recipient`` would style a
letter by where it falls in that document: an accident of how the rows are split into
documents, and of whether its group shares a layout. A letter should look as it does laid out
alone. So the first row's letter is styled (cascaded, not laid out) alone in a document and as
the first, second and third of three copies: where any element or pseudo-element of a copy is
styled otherwise than alone, the merge lays out each letter in a document of its own.
It reads WeasyPrint's cascade, which WeasyPrint does not promise to keep: where that fails (an
untested version), the answer is no, and the letters are laid out as before.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element  # nosec B405: walks a tree WeasyPrint parsed

from weasyprint import HTML
from weasyprint.css import get_all_computed_styles
from weasyprint.urls import FatalURLFetchingError

from handbill.engine.fetcher import KitURLFetcher
from handbill.engine.layout import weasyprint_warnings
from handbill.kit.boundary import stock_dir
from handbill.kit.loader import Kit

LETTER = "merge-letter"
_PSEUDO = (None, "before", "after", "marker", "first-line", "first-letter")
# Each element (by its place in the letter) and pseudo-element: its name, and its declarations.
Styles = dict[tuple[int, str | None], tuple[str, tuple[Any, ...]]]


def styled_by_place(kit: Kit, alone: str, many: str) -> str | None:
    """Where the letters of ``many`` (copies of the letter ``alone`` holds) are first styled
    otherwise than the letter in ``alone`` ("the color of a <p class="signature">"), or None.

    Styles are compared by what the cascade gave each element and pseudo-element (its
    declarations and their weights), from the root down: the same declarations under the same
    parents make the same computed values, and comparing them costs a few entries each, not
    every property's computed value."""

    def letters(document: str) -> tuple[Styles, list[Styles]]:
        html = HTML(
            string=document,
            base_url=kit.root.as_uri() + "/",
            url_fetcher=KitURLFetcher((kit.root, stock_dir())),
        )
        # The page rules and layers given so that the parsed stylesheets can be kept for the
        # letters' own layout (stylecache.py).
        fonts = _fonts(html)
        style_for = get_all_computed_styles(html, font_config=fonts, page_rules=[], layers=[])
        wrappers = _wrappers(html.etree_element)
        above: Styles = {
            (index, None): (_named(e, None), _declared(style_for(e), False))
            for index, e in enumerate(_ancestors(html.etree_element, wrappers))
        }
        found = [
            {
                (index, pseudo): (_named(element, pseudo), _declared(style, element is wrapper))
                for index, element in enumerate(wrapper.iter())
                for pseudo in _PSEUDO
                if (style := style_for(element, pseudo)) is not None
            }
            for wrapper in wrappers
        ]
        return above, found

    try:
        with weasyprint_warnings():  # the letters' own layout reports them
            above, (reference, *_) = letters(alone)
            others_above, copies = letters(many)
    except (Exception, FatalURLFetchingError):  # the fetcher's refusals are BaseExceptions
        # A stylesheet that cannot be read or used: the letters' own layout fails on it too,
        # with its message; nothing is decided here.
        return None
    for theirs in [others_above, *copies]:
        found = _first_difference(above if theirs is others_above else reference, theirs)
        if found is not None:
            return found
    return None


def _first_difference(ours: Styles, theirs: Styles) -> str | None:
    """The first element or pseudo-element, in document order, styled otherwise in ``theirs``
    (or there in one of them only), with the first property that differs."""
    for key in sorted(ours.keys() | theirs.keys(), key=lambda k: (k[0], _PSEUDO.index(k[1]))):
        if ours.get(key) != theirs.get(key):
            name, declared = ours.get(key) or theirs[key]
            other = theirs.get(key, (name, ()))[1] if key in ours else ()
            changed = sorted({d[0] for d in set(declared) ^ set(other)})
            what = f"the {changed[0].replace('_', '-')} of " if changed else ""
            return f"{what}{name}"
    return None


def _named(element: Element, pseudo: str | None) -> str:
    """An element as a volunteer would find it in the template: <p class="signature">."""
    classes = element.get("class")
    tag = f'<{element.tag} class="{classes}">' if classes else f"<{element.tag}>"
    return f"{tag}::{pseudo}" if pseudo else tag


def _declared(style: Any, wrapper: bool) -> tuple[tuple[str, Any, str], ...]:
    """What the cascade gave a style: its declarations and their weights. A letter's wrapper's
    id (its row) and break (each letter on a new sheet) are the merge's own, left out."""
    cascaded = getattr(style, "cascaded", None) or {}
    return tuple(
        sorted(
            (name, _stable(value), repr(weight))
            for name, (value, weight) in cascaded.items()
            if not (wrapper and name in ("anchor", "break_before"))
        )
    )


def _stable(value: Any) -> Any:
    """A value as something to compare across documents: its repr, or for an object that has
    none of its own (a declaration waiting for its var()), its class and attributes."""
    if isinstance(value, (tuple, list)):
        return tuple(_stable(v) for v in value)
    if getattr(type(value), "__repr__", None) is object.__repr__ and hasattr(value, "__dict__"):
        items = sorted((k, _stable(v)) for k, v in vars(value).items())
        return (type(value).__name__, tuple(items))
    return repr(value)


def _ancestors(root: Element, wrappers: list[Element]) -> list[Element]:
    """The elements the first letter sits in, from the root down."""
    if not wrappers:
        return []
    parents = {child: parent for parent in root.iter() for child in parent}
    chain, element = [], wrappers[0]
    while element in parents:
        element = parents[element]
        chain.append(element)
    return chain[::-1]


def _wrappers(root: Element) -> list[Element]:
    """The letters' wrappers, in document order."""
    return [e for e in root.iter() if LETTER in (e.get("class") or "").split()]


def _fonts(html: Any) -> Any:
    """The worker's shared font configuration for ``html`` (engine/fontsets.py), if any."""
    from handbill.engine.fontsets import shared_fonts

    fonts = shared_fonts()
    return fonts.config_for(html) if fonts is not None else None
