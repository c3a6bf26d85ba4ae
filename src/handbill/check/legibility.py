"""Legibility on the laid-out pages: text/background contrast (WCAG AA) and body text size."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from handbill.check.findings import Finding
from handbill.kit.palette import contrast, hex_colour

if TYPE_CHECKING:
    from handbill.engine.inspect import TextRun
    from handbill.kit.material import Material

DEFAULT_MIN_BODY_PT = 8.0
_MIN_SIZE_META = re.compile(r'<meta name="handbill-min-font-size" content="([0-9.]+)"')

# Classes whose text is small print, left out of the body text size (docs/check.md).
SMALL_PRINT = frozenset({"page-footer", "footer", "imprint", "imprint-block", "note"})


def legibility_findings(
    runs: Iterable[TextRun], label: str, material: Material, html: str = ""
) -> list[Finding]:
    findings: list[Finding] = []
    reported: set[tuple[str, str]] = set()
    sizes: Counter[float] = Counter()
    for run in runs:
        if "proof-mark" in run.classes:
            continue  # meant to be faint, so as not to hide the text under it
        if not SMALL_PRINT.intersection(run.classes.split()):
            # Small print (imprint, page numbers, notes under QR codes) is not body text: on a
            # flyer with one short line of its own it could otherwise carry the most text.
            sizes[run.size_pt] += len(run.text)
        large = run.size_pt >= 18 or (run.bold and run.size_pt >= 14)
        needed = 3.0 if large else 4.5
        ratio = contrast(run.colour, run.background)
        pair = (hex_colour(run.colour), hex_colour(run.background))
        if ratio < needed and pair not in reported:
            reported.add(pair)
            findings.append(
                Finding(
                    "error",
                    label,
                    "legibility",
                    f"text in {pair[0]} on {pair[1]} has a contrast of {ratio:.1f}:1, under "
                    f"the {needed:g}:1 that WCAG AA asks for ('{run.text[:30]}'); "
                    "darken the text or lighten the background in [brand.colours] or the "
                    "template's CSS",
                    page=run.page,
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
