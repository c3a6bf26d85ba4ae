"""Font families named in the kit's own CSS: each must be a font the kit has, not the computer's.

WeasyPrint looks a family it has no ``@font-face`` for up among the fonts installed on the
computer. A kit whose CSS says ``font-family: "DejaVu Sans"`` would then print in whatever that
computer has, and differently on the next one; handbill refuses it before the build instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from handbill.kit.boundary import read_text, roots_of
from handbill.kit.fonts import brand_family

Problem = tuple[Path, int | None, str]

# CSS's generic families and keywords: not font names. A generic family is the computer's
# choice of font, so it may only follow a kit's family, as a fallback (see _generic_first).
GENERIC = frozenset(
    {
        *("serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "emoji"),
        *("math", "fangsong", "ui-serif", "ui-sans-serif", "ui-monospace", "ui-rounded"),
        *("inherit", "initial", "unset", "revert", "revert-layer"),
    }
)
# Those of them that name a font: the computer's choice of one.
GENERIC_FAMILIES = GENERIC - {"inherit", "initial", "unset", "revert", "revert-layer"}
# CSS comments, and in templates Jinja's and HTML's: what they hold is never applied.
_COMMENT = re.compile(r"/\*.*?\*/|\{#.*?#\}|<!--.*?-->", re.S)
_IMPORTANT = re.compile(r"\s*!\s*important\s*$", re.I)
_FAMILY = re.compile(r"(?<![\w-])font-family\s*:\s*([^;{}<>]+)", re.I)
# The custom properties handbill's stock stylesheets set fonts with: a kit may set them too.
_STOCK_VARIABLE = re.compile(r"(?<![\w-])--font-(?:body|heading|latin)\s*:\s*([^;{}<>]+)", re.I)
_SHORTHAND = re.compile(r"(?<![\w-])font\s*:\s*([^;{}<>]+)", re.I)
# In the ``font`` shorthand the families come after the size (and an optional /line-height).
_AFTER_SIZE = re.compile(
    r"(?:^|\s)[\d.]+(?:px|pt|pc|em|rem|ex|ch|%|mm|cm|in|q|vw|vh)(?:\s*/\s*[\w.%-]+)?\s+(.+)$", re.I
)
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*?font-family\s*:\s*([^;}]+)", re.I)


def _blank_comments(text: str) -> str:
    """The text with CSS comments blanked out, keeping every line where it was."""
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def _names(value: str) -> Iterator[str]:
    """The family names of one ``font-family`` value, quotes removed; expressions skipped."""
    for part in value.split(","):
        name = part.strip().strip("'\"").strip()
        if not name or "var(" in name or "{" in name or name.casefold() in GENERIC:
            continue
        yield " ".join(name.split())


def _values(text: str) -> list[tuple[int, str]]:
    """(line, value) for every list of families the CSS (or HTML with CSS in it) gives: the
    ``font-family`` ones, then the stock variables', then the shorthands'."""
    found: list[tuple[int, str]] = []
    for pattern, shorthand in ((_FAMILY, False), (_STOCK_VARIABLE, False), (_SHORTHAND, True)):
        line, counted = 1, 0  # lines counted as the matches come, not from the start each time
        for match in pattern.finditer(text):
            line += text.count("\n", counted, match.start())
            counted = match.start()
            value = _IMPORTANT.sub("", match.group(1).strip())
            if shorthand:
                after = _AFTER_SIZE.search(value)
                if after is None:
                    continue  # font: inherit, or a size given by a var(): no family named
                value = after.group(1)
            found.append((line, value))
    return found


def _declarations(values: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """(line, family) for every family in the lists ``values`` (see _values)."""
    for line, value in values:
        for name in _names(value):
            yield line, name


def _generic_first(values: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """(line, family) for every list of families that starts with a generic one: what the
    computer running the build has for it is what prints, different on the next computer."""
    for line, value in values:
        first = value.split(",")[0].strip().strip("'\"").strip().casefold()
        if first in GENERIC_FAMILIES:
            yield line, first


def _kit_css(root: Path) -> Iterator[Path]:
    for folder, pattern in ((root / "assets", "*.css"), (root / "templates", "*.html")):
        if folder.is_dir():
            yield from sorted(p for p in folder.rglob(pattern) if p.is_file())


def css_font_problems(root: Path, declared: Iterable[str], body: str) -> list[Problem]:
    """Every family the kit's CSS and templates name that is neither bundled, nor under
    [[fonts]], nor given by an ``@font-face`` rule of the kit's own, one problem each; and
    every list of families that starts with a generic one (``body``, the brand's body font,
    is the one the message suggests instead)."""
    roots = roots_of(root)
    texts = [(p, _blank_comments(read_text(p, "stylesheet", roots))) for p in _kit_css(root)]
    own = {
        " ".join(name.split())
        for _, text in texts
        for match in _FONT_FACE.finditer(text)
        for name in _names(match.group(1))
    }
    known = [*declared, *own]
    problems: list[Problem] = []
    for path, text in texts:
        values = _values(text)
        for line, name in dict.fromkeys(_declarations(values)):
            _, problem = brand_family(name, known)
            if problem:
                problems.append((path, line, f"font-family: {problem}"))
        for line, generic in dict.fromkeys(_generic_first(values)):
            problems.append(
                (
                    path,
                    line,
                    f"font-family: this list starts with '{generic}', which prints in whatever "
                    "font the computer running the build has for it (another computer may pick "
                    f'another); put one of the kit\'s fonts first, e.g. font-family: "{body}", '
                    f"{generic} (or add a {generic} font under [[fonts]] and name it first)",
                )
            )
    return problems
