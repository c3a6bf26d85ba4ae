"""One output through every stage: its HTML, layout, PDF, A4 sheets and editable copies."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from handbill.build.cache import input_key
from handbill.build.places import PRIVATE, located
from handbill.build.writers import write_atomic
from handbill.errors import KitError, did_you_mean
from handbill.kit.loader import Kit, rows_of
from handbill.kit.material import Material
from handbill.kit.pressoffice import RELEASE, release_gaps
from handbill.render.templating import RenderedHTML, render_html


@dataclass(frozen=True)
class Options:
    """How to print: ``home`` (finished pages, plus A4 sheets for other sizes) or ``press``."""

    mode: str = "home"
    marks: bool | None = None  # crop marks in press mode; None: as handbill.toml [print] says
    greyscale: bool = False  # black on white for mono printers: NAME.grey.pdf
    keep_html: bool = False  # also write each output's final HTML beside its PDF
    pdf_x: str | None = None  # press PDFs: "4", "1a" or "none"; None: as handbill.toml says


@dataclass(frozen=True)
class Job:
    """One output to make: a material, and for a ``per:`` material the data row (1-based)."""

    material: str
    row: int = 0


@dataclass
class Output:
    """The files one job wrote (the PDF, then any exports) and warnings for the user.

    ``key`` and ``deps`` (the files read while rendering) are what the build cache keeps;
    ``cached`` says the files were already up to date and nothing was rendered.
    """

    entries: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    key: str = ""
    deps: dict[str, str] = field(default_factory=dict)
    cached: bool = False
    qr: dict[str, str] = field(default_factory=dict)  # QR matrices made (qr.known_matrices)


def jobs_for(kit: Kit, materials: list[Material], group: str | None = None) -> list[Job]:
    """One job per material, or per data row for a ``per:`` material.

    With a ``group`` (an id in data/groups.csv), only the materials made per group are built,
    for that group's row alone.
    """
    if group is not None:
        materials = _per_group(kit, materials, group)
    jobs = []
    for material in materials:
        if not material.per:
            jobs.append(Job(material.name))
            continue
        for number, row in enumerate(rows_of(kit, material), start=1):
            if group is None or row.get("id") == group:
                jobs.append(Job(material.name, number))
    return jobs


def _per_group(kit: Kit, materials: list[Material], group: str) -> list[Material]:
    rows = kit.data.get("groups")
    if not isinstance(rows, list) or (rows and "id" not in rows[0]):
        raise KitError(
            "--group needs data/groups.csv with an 'id' column (one short id per group, e.g. leeds)"
        )
    ids = [row["id"] for row in rows]
    if group not in ids:
        raise KitError(
            f"no group '{group}' in data/groups.csv.{did_you_mean(group, ids)} "
            f"Groups: {', '.join(ids) or 'none'}."
        )
    chosen = [m for m in materials if m.per == "groups"]
    if not chosen:
        raise KitError(
            "none of these materials is made per group; give one 'per: groups' in its "
            "front matter to make a copy for each row of data/groups.csv"
        )
    return chosen


def prepare(kit: Kit, job: Job, overrides: dict[str, str], options: Options) -> RenderedHTML:
    """The job's final HTML (templates, content, data row, print mode): quick, no layout."""
    material = kit.materials[job.material]
    row = rows_of(kit, material)[job.row - 1] if job.row else None
    rendered = render_html(kit, material, row, job.row, overrides, options.mode)
    # Social images belong to the ordinary build, not to press or greyscale copies.
    if material.social and options.mode == "home" and not options.greyscale:
        from handbill.render.social import social_pages

        rendered.social = social_pages(kit, material, row, job.row, rendered.stem, overrides)
    if options.mode == "press" or options.greyscale:
        from handbill.pages.printing import with_bleed, with_greyscale

        if options.mode == "press":
            rendered.html = with_bleed(rendered.html, kit.config.printing.bleed_mm)
        if options.greyscale:
            rendered.html = with_greyscale(rendered.html, kit.roots)
            rendered.stem += ".grey"
    return rendered


def pdf_name(rendered: RenderedHTML, options: Options) -> str:
    """The main output's recorded path, which also names the job in the build cache: a private
    material's is private/NAME, in the private folder beside the output folder."""
    return f"{file_stem(rendered)}{'.press' if options.mode == 'press' else ''}.pdf"


def file_stem(rendered: RenderedHTML) -> str:
    """The stem of the job's files, with private/ in front for a private material."""
    return (f"{PRIVATE}/" if rendered.material.private else "") + rendered.stem


