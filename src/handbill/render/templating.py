"""Render materials to HTML with Jinja2: autoescaped, strict, content never compiled."""

from __future__ import annotations

import datetime as dt
import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from markupsafe import Markup, escape

from handbill import __version__
from handbill.errors import KitError, TemplateError, did_you_mean, display_path, one_line
from handbill.guard import TEMPLATE_MEMORY, TEMPLATE_SECONDS, WorkLimitError, bounded
from handbill.kit.boundary import regular_file
from handbill.kit.data import BrokenTable
from handbill.kit.fields import field_names, fill_html, split_sections
from handbill.kit.filenames import fill_pattern, unique_names
from handbill.kit.languages import localized_row, text_direction, translator
from handbill.kit.links import Link, code_address, link_label, tracked_url, url_problem
from handbill.kit.loader import Kit, rows_of
from handbill.kit.markdown import smart_text
from handbill.kit.material import Material
from handbill.render.bidi import digits_for, isolate_latin, isolate_page
from handbill.render.fitmarks import Fitter
from handbill.render.qr import MIN_WIDTH_MM, QRCode, qr_svg
from handbill.render.sandbox import KitLoader, KitSandbox, check_html, render_bounded

_ENVIRONMENTS: dict[tuple[Path, ...], jinja2.Environment] = {}


def environment(kit: Kit) -> jinja2.Environment:
    """One sandboxed Jinja environment per kit: its templates before the stock ones."""
    dirs = kit.template_dirs
    if dirs not in _ENVIRONMENTS:
        _ENVIRONMENTS[dirs] = KitSandbox(
            loader=KitLoader(dirs, kit.roots),
            # Always on, whatever the template's file name: select_autoescape() would miss
            # names such as "x.html.j2".
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        _ENVIRONMENTS[dirs].filters["longdate"] = long_date
    return _ENVIRONMENTS[dirs]


def long_date(value: object) -> str:
    """``2018-10-26`` as "Friday 26 October 2018"; text that is not an ISO date is kept as it is."""
    text = str(value).strip()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return text
    return f"{day:%A} {day.day}\u00a0{day:%B %Y}"  # "26 October" is never split at a line end


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


class Tables(dict[str, Any]):
    """The kit's data tables for templates: reading one that could not be read fails this
    material with the table's own message (other materials build)."""

    def __getitem__(self, name: str) -> Any:
        value = super().__getitem__(name)
        if isinstance(value, BrokenTable):
            raise value.error()
        return value

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default  # noqa: SIM401 (self.get is this)


class DataRow(dict[str, str]):
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


def render_html(
    kit: Kit,
    material: Material,
    row: dict[str, str] | None = None,
    number: int = 0,
    overrides: dict[str, str] | None = None,
    mode: str = "home",
    merging: bool = False,
) -> RenderedHTML:
    """Render ``material`` (for one data row, if it has ``per:``); errors name template and line.

    ``mode`` is the print mode: its imprint names the print shop only for "press".
    ``merging``: a copy for one row of a mail merge (templates see ``merge``; the letter keeps
    what differs from row to row in its sign-off, which is laid out per row over a shared base).

    Fill-in values come from handbill.toml [fields], then the data row, then ``overrides``
    (the command line's --set), each taking precedence over the one before.
    """
    config = kit.config
    # A data row's text in the material's language, where the table translates it.
    row = localized_row(row, material.language) if row is not None else None
    values = {**config.fields, **(row or {}), **(overrides or {})}
    # Printed with typographic quotes (St John\u2019s), as the content is; addresses and handles
    # in them stay as written, and the file names and QR codes use the values as given.
    printed = {name: smart_text(value) for name, value in values.items()}
    content = fill_html(material.body_html, printed, material.fields)
    rendered = RenderedHTML(
        material=material,
        html="",
        stem=row_stem(kit, material, number if row is not None else 0),
        content=content,
        values={name: values[name] for name in field_names(material.body_html) if values.get(name)},
        proof=material.published and not config.imprint.complete,
    )

    def qr(name: str, width: float | str = 25, link_name: str = "") -> Markup:
        """A QR code for a named link, or for a URL (e.g. a data row's booking link)."""
        link = config.links.get(name)
        if link is None and name.startswith(("http://", "https://")):
            problem = url_problem(name)
            if problem:
                raise TemplateError(f"qr(): {problem}")
            link = Link(link_name or "url", name, link_label(name), config.short_base)
        if link is None and (row or {}).get(name, "").startswith(("http://", "https://")):
            url = (row or {})[name]  # a column of the data row, e.g. a local group's page
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
        "campaign": {
            "name": config.name,
            "tagline": config.tagline,
            "hashtag": config.hashtag,
            "social": config.social,
        },
        "links": config.links,
        "brand": config.brand,
        "colours": config.brand.palette,
        "imprint": config.imprint.for_mode(mode),
        "press": config.press,
        "material": material,
        # The body is already safe HTML (Markdown with raw HTML disabled); it is inserted,
        # never compiled, so "{{ ... }}" in content stays literal text.
        "content": Markup(laid_out),  # nosec B704
        "sections": split_sections(laid_out),
        "values": printed,
        "merge": merging,
        "row": DataRow(
            {column: smart_text(cell) for column, cell in (row or {}).items()}, material.per, number
        ),
        "proof": rendered.proof,
        "vars": material.vars,
        "data": Tables(kit.data),
        "qr": qr,
        "asset": lambda name: asset_url(kit, name),
        "kit_file": lambda path: kit_file_url(kit, path),
        # Attributes for a box whose font size the engine fits to its lines (fitmarks.py).
        "fit": Fitter(),
        "font_faces": font_faces(kit),
        "_": translator(kit.template_dirs, material.language),
        "direction": direction,
        "handbill_version": __version__,
    }
    advice = f"look for a loop that never ends in templates/{material.template}.html"
    try:
        with bounded(material.name, "template", TEMPLATE_SECONDS, TEMPLATE_MEMORY, advice):
            template = environment(kit).get_template(f"{material.template}.html")
            rendered.html = render_bounded(template, context)
            if direction == "rtl":  # the template's own words and vars too ("ACO", "ICP")
                rendered.html = isolate_page(rendered.html, digits_for(material.language))
            check_html(rendered.html)
    except (KitError, WorkLimitError, MemoryError):
        raise  # already one line; or out of memory, which the caller's limit reports
    except TemplateError as exc:
        raise TemplateError(f"{material.name}: {exc.reason}{_where(exc)}") from exc
    except SecurityError as exc:
        raise TemplateError(
            f"{material.name}: {str(exc).rstrip('.')}{_where(exc)}; templates cannot reach "
            "Python's internals, files or modules (docs/kit-format.md lists what they can use)"
        ) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"template syntax error: {exc.message}", exc.filename, exc.lineno
        ) from exc
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(
            f"{material.name}: template '{exc.name}' not found in the kit's templates/ or the "
            "stock templates"
        ) from exc
    except jinja2.UndefinedError as exc:
        raise _undefined(exc, material, context) from exc
    except RecursionError as exc:
        raise TemplateError(
            f"{material.name}: the template calls itself without end{_where(exc)} (an include, "
            "macro or block that includes itself); break the circle"
        ) from exc
    except Exception as exc:  # template code can raise anything: 1/0, 'a' + 1, a bad filter
        raise TemplateError(
            f"{material.name}: the template failed{_where(exc)}: {type(exc).__name__}: "
            f"{one_line(str(exc))}"
        ) from exc
    return rendered


