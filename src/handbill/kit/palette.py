"""The colours of stock CSS, worked out once from [brand.colours]: tints, rules, text on colour."""

from __future__ import annotations

from collections.abc import Mapping

RGB = tuple[float, float, float]

BLACK = "#000000"
WHITE = "#ffffff"
# WCAG AA for body text: what every text-on-colour the palette picks must reach.
AA_CONTRAST = 4.5
# The PROOF warnings are a warning red in every kit, not a brand colour: a proof must never
# look finished, whatever the campaign's colours are.
PROOF = "#b00020"
PROOF_MARK = "rgba(176, 0, 32, 0.28)"

# Each derived colour, what it is for, and how it is made: (base colour, share of the base
# mixed into the background). The shares give back the light blues and greys the stock CSS
# was drawn with for the example kit's NHS palette (tint #eef4fb, stripe #f3f7fc, ...).
MIXES: dict[str, tuple[str, float, str]] = {
    "tint": ("primary", 0.067, "a light panel behind QR codes, quotes and boxes"),
    "tint-strong": ("primary", 0.16, "a stronger tint, for a panel inside a tinted area"),
    "stripe": ("primary", 0.047, "every other row of a table (the petition's signatures)"),
    "rule": ("muted", 0.29, "thin dividing lines and box outlines"),
    "rule-strong": ("muted", 0.52, "lines to write between (table cells) and fold guides"),
}
ON_COLOURS = ("primary", "secondary", "accent")
# Brand colours used for text on the page (headings, labels, hashtags) and highlights written
# on a band: each is the brand's own colour where it reads at 4.5:1, and otherwise that colour
# taken towards black or white just far enough to read (a pale yellow heading becomes ochre).
INKS = ("primary", "secondary")
BANDS = ("primary", "secondary")

# Every custom property _base.html defines, with what it is for (docs/templates/brand.md lists
# them; tests/test_brand.py checks that the two agree and that stock CSS uses no other).
BRAND_PROPERTIES: dict[str, str] = {
    "primary": "the main brand colour: headings, rules, the call-to-action band",
    "secondary": "the second brand colour, usually darker: title bands and letterheads",
    "accent": "highlights: the hashtag on a band, underlines, bullets, the date badge",
    "text": "body text",
    "background": "the page",
    "muted": "small print: the imprint, page numbers, labels",
}
DERIVED_PROPERTIES: dict[str, str] = {
    **{name: purpose for name, (_, _, purpose) in MIXES.items()},
    **{
        f"on-{name}": f"text on a {name} band: the best of text, background, black and white"
        for name in ON_COLOURS
    },
    **{
        f"{name}-ink": f"{name} as text on the page or a tint, taken darker or lighter until it "
        "reads at 4.5:1"
        for name in INKS
    },
    **{
        f"accent-on-{band}": f"an accent highlight written on a {band} band, adjusted until it "
        "reads at 4.5:1"
        for band in BANDS
    },
    "proof": "the PROOF - NOT FOR PRINT note (a warning red in every kit)",
    "proof-mark": "the faint diagonal PROOF mark across each page",
}


def rgb(colour: str) -> RGB:
    """``#rrggbb`` or ``#rgb`` as channels from 0 to 1."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return (
        int(digits[0:2], 16) / 255,
        int(digits[2:4], 16) / 255,
        int(digits[4:6], 16) / 255,
    )


def hex_colour(channels: RGB) -> str:
    """Channels from 0 to 1 as ``#rrggbb``."""
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in channels)


def luminance(channels: RGB) -> float:
    """WCAG relative luminance of an sRGB colour with channels from 0 to 1."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(colour: str, base: str, share: float) -> str:
    """``share`` of ``colour`` over ``base``, as a print tint of it would look."""
    (r1, g1, b1), (r0, g0, b0) = rgb(colour), rgb(base)

    def blend(top: float, bottom: float) -> float:
        return share * top + (1 - share) * bottom

    return hex_colour((blend(r1, r0), blend(g1, g0), blend(b1, b0)))


def text_on(colour: str, text: str, background: str) -> str:
    """The colour to write on ``colour``: of the brand's text and background colours, black
    and white, the one with the best contrast (the brand's own first on a tie).

    One of black and white always reaches 4.58:1 (the square root of 21) on any colour, so
    the choice reaches the 4.5:1 of WCAG AA for every palette.
    """
    base = rgb(colour)
    candidates = (background, text, WHITE, BLACK)
    return max(candidates, key=lambda c: contrast(rgb(c), base))


def legible(colour: str, grounds: tuple[str, ...], target: float = AA_CONTRAST) -> str:
    """``colour`` itself if it reads at ``target`` on every one of ``grounds``; otherwise the
    least mix of it towards black or white (whichever the grounds contrast with most) that does.

    Mixing all the way gives black or white, one of which reaches 4.58:1 on any single ground;
    on several light (or several dark) grounds the same one serves them all.
    """

    def worst(candidate: str) -> float:
        return min(contrast(rgb(candidate), rgb(ground)) for ground in grounds)

    if worst(colour) >= target:
        return colour
    pole = max((BLACK, WHITE), key=worst)
    for step in range(1, 21):
        candidate = mix(pole, colour, step / 20)
        if worst(candidate) >= target:
            return candidate
    return pole


def derive(colours: Mapping[str, str]) -> dict[str, str]:
    """Every colour stock CSS uses, by custom property name: the brand's six, then the
    derived ones (see DERIVED_PROPERTIES)."""
    palette = {name: colours[name] for name in BRAND_PROPERTIES}
    for name, (source, share, _) in MIXES.items():
        palette[name] = mix(colours[source], colours["background"], share)
    for name in ON_COLOURS:
        palette[f"on-{name}"] = text_on(colours[name], colours["text"], colours["background"])
    page = (colours["background"], palette["tint"], palette["stripe"])
    # Body text and small print are text by definition: they must read on the page and panels.
    palette["text"] = legible(colours["text"], page)
    palette["muted"] = legible(colours["muted"], page)
    for name in INKS:
        palette[f"{name}-ink"] = legible(colours[name], page)
    for band in BANDS:
        palette[f"accent-on-{band}"] = legible(colours["accent"], (colours[band],))
    palette["proof"] = PROOF
    palette["proof-mark"] = PROOF_MARK
    return palette
