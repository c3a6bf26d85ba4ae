"""The shared-layout mail merge: each base letter laid out once, each row's sign-off laid over it.

See engine/overlay.py for the plan. Here the work is done, in two passes over worker processes:
``lay_out_bases`` lays out the first row of each group of rows that share a base (the full
letter, drawn without its last blocks) and checks the last blocks laid out on their own against
it; ``compose_chunk`` lays out a run of rows' last blocks, one page each, and draws each over
its base's last page. Rows the plan cannot take are laid out in full, as merge.py does.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from handbill.engine.bases import TOLERANCE, base_of, lines_on, one_page_each, without_margin_boxes
from handbill.engine.overlay import OVERLAY_STYLE, Plan
from handbill.kit.loader import Kit
from handbill.kit.material import Material
from handbill.render.letters import letter_div, letter_pages, letters_html

PT_PER_PX = 0.75
SHARED_CHUNK = 200  # rows per overlay document: their pages are small, and share their bases


@dataclass(frozen=True)
class Base:
    """One group's shared letter: its pages in a PDF, and where its last blocks go."""

    pdf: Path
    pages: tuple[int, ...]  # page indices in ``pdf``; the last holds the last blocks
    top: float  # the first line of the last blocks, CSS px from the page's top
    limit: float  # the bottom of the page's content area, CSS px


def shared_plan(kit: Kit, material: Material, first: Any, overrides: dict[str, str]) -> Any:
    """The plan for laying out the letter once per group of rows (engine/overlay.py), or None;
    ``first`` is the table's first good row (a merge Row): its columns are the table's."""
    from handbill.engine.overlay import plan, tokenised
    from handbill.engine.versions import speedups_on

    if not speedups_on():
        return None  # shared layouts reach into WeasyPrint's layout: tested versions only
    from handbill.merge.groups import grouping_of
    from handbill.render.letters import letter_parts
    from handbill.render.templating import render_html

    reads: set[str] = set()  # every cell the letter looks up, in either rendering
    made = render_html(
        kit, material, tokenised(first.cells), first.number, overrides, merging=True, reads=reads
    )
    again = render_html(
        kit,
        material,
        tokenised(first.cells, 2),
        first.number + 1,
        overrides,
        merging=True,
        reads=reads,
    )
    head, footer, body = letter_parts(made.html, material)
    other_head, other_footer, other = letter_parts(again.html, material)
    if (other_head, other_footer) != (head, footer):
        return None  # the page's head or footer changes with the row
    found = plan(head, footer, body, other, first.cells)
    if found is None:
        return None
    # Only the cells the letter reads decide its shared part: others (an email address, a
    # phone number) never split the rows into more groups.
    return replace(found, grouping=grouping_of(found, reads, list(first.cells)))