def cache_key(kit: Kit, rendered: RenderedHTML, options: Options) -> str:
    """Everything but files read during layout that decides a job's outputs (see cache.py)."""
    return input_key(
        rendered.html,
        rendered.content,
        repr(rendered.material),
        rendered.values,
        rendered.proof,
        kit.config.name,
        repr(kit.config.printing),
        repr(sorted(kit.config.brand.cmyk.items())),  # a brand colour's print mix
        [page.html for page in rendered.social],
        # --keep-html only adds a file written from the HTML, so it does not force a layout.
        repr(replace(options, keep_html=False)),
    )


def build_job(
    kit: Kit,
    job: Job,
    out_dir: Path,
    overrides: dict[str, str],
    options: Options | None = None,
    rendered: RenderedHTML | None = None,
) -> Output:
    """Render one output through every stage and write its PDF(s) and exports.

    ``rendered`` is the job's HTML when the caller has already made it (see ``prepare``).
    """
    from handbill.engine.fitting import render_fitted
    from handbill.engine.glyphs import check_glyphs
    from handbill.engine.inspect import check_page_sizes, fold_lines, off_page_text, page_count
    from handbill.engine.layout import PDF_VARIANT, qr_placements, write_pdf_parts
    from handbill.pages.printing import home_sheets, press_inks, press_pdf
    from handbill.render.qr import known_matrices

    options = options or Options()
    printing = kit.config.printing
    material = kit.materials[job.material]
    rendered = rendered or prepare(kit, job, overrides, options)
    press = options.mode == "press"
    deps: dict[str, str] = {}
    # fit() boxes at the largest sizes that fit; what cannot fit is a warning here and an
    # error in check.
    fitted = render_fitted(kit, rendered, deps)
    document, warnings = fitted.document, fitted.warnings + fitted.problems
    label = material.name + (f" row {job.row}" if job.row else "")
    check_glyphs(kit, document, label)
    check_page_sizes(document, label)
    # Text past the paper's edge is lost in print: said here too, not only by check (one walk
    # over the laid-out boxes, a few milliseconds). A box too long even at its smallest size
    # pushes text off the page: its own warning says what to shorten, as check does.
    if not fitted.problems:
        warnings += off_page_text(document)
    pages = page_count(document)
    # A box too long even at its smallest size pushes what follows onto another page: its own
    # warning already says what to shorten (as in check), so the page count is not repeated.
    overflow_said = bool(fitted.problems) and pages > (material.pages or pages)
    if material.pages is not None and pages != material.pages and not overflow_said:
        warnings.append(
            f"{pages} page{'s' if pages != 1 else ''}, expected {material.pages}: "
            + ("shorten the text" if pages > material.pages else "add content")
            + f", or change 'pages:' in {material.shown_path}"
        )
    if material.template == RELEASE and material.published:
        # What check calls an error is said by build too: a release sent without a contact
        # or with an uncredited quote is what a newsroom ignores.
        warnings += release_gaps(kit.config.press, material.vars, rendered.content)
    placed = qr_placements(document)
    codes = {code.link: code for code in rendered.qr_codes}
    title = f"{material.title} - {kit.config.name}"
    data, parts = write_pdf_parts(document, title, material.language, label)
    if options.greyscale:
        # The stylesheet made the design black and white; what it cannot reach (pictures,
        # a kit's own colours) is turned grey in the PDF itself.
        from handbill.pages.printing import greyscale_pdf

        data, parts = greyscale_pdf(data), None
    # At home a two-sided sheet's flip note says "fold" for a folded item (the DL leaflet).
    folds = fold_lines(document) if press or material.duplex else []
    if press:
        marks = printing.crop_marks if options.marks is None else options.marks
        printing = replace(printing, pdf_x=options.pdf_x or printing.pdf_x)
        data = press_pdf(data, printing, marks, press_inks(kit, printing), label, folds)
    common: dict[str, Any] = {
        "material": material.name,
        "title": material.title,
        "template": material.template,
        "language": material.language,
    }
    if job.row:
        common["row"] = job.row
    entry = {
        **common,
        "kind": "pdf",
        "paper": {
            "name": material.paper.label,
            "width_mm": material.paper.width_mm,
            "height_mm": material.paper.height_mm,
        },
        "pages": pages,
        "expected_pages": material.pages,
        "duplex": material.duplex or material.booklet,
        "booklet": material.booklet,
        "proof": rendered.proof,
        "tagged": True,
        "pdf_variant": PDF_VARIANT,
        "fields": rendered.values,
        "mode": options.mode,
        "greyscale": options.greyscale,
        **(
            {
                "bleed_mm": printing.bleed_mm,
                "crop_marks": marks,
                "pdf_x": printing.pdf_x,
                "output_condition": printing.output_condition if printing.pdf_x != "none" else None,
            }
            if press
            else {}
        ),
        **(_folds_field(folds) if press else {}),
        **write_output(out_dir, pdf_name(rendered, options), data),
        "qr_codes": [
            {
                "link": spot.link,
                "url": codes[spot.link].url,
                "target": codes[spot.link].target,
                "label": codes[spot.link].label,
                "page": spot.page,
                "width_mm": spot.width_mm,
                "x_mm": spot.x_mm,
                "y_mm": spot.y_mm,
            }
            for spot in placed
        ],
    }
    entries = [entry]
    folded = any(fold.x_mm or fold.y_mm for fold in folds)
    sheets = None if press else home_sheets(parts or data, entry, printing, folded)
    if sheets is not None:
        sheet_data, fields = sheets
        entries.append(
            {
                **entry,
                **fields,
                **write_output(out_dir, f"{file_stem(rendered)}.home.pdf", sheet_data),
            }
        )
    if not press and not options.greyscale:
        entries += _form(document, title, rendered, out_dir, common, label)
        # Editable copies hold the words, not the print: one set, from the ordinary build.
        entries += _exports(kit, material, rendered, out_dir, common)
    if rendered.social:
        from handbill.build.social import write_social

        made, notes = write_social(
            kit,
            rendered,
            lambda name, data: write_output(out_dir, name, data),
            common,
            file_stem(rendered),
            deps,
        )
        entries += made
        warnings += notes
    return Output(
        entries,
        [f"{label}: {w}" for w in dict.fromkeys(warnings)],
        key=cache_key(kit, rendered, options),
        deps=deps,
        qr=known_matrices([code.url for code in rendered.qr_codes]),
    )


