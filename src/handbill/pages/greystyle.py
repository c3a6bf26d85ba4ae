"""The stylesheet a greyscale output adds: black text, a black-and-white palette, light bands."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import tinycss2
import tinycss2.color3

from handbill.errors import KitError
from handbill.kit.boundary import read_bytes

# The brand's colours for a mono printer: rules, bullets, stripes and arrows in black (they
# must stay visible), light tints for panels, text black. Bands are made light below.
PALETTE = {
    **dict.fromkeys(("primary", "secondary", "accent", "text"), "#000"),
    **dict.fromkeys(("primary-ink", "secondary-ink", "on-primary", "on-secondary"), "#000"),
    **dict.fromkeys(("on-accent", "accent-on-primary", "accent-on-secondary", "proof"), "#000"),
    "background": "#fff",
    "muted": "#595959",
    "tint": "#f0f0f0",
    "tint-strong": "#e0e0e0",
    "stripe": "#f2f2f2",
    "rule": "#a6a6a6",
    "rule-strong": "#737373",
    "proof-mark": "rgba(0, 0, 0, 0.2)",
}
GREYSCALE_CSS = (
    ":root:root { "
    + " ".join(f"--{name}: {value};" for name, value in PALETTE.items())
    + " }\n"
    # Text is black wherever it sits: on the light bands below as on the page.
    + "*, *::before, *::after, *::marker { color: #000 !important;"
    " box-shadow: none !important; }\n"
    ".proof-mark { color: rgba(0, 0, 0, 0.2) !important; }\n"
    "@page { @bottom-left { color: #000 } @bottom-right { color: #000 }"
    " @bottom-center { color: #000 } }\n"
)
# A background darker than this (its grey, 0 black to 1 white) is a band: it becomes a light
# tint, 1 - (1 - grey) * BAND_SHARE, so that bands of different colours stay different greys
# (a date badge on a band) and black text reads on every one (from #ccc, 13:1, to near white).
BAND_BELOW = 0.8
BAND_SHARE = 0.2
_LINK = re.compile(r"<link\b[^>]*\brel=\"stylesheet\"[^>]*\bhref=\"([^\"]+)\"", re.IGNORECASE)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.IGNORECASE | re.DOTALL)
# Pseudo-elements draw marks (bullets, stripes, arrows): they keep their dark fill.
_PSEUDO = re.compile(r"::|:(before|after|marker|first-letter|first-line)\b", re.IGNORECASE)


def with_greyscale(html: str, roots: tuple[Path, ...]) -> str:
    """The HTML with the greyscale stylesheet last in its head (so that it wins)."""
    sheets = [_read_sheet(href, roots) for href in _LINK.findall(html)]
    sheets += _STYLE.findall(html)
    style = GREYSCALE_CSS + band_rules(sheets)
    return html.replace("</head>", f"<style>\n{style}</style>\n</head>", 1)


def _read_sheet(href: str, roots: tuple[Path, ...]) -> str:
    parts = urlsplit(href)
    if parts.scheme != "file":
        return ""  # the layout refuses it with its own message
    try:
        return read_bytes(Path(unquote(parts.path)), "file", roots).decode("utf-8-sig", "replace")
    except KitError:
        return ""  # likewise: the fetcher reports a missing or refused stylesheet


def band_rules(sheets: list[str]) -> str:
    """A rule per selector that paints a dark background on an element, making it light."""
    rules = [rule for sheet in sheets for rule in _parsed(sheet)]
    colours = {
        name: value for selectors, declarations in rules for name, value in declarations.items()
    }
    lines = []
    for selectors, declarations in rules:
        for name in ("background-color", "background"):
            if name in declarations:
                grey = _grey(declarations[name], colours)
                if grey is not None and grey < BAND_BELOW:
                    chosen = [s for s in selectors if not _PSEUDO.search(s)]
                    light = round(255 * (1 - (1 - grey) * BAND_SHARE))
                    if chosen:
                        lines.append(
                            f"{', '.join(chosen)} {{ background-color: "
                            f"#{light:02x}{light:02x}{light:02x} !important; }}"
                        )
                break
    return "\n".join(lines) + ("\n" if lines else "")


Rule = tuple[list[str], dict[str, list[tinycss2.ast.Node]]]


@functools.lru_cache(maxsize=64)
def _parsed(sheet: str) -> list[Rule]:
    """The style rules of a sheet (those inside @media too): selectors and declarations."""
    return list(_rules(tinycss2.parse_stylesheet(sheet, skip_comments=True, skip_whitespace=True)))


def _rules(nodes: list[tinycss2.ast.Node]) -> Iterator[Rule]:
    for node in nodes:
        if node.type == "at-rule" and node.lower_at_keyword == "media" and node.content:
            yield from _rules(tinycss2.parse_rule_list(node.content, True, True))
        elif node.type == "qualified-rule":
            selectors = [s.strip() for s in tinycss2.serialize(node.prelude).split(",")]
            declarations = {
                d.lower_name if not d.name.startswith("--") else d.name: d.value
                for d in tinycss2.parse_blocks_contents(node.content, True, True)
                if d.type == "declaration"
            }
            yield selectors, declarations


def _grey(
    value: list[tinycss2.ast.Node], colours: dict[str, list[tinycss2.ast.Node]], depth: int = 0
) -> float | None:
    """The grey of the first colour in a background value (var() followed), or None."""
    for token in value:
        if token.type == "function" and token.lower_name == "var" and depth < 8:
            names = [t for t in token.arguments if t.type == "ident"]
            if names and names[0].value in colours:
                return _grey(colours[names[0].value], colours, depth + 1)
            continue
        colour = tinycss2.color3.parse_color(token)
        if isinstance(colour, tinycss2.color3.RGBA):
            if colour.alpha == 0:
                return None
            return float(0.299 * colour.red + 0.587 * colour.green + 0.114 * colour.blue)
    return None
