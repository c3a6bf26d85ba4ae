"""Read and validate ``handbill.toml``: every problem is collected, then reported at once."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from handbill.errors import ConfigError, KitError, did_you_mean, unreadable_value
from handbill.kit import pressoffice
from handbill.kit.boundary import read_text, regular_file, roots_of
from handbill.kit.checker import Checker
from handbill.kit.fonts import brand_family, font_problem
from handbill.kit.links import (
    Link,
    Tracking,
    default_short_base,
    read_links,
    read_site_url,
    read_tracking,
)
from handbill.kit.nobreak import last_words_together, unbroken_address
from handbill.kit.palette import derive
from handbill.kit.paper import Paper, parse_paper
from handbill.kit.press import MAX_INK, PrintSettings, read_print_settings
from handbill.kit.timezones import DEFAULT_TIMEZONE, check_timezone

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

CONFIG_NAME = "handbill.toml"

SECTIONS: dict[str, set[str] | None] = {
    "campaign": {"name", "tagline", "hashtag", "social"},
    "links": None,  # any link name
    "brand": {"colours", "logo", "fonts"},
    "fonts": None,  # an array of tables, checked entry by entry
    "defaults": {"paper", "language", "timezone"},
    "imprint": {"promoter", "promoter_address", "printer", "printer_address", "on_behalf_of"},
    "fields": None,  # values for fill-in fields, any names
    "print": {
        "bleed_mm",
        "crop_marks",
        "mark_offset_mm",
        "duplex_flip",
        "tile_overlap_mm",
        "poster_tiles",
        "pdf_x",
        "profile",
        "output_condition",
    },
    "tracking": {"utm", "campaign", "source"},
    "press": pressoffice.KEYS,
    "site": {"url"},
}
COLOUR_NAMES = ("primary", "secondary", "accent", "text", "background", "muted")
# A kit that leaves out a colour gets a neutral one, never another campaign's brand.
DEFAULT_COLOURS = {
    "primary": "#2f5d62",
    "secondary": "#1e2a33",
    "accent": "#e9b44c",
    "text": "#1d1d1b",
    "background": "#ffffff",
    "muted": "#4c6272",
}
STOCK_FONT = "Atkinson Hyperlegible"
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$")


@dataclass(frozen=True)
class FontFile:
    """A font the kit brings: one @font-face rule."""

    family: str
    path: Path
    weight: int = 400
    style: str = "normal"


@dataclass(frozen=True)
class Brand:
    """The campaign's look: its six colours, logo and fonts."""

    colours: dict[str, str]
    logo: Path | None
    font_body: str
    font_heading: str
    # Brand colours' own print mixes (fractions of each ink); the rest go through the profile.
    cmyk: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)

    @cached_property
    def palette(self) -> dict[str, str]:
        """The six colours and those derived from them, by CSS custom property name."""
        return derive(self.colours)


HOME_PRINTER = "Printed at home by a supporter."


@dataclass(frozen=True)
class Imprint:
    """Who promotes and who prints the material: UK election material must say so."""

    promoter: str = ""
    promoter_address: str = ""
    printer: str = ""
    printer_address: str = ""
    on_behalf_of: str = ""
    # Home and office copies are printed by whoever prints them, never by the kit's print shop.
    at_home: bool = False

    def for_mode(self, mode: str) -> Imprint:
        """The imprint as printed in ``mode``: "press" names the print shop, "home" does not."""
        return replace(self, at_home=mode != "press")

    @property
    def missing(self) -> list[str]:
        names = ("promoter", "promoter_address", "printer", "printer_address")
        return [name for name in names if not getattr(self, name).strip()]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def line(self) -> str:
        """The printed imprint, e.g. "Promoted by A, 1 High St. Printed by B, 2 Low Rd."."""
        parts = []
        if self.promoter:
            address = unbroken_address(self.promoter_address)
            who = self.promoter + (f", {address}" if address else "")
            if self.on_behalf_of:
                who += f", on behalf of {self.on_behalf_of}"
            parts.append(f"Promoted by {who}.")
        if self.at_home:
            parts.append(HOME_PRINTER)
        elif self.printer:
            parts.append(
                f"Printed by {self.printer}"
                + (f", {unbroken_address(self.printer_address)}" if self.printer_address else "")
                + "."
            )
        return last_words_together(" ".join(parts))


