"""Mail merge: one letter per data row, laid out in chunks, as one PDF and optionally one each."""

from __future__ import annotations

import os
import time
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
from handbill.errors import BuildError, KitError, did_you_mean, display_path
from handbill.kit.characters import describe, needs_glyph
from handbill.kit.data import numbered_rows
from handbill.kit.fonts import coverage
from handbill.kit.loader import Kit
from handbill.kit.material import Material
from handbill.merge.chunks import CHUNK, Chunk, Row, in_workers, layout_chunk, merge_title
from handbill.pages.concat import concatenate

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


def check_rows(
    kit: Kit, material: Material, table: Path, overrides: dict[str, str]
) -> tuple[list[Row], list[tuple[int, str]]]:
    """The rows of ``table`` fit to print, and one line per row that is not (its number, why).

    A row is bad when a field the letter uses would print as a blank (empty cell, and no value
    in handbill.toml or --set), or when a column listed under ``merge: known:`` holds a value
    missing from that data table.
    """
    rows = numbered_rows(table)
    where = display_path(table)
    if not rows:
        raise KitError("has no rows to merge; add one row per letter under the header.", table)
    given = {k for k, v in {**kit.config.fields, **overrides}.items() if v.strip()}
    required = [name for name in material.fields if name not in given]
    missing = [name for name in required if name not in rows[0][1]]
    if missing:
        raise KitError(
            f"has no column {', '.join(repr(m) for m in missing)}, which {material.name} fills "
            f"in; add {'it' if len(missing) == 1 else 'them'} to the header row.",
            table,
            1,
        )
    known = {
        column: _known_values(kit, material, column, name)
        for column, name in material.merge_known.items()
    }
    covered = coverage(kit.font_paths)
    good: list[Row] = []
    bad: list[tuple[int, str]] = []
    for number, cells in rows:
        problems = [f"'{name}' is empty" for name in required if not cells.get(name, "").strip()]
        # A character no font has would print as an empty box ("tofu") in that letter only.
        for name in material.fields:
            lacking = [c for c in cells.get(name, "") if needs_glyph(c) and ord(c) not in covered]
            if lacking:
                problems.append(f"no font in the kit has {describe(lacking[0])} (in '{name}')")
        for column, (values, source) in known.items():
            value = cells.get(column, "").strip()
            if value and value.casefold() not in values:
                hint = did_you_mean(value, [v for v in values.values()])
                problems.append(f"{column} '{value}' is not in {source}.{hint}".rstrip("."))
        if problems:
            bad.append((number, f"{where} row {number}: {'; '.join(problems)}"))
        else:
            good.append(Row(number, cells))
    return good, bad


def _known_values(
    kit: Kit, material: Material, column: str, table: str
) -> tuple[dict[str, str], str]:
    rows = kit.data.get(table)
    if not isinstance(rows, list) or (rows and column not in rows[0]):
        raise KitError(
            f"field 'merge': data/{table}.csv with a '{column}' column is needed to check "
            f"'{column}'; add it, or remove '{column}' from merge: known:.",
            material.path,
        )
    return {r[column].strip().casefold(): r[column].strip() for r in rows}, f"data/{table}.csv"


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
    started = time.perf_counter()
    overrides = dict(overrides or {})
    rows, bad = check_rows(kit, material, table, overrides)
    lines = [line for _, line in bad]
    if bad and not skip_bad_rows:
        many = len(bad) != 1
        lines.append(
            f"{len(bad)} row{'s' if many else ''} cannot be merged: fix "
            f"{'them' if many else 'it'}, or pass --on-bad-row skip to leave "
            f"{'them' if many else 'it'} out"
        )
        raise BuildError("\n".join(lines))
    if not rows:
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
        chunks: list[Chunk] = []
        made = _chunks(kit, material, rows, work, folder, jobs, overrides)
        title = merge_title(kit, material)
        # Each chunk is joined on as soon as it is made, while the workers make the next.
        joined = _padded(_kept(made, chunks), work)
        target = private / f"{name}.pdf"
        digest = write_atomic(
            target, lambda out: concatenate(joined, out, title, material.language)
        )
        letters, offset = [], 0
        for chunk in chunks:
            for letter in chunk.letters:
                letters.append({**letter, "first_page": letter["first_page"] + offset})
            offset += chunk.pages
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
            "pages": sum(chunk.pages for chunk in chunks),
            "duplex": material.duplex,
            "proof": material.published and not kit.config.imprint.complete,
            "mode": "home",
            "greyscale": False,
            "qr_codes": [],  # the letters' codes, if any, are the material's: see its own PDF
            "skipped_rows": [number for number, _ in bad],
            # Letters laid out whole; the others are a shared layout with their own sign-off.
            "laid_out_in_full": sum(chunk.in_full for chunk in chunks),
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
        warnings = [w for chunk in chunks for w in chunk.warnings]
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
    rows: list[Row],
    work: Path,
    folder: Path | None,
    jobs: int | None,
    overrides: dict[str, str],
) -> Iterator[Chunk]:
    """Lay out the rows, in chunks over worker processes; the chunks come back in order."""
    from handbill.merge.shared import shared_chunks, shared_plan

    workers = min(jobs or os.cpu_count() or 1, len(rows))
    plan = shared_plan(kit, material, rows, overrides)
    if plan is None:
        size = min(CHUNK, -(-len(rows) // workers))  # a small merge still uses every worker
        parts = [rows[i : i + size] for i in range(0, len(rows), size)]
        args: list[tuple[Any, ...]] = [
            (kit, material, part, work / f"{n:05d}.pdf", folder, overrides)
            for n, part in enumerate(parts)
        ]
        yield from in_workers(layout_chunk, args, workers)
        return
    yield from shared_chunks(kit, material, plan, rows, work, folder, overrides, workers)


def _kept(chunks: Iterable[Chunk], into: list[Chunk]) -> Iterator[Chunk]:
    for chunk in chunks:
        into.append(chunk)
        yield chunk


def _padded(chunks: Iterable[Chunk], work: Path) -> Iterator[Path]:
    """The chunks' PDFs in order, each followed by a blank page where its count says so."""
    from pypdf import PdfReader, PdfWriter

    for chunk in chunks:
        yield chunk.path
        if chunk.pages > chunk.drawn:
            blank = work / f"{chunk.path.stem}-blank.pdf"
            box = PdfReader(chunk.path).pages[0].mediabox
            writer = PdfWriter()
            writer.add_blank_page(float(box.width), float(box.height))
            with blank.open("wb") as out:
                writer.write(out)
            yield blank
