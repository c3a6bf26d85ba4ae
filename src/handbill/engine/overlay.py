"""Shared layouts for a mail merge: the letter laid out once, each row's own lines laid over it.

In a letter-writing drive most of each letter is the same for every supporter of one MP: only
the sign-off (name, address) is the row's own. Laying out every letter in full costs about
100 ms a letter. Instead, the letter's HTML is made once with a marker in place of every cell
of the row; the cells whose markers appear only in the letter's last blocks (``per-letter``
cells) are set per letter, the rest decide the letter's shared part.

- Rows with the same other cells share one **base**: their letter laid out in full once, and
  drawn without the last blocks.
- Each row's last blocks are laid out on their own (in the letter's page and ancestors, with
  everything else left out, so they keep the width and styles they have in the letter) and
  drawn over the base's last page, moved down to where the base has them.

The plan is refused (and every letter laid out in full, as before) when the template uses a
cell anywhere else (title, attributes, other blocks), changes it (``|upper``) or depends on its
length or the row number. A base is used only when its first row's last blocks, laid out on
their own, give the same lines, fonts and colours at the same places as in the full letter; a
row whose last blocks would not fit on the base's page is laid out in full (merge/shared.py).
"""

from __future__ import annotations

import html
import re

# ElementTree only builds elements here; it parses nothing.
from dataclasses import dataclass
from xml.etree.ElementTree import Element  # nosec B405

import tinyhtml5

from handbill.kit.data import printed_cells

MARK = "data-merge-overlay"
_TOKEN = re.compile("\ue000([a-j]+)\ue001")
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)
# Elements whose text the HTML parser takes as it is, entities and all: a cell's value put
# there as text would not be what the template's escaped value parses to.
RAW_TEXT = frozenset(
    ["iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "xmp"]
)
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)
_RAW = frozenset(("script", "style"))
_MARGIN_BOXES = [
    "top-left-corner",
    "top-left",
    "top-center",
    "top-right",
    "top-right-corner",
    "left-top",
    "left-middle",
    "left-bottom",
    "right-top",
    "right-middle",
    "right-bottom",
    "bottom-left-corner",
    "bottom-left",
    "bottom-center",
    "bottom-right",
    "bottom-right-corner",
]
# The overlay pages draw only the last blocks: no page furniture, no backgrounds, nothing else.
OVERLAY_STYLE = (
    "<style>.merge-letter { break-inside: avoid; }"
    "@page { background: none; "
    + " ".join(f"@{name} {{ content: none; }}" for name in _MARGIN_BOXES)
    + "} html, body { background: none !important; }"
    f".merge-letter {{ visibility: hidden !important; }} [{MARK}] {{ visibility: visible "
    "!important; }</style></head>"
)


def token(index: int, repeat: int = 1) -> str:
    """The marker for the row's ``index``-th cell: private-use characters round letters."""
    return "\ue000" + "".join("abcdefghij"[int(d)] for d in str(index)) * repeat + "\ue001"


def tokenised(cells: dict[str, str], repeat: int = 1) -> dict[str, str]:
    return {name: token(i, repeat) for i, name in enumerate(cells)}


@dataclass(frozen=True)
class Plan:
    """What the merge lays out once and what it lays out per letter."""

    head: str  # the letter's <head>, the same for every row
    footer: str  # the page footer's HTML, the same for every row
    per_letter: frozenset[str]  # the cells set per letter
    full: str  # the letter's body with markers, its last blocks marked
    overlay: str  # the same with everything but the last blocks hidden
    # The cells the shared part is made from (merge/shared.py finds them); None: all the others.
    grouping: tuple[str, ...] | None = None

    def key(self, cells: dict[str, str]) -> tuple[tuple[str, str], ...]:
        """Rows with the same key share a base."""
        if self.grouping is not None:
            return tuple((k, cells.get(k, "")) for k in self.grouping)
        return tuple((k, v) for k, v in cells.items() if k not in self.per_letter)

    def fill(self, body: str, cells: dict[str, str]) -> str:
        values = self.values(cells)
        return _TOKEN.sub(lambda m: html.escape(values[_index(m[1])], quote=False), body)

    @staticmethod
    def values(cells: dict[str, str]) -> list[str]:
        """The row's values as the letter prints them: the merge table's row is typeset once,
        as render_html prints it."""
        return list(printed_cells(cells).values())


def fill_text(text: str, values: list[str]) -> str:
    """``text`` (not HTML) with each marker replaced by its cell's value from ``values``."""
    return _TOKEN.sub(lambda m: values[_index(m[1])], text)


def _index(letters: str) -> int:
    return int("".join(str("abcdefghij".index(c)) for c in letters))