@dataclass(frozen=True)
class Config:
    """Everything handbill.toml says about a kit."""

    path: Path
    name: str
    tagline: str
    hashtag: str
    social: dict[str, str]
    links: dict[str, Link]
    brand: Brand
    fonts: tuple[FontFile, ...]
    paper: Paper
    language: str
    imprint: Imprint = field(default_factory=Imprint)
    fields: dict[str, str] = field(default_factory=dict)
    printing: PrintSettings = field(default_factory=PrintSettings)
    tracking: Tracking = field(default_factory=Tracking)
    short_base: str = ""  # [links] short_base: QR codes carry short codes on this address
    press: pressoffice.PressOffice = field(default_factory=pressoffice.PressOffice)
    timezone: str = DEFAULT_TIMEZONE  # [defaults] timezone: the events' clock (IANA name)
    site_url: str = ""  # [site] url: where the download page is published, for share previews


def load_config(root: Path) -> Config:
    """Read ``ROOT/handbill.toml``; raise ConfigError listing every problem found."""
    path = root / CONFIG_NAME
    if not path.is_file():
        raise KitError(
            f"No {CONFIG_NAME} in {root}. Run handbill inside a kit folder, pass --kit DIR, "
            "or create a kit with 'handbill new DIR'."
        )
    text = read_text(path, "handbill.toml", roots_of(root))
    data = parse_toml(path, text, "Check the quotes, brackets and '=' on this line.")
    return _validate(root, path, text, data)


