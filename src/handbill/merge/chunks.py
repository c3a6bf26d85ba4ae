"""Laying out a run of merge rows in full, over worker processes; one PDF per row if asked."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

from handbill.build.places import PRIVATE
from handbill.build.workers import FEW_COLLECTIONS, die_with
from handbill.build.writers import write_atomic
from handbill.kit.filenames import file_slug
from handbill.kit.loader import Kit
from handbill.kit.material import Material
from handbill.render.letters import letter_div, letter_pages, letter_parts, letters_html
from handbill.render.templating import render_html

CHUNK = 40  # letters per layout pass: enough to share the set-up, small enough to stream
# A job that is no job: ``in_workers`` hands back every result before it reads the next job, so
# that jobs read after it may depend on the results of those before (a merge's bases).
BARRIER = ("barrier",)
JOBS_PER_WORKER = 25  # jobs before the workers are started afresh
DEFAULT_THRESHOLDS = gc.get_threshold()  # the cycle collector's, as Python starts


@dataclass(frozen=True)
class Row:
    """One row of the merge table: its number as a spreadsheet shows it, and its cells."""

    number: int
    cells: dict[str, str]


@dataclass
class Chunk:
    """What a worker made of a run of rows: its PDF file, and each letter's pages and file."""

    path: Path
    pages: int  # in the merged PDF: the pages drawn, and a blank back if one is needed
    letters: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    drawn: int = 0  # pages in the chunk's own PDF
    in_full: int = 0  # letters laid out in full (the others were drawn over a shared layout)
    # Its objects copied from the bases' PDFs, by number: the merged PDF writes each once
    # (pages/concat.py's Part), however many chunks draw that base.
    copies: dict[int, Any] = field(default_factory=dict)


def in_workers(
    function: Any, args: Iterable[tuple[Any, ...]], workers: int, shared: tuple[Any, ...] = ()
) -> Iterator[Any]:
    """``function(*shared, *a)`` for each of ``args``, over worker processes, in order.

    ``shared`` (the kit, the material) goes to each worker once, when it starts, not with every
    job. ``args`` may be a generator (of rows read from the table as they are needed): it is
    read only a few jobs ahead of the results handed back, so memory holds about one job per
    worker whatever the table's length.
    """
    todo = iter(args)
    started = list(islice(todo, 2))
    if workers <= 1 or len(started) <= 1:
        from handbill.engine.fontsets import sharing_fonts

        with sharing_fonts():
            # One job at a time, each result handed back before the next job is read: a
            # barrier has nothing to wait for.
            yield from (function(*shared, *a) for a in chain(started, todo) if a is not BARRIER)
        return
    method = "fork" if threading.active_count() == 1 else "forkserver"
    context = multiprocessing.get_context(method)
    yield from _pooled(function, chain(started, todo), workers, shared, context)


