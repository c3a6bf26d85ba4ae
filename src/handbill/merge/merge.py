"""Mail merge: one letter per data row, laid out in chunks, as one PDF and optionally one each."""

from __future__ import annotations

import os
import time
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handbill.build.current import clear_old_private, current_outputs, merge_path
from handbill.build.places import PRIVATE
from handbill.build.writers import (
    Recorded,
    ensure_private,
    ensure_writable,
    output_folder,
    recorded_outputs,
    remove_outputs,
    work_folder,
    write_atomic,
    write_manifest,
)
from handbill.errors import BuildError, display_path
from handbill.kit.loader import Kit
from handbill.kit.material import Material
from handbill.merge.chunks import (
    BARRIER,
    CHUNK,
    Chunk,
    Placing,
    batched,
    either,
    frozen_heap,
    in_workers,
    layout_chunk,
    merge_title,
    place_probe,
)
from handbill.merge.rows import Scan, scan_rows
from handbill.pages.concat import Part, concatenate
from handbill.render.letters import letter_parts
from handbill.render.templating import render_html

_NAMED = ("path", "split_folder")  # the summary names the merged PDF and the one-each folder


@dataclass
class MergeReport:
    """The merged PDF's manifest entry, the rows left out and what went wrong or looks wrong."""

    entry: dict[str, Any]
    skipped: list[str]
    warnings: list[str]
    seconds: float
    recorded: Recorded = field(default_factory=Recorded)

    @property
    def summary(self) -> str:
        letters, pages = self.entry["letters"], self.entry["pages"]
        # Named in the private folder, which the command's line names after them.
        path, folder = (str(self.entry.get(k, "")).removeprefix(f"{PRIVATE}/") for k in _NAMED)
        text = (
            f"Merged {letters} letter{'s' if letters != 1 else ''} ({pages} page"
            f"{'s' if pages != 1 else ''}) into {path}"
        )
        if folder:
            text += f", and one PDF each in {folder}/"
        text += f" in {self.seconds:.1f} s"
        if self.skipped:
            text += f"; {len(self.skipped)} row{'s' if len(self.skipped) != 1 else ''} skipped"
        return text


def merge(
    kit: Kit,
    material: Material,
    table: Path,
    out_dir: Path | None = None,
    split: bool = False,
    skip_bad_rows: bool = False,
    jobs: int | None = None,
    overrides: dict[str, str] | None = None,
) -> MergeReport:
    """Build one letter per good row of ``table`` into OUT-private/NAME.merge.pdf (and
    NAME.merge/ beside it).

    With ``skip_bad_rows`` false, any bad row stops the merge before anything is written.
    """
    with frozen_heap():  # see chunks.py
        return _merge(kit, material, table, out_dir, split, skip_bad_rows, jobs, overrides)


def _merge(
    kit: Kit,
    material: Material,
    table: Path,
    out_dir: Path | None,
    split: bool,
    skip_bad_rows: bool,
    jobs: int | None,
    overrides: dict[str, str] | None,
) -> MergeReport:
    started = time.perf_counter()
    overrides = dict(overrides or {})
    # The table is read through once to check every row; the steps after read it again, so
    # that no process holds it whole (merge/rows.py).
    scan = scan_rows(kit, material, table, overrides)
    bad = scan.bad
    lines = [line for _, line in bad]
    if bad and not skip_bad_rows:
        many = len(bad) != 1
        lines.append(
            f"{len(bad)} row{'s' if many else ''} cannot be merged: fix "
            f"{'them' if many else 'it'}, or pass --on-bad-row skip to leave "
            f"{'them' if many else 'it'} out"
        )
        raise BuildError("\n".join(lines), closing=1)
    if not scan.good:
        raise BuildError(f"no row of {display_path(table)} can be merged; fix the rows above")
    out_dir = output_folder(kit.root, out_dir)
    ensure_writable(out_dir)
    # Letters carry supporters' names and addresses: they go in the private folder beside the
    # output folder, so that the output folder can be published whole.
    private = ensure_private(out_dir)
    name = merge_path(material).removeprefix(f"{PRIVATE}/").removesuffix(".pdf")
    folder = private / name if split else None
    if folder is not None:
        folder.mkdir(exist_ok=True)
    # Locked while the merge runs, so that only a merge killed outright leaves it behind, for
    # the next build into this folder to clear (see writers.clear_debris).
    with work_folder(private) as work:
        made = _chunks(kit, material, scan, work, folder, jobs, overrides)
        title = merge_title(kit, material)
        # Each chunk is joined on as soon as it is made, while the workers make the next, and
        # only a few numbers a letter are kept of it.
        kept = Letters()
        joined = _padded(kept.taken(made), work)
        target = private / f"{name}.pdf"
        digest = write_atomic(
            target, lambda out: concatenate(joined, out, title, material.language)
        )
        letters = kept.entries()
        entry = {
            "material": material.name,
            "title": material.title,
            "template": material.template,
            "language": material.language,
            "kind": "pdf",
            "paper": {
                "name": material.paper.label,
                "width_mm": material.paper.width_mm,
                "height_mm": material.paper.height_mm,
            },
            "merge": _table_name(kit, table),
            "letters": len(letters),
            "pages": kept.pages,
            "duplex": material.duplex,
            "proof": material.published and not kit.config.imprint.complete,
            "mode": "home",
            "greyscale": False,
            "qr_codes": [],  # the letters' codes, if any, are the material's: see its own PDF
            "skipped_rows": [number for number, _ in bad],
            # Letters laid out whole; the others are a shared layout with their own sign-off.
            "laid_out_in_full": kept.in_full,
            "path": f"{PRIVATE}/{name}.pdf",
            "bytes": target.stat().st_size,
            "sha256": digest,
            "rows": letters,
        }
        if folder is not None:
            entry["split_folder"] = f"{PRIVATE}/{name}"
        _forget_earlier_letters(out_dir, entry)
        recorded = write_manifest(out_dir, kit.config.name, [entry], current_outputs(kit))
        recorded.old_private = clear_old_private(out_dir)
        warnings = kept.warnings
    return MergeReport(entry, lines, warnings, time.perf_counter() - started, recorded)


