"""Legibility on the laid-out pages: text/background contrast (WCAG AA) and body text size."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from weasyprint.document import Document

from handbill.check.findings import Finding

if TYPE_CHECKING:
    from handbill.kit.readers import Material

PX_PER_PT = 96 / 72
DEFAULT_MIN_BODY_PT = 8.0
_MIN_SIZE_META = re.compile(r'<meta name="handbill-min-font-size" content="([0-9.]+)"')


def luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour with channels from 0 to 1."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


def _over_white(colour: Any) -> tuple[float, float, float]:
    """The colour as sRGB channels, blended over white paper by its alpha."""
    alpha = colour.alpha
    srgb = colour.to("srgb").coordinates
    red, green, blue = (min(1.0, max(0.0, c)) * alpha + (1 - alpha) for c in srgb)
    return red, green, blue


def _text_boxes(box: Any, ancestors: tuple[Any, ...] = ()) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    if type(box).__name__ == "TextBox" and box.text.strip():
        yield box, ancestors
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child, (*ancestors, box))


def _classes(ancestors: tuple[Any, ...]) -> str:
    return " ".join(
        a.element.get("class") or "" for a in ancestors if getattr(a, "element", None) is not None
    )


def legibility_findings(
    document: Document, label: str, material: Material, html: str = ""
) -> list[Finding]:
    findings: list[Finding] = []
    reported: set[tuple[str, str]] = set()
    sizes: Counter[float] = Counter()
    for number, page in enumerate(document.pages, start=1):
        for box, ancestors in _text_boxes(page._page_box):
            classes = _classes(ancestors)
            if "proof-mark" in classes:
                continue  # meant to be faint, so as not to hide the text under it
            size_pt = round(box.style["font_size"] / PX_PER_PT, 1)
            if "footer" not in classes and "imprint" not in classes:
                # Small print (imprint, page numbers) is not body text.
                sizes[size_pt] += len(box.text.strip())
            text_rgb = _over_white(box.style["color"])
            background = next(
                (
                    a.style["background_color"]
                    for a in reversed(ancestors)
                    if a.style["background_color"].alpha > 0
                ),
                None,
            )
            back_rgb = _over_white(background) if background is not None else (1.0, 1.0, 1.0)
            bold = box.style["font_weight"] >= 700
            large = size_pt >= 18 or (bold and size_pt >= 14)
            needed = 3.0 if large else 4.5
            ratio = contrast(text_rgb, back_rgb)
            pair = (_hex(text_rgb), _hex(back_rgb))
            if ratio < needed and pair not in reported:
                reported.add(pair)
                findings.append(
                    Finding(
                        "error",
                        label,
                        "legibility",
                        f"text in {pair[0]} on {pair[1]} has a contrast of {ratio:.1f}:1, under "
                        f"the {needed:g}:1 that WCAG AA asks for ('{box.text.strip()[:30]}'); "
                        "darken the text or lighten the background in [brand.colours] or the "
                        "template's CSS",
                        page=number,
                    )
                )
    match = _MIN_SIZE_META.search(html)
    minimum = float(match[1]) if match else DEFAULT_MIN_BODY_PT
    if sizes:
        body = sizes.most_common(1)[0][0]
        if body < minimum:
            findings.append(
                Finding(
                    "error",
                    label,
                    "legibility",
                    f"body text is {body:g} pt; the {material.template} template asks for at least "
                    f"{minimum:g} pt; make the text larger (or shorter, so it fits at that size)",
                )
            )
    return findings