def _pooled(
    function: Any, jobs: Iterator[Any], workers: int, shared: tuple[Any, ...], context: Any
) -> Iterator[Any]:
    """The jobs of ``in_workers`` over pools of ``workers`` processes."""
    # Fresh workers every few dozen jobs: a worker's memory creeps up with the jobs it has
    # done (about 1.5 KB a letter; see docs/performance.md), and a long merge's should not.
    while (first := next(jobs, None)) is not None:
        generation = chain([first], islice(jobs, JOBS_PER_WORKER * workers - 1))
        pending: deque[Future[Any]] = deque()
        with ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(os.getpid(), function, shared),
        ) as pool:
            try:
                for a in generation:
                    if a is BARRIER:
                        while pending:
                            yield pending.popleft().result()
                        continue
                    pending.append(pool.submit(_call, a))
                    # Results are handed back in order while later jobs are laid out; one job
                    # waits for each worker beyond those being laid out.
                    if len(pending) > 2 * workers:
                        yield pending.popleft().result()
                while pending:
                    yield pending.popleft().result()
            finally:
                for future in pending:
                    future.cancel()


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size`` (the last maybe shorter)."""
    todo = iter(items)
    while part := list(islice(todo, size)):
        yield part


def either(kit: Kit, material: Material, function: Any, *args: Any) -> Any:
    """``function(kit, material, *args)``: for jobs of more than one kind in one run of workers."""
    return function(kit, material, *args)


_job: list[Any] = []  # in a worker: the function and the arguments every job shares


def _init_worker(owner: int, function: Any, shared: tuple[Any, ...]) -> None:
    from handbill.engine.fontsets import share_fonts

    die_with(owner)
    # The joining process's thresholds (frozen_heap) are not for workers: see build/runner.py.
    gc.set_threshold(*DEFAULT_THRESHOLDS)
    _job[:] = [function, shared]
    # The chunks a worker lays out share its fonts and parsed stylesheets (see engine/layout.py).
    share_fonts()


def _call(args: tuple[Any, ...]) -> Any:
    function, shared = _job
    done = False
    try:
        # The job's garbage is collected once it is done (``_give_back``): the collector's
        # passes while it runs, over objects that nearly all live to its end, cost a worker
        # about 40 ms of a 1,000-letter merge, for 3-10 MB more at its peak (all processes).
        with paused_collector():
            result = function(*shared, *args)
        done = True
        return result
    finally:
        # A failed job's frames are still held by its error: collected, not frozen.
        _give_back(freeze=done)


@contextmanager
def frozen_heap() -> Iterator[None]:
    """What the process holds as a merge starts (modules, the kit) left out of the cycle
    collector's passes until it ends: it lives as long as the merge anyway. Each worker's first
    collection (``_give_back``) otherwise went over all it was forked with, and the joining
    process's full collections over it again. With fewer collections of the objects joining
    makes (many, with few cycles), about 0.1 s less CPU in a 1,000-letter merge. Undone when
    the last merge of the process ends (merges may overlap in threads), and only what it did:
    objects frozen before it stay frozen."""
    with _FROZEN_LOCK:
        if not _frozen:
            ours = gc.get_freeze_count() == 0
            if ours:
                gc.freeze()
            _frozen.append((gc.get_threshold(), ours))
            gc.set_threshold(*FEW_COLLECTIONS)
        else:
            _frozen.append(_frozen[-1])
    try:
        yield
    finally:
        with _FROZEN_LOCK:
            thresholds, ours = _frozen.pop()
            if not _frozen:
                gc.set_threshold(*thresholds)
                if ours:
                    gc.unfreeze()


_FROZEN_LOCK = threading.Lock()
_frozen: list[tuple[tuple[int, ...], bool]] = []  # one entry a merge running: what to undo


@contextmanager
def paused_collector() -> Iterator[None]:
    """Python's cycle collector paused for the block: laying out and writing a chunk's
    sign-offs makes many objects and few cycles, and the collector's passes over them were a
    tenth of that work. A worker collects after each job (``_give_back``), so its memory stays
    as it was (a 200-row chunk peaked at 91 MB against 90)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _give_back(freeze: bool = True) -> None:
    """Hand the memory a job freed back to the system (glibc keeps it otherwise, and a worker
    laying out thousands of letters would grow with them).

    What is left after a collection is the worker's own (modules, fonts, parsed stylesheets,
    the kit): frozen, so that the next job's collections skip it (they took a tenth of a
    sign-off chunk's time). A worker ends after JOBS_PER_WORKER jobs, taking anything frozen
    that became garbage since with it."""
    gc.collect()
    if freeze:
        gc.freeze()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _libc() -> Any:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (macOS, musl): its allocator is left as it is
        return None


_LIBC = _libc() if sys.platform.startswith("linux") else None


def layout_chunk(
    kit: Kit,
    material: Material,
    rows: list[Row],
    path: Path,
    folder: Path | None,
    overrides: dict[str, str],
) -> Chunk:
    """One layout pass for a run of letters, each starting on a new sheet."""
    from handbill.engine.glyphs import check_glyphs
    from handbill.engine.inspect import letter_starts, page_count
    from handbill.engine.layout import render, write_pdf
    from handbill.render.templating import RenderedHTML

    head, footer, bodies = "", "", []
    for row in rows:
        rendered = render_html(kit, material, row.cells, row.number, overrides, merging=True)
        parts = letter_parts(rendered.html, material)
        head, footer = head or parts[0], footer or parts[1]
        bodies.append(letter_div(row.number, parts[2]))
    html = letters_html(kit, material, head, footer, bodies)
    document, warnings = render(kit, RenderedHTML(material=material, html=html))
    check_glyphs(kit, document, f"{material.name} rows {rows[0].number}-{rows[-1].number}")
    numbers = [row.number for row in rows]
    starts = letter_starts(document, numbers, material.name)
    pages_of = letter_pages(starts, page_count(document), numbers)
    data = write_pdf(document, merge_title(kit, material), material.language)
    path.write_bytes(data)
    letters, notes = [], list(warnings)
    for row in rows:
        first, count = pages_of[row.number][0], len(pages_of[row.number])
        letter: dict[str, Any] = {"row": row.number, "first_page": first + 1, "pages": count}
        printed = count - (1 if material.duplex and count % 2 == 0 else 0)
        if material.pages is not None and printed > material.pages:
            notes.append(
                f"{material.name} row {row.number}: {printed} pages, expected {material.pages}; "
                "shorten the row's text or the letter"
            )
        letters.append(letter)
    if folder is not None:
        _split(data, letters, rows, folder, merge_title(kit, material), material.language)
    # A two-sided chunk ending on a front gets a blank back, so the next chunk's first letter
    # starts on a front too (see _concatenate).
    drawn = page_count(document)
    pages = drawn + (1 if material.duplex and drawn % 2 else 0)
    return Chunk(path, pages, letters, notes, drawn, len(rows))


