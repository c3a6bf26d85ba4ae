"""The build: select materials, render each (HTML, layout, PDF), write them, keep a manifest."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from handbill.cache import KIT_PARTS, BuildCache, Cached, input_key, request_key, save_snapshot
from handbill.errors import HandbillError, KitError, did_you_mean
from handbill.kit import Kit, rows_of, stock_dir
from handbill.qr import known_matrices, remember_matrices
from handbill.readers import Material
from handbill.templating import RenderedHTML, output_stem, render_html
from handbill.writers import MANIFEST_NAME, ensure_writable, write_atomic, write_manifest

# The layout stages (WeasyPrint, fontTools, pypdf) are imported where they are used, so that
# a rebuild with nothing to do never pays for importing them.

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Options:
    """How to print: ``home`` (finished pages, plus A4 sheets for other sizes) or ``press``."""

    mode: str = "home"
    marks: bool | None = None  # crop marks in press mode; None: as handbill.toml [print] says
    greyscale: bool = False  # black on white for mono printers: NAME.grey.pdf
    keep_html: bool = False  # also write each output's final HTML beside its PDF


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


@dataclass
class BuildReport:
    """What a build did, for the summary line and the exit status."""

    out_dir: Path
    outputs: list[Output]
    failures: list[str]
    seconds: float
    warnings: list[str] = field(default_factory=list)

    @property
    def entries(self) -> list[dict[str, Any]]:
        return [entry for output in self.outputs for entry in output.entries]

    @property
    def pdfs(self) -> list[dict[str, Any]]:
        return [entry for entry in self.entries if entry["kind"] == "pdf"]

    @property
    def sheets(self) -> list[dict[str, Any]]:
        """The A4 sheets made for home printers (n-up or tiled) beside the PDFs."""
        return [entry for entry in self.pdfs if entry.get("imposition")]

    @property
    def pages(self) -> int:
        return sum(int(entry["pages"]) for entry in self.pdfs if not entry.get("imposition"))

    @property
    def summary(self) -> str:
        count, pages = len(self.pdfs) - len(self.sheets), self.pages
        text = (
            f"Built {count} PDF{'' if count == 1 else 's'}, {pages} page{'' if pages == 1 else 's'}"
        )
        others = sum(entry["kind"] in ("docx", "txt") for entry in self.entries)
        if others:
            text += f" and {others} editable cop{'y' if others == 1 else 'ies'}"
        text += f" in {self.seconds:.1f} s"
        if self.sheets:
            text += f"; {len(self.sheets)} also as A4 sheets for home printers"
        reused = sum(output.cached for output in self.outputs)
        if reused:
            text += f"; {reused} of {len(self.outputs)} up to date, not rebuilt"
        if self.failures:
            text += f"; {len(self.failures)} failed"
        return text


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
        made: dict[str, int] = {}
        for number, row in enumerate(rows_of(kit, material), start=1):
            if group is not None and row.get("id") != group:
                continue
            stem = output_stem(material, row, number)
            if stem in made:
                raise KitError(
                    f"rows {made[stem]} and {number} of data/{material.per}.csv would both be "
                    f"written to {stem}.pdf; add a column to 'output:' (or use {{n}}) so that "
                    "each row gets its own file name",
                    material.path,
                )
            made[stem] = number
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
    rendered = render_html(kit, material, row, job.row, overrides)
    if options.mode == "press" or options.greyscale:
        from handbill.printing import with_bleed, with_greyscale

        if options.mode == "press":
            rendered.html = with_bleed(rendered.html, kit.config.printing.bleed_mm)
        if options.greyscale:
            rendered.html = with_greyscale(rendered.html)
            rendered.stem += ".grey"
    return rendered


def pdf_name(rendered: RenderedHTML, options: Options) -> str:
    """The main output's file name, which also names the job in the build cache."""
    return f"{rendered.stem}{'.press' if options.mode == 'press' else ''}.pdf"


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
    from handbill.glyphs import check_glyphs
    from handbill.pdf import PDF_VARIANT, qr_placements, render, write_pdf
    from handbill.printing import home_sheets, press_pdf
    from handbill.qr import known_matrices

    options = options or Options()
    printing = kit.config.printing
    material = kit.materials[job.material]
    rendered = rendered or prepare(kit, job, overrides, options)
    press = options.mode == "press"
    deps: dict[str, str] = {}
    document, warnings = render(kit, rendered, deps)
    label = material.name + (f" row {job.row}" if job.row else "")
    check_glyphs(kit, document, label)
    pages = len(document.pages)
    if material.pages is not None and pages != material.pages:
        warnings.append(
            f"{pages} page{'s' if pages != 1 else ''}, expected {material.pages}: "
            + ("shorten the text" if pages > material.pages else "add content")
            + f" or change 'pages:' in {material.path.name}"
        )
    placed = qr_placements(document)
    codes = {code.link: code for code in rendered.qr_codes}
    title = f"{material.title} - {kit.config.name}"
    data = write_pdf(document, title, material.language, label)
    if press:
        marks = printing.crop_marks if options.marks is None else options.marks
        data = press_pdf(data, printing, marks)
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
        **({"bleed_mm": printing.bleed_mm, "crop_marks": marks} if press else {}),
        **_write(out_dir, pdf_name(rendered, options), data),
        "qr_codes": [
            {
                "link": spot.link,
                "url": codes[spot.link].url,
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
    sheets = None if press else home_sheets(data, entry, printing)
    if sheets is not None:
        sheet_data, fields = sheets
        entries.append(
            {**entry, **fields, **_write(out_dir, f"{rendered.stem}.home.pdf", sheet_data)}
        )
    entries += _exports(material, rendered, out_dir, common)
    return Output(
        entries,
        [f"{label}: {w}" for w in dict.fromkeys(warnings)],
        key=cache_key(kit, rendered, options),
        deps=deps,
        qr=known_matrices([code.url for code in rendered.qr_codes]),
    )


def _write(out_dir: Path, name: str, data: bytes) -> dict[str, Any]:
    digest = write_atomic(out_dir / name, data)
    return {"path": name, "bytes": len(data), "sha256": digest}


def _exports(
    material: Material, rendered: RenderedHTML, out_dir: Path, common: dict[str, Any]
) -> list[dict[str, Any]]:
    if not material.exports:
        return []
    from handbill.exporters import blocks_of, to_docx, to_text

    blocks = blocks_of(rendered.content)
    entries = []
    for kind in material.exports:
        if kind == "txt":
            data = to_text(material.title, material.subtitle, blocks).encode("utf-8")
        else:
            size = float(material.vars.get("export_font_size", 12))
            data = to_docx(material.title, material.subtitle, blocks, size)
        entries.append({**common, "kind": kind, **_write(out_dir, f"{rendered.stem}.{kind}", data)})
    return entries


_WORKER: tuple[Kit, dict[str, str], Options] | None = None


def _init_worker(kit: Kit, overrides: dict[str, str], options: Options) -> None:
    global _WORKER
    _WORKER = (kit, overrides, options)
    from handbill.pdf import sharing_fonts

    # The pool lives for one build, so the worker's shared fonts do too.
    sharing_fonts().__enter__()


def _build_in_worker(job: Job, out_dir: Path, rendered: RenderedHTML | None) -> Output | str:
    assert _WORKER is not None
    return _build_or_message(_WORKER[0], job, out_dir, _WORKER[1], _WORKER[2], rendered)


def _build_or_message(
    kit: Kit,
    job: Job,
    out_dir: Path,
    overrides: dict[str, str],
    options: Options,
    rendered: RenderedHTML | None,
) -> Output | str:
    # Errors travel back from worker processes as their one-line message.
    try:
        return build_job(kit, job, out_dir, overrides, options, rendered)
    except HandbillError as exc:
        return exc.format_message()


def build(
    kit: Kit,
    names: tuple[str, ...] | list[str] = (),
    out_dir: Path | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    overrides: dict[str, str] | None = None,
    options: Options | None = None,
    use_cache: bool = True,
    language: str | None = None,
    group: str | None = None,
) -> BuildReport:
    """Build the named materials (all when none are named) into ``out_dir`` (default KIT/dist).

    ``overrides`` are fill-in field values that take precedence over the kit's (``--set``);
    ``options`` choose the print mode. Outputs whose inputs have not changed since the last
    build into ``out_dir`` are kept as they are, unless ``use_cache`` is false. ``language``
    and ``group`` narrow the build to one language's versions and one local group's copies.
    """
    options = options or Options()
    started = time.perf_counter()
    todo = jobs_for(kit, kit.select(names, language), group)
    overrides = dict(overrides or {})
    out_dir = (out_dir or kit.root / "dist").resolve()
    ensure_writable(out_dir)
    cache = BuildCache(out_dir, enabled=use_cache)
    remember_matrices(cache.qr)
    roots = [kit.root / part for part in KIT_PARTS]
    roots += [stock_dir() / "templates", stock_dir() / "assets"]
    request = request_key(kit.root, names, language, group, option_values(options), overrides)
    results: list[Output | str] = []
    pending: dict[Job, RenderedHTML | None] = {}  # jobs to lay out, with their HTML if made
    html_files: dict[Job, dict[str, Any]] = {}
    # With nothing cached (a first build, or --no-cache) there is nothing to compare, and the
    # workers make the HTML themselves, in parallel.
    compare = bool(cache.entries) or options.keep_html
    for job in todo if compare else ():
        # The HTML is quick to make; only when it, the options or a file the last layout
        # read has changed is the job laid out again.
        try:
            rendered = prepare(kit, job, overrides, options)
        except HandbillError as exc:
            results.append(exc.format_message())
            continue
        slot = pdf_name(rendered, options)
        if options.keep_html:
            html_files[job] = _keep_html(kit, job, rendered, out_dir, slot)
        hit = cache.lookup(slot, cache_key(kit, rendered, options))
        if hit is None:
            pending[job] = rendered
            continue
        output = Output(hit.entries, hit.warnings, hit.key, hit.deps, cached=True)
        results.append(_with_html(output, html_files.get(job)))
        if progress:
            progress(job.material)
    if not compare:
        pending = dict.fromkeys(todo)
    for job, result in _run(
        kit, list(pending.items()), out_dir, jobs, progress, overrides, options
    ):
        if isinstance(result, Output):
            cached = Cached(result.key, result.deps, result.entries, result.warnings)
            cache.store(result.entries[0]["path"], cached)
            result = _with_html(result, html_files.get(job))
        else:
            made = pending[job]
            if made is not None:
                cache.store(pdf_name(made, options), None)  # forget the old result
        results.append(result)
    outputs = sorted(
        (r for r in results if isinstance(r, Output)), key=lambda o: o.entries[0]["path"]
    )
    failures = [r for r in results if isinstance(r, str)]
    urls = [
        code["url"]
        for entry in (e for o in outputs for e in o.entries)
        for code in entry.get("qr_codes", ())
    ]
    cache.qr = {**known_matrices(urls), **{u: b for o in outputs for u, b in o.qr.items()}}
    report = BuildReport(out_dir, outputs, failures, 0.0, warnings=_kit_warnings(kit, todo))
    if outputs:
        write_manifest(out_dir, kit.config.name, report.entries)
    cache.save()
    if outputs and not failures:
        _snapshot(report, out_dir, request, roots)
    report.seconds = time.perf_counter() - started
    return report


def option_values(options: Options) -> tuple[object, ...]:
    """The options as plain values, as the command line's quick up-to-date check sees them."""
    return (options.mode, options.marks, options.greyscale, options.keep_html)


def _snapshot(report: BuildReport, out_dir: Path, request: str, roots: list[Path]) -> None:
    again = replace(report, outputs=[replace(o, cached=True) for o in report.outputs])
    summary = again.summary.replace(" in 0.0 s", " in {seconds} s", 1)
    warnings = [*report.warnings, *(w for output in report.outputs for w in output.warnings)]
    deps = [path for output in report.outputs for path in output.deps]
    paths = [str(entry["path"]) for entry in report.entries] + [MANIFEST_NAME]
    save_snapshot(out_dir, request, roots, deps, summary, warnings, paths)


def _keep_html(
    kit: Kit, job: Job, rendered: RenderedHTML, out_dir: Path, slot: str
) -> dict[str, Any]:
    """Write the final HTML beside the PDF: plain WeasyPrint renders it with the kit as base URL."""
    entry: dict[str, Any] = {"material": job.material, "kind": "html"}
    if job.row:
        entry["row"] = job.row
    return {**entry, **_write(out_dir, slot.removesuffix(".pdf") + ".html", rendered.html.encode())}


def _with_html(output: Output, html: dict[str, Any] | None) -> Output:
    return replace(output, entries=[*output.entries, html]) if html else output


def _run(
    kit: Kit,
    todo: list[tuple[Job, RenderedHTML | None]],
    out_dir: Path,
    jobs: int | None,
    progress: Progress | None,
    overrides: dict[str, str],
    options: Options,
) -> Iterator[tuple[Job, Output | str]]:
    """Build each job, in worker processes when there is more than one to do."""
    workers = min(jobs or os.cpu_count() or 1, len(todo))
    if workers <= 1:
        from handbill.pdf import sharing_fonts

        with sharing_fonts():
            for job, rendered in todo:
                yield job, _build_or_message(kit, job, out_dir, overrides, options, rendered)
                if progress:
                    progress(job.material)
        return
    # Forking a process that runs other threads (handbill serve, a test's browser) can
    # copy a held lock and hang the child; a fork server starts workers from a clean process.
    method = "fork" if threading.active_count() == 1 else "forkserver"
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(kit, overrides, options),
    )
    try:
        futures = {
            pool.submit(_build_in_worker, job, out_dir, rendered): job for job, rendered in todo
        }
        for future in as_completed(futures):
            yield futures[future], future.result()
            if progress:
                progress(futures[future].material)
    finally:
        # On Ctrl-C or SIGTERM, start nothing new; jobs already running finish their
        # (atomic) writes or are interrupted inside them, which removes their temporaries.
        pool.shutdown(wait=True, cancel_futures=True)


def _kit_warnings(kit: Kit, todo: list[Job]) -> list[str]:
    imprint = kit.config.imprint
    published = any(kit.materials[job.material].published for job in todo)
    if imprint.complete or not published:
        return []
    return [
        f"the imprint is incomplete (missing {', '.join(imprint.missing)} in [imprint] of "
        "handbill.toml), so published materials are marked PROOF - NOT FOR PRINT"
    ]
