"""Cascade each repeated element once: elements alike in tag, attributes and ancestors match alike.

WeasyPrint matches every element against every stylesheet's selectors and adds up the
declarations that apply, about a third of laying out a merge's sign-offs, where each of a few
hundred rows repeats the same elements. Most selectors can see only an element's tag, its
attributes and those of its ancestors (``.letter-sheet p.signature``); for those, two elements
alike in all of these match the same rules. The others (``p ~ p``, ``:first-child``,
``:empty``, anything that looks at siblings, children or text) are matched for every element.

So each element gets a key: its tag and attributes (all but the merge's row number), and its
parent's key. Elements with the same key and the same matches among the other selectors get
the same cascaded declarations: worked out for the first, shared by the rest. Which names a
selector's compiled test reads tells which kind it is; a name not known to be about the
element or its ancestors makes it the careful kind. Elements with a ``style`` attribute or
presentational hints are cascaded as WeasyPrint does. The computed styles then follow
WeasyPrint's own code, which already shares them between elements with the same cascade.

WeasyPrint's ``StyleFor.__init__`` is replaced (tested versions only, see versions.py);
tests/test_linecache.py checks that every example output is byte-identical to plain
WeasyPrint's, and tests/test_cascade.py the selectors that must not be shared.
"""

from __future__ import annotations

import types
from math import inf
from typing import Any

import cssselect2
import weasyprint.css as wcss

from handbill.render.letters import ROW  # differs in every letter of a merge

WEASYPRINT_INIT = wcss.StyleFor.__init__  # WeasyPrint's own, for the tests to compare with
# What a compiled selector test may read and still depend only on the element and its
# ancestors: their names, attributes, classes, language, and string methods on those.
_ALONG_ANCESTORS = frozenset(
    [
        "el", "local_name", "lower_local_name", "namespace_url", "in_html_document", "classes",
        "id", "etree_element", "attrib", "get", "tag", "lang", "parent", "ancestors", "any",
        "all", "next", "len", "ascii_lower", "lower", "upper", "strip", "split", "startswith",
        "endswith", "urlparse", "scheme",
    ]
)  # fmt: skip
_KINDS = (
    "id_selectors",
    "class_selectors",
    "lower_local_name_selectors",
    "namespace_selectors",
)


