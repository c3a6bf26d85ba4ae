"""Render materials to HTML with Jinja2: autoescaped, strict, content never compiled."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from handbill import __version__
from handbill.errors import TemplateError, did_you_mean, one_line
from handbill.kit.boundary import regular_file
from handbill.kit.data import BrokenTable, TableRow, printed_cells
from handbill.kit.events import DOWNLOADS_LINK, calendar_url
from handbill.kit.fields import field_names, fill_html, split_sections
from handbill.kit.filenames import fill_pattern, unique_names
from handbill.kit.languages import localized_row, text_direction, translator
from handbill.kit.links import Link, code_address, link_label, tracked_url, url_problem
from handbill.kit.loader import Kit, rows_of
from handbill.kit.material import Material
from handbill.render.bidi import digits_for, isolate_latin, isolate_page
from handbill.render.fitmarks import Fitter
from handbill.render.qr import MIN_WIDTH_MM, QRCode, qr_svg
from handbill.render.reads import Watched, watched
from handbill.render.running import TableCells, run_template


@dataclass
class RenderedHTML:
    """A material's final HTML and the QR codes its template placed."""

    material: Material
    html: str
    qr_codes: list[QRCode] = field(default_factory=list)
    stem: str = ""
    content: str = ""
    values: dict[str, str] = field(default_factory=dict)
    proof: bool = False
    social: list[Any] = field(default_factory=list)  # render/social.py SocialPage, one per image


class Tables(dict[str, Any]):
    """The kit's data tables for templates: reading one that could not be read fails this
    material with the table's own message (other materials build); a table's rows as
    printed, as ``row`` gives them."""

    def __getitem__(self, name: str) -> Any:
        value = super().__getitem__(name)
        if isinstance(value, BrokenTable):
            raise value.error()
        if isinstance(value, list) and value and isinstance(value[0], TableRow):
            # Rows that know their table, so a missing column is reported as the table's.
            return [TableCells(row.printed, name) for row in value]
        return value

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default  # noqa: SIM401 (self.get is this)


class DataRow(Watched):
    """A data row for templates: a missing column is an error naming the table and column."""

    def __init__(self, cells: dict[str, str], table: str, number: int):
        super().__init__(cells)
        self.table, self.number = table, number

    def __missing__(self, column: str) -> str:
        if not self.table:
            raise TemplateError(f"'row.{column}' is used, but the material has no 'per:' table")
        hint = did_you_mean(column, self)
        raise TemplateError(
            f"data/{self.table}.csv has no column '{column}' (row {self.number}).{hint} "
            "Add the column to the file, or change the template"
        )


def output_stem(material: Material, row: dict[str, str] | None = None, number: int = 0) -> str:
    """The output file name without extension; ``{column}`` parts filled from the data row.

    The stem alone, as the pattern gives it; ``row_stem`` is the one the build writes, which
    also never repeats another row's.
    """
    stem = material.output_name.removesuffix(".pdf")
    return stem if row is None else fill_pattern(stem, row, number)


_STEMS: dict[tuple[int, str], tuple[list[dict[str, str]], list[str]]] = {}


def row_stems(material: Material, rows: list[dict[str, str]]) -> list[str]:
    """Each data row's output stem, a repeat (or one differing only in case) given -2, -3."""
    key = (id(rows), material.output_name)
    found = _STEMS.get(key)
    # The rows are kept with their stems, so that their id cannot be reused by other rows.
    if found is None or found[0] is not rows:
        if len(_STEMS) > 64:  # a long-running serve sees many kits; keep the last few
            _STEMS.clear()
        stems = [output_stem(material, row, n) for n, row in enumerate(rows, 1)]
        found = _STEMS[key] = (rows, unique_names(stems))
    return found[1]


def row_stem(kit: Kit, material: Material, number: int) -> str:
    """The stem of the output the build writes for row ``number`` (0: the material itself)."""
    if not number or not material.per:
        return output_stem(material)
    return row_stems(material, rows_of(kit, material))[number - 1]


MAX_QR_MM = 500  # half a metre: a code for a banner read from across a square


def _width_mm(width: float | str) -> float:
    text = str(width).strip().lower().removesuffix("mm")
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 <= value <= MAX_QR_MM:  # also false for nan
        raise TemplateError(
            f"QR width '{one_line(str(width), 40)}' must be a number of millimetres up to "
            f"{MAX_QR_MM}, e.g. 25 or '25mm'"
        )
    return value


def _calendar_url(kit: Kit, material: Material, number: int) -> str:
    """The published address of this event's calendar file (see kit/events.py)."""
    if material.per != "events" or not number:
        raise TemplateError("calendar_qr: only a material made per event (per: events) has one")
    link = kit.config.links.get(DOWNLOADS_LINK)
    return calendar_url(link.url if link else "", rows_of(kit, material), number)