@dataclass(frozen=True)
class Placed:
    """Where the kit's CSS styles a letter by its place among the letters of a document
    (engine/positions.py), if it does: then each letter is laid out in a document of its own."""

    where: str | None


def place_probe(kit: Kit, material: Material, head: str, footer: str, body: str) -> Placed:
    """The job that finds out, from one row's letter (its head, footer and body)."""
    from handbill.engine.positions import styled_by_place

    alone = letters_html(kit, material, head, footer, [letter_div(1, body)])
    many = letters_html(kit, material, head, footer, [letter_div(n, body) for n in (1, 2, 3)])
    return Placed(styled_by_place(kit, alone, many))


class Placing:
    """The probe's answer, taken from the results as they come back; said with the first
    chunk if each letter is laid out alone."""

    def __init__(self, material: Material) -> None:
        self.material = material
        self.by_place = False
        self.note = ""

    def took(self, result: Any) -> bool:
        """Whether ``result`` was the probe's answer (else it goes on to the caller)."""
        if isinstance(result, Placed):
            self.by_place = result.where is not None
            self.note = "" if result.where is None else by_place_note(self.material, result.where)
            return True
        if isinstance(result, Chunk) and self.note:
            result.warnings.insert(0, self.note)
            self.note = ""
        return False


def by_place_note(material: Material, where: str) -> str:
    """What a merge says when each letter is laid out alone, ``where`` being what differed."""
    return (
        f"{material.name}: the kit's CSS styles a letter by its place among the others ({where} "
        "differs from one letter to the next: a rule with :nth-child, :first-child, + or ~ that "
        "reaches the letter itself); each letter is laid out on its own, as when built alone, "
        "which takes longer. Remove that rule to merge faster"
    )


def refused_note(material: Material, refused: int, groups: int) -> str:
    """What a merge says when some groups of rows could not share a layout."""
    return (
        f"{material.name}: {refused} of {groups} groups of letters laid out in full, which is "
        "slower: the sign-off (name, address) laid out alone did not look as it does in the "
        "letter (a rule with :nth-child, + or ~ that reaches it through the paragraphs before "
        "it, or a sign-off split over two pages). The letters are right"
    )


def split_name(number: int, cells: dict[str, str]) -> str:
    """A safe, unique file name for one row's letter: its row number (unique, and the order of
    the merged PDF), then its name with every letter kept."""
    label = cells.get("name") or cells.get("full_name") or ""
    return f"{number:05d}-{file_slug(label, 40)}.pdf"


def merge_title(kit: Kit, material: Material) -> str:
    """The title of the merged PDF and of each --split letter."""
    return f"{material.title} - {kit.config.name}"


def _split(
    data: bytes,
    letters: list[dict[str, Any]],
    rows: list[Row],
    folder: Path,
    title: str,
    language: str,
) -> None:
    import io

    from handbill.pages.concat import Source, concatenate

    chunk = Source(io.BytesIO(data))  # read once for all its letters
    for letter, row in zip(letters, rows, strict=True):
        first = letter["first_page"] - 1
        out = io.BytesIO()
        # The letter's pages, with their part of the chunk's structure tree.
        pages = range(first, first + letter["pages"])
        concatenate([chunk], out, title, language, pages)
        letter.update(write_split(out.getvalue(), folder, row, title, language))


def write_split(pdf: Any, folder: Path, row: Row, title: str, language: str) -> dict[str, Any]:
    """Write one row's letter (PDF bytes, or a pypdf writer of untagged pages) into the --split
    folder, tagged, titled and in its language, as the merged PDF; its manifest fields."""
    import io

    from handbill.pages.structure import tag_untagged

    if not isinstance(pdf, bytes):
        tag_untagged(pdf, title, language)
        out = io.BytesIO()
        pdf.write(out)
        pdf = out.getvalue()
    name = split_name(row.number, row.cells)
    # The recorded path, in the private folder: private/NAME.merge/FILE.
    digest = write_atomic(folder / name, pdf)
    return {"path": f"{PRIVATE}/{folder.name}/{name}", "sha256": digest}