def plan(head: str, footer: str, body: str, other: str, cells: dict[str, str]) -> Plan | None:
    """The plan for a letter whose head and body were made with ``tokenised(cells)``, or None.

    ``other`` is the body made with longer markers and the next row number: it must be the
    same letter, or the template looks at the values themselves.
    """
    expected = {token(i) for i in range(len(cells))}
    if "\ue000" in head + footer or _normalised(body, 1) != _normalised(other, 2):
        return None
    found = _TOKEN.findall(body)
    if body.count("\ue000") != len(found) or any(f"\ue000{t}\ue001" not in expected for t in found):
        return None  # a marker was changed (|upper, |truncate): the cell is not printed as is
    # In standards mode, as the letters' documents are parsed (a <table> closes a <p> there).
    root = tinyhtml5.parse(f"<!DOCTYPE html><body>{body}</body>")
    tree = next(child for child in root if _tag(child) == "body")
    parents = {child: parent for parent in tree.iter() for child in parent}
    if any("\ue000" in value for el in tree.iter() for value in el.attrib.values()):
        return None
    if in_raw_text(tree):
        return None  # a cell in CSS or a script: only the template's own escaping is right there
    blocks: list[Element] = []  # the blocks holding content, in document order
    for el in tree.iter():
        if _has_content(el):
            block = _block_of(el, parents)
            if not blocks or blocks[-1] is not block:
                blocks.append(block)
    last: list[Element] = []
    for block in reversed(blocks):
        if "\ue000" not in _text(block):
            break
        last.insert(0, block)
    names = list(cells)
    inside = {n for b in last for n in (names[_index(t)] for t in _TOKEN.findall(_text(b)))}
    outside = {names[_index(t)] for b in blocks if b not in last for t in _TOKEN.findall(_text(b))}
    per_letter = frozenset(inside - outside)
    if not per_letter:
        return None
    last = [b for b in last if not _inside(b, last, parents)]
    for block in last:
        block.set(MARK, "")
    full = _inner(tree)
    around = {a for block in last for a in _ancestors(block, parents)}
    kept = around | set(last)
    # Everything but the last blocks and their ancestors goes: less to parse and style for
    # every row. Selectors that counted on it (:nth-child, +) would change how the blocks look,
    # which the check of each base (lines, fonts, colours) catches.
    for el in list(tree.iter()):
        if el in parents and parents[el] in around and el not in kept:
            parents[el].remove(el)
    return Plan(head, footer, per_letter, full, _inner(tree))


def in_raw_text(tree: Element) -> bool:
    """Whether a cell's marker is in the text of a RAW_TEXT element under ``tree``."""
    return any(_tag(el) in RAW_TEXT and "\ue000" in (el.text or "") for el in tree.iter())


def _normalised(body: str, repeat: int) -> str:
    """``body`` with each marker made with ``repeat`` as its cell's number."""

    def number(match: re.Match[str]) -> str:
        letters, width = match[1], len(match[1]) // repeat
        if not width or letters != letters[:width] * repeat:
            return match[0]  # not a marker made with ``repeat``: left to differ
        return f"\ue000{_index(letters[:width])}\ue001"

    return _TOKEN.sub(number, body)


def _tag(el: Element) -> str:
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _has_content(el: Element) -> bool:
    own = (el.text or "").strip() or any((child.tail or "").strip() for child in el)
    return bool(own) or _tag(el) in ("img", "svg", "object", "video", "canvas", "hr")


def _block_of(el: Element, parents: dict[Element, Element]) -> Element:
    while _tag(el) not in _BLOCKS and el in parents and _tag(parents[el]) != "body":
        el = parents[el]
    return el


def _ancestors(el: Element, parents: dict[Element, Element]) -> list[Element]:
    found = []
    while el in parents:
        el = parents[el]
        found.append(el)
    return found


def _inside(el: Element, blocks: list[Element], parents: dict[Element, Element]) -> bool:
    return any(a in blocks for a in _ancestors(el, parents))


def _text(el: Element) -> str:
    return "".join(el.itertext())


def _inner(el: Element) -> str:
    return (html.escape(el.text or "", quote=False)) + "".join(_html(c) for c in el)


def _html(el: Element) -> str:
    tag = _tag(el)
    if not tag:  # a comment
        return html.escape(el.tail or "", quote=False)
    attrs = "".join(f' {_tag_name(k)}="{html.escape(v)}"' for k, v in el.attrib.items())
    tail = html.escape(el.tail or "", quote=False)
    if tag in _VOID:
        return f"<{tag}{attrs}>{tail}"
    inner = (el.text or "") + "".join(_html(c) for c in el) if tag in _RAW else _inner(el)
    return f"<{tag}{attrs}>{inner}</{tag}>{tail}"


def _tag_name(name: str) -> str:
    if name.startswith("{http://www.w3.org/XML/1998/namespace}"):
        return "xml:" + name.rsplit("}", 1)[-1]
    return name.rsplit("}", 1)[-1]