def asset_url(kit: Kit, name: str) -> str:
    """The file URL of ``assets/NAME``, from the kit when it has one, else from the stock assets."""
    if not isinstance(name, str) or not name or name.startswith("/") or ".." in name.split("/"):
        raise TemplateError(
            f"asset({name!r}): give a path inside the assets/ folder, e.g. 'img/logo.svg'"
        )
    for folder in kit.asset_dirs:
        candidate = folder / name
        if candidate.is_file():
            return regular_file(candidate, "file", kit.roots).as_uri()
    raise TemplateError(
        f"asset '{name}' not found; put it in the kit's assets/ folder (assets/{name})"
    )


KIT_CSS = "assets/css/kit.css"  # the kit's own rules, linked last into every printed material


def kit_css_url(kit: Kit) -> str | None:
    """The file URL of the kit's ``assets/css/kit.css``, if it has one: rules added to the stock
    stylesheets without copying one of them (a copy would miss the stock file's later fixes)."""
    candidate = kit.root / KIT_CSS
    if not candidate.exists() and not candidate.is_symlink():
        return None
    return regular_file(candidate, "file", kit.roots).as_uri()


def kit_file_url(kit: Kit, path: str) -> str:
    """The file URL of ``path``, given from the kit folder; ``assets/...`` may also be a stock
    asset, and a path without ``assets/`` that only assets/ has is still found there (the
    older form of ``vars.image``, which the material check warns about)."""
    if not isinstance(path, str) or not path or path.startswith("/") or ".." in path.split("/"):
        raise TemplateError(
            f"kit_file({path!r}): give a path inside the kit, e.g. 'assets/img/cover.svg'"
        )
    if path.startswith("assets/"):
        return asset_url(kit, path.removeprefix("assets/"))
    candidate = kit.root / path
    if candidate.is_file():
        return regular_file(candidate, "file", kit.roots).as_uri()
    return asset_url(kit, path)


def font_faces(kit: Kit) -> Markup:
    """@font-face rules for the fonts the kit lists under [[fonts]] in handbill.toml."""
    rules = [
        f'@font-face {{ font-family: "{escape(f.family)}"; src: url("{f.path.as_uri()}"); '
        f"font-weight: {f.weight}; font-style: {f.style}; }}"
        for f in kit.config.fonts
    ]
    # Escaped family names, file URIs (percent-encoded), checked weights and styles.
    return Markup("\n".join(rules))  # nosec


def label_html(label: str) -> Markup:
    """The address under a QR code, breakable only after a "/" (never at a hyphen or inside a
    name): each piece up to a slash stays whole, with a break opportunity after it."""
    pieces = re.findall(r"[^/]*/|[^/]+", label)
    # Escaped text in handbill's own spans.
    return Markup("<wbr>").join(  # nosec B704
        Markup('<span class="qr-part">{}</span>').format(piece) for piece in pieces
    )


def kit_context(kit: Kit, material: Material) -> dict[str, Any]:
    """What every template sees, printed or social: the campaign, its links and brand, the
    material and its vars, assets, fonts, fixed text in its language and handbill's version."""
    config = kit.config
    return {
        "campaign": {
            "name": config.name,
            "tagline": config.tagline,
            "hashtag": config.hashtag,
            "social": config.social,
        },
        "links": config.links,
        "brand": config.brand,
        "colours": config.brand.palette,
        "material": material,
        "vars": material.vars,
        "asset": lambda name: asset_url(kit, name),
        "kit_css": kit_css_url(kit),
        "kit_file": lambda path: kit_file_url(kit, path),
        # Attributes for a box whose font size the engine fits to its lines (fitmarks.py).
        "fit": Fitter(),
        "font_faces": font_faces(kit),
        "_": translator(kit.template_dirs, material.language),
        "direction": text_direction(material.language),
        "handbill_version": __version__,
    }


def printed_values(
    kit: Kit, shown: dict[str, str] | None, overrides: dict[str, str] | None
) -> dict[str, str]:
    """The fill-in values as printed: handbill.toml's [fields], then the data row as printed
    (``shown``), then --set, each taking precedence over the one before."""
    return {
        **printed_cells(kit.config.fields),
        **(shown or {}),
        **printed_cells(overrides),
    }