def _table_name(kit: Kit, table: Path) -> str:
    """The merge table as the manifest names it: its place in the kit, else its file name
    alone (never the builder's own folders)."""
    real, root = os.path.realpath(table), os.path.realpath(kit.root)
    return os.path.relpath(real, root) if real.startswith(root + os.sep) else table.name


def _forget_earlier_letters(out_dir: Path, entry: dict[str, Any]) -> None:
    """Delete the one-per-row letters an earlier merge into the same file made that this one
    did not make again (rows since removed from the table, or no --split this time)."""
    made = {row.get("path") for row in entry["rows"]}
    for earlier in recorded_outputs(out_dir):
        if earlier["path"] == entry["path"]:
            rows = earlier.get("rows")
            stale = [r for r in rows or [] if isinstance(r, dict) and r.get("path") not in made]
            remove_outputs(out_dir, stale)


def _chunks(
    kit: Kit,
    material: Material,
    scan: Scan,
    work: Path,
    folder: Path | None,
    jobs: int | None,
    overrides: dict[str, str],
) -> Iterator[Chunk]:
    """Lay out the rows, in chunks over worker processes; the chunks come back in order."""
    from handbill.merge.shared import shared_chunks, shared_plan

    workers = min(jobs or os.cpu_count() or 1, scan.good)
    plan = shared_plan(kit, material, scan.first, overrides)
    if plan is not None:
        yield from shared_chunks(kit, material, plan, scan, work, folder, overrides, workers)
        return
    assert scan.first is not None  # a table with no good row stopped the merge before
    first = render_html(kit, material, scan.first.cells, scan.first.number, overrides, merging=True)
    placing = Placing(material)

    def args() -> Iterator[tuple[Any, ...]]:
        yield (place_probe, *letter_parts(first.html, material))
        yield BARRIER  # its answer is in before the rows are split into documents
        size = 1 if placing.by_place else min(CHUNK, -(-scan.good // workers))  # all workers
        for n, part in enumerate(batched(scan.rows(), size)):
            yield layout_chunk, part, work / f"{n:05d}.pdf", folder, overrides

    for result in in_workers(either, args(), workers, (kit, material)):
        if not placing.took(result):
            yield result


class Letters:
    """Each letter's place in the merged PDF, kept as numbers while the chunks are joined (a
    dict a letter would make the merge's memory grow with its rows)."""

    def __init__(self) -> None:
        self.rows, self.firsts, self.counts = array("l"), array("l"), array("l")
        self.files: dict[int, tuple[str, str]] = {}  # with --split: by letter, path and digest
        self.pages = self.in_full = 0
        self.warnings: list[str] = []

    def taken(self, chunks: Iterable[Chunk]) -> Iterator[Chunk]:
        """The chunks, each noted as it passes."""
        for chunk in chunks:
            for letter in chunk.letters:
                self.rows.append(letter["row"])
                self.firsts.append(letter["first_page"] + self.pages)
                self.counts.append(letter["pages"])
                if "path" in letter:
                    self.files[len(self.rows) - 1] = (letter["path"], letter["sha256"])
            self.pages += chunk.pages
            self.in_full += chunk.in_full
            self.warnings += chunk.warnings
            yield chunk

    def entries(self) -> list[dict[str, Any]]:
        """The letters as the manifest lists them."""
        found: list[dict[str, Any]] = [
            {"row": row, "first_page": first, "pages": count}
            for row, first, count in zip(self.rows, self.firsts, self.counts, strict=True)
        ]
        for index, (path, digest) in self.files.items():
            found[index].update(path=path, sha256=digest)
        return found


def _padded(chunks: Iterable[Chunk], work: Path) -> Iterator[Path | Part]:
    """The chunks' PDFs in order, each followed by a blank page where its count says so; each
    is deleted once joined on."""
    from pypdf import PdfReader, PdfWriter

    for chunk in chunks:
        box = PdfReader(chunk.path).pages[0].mediabox if chunk.pages > chunk.drawn else None
        yield Part(chunk.path, chunk.copies)
        chunk.path.unlink()
        if box is not None:
            blank = work / f"{chunk.path.stem}-blank.pdf"
            writer = PdfWriter()
            writer.add_blank_page(float(box.width), float(box.height))
            with blank.open("wb") as out:
                writer.write(out)
            yield blank
