"""Probing: lay out only the ``fit()`` boxes whose width the template gives, before the page.

A box's lines depend on its text, its font and its width, not on the rest of the page, whose
layout (nested flex boxes) is most of a poster's cost. A box given ``width_mm`` is laid out in a
small document instead: the material's own ``<head>`` (its stylesheets and fonts), and for each
box the elements it sits in (their tags, classes and inline styles, so that the same CSS rules
and inherited sizes apply) made plain blocks, with the box set to its width. A box that takes
too many lines there gets the size its words predict (rewrap.py), laid out in the next probe
with the two sizes above it and the one below, until the largest size that fits is found; the
full layout then starts at it. fitting.py checks the full layout against the probe, box by box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from handbill.engine.layout import boxes_in, render
from handbill.engine.measure import INLINE, BoxSize, count_lines, predicted_step, too_big
from handbill.kit.loader import Kit
from handbill.render.fitmarks import FitMark, mark_of_style, with_steps
from handbill.render.templating import RenderedHTML

MAX_ROUNDS = 4  # probe layouts a material, each a few milliseconds
# The elements a box sits in keep what they pass down (font, colour, line height, language),
# but none of their own layout, so that the box's width is the one given. One <style>, the
# same in every probe, parsed once a build (stylecache.py), not a style attribute each. Its
# page is big enough for every box, so that the probe is one page.
STYLE = """<style>
@page { size: 2000mm 5000mm; margin: 0; }
[data-probe-plain] { display: block !important; position: static !important;
  float: none !important; width: auto !important; min-width: 0 !important;
  max-width: none !important; height: auto !important; min-height: 0 !important;
  max-height: none !important; margin: 0 !important; padding: 0 !important;
  border: 0 none !important; columns: auto !important; transform: none !important; }
[data-probe-step] { display: block !important; position: static !important;
  float: none !important; box-sizing: content-box !important; min-width: 0 !important;
  max-width: none !important; margin: 0 !important; }
</style>"""


@dataclass
class Probed:
    """What the probe found: each probed box's step and its measurement there."""

    steps: dict[int, int] = field(default_factory=dict)
    sizes: dict[int, BoxSize] = field(default_factory=dict)  # at that step
    layouts: int = 0