def render_html(
    kit: Kit,
    material: Material,
    row: dict[str, str] | None = None,
    number: int = 0,
    overrides: dict[str, str] | None = None,
    mode: str = "home",
    merging: bool = False,
    reads: set[str] | None = None,
) -> RenderedHTML:
    """Render ``material`` (for one data row, if it has ``per:``); errors name template and line.

    ``mode`` is the print mode: its imprint names the print shop only for "press".
    ``merging``: a copy for one row of a mail merge (templates see ``merge``; the letter keeps
    what differs from row to row in its sign-off, which is laid out per row over a shared base).
    ``reads``: a set to note in every name the row's cells are looked up by (render/reads.py).

    Fill-in values come from handbill.toml [fields], then the data row, then ``overrides``
    (the command line's --set), each taking precedence over the one before.
    """
    config = kit.config
    # A data row's text in the material's language, where the table translates it: as printed
    # (typeset when the table was read) for the page, as written for file names and QR codes.
    shown = localized_row(printed_cells(row), material.language) if row is not None else None
    row = localized_row(row, material.language) if row is not None else None
    values = {**config.fields, **(row or {}), **(overrides or {})}
    printed = printed_values(kit, shown, overrides)
    table_row = DataRow(shown or {}, material.per, number)
    if reads is not None:  # every look-up of a cell noted: the content's, the template's, qr()'s
        row = watched(row, reads) if row is not None else None
        values = watched(values, reads)
        printed = watched(printed, reads)
        table_row._watch(reads)
    content = fill_html(material.body_html, printed, material.fields)
    rendered = RenderedHTML(
        material=material,
        html="",
        stem=row_stem(kit, material, number if row is not None else 0),
        content=content,
        values={name: values[name] for name in field_names(material.body_html) if values.get(name)},
        proof=material.published and not config.imprint.complete,
    )

    def qr(name: str, width: float | str = 25, link_name: str = "", label: str = "") -> Markup:
        """A QR code for a named link, or for a URL (e.g. a data row's booking link), with
        ``label`` printed under a URL's code instead of the URL (an address to type)."""
        link = config.links.get(name)
        if link is None and name.startswith(("http://", "https://")):
            problem = url_problem(name)
            if problem:
                raise TemplateError(f"qr(): {problem}")
            words = label or link_label(name)
            link = Link(link_name or "url", name, words, config.short_base)
        cells = row if row is not None else {}  # not ``row or {}``: that would read it whole
        if link is None and cells.get(name, "").startswith(("http://", "https://")):
            url = cells[name]  # a column of the data row, e.g. a local group's page
            problem = url_problem(url)
            if problem:
                raise TemplateError(
                    f"qr('{name}'): data/{material.per}.csv row {number}: {problem}"
                )
            link = Link(name, url, link_label(url), config.short_base)
        if link is None:
            hint = did_you_mean(name, config.links)
            raise TemplateError(f"qr('{name}'): no link named '{name}' in handbill.toml.{hint}")
        width_mm = _width_mm(width)
        if width_mm < MIN_WIDTH_MM:
            raise TemplateError(
                f"qr('{name}') is {width_mm:g} mm wide; make it at least {MIN_WIDTH_MM:g} mm "
                "so that phones can scan it"
            )
        # The code carries the tracked URL (or a short code redirecting to it); the words
        # under it stay short.
        target = (
            tracked_url(link.url, config.tracking, rendered.stem)
            if config.tracking.utm
            else link.url
        )
        named = config.links.get(link.name) is link
        url, label = code_address(link, target, rendered.stem, named)
        rendered.qr_codes.append(
            QRCode(link=link.name, url=url, width_mm=width_mm, label=label, target=target)
        )
        # Escaped values around handbill's own SVG.
        return Markup(  # nosec B704
            f'<figure class="qr" data-link="{escape(link.name)}">'
            f"{qr_svg(url, width_mm, link.name)}"
            f'<figcaption dir="ltr">{label_html(label)}</figcaption></figure>'
        )

    direction = text_direction(material.language)
    # Right to left, Latin runs (names, hashtags, addresses) are laid out as isolated pieces.
    laid_out = isolate_latin(content) if direction == "rtl" else content
    context: dict[str, Any] = {
        **kit_context(kit, material),
        "imprint": config.imprint.for_mode(mode),
        "press": config.press,
        # The body is already safe HTML (Markdown with raw HTML disabled); it is inserted,
        # never compiled, so "{{ ... }}" in content stays literal text.
        "content": Markup(laid_out),  # nosec B704
        "sections": split_sections(laid_out),
        "values": printed,
        "merge": merging,
        "row": table_row,
        "proof": rendered.proof,
        "data": Tables(kit.data),
        "qr": qr,
        "calendar_url": lambda: _calendar_url(kit, material, number),
    }
    rendered.html = run_template(kit, material, f"{material.template}.html", context)
    if direction == "rtl":  # the template's own words and vars too ("ACO", "ICP")
        rendered.html = isolate_page(rendered.html, digits_for(material.language))
    return rendered