def _folds_field(folds: list[Any]) -> dict[str, Any]:
    """The manifest's ``folds``: each page's fold positions in mm from the trim, when any
    (a print shop told "no marks" still needs to know where to fold)."""
    if not any(fold.x_mm or fold.y_mm for fold in folds):
        return {}
    return {"folds": [{"x_mm": list(fold.x_mm), "y_mm": list(fold.y_mm)} for fold in folds]}


def _form(
    document: Any,
    title: str,
    rendered: RenderedHTML,
    out_dir: Path,
    common: dict[str, Any],
    label: str,
) -> list[dict[str, Any]]:
    """NAME.form.pdf: the page as printed, with a PDF text field over each blank left to fill
    in, named after its field; none when every field has a value."""
    from handbill.engine.forms import blanks, write_form_pdf

    material = rendered.material
    data = write_form_pdf(document, title, material.language, material.name, label)
    if data is None:
        return []
    spots = blanks(document)
    return [
        {
            **common,
            "kind": "form",
            "form_fields": list(dict.fromkeys(spot.field for spot in spots)),
            "blanks": [vars(spot) for spot in spots],
            **write_output(out_dir, f"{file_stem(rendered)}.form.pdf", data),
        }
    ]


def write_output(out_dir: Path, name: str, data: bytes) -> dict[str, Any]:
    target = located(out_dir, name)
    target.parent.mkdir(exist_ok=True)  # the private folder, for a private material's first
    digest = write_atomic(target, data)
    return {"path": name, "bytes": len(data), "sha256": digest}


def _exports(
    kit: Kit,
    material: Material,
    rendered: RenderedHTML,
    out_dir: Path,
    common: dict[str, Any],
) -> list[dict[str, Any]]:
    if not material.exports:
        return []
    from handbill.render.copies import copy_of
    from handbill.render.docxlook import DocLook
    from handbill.render.exporters import to_docx, to_text

    # A copy gives a QR code's address as the campaign wrote it: not a short or tracked form
    # (a newsroom trusts an address it can read).
    links = kit.config.links
    addresses = [
        links[code.link].url if code.link in links else code.target or code.url
        for code in rendered.qr_codes
    ]
    copy = copy_of(material, rendered.content, kit.config.press, addresses)
    entries = []
    for kind in material.exports:
        if kind == "txt":
            data = to_text(copy.title, copy.blocks).encode()
        else:
            size = float(material.vars.get("export_font_size", 12))
            look = DocLook.of(material.paper, material.language, kit.config.brand)
            data = to_docx(
                copy.title,
                copy.blocks,
                size,
                look,
                kit.config.name,
                export_date(kit, material),
                material.title,
            )
        entries.append(
            {**common, "kind": kind, **write_output(out_dir, f"{file_stem(rendered)}.{kind}", data)}
        )
    return entries


def export_date(kit: Kit, material: Material) -> datetime.datetime:
    """The date an editable copy carries: SOURCE_DATE_EPOCH (the reproducible-builds
    convention) when set, else when the material or handbill.toml last changed, never the
    clock, so that two builds of the same kit write the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        seconds = int(epoch)
    else:
        files = [material.path, kit.root / "handbill.toml"]
        seconds = int(max((p.stat().st_mtime for p in files if p.is_file()), default=0))
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