def shared_chunks(
    kit: Kit,
    material: Material,
    plan: Plan,
    scan: Any,
    work: Path,
    folder: Path | None,
    overrides: dict[str, str],
    workers: int,
) -> Iterator[Any]:
    """The merge's chunks made with shared layouts, in order (see the module docstring);
    ``scan`` is the table's first pass (merge/rows.py), its rows read again as needed."""
    from handbill.merge.chunks import (
        BARRIER,
        CHUNK,
        Chunk,
        Placing,
        batched,
        either,
        in_workers,
        layout_chunk,
        place_probe,
        refused_note,
    )
    from handbill.merge.groups import MIN_GROUP, group_key, grouped

    bases: dict[bytes, Base] = {}
    wanted: dict[int, bytes] = {}  # each group's first row number -> the group's key
    unkeyed: set[str] = set()
    placing = Placing(material)
    refused: list[int] = []  # how many groups' bases failed their check, once all are in

    def jobs() -> Iterator[Any]:
        """The bases' jobs, then (once their results are in) the letters', in one run of
        workers: starting workers again for the letters cost each its start and its first
        document's stylesheets and fonts."""
        nonlocal plan
        # Whether letters are styled by their place (merge/chunks.py), found beside the bases.
        yield place_probe, plan.head, plan.footer, plan.fill(plan.full, scan.first.cells)
        while True:
            # Rows with the same cells but the per-letter ones share a base, laid out once.
            groups = grouped(plan, scan.rows())
            wanted.clear()
            wanted.update((g.first, key) for key, g in groups.items() if g.count >= MIN_GROUP)
            del groups
            size = min(CHUNK, max(1, -(-len(wanted) // workers)))
            firsts = (row for row in scan.rows() if row.number in wanted)
            for n, part in enumerate(batched(firsts, size)):
                yield lay_out_bases, plan, part, work / f"base-{n:05d}.pdf", overrides
            yield BARRIER  # every base's result is taken in (below) before going on
            if not unkeyed:
                break
            # A group's first row read a cell outside the key (under a condition): group
            # again, with it.
            columns = list(scan.first.cells)
            keyed = set(plan.grouping or ()) | unkeyed
            plan = replace(plan, grouping=tuple(c for c in columns if c in keyed))
            bases.clear()
            unkeyed.clear()
        if placing.by_place:  # no shared layouts: each letter in a document of its own
            for n, run in enumerate(batched(scan.rows(), 1)):
                yield layout_chunk, run, work / f"{n:05d}.pdf", folder, overrides
            return
        number = 0
        for part in batched(scan.rows(), chunk_size(scan.good, workers)):
            own = {row.number: bases.get(group_key(plan, row.cells)) for row in part}
            own_bases = {n: base for n, base in own.items() if base is not None}
            if own_bases:
                path = work / f"{number:05d}.pdf"
                yield compose_chunk, plan, part, own_bases, path, folder, overrides
                number += 1
                continue
            # No row here shares a base: laid out in full, as many letters to a document as
            # the full layouts take.
            for run in batched(part, CHUNK):
                yield layout_chunk, run, work / f"{number:05d}.pdf", folder, overrides
                number += 1

    for result in in_workers(either, jobs(), workers, (kit, material)):
        if placing.took(result):
            continue
        if isinstance(result, Chunk):
            if refused and not placing.by_place:  # said once, with the first letters
                result.warnings.insert(0, refused_note(material, refused.pop(), len(wanted)))
            yield result
            continue
        found, more = result  # a run of bases
        unkeyed.update(more)
        bases.update((wanted[number], base) for number, base in found if base is not None)
        refused[:] = [len(wanted) - len(bases)] if len(bases) < len(wanted) else []


def chunk_size(rows: int, workers: int) -> int:
    """Rows per chunk: at most SHARED_CHUNK, and as many chunks as make every worker's share
    equal (1,000 rows over two workers: six of 167, not five of 200)."""
    rounds = -(-rows // (workers * SHARED_CHUNK))
    return max(1, -(-rows // (workers * rounds)))


def _overlay_document(
    kit: Kit, material: Material, plan: Plan, rows: list[Any]
) -> tuple[Any, dict[int, list[int]]]:
    """The rows' last blocks laid out, each on its own page(s): the document and each row's
    page indices."""
    from handbill.engine.layout import render
    from handbill.engine.rowtree import rows_tree
    from handbill.render.templating import RenderedHTML

    # The row's HTML is parsed once, each row a copy with its values (engine/rowtree.py).
    empty = letters_html(kit, material, plan.head, plan.footer, [], OVERLAY_STYLE)
    row_html = letter_div(0, plan.overlay)
    tree = rows_tree(empty, row_html, [(row.number, plan.values(row.cells)) for row in rows])
    page = ""
    if tree is None:
        bodies = [letter_div(row.number, plan.fill(plan.overlay, row.cells)) for row in rows]
        page = letters_html(kit, material, plan.head, plan.footer, bodies, OVERLAY_STYLE)
    with without_margin_boxes():
        # Every row's lines are its own: remembering them cost 4-5 % more layout time.
        document, _ = render(
            kit, RenderedHTML(material=material, html=page), tree=tree, remember=False
        )
    return one_page_each(document)


def lay_out_bases(
    kit: Kit,
    material: Material,
    plan: Plan,
    rows: list[Any],
    path: Path,
    overrides: dict[str, str],
) -> tuple[list[tuple[int, Base | None]], set[str]]:
    """Each row's letter laid out in full and written to ``path`` without its last blocks: the
    base of every row that shares the row's key (None where the plan does not hold), by row
    number; and the cells that a row reads but its key leaves out (then nothing is laid out:
    the rows must be grouped again, see merge/groups.py)."""
    from handbill.engine.glyphs import check_glyphs
    from handbill.engine.inspect import letter_starts, page_count
    from handbill.engine.layout import render, write_pdf
    from handbill.engine.rowtree import rows_tree
    from handbill.merge.groups import unkeyed_reads
    from handbill.render.templating import RenderedHTML

    unkeyed = {c for row in rows for c in unkeyed_reads(kit, material, plan, row, overrides)}
    if unkeyed:
        return [], unkeyed
    # Each letter's HTML parsed once for all of them, as the sign-offs' (engine/rowtree.py).
    empty = letters_html(kit, material, plan.head, plan.footer, [])
    values = [(row.number, plan.values(row.cells)) for row in rows]
    tree = rows_tree(empty, letter_div(0, plan.full), values)
    html = "" if tree is not None else letters_html(
        kit, material, plan.head, plan.footer,
        [letter_div(row.number, plan.fill(plan.full, row.cells)) for row in rows],
    )  # fmt: skip
    document, _ = render(kit, RenderedHTML(material=material, html=html), tree=tree)
    check_glyphs(kit, document, f"{material.name} rows {rows[0].number}-{rows[-1].number}")
    overlays, overlay_pages = _overlay_document(kit, material, plan, rows)
    found: list[tuple[int, Base | None]] = []
    numbers = [row.number for row in rows]
    starts = letter_starts(document, numbers, material.name)
    for row, indices in letter_pages(starts, page_count(document), numbers).items():
        alone = overlay_pages[row]
        made = base_of(document, indices, overlays, alone[0]) if len(alone) == 1 else None
        found.append((row, Base(path, *made) if made is not None else None))
    path.write_bytes(write_pdf(document, material.title, material.language, tagged=False))
    return found, set()


def compose_chunk(
    kit: Kit,
    material: Material,
    plan: Plan,
    rows: list[Any],
    bases: dict[int, Base],
    path: Path,
    folder: Path | None,
    overrides: dict[str, str],
) -> Any:
    """A run of rows as one PDF at ``path``: each row's base with its last blocks drawn over,
    or, for a row whose last blocks would not fit, the letter laid out in full."""
    from pypdf import PdfReader, PdfWriter

    from handbill.engine.glyphs import check_glyphs
    from handbill.engine.layout import write_pdf_parts
    from handbill.merge.chunks import (
        CHUNK,
        Chunk,
        batched,
        layout_chunk,
        merge_title,
        paused_collector,
        write_split,
    )

    # Only the rows with a base get their sign-off laid out alone; the others (a group of
    # one) are laid out in full, many to a document.
    shared = [row for row in rows if row.number in bases]
    with paused_collector():  # see chunks.py
        document, pages = _overlay_document(kit, material, plan, shared)
        check_glyphs(kit, document, f"{material.name} rows {rows[0].number}-{rows[-1].number}")
        shifts: dict[int, float] = {}
        for row in shared:
            base = bases[row.number]
            if len(pages[row.number]) != 1:
                continue
            lines = lines_on(document, pages[row.number][0], look=False)
            if lines and lines[-1].bottom + base.top - lines[0].y <= base.limit + TOLERANCE:
                shifts[row.number] = base.top - lines[0].y
        drawn, parts = write_pdf_parts(document, material.title, material.language, tagged=False)
    if folder is None and parts is not None and len(shifts) == len(rows):
        # Every row drawn over its base, none to split: the letters are written straight
        # after the overlays' bytes (pages/overlays.py), nothing read back.
        return _drawn_chunk(material, rows, bases, pages, shifts, parts, path)
    overlays = PdfReader(io.BytesIO(drawn))
    notes: list[str] = []
    full_letters: dict[int, tuple[Any, dict[str, Any]]] = {}  # row -> (its reader, its letter)
    full_rows = [row for row in rows if row.number not in shifts]
    for n, run in enumerate(batched(full_rows, CHUNK)):
        work = path.with_name(f"{path.stem}-full{n}.pdf")
        in_full = layout_chunk(kit, material, run, work, folder, overrides)
        notes += in_full.warnings
        reader = PdfReader(work)
        full_letters.update((letter["row"], (reader, letter)) for letter in in_full.letters)
    writer = PdfWriter()
    title = merge_title(kit, material)
    forms: dict[tuple[Path, int], Any] = {}
    readers: dict[Path, Any] = {}
    letters = []
    for row in rows:
        first = len(writer.pages)
        own: dict[str, Any] = {}
        if row.number in shifts:
            overlay = overlays.pages[pages[row.number][0]]
            base = bases[row.number]
            _draw_letter(writer, base, overlay, _lowered(shifts[row.number]), forms, readers)
            if folder is not None:
                single = PdfWriter()
                _draw_letter(single, base, overlay, _lowered(shifts[row.number]), {}, readers)
                own = write_split(single, folder, row, title, material.language)
            notes += _too_long(material, row.number, base)
        else:
            full_reader, letter = full_letters[row.number]
            start = letter["first_page"] - 1
            for index in range(start, start + letter["pages"]):
                writer.add_page(full_reader.pages[index])
            own = {k: letter[k] for k in ("path", "sha256") if k in letter}
        if material.duplex and (len(writer.pages) - first) % 2:
            box = writer.pages[first].mediabox
            writer.add_blank_page(float(box.width), float(box.height))
        count = len(writer.pages) - first
        letters.append({"row": row.number, "first_page": first + 1, "pages": count, **own})
    with path.open("wb") as out:
        writer.write(out)
    return Chunk(path, len(writer.pages), letters, notes, len(writer.pages), len(full_rows))


def _too_long(material: Material, number: int, base: Base) -> list[str]:
    """The warning for a row whose letter takes more pages than the material asks for."""
    if material.pages is None or len(base.pages) <= material.pages:
        return []
    return [
        f"{material.name} row {number}: {len(base.pages)} pages, expected {material.pages}; "
        "shorten the row's text or the letter"
    ]


def _lowered(shift: float) -> str:
    """The ``cm`` matrix drawing a sign-off ``shift`` CSS px lower, in PDF points."""
    return f"1 0 0 1 0 {-shift * PT_PER_PX:.4f}"


def _drawn_chunk(
    material: Material,
    rows: list[Any],
    bases: dict[int, Base],
    pages: dict[int, list[int]],
    shifts: dict[int, float],
    parts: Any,
    path: Path,
) -> Any:
    """The chunk's letters, every one a base with its sign-off drawn over, written to
    ``path`` as an update of the overlays' PDF (``parts``, as WeasyPrint wrote it)."""
    from handbill.merge.chunks import Chunk
    from handbill.pages.overlays import Sheet, draw_sheets

    sheets: list[Sheet] = []
    letters, notes = [], []
    for row in rows:
        base, first = bases[row.number], len(sheets)
        sheets += [Sheet(base.pdf, index) for index in base.pages[:-1]]
        matrix = _lowered(shifts[row.number])
        sheets.append(Sheet(base.pdf, base.pages[-1], pages[row.number][0], matrix))
        notes += _too_long(material, row.number, base)
        if material.duplex and (len(sheets) - first) % 2:
            sheets.append(Sheet(base.pdf, base.pages[0], blank=True))
        letters.append({"row": row.number, "first_page": first + 1, "pages": len(sheets) - first})
    data, copies = draw_sheets(parts, sheets)
    path.write_bytes(data)
    return Chunk(path, len(sheets), letters, notes, len(sheets), 0, copies)


def _draw_letter(
    writer: Any,
    base: Base,
    overlay: Any,
    matrix: str,
    forms: dict[tuple[Path, int], Any],
    readers: dict[Path, Any],
) -> None:
    """Add the base's pages to ``writer``, the last with ``overlay`` drawn under ``matrix``."""
    from pypdf import PdfReader

    from handbill.pages.impose import as_form, draw_forms

    reader = readers.get(base.pdf)
    if reader is None:
        reader = readers[base.pdf] = PdfReader(base.pdf)
    for index in base.pages:
        page = reader.pages[index]
        if (base.pdf, index) not in forms:
            forms[(base.pdf, index)] = as_form(writer, page)
        placed = [(forms[(base.pdf, index)], "1 0 0 1 0 0")]
        if index == base.pages[-1]:
            placed.append((as_form(writer, overlay), matrix))
        sheet = writer.add_blank_page(float(page.mediabox.width), float(page.mediabox.height))
        draw_forms(writer, sheet, placed, [])