def parse_toml(path: Path, text: str, advice: str) -> dict[str, Any]:
    """``text`` read as TOML; a syntax error is one line with the file, the line and ``advice``."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
        return data
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise KitError(
            f"TOML syntax error: {message}. {advice}",
            path,
            int(match[1]) if match else None,
        ) from exc
    except ValueError as exc:  # a number of thousands of digits
        raise KitError(f"a value TOML cannot read: {unreadable_value(exc)}.", path) from exc
    except RecursionError as exc:
        raise KitError(
            "TOML nested too deeply to read (brackets inside brackets hundreds of times); "
            "write plain values and tables.",
            path,
        ) from exc


def _validate(root: Path, path: Path, text: str, data: dict[str, Any]) -> Config:
    check = Checker(text)
    for section in data:
        if section not in SECTIONS:
            hint = did_you_mean(section, SECTIONS) or f" Sections: {', '.join(SECTIONS)}."
            check.problems.append((check.line(section), f"Unknown section [{section}].{hint}"))
    tables: dict[str, dict[str, Any]] = {}
    for section, allowed in SECTIONS.items():
        value = data.get(section, [] if section == "fonts" else {})
        if section != "fonts" and not isinstance(value, dict):
            check.add(section, "", "must be a table, written [" + section + "]")
            value = {}
        tables[section] = value
        if allowed is not None:
            check.unknown_keys(value, section, allowed)

    campaign = tables["campaign"]
    name = check.string(campaign, "campaign", "name")
    if not name and "name" not in campaign:
        check.add("campaign", "name", 'missing. Add name = "Your campaign" under [campaign]')
    social = campaign.get("social", {})
    if not isinstance(social, dict) or not all(isinstance(v, str) for v in social.values()):
        check.add("campaign", "social", 'must be a table of text, e.g. twitter = "@group"')
        social = {}

    links = read_links(tables["links"], check)
    # [[fonts]] families as written: a bad font file is reported once, not again in [brand.fonts].
    entries: list[Any] = tables["fonts"] if isinstance(tables["fonts"], list) else []
    declared = [
        e["family"].strip()
        for e in entries
        if isinstance(e, dict) and isinstance(e.get("family"), str)
    ]
    brand = _brand(root, tables["brand"], check, declared)
    fonts = _fonts(root, tables["fonts"], check)

    defaults = tables["defaults"]
    paper = parse_paper("A4")
    try:
        paper = parse_paper(check.string(defaults, "defaults", "paper", "A4"))
    except ValueError as exc:
        check.add("defaults", "paper", str(exc))
    language = check.string(defaults, "defaults", "language", "en-GB")
    if not LANGUAGE_TAG.match(language):
        check.add("defaults", "language", f"'{language}' is not a language tag such as en-GB or cy")
    timezone = check.string(defaults, "defaults", "timezone", DEFAULT_TIMEZONE)
    if check_timezone(timezone):
        check.add("defaults", "timezone", check_timezone(timezone))

    imprint_data = tables["imprint"]
    # Only the text settings: at_home is the print mode's, never the kit's.
    imprint_text: dict[str, Any] = {
        key: check.string(imprint_data, "imprint", key)
        for key in imprint_data
        if key in (SECTIONS["imprint"] or set())
    }
    imprint = Imprint(**imprint_text)

    fields: dict[str, str] = {}
    for key, value in tables["fields"].items():
        if not re.match(r"^[a-z][a-z0-9_]*$", key):
            check.add("fields", key, "field names use lower-case letters, digits and _")
        elif not isinstance(value, (str, int, float)) or isinstance(value, bool):
            check.add("fields", key, "must be text in quotes")
        else:
            fields[key] = str(value)

    printing = read_print_settings(root, tables["print"], check)
    tracking = read_tracking(tables["tracking"], check, name)
    press = pressoffice.read_press(tables["press"], check)
    site_url = read_site_url(tables["site"], check)

    if check.problems:
        raise ConfigError(path, check.problems)
    return Config(
        path=path,
        name=name,
        tagline=check.string(campaign, "campaign", "tagline"),
        hashtag=check.string(campaign, "campaign", "hashtag"),
        social=dict(social),
        links=links,
        brand=brand,
        fonts=fonts,
        paper=paper,
        language=language,
        imprint=imprint,
        fields=fields,
        printing=printing,
        tracking=tracking,
        short_base=default_short_base(tables["links"]),
        press=press,
        timezone=timezone,
        site_url=site_url,
    )


def _brand(root: Path, data: dict[str, Any], check: Checker, declared: list[str]) -> Brand:
    colours = dict(DEFAULT_COLOURS)
    given = data.get("colours", {})
    if not isinstance(given, dict):
        check.add("brand", "colours", "must be a table, written [brand.colours]")
        given = {}
    check.unknown_keys(given, "brand.colours", set(COLOUR_NAMES))
    cmyk: dict[str, tuple[float, float, float, float]] = {}
    for key, value in given.items():
        if key not in COLOUR_NAMES:
            continue
        if isinstance(value, dict):
            for unknown in sorted(set(value) - {"rgb", "cmyk"}):
                check.add("brand.colours", key, f"unknown setting '{unknown}'; use rgb and cmyk")
            problem = _cmyk_problem(value["cmyk"]) if "cmyk" in value else ""
            if problem:
                check.add("brand.colours", key, problem)
            elif "cmyk" in value:
                c, m, y, k = (round(v / 100, 4) for v in value["cmyk"])
                cmyk[key] = (c, m, y, k)
            if "rgb" not in value:
                check.add(
                    "brand.colours",
                    key,
                    'give the screen colour too: { rgb = "#2f5d62", cmyk = [80, 40, 45, 35] }',
                )
                continue
            value = value.get("rgb")
        if isinstance(value, str) and _HEX.match(value):
            colours[key] = value.lower()
        elif isinstance(value, str) and re.fullmatch(r"[0-9a-fA-F]{6}", value.strip()):
            # A hex colour without its "#": the commonest slip, named exactly.
            check.add("brand.colours", key, f"'{value}' needs a '#': write \"#{value.strip()}\"")
        else:
            check.add(
                "brand.colours",
                key,
                f"'{value}' is not a colour; write it as \"#2f5d62\", or with its print "
                'colour as { rgb = "#2f5d62", cmyk = [80, 40, 45, 35] }',
            )
    logo = None
    if "logo" in data:
        logo_text = check.string(data, "brand", "logo")
        candidate = root / logo_text
        if not logo_text or not candidate.is_file():
            check.add(
                "brand",
                "logo",
                f"no file '{logo_text}' in the kit; give a path such as "
                "assets/img/logo.svg, relative to the kit folder",
            )
        else:
            try:
                logo = regular_file(candidate, "image", roots_of(root))
            except KitError as exc:
                check.add("brand", "logo", f"'{logo_text}': {exc.reason}")
    fonts = data.get("fonts", {})
    if not isinstance(fonts, dict):
        check.add("brand", "fonts", 'must be a table, e.g. body = "Atkinson Hyperlegible"')
        fonts = {}
    check.unknown_keys(fonts, "brand.fonts", {"body", "heading"})
    families: dict[str, str] = {}
    for key in ("body", "heading"):
        default = families.get("body", STOCK_FONT)
        name = check.string(fonts, "brand.fonts", key, default) or default
        families[key], problem = brand_family(name, declared)
        if problem and key in fonts:
            check.add("brand.fonts", key, problem)
    return Brand(
        colours=colours,
        logo=logo,
        font_body=families["body"],
        font_heading=families["heading"],
        cmyk=cmyk,
    )


def _cmyk_problem(value: Any) -> str:
    """What is wrong with a brand colour's ink mix, or "" if it is a usable one."""
    example = "e.g. cmyk = [100, 50, 0, 0]"
    if not isinstance(value, list) or len(value) != 4:
        return f"cmyk must be four ink percentages (cyan, magenta, yellow, black), {example}"
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return f"cmyk must be four numbers without quotes, {example}"
    if not all(0 <= v <= 100 for v in value):
        return f"each ink in cmyk is a percentage from 0 to 100, {example}"
    if all(v <= 1 for v in value) and any(v != int(v) for v in value):
        whole = ", ".join(f"{v * 100:g}" for v in value)
        return f"cmyk takes percentages, not fractions: write [{whole}]"
    if sum(value) > MAX_INK:
        return (
            f"the inks add up to {sum(value):g} %, more than the {MAX_INK:g} % paper takes; "
            "ask the print shop for a mix with less ink"
        )
    return ""


