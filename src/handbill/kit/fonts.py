"""The kit's fonts: which files, which characters they cover, their family names; read safely."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

from handbill.errors import KitError, did_you_mean
from handbill.kit.boundary import regular_file, roots_of, stock_dir

FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2", ".ttc")
# The families of the fonts in the stock assets/fonts, each with its @font-face rules in stock
# CSS (tests/test_brand.py checks this against the files' own names).
BUNDLED_FAMILIES = (
    "Atkinson Hyperlegible",
    "Atkinson Hyperlegible Next",
    "Noto Nastaliq Urdu",
    "Noto Naskh Arabic",
)


def font_files(root: Path, declared: Iterable[Path] = ()) -> tuple[Path, ...]:
    """Every font a build of the kit at ``root`` may use: the stock fonts, the kit's
    assets/fonts and its [[fonts]] (``declared``).

    Each is an ordinary file inside the kit or the stock folder, or the build stops naming it.
    """
    found = set()
    roots = roots_of(root)
    for folder in (stock_dir() / "assets" / "fonts", root / "assets" / "fonts"):
        if folder.is_dir():
            found |= {
                regular_file(p, "font", roots)
                for p in folder.rglob("*")
                if p.suffix.lower() in FONT_SUFFIXES
            }
    found |= set(declared)
    return tuple(sorted(found))


def _open_fonts(path: Path) -> list[TTFont]:
    """The fonts in a font file; a file fontTools cannot read is a KitError naming it."""
    try:
        if path.suffix.lower() == ".ttc":
            return list(TTCollection(str(path)).fonts)
        return [TTFont(str(path))]
    except Exception as exc:  # fontTools raises many kinds on a damaged file
        raise KitError(
            "not a font handbill can read (damaged, or not really a font); replace it with "
            "the .ttf or .otf file from the font's publisher.",
            path,
        ) from exc


def font_problem(path: Path, name: str) -> str:
    """Why ``path`` is not a usable font ("" when it is): read its character map to be sure."""
    try:
        for font in _open_fonts(path):
            font.getBestCmap()
    except KitError:
        return f"'{name}' is not a font handbill can read (damaged, or not really a font)"
    except Exception:  # a damaged table shows only when it is read
        return f"'{name}' is a damaged font file; replace it with the publisher's .ttf or .otf"
    return ""


@cache
def coverage(paths: tuple[Path, ...]) -> frozenset[int]:
    """The code points that at least one of the fonts has a glyph for."""
    covered: set[int] = set()
    for path in paths:
        for font in _open_fonts(path):
            try:
                covered |= set(font.getBestCmap() or {})
            except Exception as exc:  # a damaged table shows only when it is read
                raise KitError(
                    "a damaged font file; replace it with the publisher's .ttf or .otf.", path
                ) from exc
    return frozenset(covered)


@cache
def _family_names(paths: tuple[Path, ...]) -> frozenset[str]:
    names = set()
    for path in paths:
        for font in _open_fonts(path):
            try:
                found = [font["name"].getDebugName(name_id) for name_id in (1, 16)]
            except Exception as exc:  # a damaged or missing name table
                raise KitError(
                    "a damaged font file (its names cannot be read); replace it with the "
                    "publisher's .ttf or .otf.",
                    path,
                ) from exc
            names |= {name for name in found if name}
    return frozenset(names)


def font_families(paths: tuple[Path, ...], declared: Iterable[str] = ()) -> set[str]:
    """Family names of the fonts: the files' own, and the [[fonts]] names (``declared``)."""
    return set(_family_names(paths)) | set(declared)


def from_kit_font(pdf_font_name: str, families: set[str]) -> bool:
    """Whether a PDF font name ("ABCDEF+Atkinson-Hyperlegible-Bold") is one of the families.

    WeasyPrint names embedded fonts from their description: family and style, spaces as
    hyphens, behind a subset tag.
    """
    base = pdf_font_name.lstrip("/").split("+")[-1].replace("-", " ").lower()
    return any(base.startswith(family.replace("-", " ").lower()) for family in families)


def brand_family(name: str, declared: Iterable[str]) -> tuple[str, str]:
    """``name`` spelt as the bundled or [[fonts]] family it names, and ""; or ``name`` and why
    it cannot be used.

    Only those families are loaded for a build: any other name would be looked up among the
    fonts installed on the computer, so the kit would print differently on another one.
    Letter case does not matter, as in CSS.
    """
    families = list(dict.fromkeys([*BUNDLED_FAMILIES, *declared]))
    by_case = {family.casefold(): family for family in families}
    if name.casefold() in by_case:
        return by_case[name.casefold()], ""
    hint = did_you_mean(name, families, ignore_case=True)
    return name, (
        f"'{name}' is not a font the kit has.{hint} Use a bundled font "
        f"({', '.join(BUNDLED_FAMILIES)}), or add the font's file under [[fonts]] with "
        f'family = "{name}"'
    )
