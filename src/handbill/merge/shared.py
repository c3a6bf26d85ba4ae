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
from dataclasses import dataclass
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


def shared_plan(kit: Kit, material: Material, rows: list[Any], overrides: dict[str, str]) -> Any:
    """The plan for laying out the letter once per group of rows (engine/overlay.py), or None."""
    from handbill.engine.overlay import plan, tokenised
    from handbill.engine.versions import speedups_on

    if not speedups_on():
        return None  # shared layouts reach into WeasyPrint's layout: tested versions only
    from handbill.render.letters import letter_parts
    from handbill.render.templating import render_html

    first = rows[0]
    made = render_html(kit, material, tokenised(first.cells), first.number, overrides, merging=True)
    again = render_html(
        kit, material, tokenised(first.cells, 2), first.number + 1, overrides, merging=True
    )
    head, footer, body = letter_parts(made.html, material)
    other_head, other_footer, other = letter_parts(again.html, material)
    if (other_head, other_footer) != (head, footer):
        return None  # the page's head or footer changes with the row
    return plan(head, footer, body, other, first.cells)


def shared_chunks(
    kit: Kit,
    material: Material,
    plan: Plan,
    rows: list[Any],
    work: Path,
    folder: Path | None,
    overrides: dict[str, str],
    workers: int,
) -> Iterator[Any]:
    """The merge's chunks made with shared layouts, in order (see the module docstring)."""
    from handbill.merge.chunks import CHUNK, in_workers

    # Rows with the same cells but the per-letter ones share a base, laid out once.
    groups: dict[tuple[tuple[str, str], ...], list[Any]] = {}
    for row in rows:
        groups.setdefault(plan.key(row.cells), []).append(row)
    firsts = [members[0] for members in groups.values()]
    size = min(CHUNK, -(-len(firsts) // workers))
    args: list[tuple[Any, ...]] = [
        (kit, material, plan, firsts[i : i + size], work / f"base-{i:05d}.pdf")
        for i in range(0, len(firsts), size)
    ]
    found = [base for bases in in_workers(lay_out_bases, args, workers) for base in bases]
    bases = {
        row.number: base
        for members, base in zip(groups.values(), found, strict=True)
        if base is not None
        for row in members
    }
    size = min(SHARED_CHUNK, -(-len(rows) // workers))
    args = [
        (kit, material, plan, part, bases, work / f"{n:05d}.pdf", folder, overrides)
        for n, part in enumerate(rows[i : i + size] for i in range(0, len(rows), size))
    ]
    yield from in_workers(compose_chunk, args, workers)


def _overlay_document(
    kit: Kit, material: Material, plan: Plan, rows: list[Any]
) -> tuple[Any, dict[int, list[int]]]:
    """The rows' last blocks laid out, each on its own page(s): the document and each row's
    page indices."""
    from handbill.engine.layout import render
    from handbill.render.templating import RenderedHTML

    # Rows are told apart by an attribute, not an id: every id would become a named
    # destination in the PDF, and WeasyPrint looks each one up among all the pages.
    bodies = [
        letter_div(row.number, plan.fill(plan.overlay, row.cells), "data-merge-row") for row in rows
    ]
    page = letters_html(kit, material, plan.head, plan.footer, bodies, OVERLAY_STYLE)
    with without_margin_boxes():
        document, _ = render(kit, RenderedHTML(material=material, html=page))
    return one_page_each(document)


def lay_out_bases(
    kit: Kit, material: Material, plan: Plan, rows: list[Any], path: Path
) -> list[Base | None]:
    """Each row's letter laid out in full and written to ``path`` without its last blocks: the
    base of every row that shares the row's other cells (None where the plan does not hold)."""
    from handbill.engine.glyphs import check_glyphs
    from handbill.engine.inspect import anchor_pages, page_count
    from handbill.engine.layout import render, write_pdf
    from handbill.render.templating import RenderedHTML

    bodies = [letter_div(row.number, plan.fill(plan.full, row.cells)) for row in rows]
    html = letters_html(kit, material, plan.head, plan.footer, bodies)
    document, _ = render(kit, RenderedHTML(material=material, html=html))
    check_glyphs(kit, document, f"{material.name} rows {rows[0].number}-{rows[-1].number}")
    overlays, overlay_pages = _overlay_document(kit, material, plan, rows)
    found: list[Base | None] = []
    for row, indices in letter_pages(
        anchor_pages(document, "merge-row-"), page_count(document), [row.number for row in rows]
    ).items():
        alone = overlay_pages[row]
        made = base_of(document, indices, overlays, alone[0]) if len(alone) == 1 else None
        found.append(Base(path, *made) if made is not None else None)
    path.write_bytes(write_pdf(document, material.title, material.language, tagged=False))
    return found


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
    from handbill.engine.layout import write_pdf
    from handbill.merge.chunks import Chunk, layout_chunk, merge_title, write_split

    document, pages = _overlay_document(kit, material, plan, rows)
    check_glyphs(kit, document, f"{material.name} rows {rows[0].number}-{rows[-1].number}")
    shifts: dict[int, float] = {}
    for row in rows:
        base = bases.get(row.number)
        if base is None or len(pages[row.number]) != 1:
            continue
        lines = lines_on(document, pages[row.number][0])
        if lines and lines[-1].bottom + base.top - lines[0].y <= base.limit + TOLERANCE:
            shifts[row.number] = base.top - lines[0].y
    drawn = write_pdf(document, material.title, material.language, tagged=False)
    overlays = PdfReader(io.BytesIO(drawn))
    full_rows = [row for row in rows if row.number not in shifts]
    in_full = None
    if full_rows:
        work = path.with_name(f"{path.stem}-full.pdf")
        in_full = layout_chunk(kit, material, full_rows, work, folder, overrides)
        full_reader = PdfReader(work)
        full_letters = {letter["row"]: letter for letter in in_full.letters}
    writer = PdfWriter()
    title = merge_title(kit, material)
    forms: dict[tuple[Path, int], Any] = {}
    readers: dict[Path, Any] = {}
    letters, notes = [], list(in_full.warnings if in_full else [])
    for row in rows:
        first = len(writer.pages)
        own: dict[str, Any] = {}
        if row.number in shifts:
            overlay = overlays.pages[pages[row.number][0]]
            base = bases[row.number]
            _draw_letter(writer, base, overlay, shifts[row.number], forms, readers)
            if folder is not None:
                single = PdfWriter()
                _draw_letter(single, base, overlay, shifts[row.number], {}, readers)
                own = write_split(single, folder, row, title, material.language)
            if material.pages is not None and len(base.pages) > material.pages:
                notes.append(
                    f"{material.name} row {row.number}: {len(base.pages)} pages, expected "
                    f"{material.pages}; shorten the row's text or the letter"
                )
        else:
            letter = full_letters[row.number]
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


def _draw_letter(
    writer: Any,
    base: Base,
    overlay: Any,
    shift: float,
    forms: dict[tuple[Path, int], Any],
    readers: dict[Path, Any],
) -> None:
    """Add the base's pages to ``writer``, the last with ``overlay`` drawn ``shift`` px lower."""
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
            placed.append((as_form(writer, overlay), f"1 0 0 1 0 {-shift * PT_PER_PX:.4f}"))
        sheet = writer.add_blank_page(float(page.mediabox.width), float(page.mediabox.height))
        draw_forms(writer, sheet, placed, [])