def _fonts(root: Path, entries: Any, check: Checker) -> tuple[FontFile, ...]:
    if not isinstance(entries, list):
        check.add("fonts", "", "write each font as a [[fonts]] table with family and file")
        return ()
    fonts = []
    for entry in entries:
        if not isinstance(entry, dict):
            check.add("fonts", "", "write each font as a [[fonts]] table with family and file")
            continue
        check.unknown_keys(entry, "fonts", {"family", "file", "weight", "style"})
        family = check.string(entry, "fonts", "family")
        file = check.string(entry, "fonts", "file")
        weight = entry.get("weight", 400)
        style = check.string(entry, "fonts", "style", "normal")
        resolved = (root / file).resolve()
        problem = _font_problem(root, file) if family and file else ""
        if not family or not file:
            check.add(
                "fonts", "", 'each [[fonts]] needs family = "..." and file = "assets/fonts/..."'
            )
        elif problem:
            check.add("fonts", "file", problem)
        elif not isinstance(weight, int) or not 100 <= weight <= 900:
            check.add("fonts", "weight", "must be a number from 100 to 900, e.g. 700 for bold")
        elif style not in ("normal", "italic"):
            check.add("fonts", "style", "must be 'normal' or 'italic'")
        else:
            fonts.append(FontFile(family, resolved, weight, style))
    return tuple(fonts)


def _font_problem(root: Path, file: str) -> str:
    """Why ``file`` cannot be a kit font ("" when it can): missing, outside, or not a font."""
    path = root / file
    if not path.is_file():
        return f"no font file '{file}' in the kit; put it under assets/fonts/"
    if path.suffix.lower() not in (".ttf", ".otf", ".woff", ".woff2"):
        return f"'{file}' is not a font file (.ttf, .otf, .woff, .woff2)"
    try:
        real = regular_file(path, "font", roots_of(root))
    except KitError as exc:
        return f"'{file}': {exc.reason}"
    return font_problem(real, file)