def _names(code: types.CodeType, found: set[str]) -> set[str]:
    found.update(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _names(const, found)
        elif isinstance(const, str) and ROW in const:
            found.add(ROW)  # a selector on the row number: it differs from row to row
    return found


def _careful(entry: tuple[Any, ...]) -> bool:
    """Whether a matcher entry's test may read more than the element and its ancestors."""
    test = entry[0]
    code = getattr(test, "__code__", None)
    return code is None or not _names(code, set()) <= _ALONG_ANCESTORS


def careful_matcher(matcher: Any) -> Any:
    """A matcher of ``matcher``'s careful selectors alone (kept with it while unchanged); its
    ``order`` is 0 when there are none."""
    made = getattr(matcher, "_handbill_careful", None)
    if made is not None and made[0] == matcher.order:
        return made[1]
    careful = cssselect2.Matcher()
    careful.order = matcher.order or 1
    for kind in _KINDS:
        for name, entries in getattr(matcher, kind).items():
            kept = [e for e in entries if _careful(e)]
            if kept:
                getattr(careful, kind)[name] = kept
    careful.lang_attr_selectors = [e for e in matcher.lang_attr_selectors if _careful(e)]
    careful.other_selectors = [e for e in matcher.other_selectors if _careful(e)]
    kinds = [getattr(careful, kind) for kind in _KINDS]
    if not any(kinds) and not careful.lang_attr_selectors and not careful.other_selectors:
        careful.order = 0
    matcher._handbill_careful = (matcher.order, careful)
    return careful


class _Keys:
    """Each element's key, as a small number: its tag and attributes, and its parent's key."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[Any, ...], int] = {}
        self.of: dict[int, int] = {}  # id(element wrapper) -> its key

    def key(self, element: Any) -> int:
        etree = element.etree_element
        parent = self.of[id(element.parent)] if element.parent is not None else -1
        attributes = tuple(sorted((k, v) for k, v in etree.attrib.items() if k != ROW))
        found = self.numbers.setdefault((etree.tag, attributes, parent), len(self.numbers))
        self.of[id(element)] = found
        return found


def style_for_init(
    self: Any, html: Any, sheets: Any, presentational_hints: Any, font_config: Any,
    target_collector: Any,
) -> None:  # fmt: skip
    """WeasyPrint 70's ``StyleFor.__init__``, with the cascade of alike elements shared."""
    cascaded_styles: dict[tuple[Any, Any], dict[str, Any]] = {}
    computed_styles = _Computed(self)
    self._cascaded_styles, self._computed_styles = cascaded_styles, computed_styles
    self.initial_page_sizes = {"box": None, "area": None}
    self._sheets = sheets
    self.font_config = font_config

    layer_order: Any = inf
    elements_declarations = {}
    for specificity, element, declarations, base_url in wcss.find_style_attributes(
        html.etree_element, presentational_hints, html.base_url
    ):
        style = cascaded_styles.setdefault((element, None), {})
        elements_declarations[element] = tuple(declarations)
        for name, values, importance in wcss.preprocess_declarations(base_url, declarations):
            precedence = wcss.declaration_precedence("author", importance)
            weight = (precedence, layer_order, specificity)
            old_weight = style.get(name, (None, None))[1]
            if old_weight is None or old_weight <= weight:
                style[name] = values, weight

    # Only the sheets with careful selectors: most have none, and match nothing here.
    careful = [m for m in (careful_matcher(sheet.matcher) for sheet, _, _ in sheets) if m.order]
    keys = _Keys()
    # (key, the careful selectors matched) -> (the selectors' keys, cascaded style by pseudo)
    alike: dict[tuple[Any, ...], tuple[list[Any], dict[Any, dict[str, Any]]]] = {}
    computed_cache: dict[Any, Any] = {}
    for element in html.wrapper_element.iter_subtree():
        etree_element = element.etree_element
        parent = element.parent.etree_element if element.parent else None
        parent_id = id(computed_styles[parent, None]) if element.parent else None
        element_declarations = elements_declarations.get(etree_element)
        key = keys.key(element)
        shared = None
        if element_declarations is None:
            seen = tuple(tuple(s[1] for s in m.match(element)) for m in careful)
            shared = (key, seen)
            found = alike.get(shared)
            if found is not None:
                for pseudo_type, style in found[1].items():
                    cascaded_styles[etree_element, pseudo_type] = style
                _computed(
                    self, computed_cache, (parent_id, None, tuple(found[0])),
                    etree_element, parent, html, target_collector,
                )  # fmt: skip
                continue
        selectors_keys = []
        styles: dict[Any, dict[str, Any]] = {}
        for sheet, origin, sheet_specificity in sheets:
            for selector in sheet.matcher.match(element):
                specificity, _, pseudo_type, (declarations, layer) = selector
                layer_order = inf if layer is None else sheet.layers.index(layer)
                selectors_keys.append((sheet, specificity, id(declarations), layer_order))
                specificity = sheet_specificity or specificity
                style = cascaded_styles.setdefault((etree_element, pseudo_type), {})
                styles[pseudo_type] = style
                for name, values, importance in declarations:
                    precedence = wcss.declaration_precedence(origin, importance)
                    weight = (precedence, layer_order, specificity)
                    old_weight = style.get(name, (None, None))[1]
                    if old_weight is None or old_weight <= weight:
                        style[name] = values, weight
        if shared is not None:
            alike[shared] = (selectors_keys, styles)
        _computed(
            self, computed_cache, (parent_id, element_declarations, tuple(selectors_keys)),
            etree_element, parent, html, target_collector,
        )  # fmt: skip

    for (element, pseudo_type), cascaded in cascaded_styles.items():
        if not pseudo_type:
            continue
        if "anchor" in cascaded:  # its anchor is collected now, before the layout, as WeasyPrint's
            self.set_computed_styles(
                element, pseudo_type=pseudo_type, root=html.etree_element, parent=element,
                base_url=html.base_url, target_collector=target_collector,
            )  # fmt: skip
        else:
            computed_styles.pending[element, pseudo_type] = cascaded
    computed_styles.root, computed_styles.base_url = html.etree_element, html.base_url
    computed_styles.target_collector = target_collector
    self._cascaded_styles.clear()


class _Computed(dict[tuple[Any, Any], Any]):
    """The computed styles, a pseudo-element's worked out when it is first asked for.

    Every element has cascaded styles for six pseudo-elements (``::marker``,
    ``::footnote-call``...), from the user-agent stylesheet's rules for all elements, and
    WeasyPrint computes all six, though only list items draw a marker and only footnotes a
    call: about four in five of a merge's sign-off styles, never read. Each is computed here
    as WeasyPrint would have, from the same cascade and parent, at its first lookup. One whose
    cascade sets an ``anchor`` is computed at once, so that the anchor is known before layout.
    Each is made as WeasyPrint makes it, with the document's target collector: WeasyPrint then
    reads its ``anchor`` at once, and a style holding no value yet would read as false where
    WeasyPrint tests it (``StyleFor.__call__``: a table part's margins are zeroed only in a
    style that reads as true).
    """

    def __init__(self, style_for: Any) -> None:
        super().__init__()
        self.style_for = style_for
        self.pending: dict[tuple[Any, Any], dict[str, Any]] = {}
        self.root: Any = None
        self.base_url: Any = None
        self.target_collector: Any = None

    def _compute(self, key: tuple[Any, Any]) -> None:
        element, pseudo_type = key
        cascaded = self.style_for.get_cascaded_styles()
        cascaded[key] = self.pending.pop(key)
        try:
            self.style_for.set_computed_styles(
                element, pseudo_type=pseudo_type, root=self.root, parent=element,
                base_url=self.base_url, target_collector=self.target_collector,
            )  # fmt: skip
        finally:
            del cascaded[key]

    def get(self, key: tuple[Any, Any], default: Any = None) -> Any:
        if key in self.pending:
            self._compute(key)
        return super().get(key, default)

    def __missing__(self, key: tuple[Any, Any]) -> Any:
        if key not in self.pending:
            raise KeyError(key)
        self._compute(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        return key in self.pending or super().__contains__(key)


def _computed(
    self: Any, cache: dict[Any, Any], key: Any, etree_element: Any, parent: Any, html: Any,
    target_collector: Any,
) -> None:  # fmt: skip
    """The element's computed style: shared with an element of the same cascade (WeasyPrint's
    own rule), else worked out."""
    if key in cache:
        self._computed_styles[etree_element, None] = cache[key]
    else:
        self.set_computed_styles(
            etree_element, root=html.etree_element, parent=parent, base_url=html.base_url,
            target_collector=target_collector,
        )  # fmt: skip
        cache[key] = self._computed_styles[etree_element, None]


def install() -> None:
    """Cascade through ``style_for_init`` (idempotent)."""
    wcss.StyleFor.__init__ = style_for_init