_TAG = re.compile(
    r"<!--.*?-->|<![^>]*>|<\?[^>]*>"
    r"|<(?P<end>/?)(?P<name>[a-zA-Z][^\s/>]*)(?P<attrs>(?:\"[^\"]*\"|'[^']*'|[^'\">])*)>",
    re.S,
)
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "wbr"}
    | {"source", "track"}
)
RAW = frozenset(("script", "style", "textarea", "title"))  # their text holds no tags
# Start tags that close a paragraph left open, as HTML parsers do.
ENDS_P = frozenset(
    {"address", "article", "aside", "blockquote", "div", "dl", "figure", "footer", "form"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p", "pre"}
    | {"section", "table", "ul"}
)


@dataclass(frozen=True)
class _Tag:
    name: str
    start: int  # where the start tag begins in the HTML
    end: int  # and where it ends


def _marked(page: str, tag: _Tag, attribute: str) -> str:
    """The start tag's text with one more attribute."""
    cut = tag.start + 1 + len(tag.name)
    return f"{page[tag.start : cut]} {attribute}{page[cut : tag.end]}"


def probe_parts(page: str, marks: list[FitMark]) -> tuple[str, dict[int, str]]:
    """The probe document's start (the material's ``<html>``, ``<head>`` and ``<body>``) and
    each box's part: the elements it sits in, made plain, and the box at its given width.

    Read from the HTML's tags by a scan, not a parser: handbill's templates close what they
    open, and a box the scan misreads is found out when the layout is checked against it.
    """
    widths = {m.id: m.width_mm for m in marks if m.width_mm is not None}
    stack: list[_Tag] = []
    parts: dict[int, str] = {}
    body: _Tag | None = None
    head_end = -1
    box: tuple[int, _Tag, int] | None = None  # the box being read: its mark, its tag, depth
    position = 0
    while match := _TAG.search(page, position):
        position, name = match.end(), (match["name"] or "").lower()
        if not name:
            continue  # a comment or a doctype
        if match["end"]:
            head_end = match.start() if name == "head" else head_end
            while any(t.name == name for t in stack):  # what was left open closes with it
                if stack.pop().name == name:
                    break
            if box is not None and len(stack) <= box[2]:
                mark_id, tag, depth = box
                chain = stack[stack.index(body) + 1 : depth] if body in stack else []
                opening = "".join(_marked(page, t, "data-probe-plain") for t in chain)
                start = _marked(page, tag, f'data-probe-step="{mark_id}:@"').replace(
                    'style="', f'style="width: {widths[mark_id]:g}mm !important; ', 1
                )
                closing = "".join(f"</{t.name}>" for t in reversed(chain))
                parts[mark_id] = opening + start + page[tag.end : position] + closing
                box = None
            continue
        tag = _Tag(name, match.start(), position)
        body = tag if name == "body" else body
        if (stack and (stack[-1].name, name) in (("li", "li"), ("p", "p"))) or (
            stack and stack[-1].name == "p" and name in ENDS_P
        ):
            stack.pop()
        if box is None and "data-fit=" in match["attrs"]:
            found_id = mark_of_style(match["attrs"])
            if found_id is not None and found_id in widths and found_id not in parts:
                box = (found_id, tag, len(stack))
        if name in VOID or match["attrs"].rstrip().endswith("/"):
            continue
        stack.append(tag)
        if name in RAW:
            found = page.lower().find(f"</{name}", position)
            position = found if found >= 0 else len(page)
    if body is None or head_end < 0 or head_end > body.start:
        return "", {}  # not a page handbill's templates make: the full layout alone fits it
    start = page[:head_end] + STYLE + page[head_end : body.start]
    return start + _marked(page, body, "data-probe-plain"), parts


def _measured(document: object) -> dict[tuple[int, int], BoxSize]:
    """Each probed box's lines, keyed on its mark and step."""
    found: dict[tuple[int, int], BoxSize] = {}
    for page in getattr(document, "pages", ()):
        for box in boxes_in(page._page_box):
            element = getattr(box, "element", None)
            if element is None or box.element_tag != element.tag or type(box).__name__ in INLINE:
                continue
            key = element.get("data-probe-step")
            if key:
                mark_id, step = (int(n) for n in key.split(":"))
                size = found.setdefault((mark_id, step), BoxSize(column=box.width))
                count_lines(box, size)
    return found


def _candidates(mark: FitMark, big: tuple[int, BoxSize] | None, fits: int | None) -> list[int]:
    """The steps to probe next for a box (none: its step is known)."""
    low = big[0] if big else -1  # the largest size known too big
    if fits is not None:
        # Fits: the sizes between it and the largest known too big are still to try.
        return list(range(max(low + 1, fits - 2), fits))
    last = len(mark.sizes) - 1
    if big is None or low >= last:
        return []
    # The prediction aims a little small (measure.SAFETY): the sizes up to two steps larger
    # are tried with it, and one smaller, all in the same probe.
    guess = predicted_step(mark, *big)
    return [s for s in range(guess - 2, guess + 2) if low < s <= last]


def probe(
    kit: Kit, rendered: RenderedHTML, marks: list[FitMark], read: dict[str, str] | None = None
) -> Probed:
    """The largest step at which each box with a ``width_mm`` fits, measured in small probes."""
    result = Probed()
    chosen = [m for m in marks if m.width_mm is not None]
    if not chosen:
        return result
    start, parts = probe_parts(rendered.html, chosen)
    if not parts:
        return result
    big: dict[int, tuple[int, BoxSize]] = {}
    fits: dict[int, int] = {}
    trial = {m.id: [0] for m in chosen if m.id in parts}
    while trial and result.layouts < MAX_ROUNDS:
        copies = [
            with_steps(parts[i], {i: s}).replace(f'"{i}:@"', f'"{i}:{s}"', 1)
            for i, steps in trial.items()
            for s in steps
        ]
        page = start + "".join(copies) + "</body></html>"
        document, _ = render(kit, replace(rendered, html=page), read)
        result.layouts += 1
        found = _measured(document)
        following: dict[int, list[int]] = {}
        for mark in chosen:
            for step in trial.get(mark.id, ()):
                size = found.get((mark.id, step))
                if size is None:  # not laid out as a block: leave it to the full layout
                    continue
                if too_big(mark, size):
                    if step > big.get(mark.id, (-1,))[0]:
                        big[mark.id] = (step, size)
                elif step < fits.get(mark.id, len(mark.sizes)):
                    fits[mark.id] = step
                    result.sizes[mark.id] = size
            if mark.id in trial:
                following[mark.id] = _candidates(mark, big.get(mark.id), fits.get(mark.id))
        trial = {k: v for k, v in following.items() if v}
    for mark in chosen:
        if mark.id in trial:  # still undecided after MAX_ROUNDS: left to the full layout
            result.sizes.pop(mark.id, None)
        elif mark.id in fits:
            result.steps[mark.id] = fits[mark.id]
        elif mark.id in big:  # too big even at its smallest size: the layout says so
            result.steps[mark.id], result.sizes[mark.id] = big[mark.id]
    return result