def _undefined(
    exc: jinja2.UndefinedError, material: Material, context: dict[str, Any]
) -> TemplateError:
    """A name the template uses that this material does not have, in the author's terms:
    where in the template, and how to give it a value or make it optional."""
    file, line = _frame(exc)
    where = f"templates/{file}" if file else None
    message = exc.message or ""
    attribute = re.search(r"has no (?:attribute|element|key) '([^']+)'", message)
    top = re.match(r"'([^']+)' is undefined", message)
    source = display_path(material.path)
    if attribute and "'dict object'" in message:
        name = attribute[1]
        given = context.get("vars")
        hint = did_you_mean(name, list(given) if isinstance(given, dict) else [])
        text = (
            f"'{name}' is not defined for this material.{hint} Add it under vars: in {source} "
            "(and to the template's vocabulary block, if it has one), or use "
            f"{{{{ vars.{name} | default('') }}}}"
        )
    elif top:
        name = top[1]
        hint = did_you_mean(name, [k for k in context if not k.startswith("_")])
        text = (
            f"'{name}' is not defined for this material.{hint} Check the spelling, or use "
            f"{{{{ {name} | default('') }}}} where it may be missing"
        )
    else:
        text = f"{one_line(message, 120)}; check the spelling in the template"
    if where is None:
        return TemplateError(f"{material.name}: {text}")
    return TemplateError(text, where, line)


def _frame(exc: BaseException) -> tuple[str, int | None]:
    """The innermost template frame's file name and line, or ("", None)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".html"):
            return Path(frame.filename).name, frame.lineno
    return "", None


def _where(exc: BaseException) -> str:
    """ " (in templates/x.html line 12)" from the innermost template frame, if any."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".html"):
            return f" (in {Path(frame.filename).name} line {frame.lineno})"
    return ""
