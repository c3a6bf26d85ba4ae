"""The build: select materials, render each (HTML, layout, PDF), write them, keep a manifest."""

from __future__ import annotations

import datetime
import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from handbill.build.cache import (
    BuildCache,
    Cached,
    changes_since,
    request_key,
    save_snapshot,
    snapshot_roots,
)
from handbill.build.calendars import earlier_calendars, update_calendars
from handbill.build.current import (
    check_unique_outputs,
    clear_old_private,
    current_outputs,
    remove_unmade_forms,
)
from handbill.build.jobs import (
    Job,
    Options,
    Output,
    build_job,
    cache_key,
    jobs_for,
    pdf_name,
    prepare,
    write_output,
)
from handbill.build.places import PRIVATE
from handbill.build.workers import FEW_COLLECTIONS, die_with
from handbill.build.writers import (
    MANIFEST_NAME,
    Recorded,
    ensure_private,
    ensure_writable,
    output_folder,
    write_manifest,
)
from handbill.errors import HandbillError, internal_failure
from handbill.guard import OUTPUT_MEMORY, OUTPUT_SECONDS, bounded
from handbill.kit.loader import Kit, buildable
from handbill.kit.timezones import summer_time_warning
from handbill.render.qr import known_matrices, remember_matrices
from handbill.render.templating import RenderedHTML

# The layout stages (WeasyPrint, fontTools, pypdf) are imported where they are used, so that
# a rebuild with nothing to do never pays for importing them.

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    """What a build did, for the summary line and the exit status."""

    out_dir: Path
    outputs: list[Output]
    failures: list[str]
    seconds: float
    warnings: list[str] = field(default_factory=list)
    recorded: Recorded = field(default_factory=Recorded)  # outputs of materials now gone

    @property
    def entries(self) -> list[dict[str, Any]]:
        return [entry for output in self.outputs for entry in output.entries]

    @property
    def private(self) -> bool:
        """Whether any output went to the private folder beside the output folder."""
        return any(str(entry["path"]).startswith(f"{PRIVATE}/") for entry in self.entries)

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
        images = sum(entry["kind"] == "png" for entry in self.entries)
        extras = [f"{others} editable cop{'y' if others == 1 else 'ies'}"] if others else []
        extras += [f"{images} social image{'' if images == 1 else 's'}"] if images else []
        if extras:
            text += (", " if len(extras) > 1 else " and ") + " and ".join(extras)
        text += f" in {self.seconds:.1f} s"
        if self.sheets:
            text += f"; {len(self.sheets)} also as A4 sheets for home printers"
        forms = sum(entry["kind"] == "form" for entry in self.entries)
        if forms:
            text += f"; {forms} also as {'a form' if forms == 1 else 'forms'} to fill in on screen"
        reused = sum(output.cached for output in self.outputs)
        if reused:
            text += f"; {reused} of {len(self.outputs)} up to date, not rebuilt"
        if self.failures:
            text += f"; {len(self.failures)} failed"
        return text


_WORKER: tuple[Kit, dict[str, str], Options] | None = None


def _init_worker(kit: Kit, overrides: dict[str, str], options: Options, owner: int) -> None:
    global _WORKER
    die_with(owner)
    _WORKER = (kit, overrides, options)
    from handbill.engine.fontsets import share_fonts

    # The pool lives for one build, so the worker's shared fonts do too.
    share_fonts()
    # Layout makes many objects but few reference cycles. With the default thresholds the
    # collector ran about 900 times in a one-process build of the example kit, for 7 % of its
    # time; with these, about 200 times, for 3 %, at some 15 MB more memory. (Merge workers keep
    # the defaults: there the extra memory would take a 10,000-letter merge past 400 MB.)
    gc.set_threshold(*FEW_COLLECTIONS)


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
    label = job.material + (f" row {job.row}" if job.row else "")
    advice = "look for very long content, a huge table or image, or a template loop"
    try:
        with bounded(label, "output", OUTPUT_SECONDS, OUTPUT_MEMORY, advice):
            return build_job(kit, job, out_dir, overrides, options, rendered)
    except HandbillError as exc:
        return exc.format_message()
    except Exception as exc:  # a bug, not the kit's fault: one line, and exit status 2
        return internal_failure(label, exc)


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
    keep_stale: bool = False,
) -> BuildReport:
    """Build the named materials (all when none are named) into ``out_dir`` (default KIT/dist).

    ``overrides`` are fill-in field values that take precedence over the kit's (``--set``);
    ``options`` choose the print mode. Outputs whose inputs have not changed since the last
    build into ``out_dir`` are kept as they are, unless ``use_cache`` is false. ``language``
    and ``group`` narrow the build to one language's versions and one local group's copies.
    The manifest then describes what the whole kit makes now: outputs of materials or rows no
    longer in it are deleted, or with ``keep_stale`` left in place but out of the manifest.
    """
    options = options or Options()
    started = time.perf_counter()
    materials, blocked, table_warnings = buildable(kit, kit.select(names, language), not names)
    todo = jobs_for(kit, materials, group)
    check_unique_outputs(kit)
    overrides = dict(overrides or {})
    out_dir = output_folder(kit.root, out_dir)
    ensure_writable(out_dir)
    if any(material.private for material in materials):
        ensure_private(out_dir)
    cache = BuildCache(out_dir, kit.root, enabled=use_cache, roots=kit.roots)
    remember_matrices(cache.qr)
    roots = snapshot_roots(kit.root)
    request = request_key(kit.root, names, language, group, option_values(options), overrides)
    results: list[Output | str] = []
    pending: dict[Job, RenderedHTML | None] = {}  # jobs to lay out, with their HTML if made
    html_files: dict[Job, dict[str, Any]] = {}
    made: dict[Job, str] = {}  # each job's main output, for the snapshot
    untouched = {} if options.keep_html or not cache.entries else _untouched(kit, out_dir, request)
    # With nothing cached (a first build, or --no-cache) there is nothing to compare, and the
    # workers make the HTML themselves, in parallel.
    compare = bool(cache.entries) or options.keep_html
    for job in todo if compare else ():
        hit = cache.entries.get(untouched.get(job, ""))
        if hit is not None:
            # Nothing this job's HTML is made from has changed since the last build.
            made[job] = untouched[job]
            results.append(Output(hit.entries, hit.warnings, hit.key, hit.deps, cached=True))
            if progress:
                progress(job.material)
            continue
        # The HTML is quick to make; only when it, the options or a file the last layout
        # read has changed is the job laid out again.
        try:
            rendered = prepare(kit, job, overrides, options)
        except HandbillError as exc:
            results.append(exc.format_message())
            continue
        except Exception as exc:  # a bug, not the kit's fault: one line, and exit status 2
            results.append(internal_failure(job.material, exc))
            continue
        slot = pdf_name(rendered, options)
        if options.keep_html:
            html_files[job] = _keep_html(kit, job, rendered, out_dir, slot)
        hit = cache.lookup(slot, cache_key(kit, rendered, options))
        if hit is None:
            pending[job] = rendered
            continue
        made[job] = slot
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
            made[job] = result.entries[0]["path"]
            cached = Cached(result.key, result.deps, result.entries, result.warnings)
            cache.store(made[job], cached)
            result = _with_html(result, html_files.get(job))
        else:
            failed = pending[job]
            if failed is not None:
                cache.store(pdf_name(failed, options), None)  # forget the old result
        results.append(result)
    outputs = sorted(
        (r for r in results if isinstance(r, Output)), key=lambda o: o.entries[0]["path"]
    )
    failures = [*blocked, *(r for r in results if isinstance(r, str))]
    urls = [
        code["url"]
        for entry in (e for o in outputs for e in o.entries)
        for code in entry.get("qr_codes", ())
    ]
    cache.qr = {**known_matrices(urls), **{u: b for o in outputs for u, b in o.qr.items()}}
    warnings = _kit_warnings(kit, todo) + table_warnings
    report = BuildReport(out_dir, outputs, failures, 0.0, warnings=warnings)
    remove_unmade_forms(out_dir, [o.entries for o in outputs if not o.cached])
    try:
        calendars, unread = update_calendars(kit, out_dir, bool(names), materials, keep_stale)
        report.warnings += unread
    except HandbillError as exc:  # a full disk: the last build's calendars stay recorded
        failures.append(exc.format_message())
        calendars = earlier_calendars(out_dir)
    try:
        report.recorded = write_manifest(
            out_dir, kit.config.name, report.entries, current_outputs(kit), keep_stale, calendars
        )
        report.recorded.old_private = clear_old_private(out_dir)
        cache.save()
        if outputs and not failures:
            slots = {_job_id(job): pdf for job, pdf in made.items()}
            _snapshot(kit, report, out_dir, request, roots, slots)
    except HandbillError as exc:
        # A full disk: the outputs that could not be written are failures already, and this
        # one is reported with them, so that the summary still says what was built.
        failures.append(exc.format_message())
    report.seconds = time.perf_counter() - started
    return report


def option_values(options: Options) -> tuple[object, ...]:
    """The options as plain values, as the command line's quick up-to-date check sees them."""
    return (options.mode, options.marks, options.greyscale, options.keep_html, options.pdf_x)


def _job_id(job: Job) -> str:
    return f"{job.material}#{job.row}"


def _untouched(kit: Kit, out_dir: Path, request: str) -> dict[Job, str]:
    """The jobs whose HTML cannot have changed since the last build of ``request``, each with
    its main output then: when only material files changed, the other materials' jobs.

    Templates, data, assets and handbill.toml reach every output, so a change to any of them
    (or an output touched since) leaves nothing untouched and every job's HTML is compared.
    """
    found = changes_since(out_dir, request, kit.root)
    materials = os.path.join(kit.root, "materials", "")
    if found is None or not all(path.startswith(materials) for path in found[0]):
        return {}
    changed, slots = found
    untouched = {}
    for job_id, slot in slots.items():
        name, row = job_id.rsplit("#", 1)
        material = kit.materials.get(name)
        if material is None:
            continue
        sources = {str(material.path)}
        if material.translation_of:
            sources.add(str(kit.materials[material.translation_of].path))
        if not sources & changed:
            untouched[Job(name, int(row))] = slot
    return untouched


def _snapshot(
    kit: Kit,
    report: BuildReport,
    out_dir: Path,
    request: str,
    roots: list[Path],
    slots: dict[str, str],
) -> None:
    again = replace(report, outputs=[replace(o, cached=True) for o in report.outputs])
    summary = again.summary.replace(" in 0.0 s", " in {seconds} s", 1)
    warnings = [*report.warnings, *(w for output in report.outputs for w in output.warnings)]
    deps = [path for output in report.outputs for path in output.deps]
    paths = [str(entry["path"]) for entry in report.entries] + [MANIFEST_NAME]
    save_snapshot(kit.root, out_dir, request, roots, deps, summary, warnings, paths, slots)


def _keep_html(
    kit: Kit, job: Job, rendered: RenderedHTML, out_dir: Path, slot: str
) -> dict[str, Any]:
    """Write the final HTML beside the PDF: plain WeasyPrint renders it with the kit as base URL."""
    entry: dict[str, Any] = {"material": job.material, "kind": "html"}
    if job.row:
        entry["row"] = job.row
    return {
        **entry,
        **write_output(out_dir, slot.removesuffix(".pdf") + ".html", rendered.html.encode()),
    }


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
        from handbill.engine.fontsets import sharing_fonts

        with sharing_fonts():
            for job, rendered in todo:
                yield job, _build_or_message(kit, job, out_dir, overrides, options, rendered)
                if progress:
                    progress(job.material)
        return
    # Forking a process that runs other threads (handbill serve, a test's browser) can
    # copy a held lock and hang the child; a fork server starts workers from a clean process.
    method = "fork" if threading.active_count() == 1 else "forkserver"
    if method == "fork":
        _import_for_workers()
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(kit, overrides, options, os.getpid()),
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


def _import_for_workers() -> None:
    """Import what every job needs (WeasyPrint, pypdf) once, before the workers are forked:
    each finds it imported instead of importing it itself, a quarter of a second of CPU each.
    Only when there is work for a pool: a build with nothing to do never imports them."""
    import handbill.engine.fitting
    import handbill.engine.glyphs
    import handbill.engine.layout
    import handbill.pages.printing  # noqa: F401


def _kit_warnings(kit: Kit, todo: list[Job]) -> list[str]:
    clock = summer_time_warning(kit.config.timezone, datetime.date.today().year)
    warnings = [clock] if clock else []
    imprint = kit.config.imprint
    published = any(kit.materials[job.material].published for job in todo)
    if imprint.complete or not published:
        return warnings
    return [
        *warnings,
        f"the imprint is incomplete (missing {', '.join(imprint.missing)} in [imprint] of "
        "handbill.toml), so published materials are marked PROOF - NOT FOR PRINT",
    ]
