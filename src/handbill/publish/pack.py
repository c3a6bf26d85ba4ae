"""``handbill pack RUN.toml``: a print run: the right number of copies, one PDF per paper stock."""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter

from handbill.build.current import current_outputs, folder_of
from handbill.build.jobs import Options
from handbill.build.places import located, private_folder
from handbill.build.runner import build
from handbill.build.writers import recorded_outputs, write_atomic
from handbill.errors import KitError, did_you_mean
from handbill.kit.boundary import read_text
from handbill.kit.config import parse_toml
from handbill.kit.filenames import file_slug
from handbill.kit.loader import Kit, rows_of
from handbill.kit.material import Material
from handbill.publish.labels import output_title, sides_words
from handbill.render.templating import output_stem, row_stem

MAX_COPIES = 10_000
MAX_PACK_PAGES = 50_000  # the pages of a pack's PDFs together, blank backs counted
STOCKS = ("A4", "A3", "A5", "A6", "DL", "A2")
ITEM_KEYS = {"material", "copies", "mode", "stock"}


@dataclass(frozen=True)
class Item:
    """One line of a run: an output (a material, or one row's output) and how many copies."""

    output: str  # the output stem, e.g. leaflet-a5 or event-flyer-2018-10-26
    material: str
    copies: int
    mode: str
    line: int | None
    folder: str = ""  # private/ for a private material's outputs


def _item_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "[[item]]"]


def read_run(path: Path, kit: Kit) -> tuple[str, list[Item]]:
    """Read and check a run file; the first problem is a KitError naming the file and line."""
    text = read_text(path, "run file")
    data = parse_toml(path, text, "Check the quotes, brackets and '=' on this line.")
    lines = _item_lines(text)
    outputs = _outputs(kit)
    items: list[Item] = []
    seen: dict[tuple[str, str], int | None] = {}
    entries = data.get("item", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise KitError("write each item as an [[item]] table with material and copies", path)
    for index, entry in enumerate(entries):
        line = lines[index] if index < len(lines) else None
        unknown = set(entry) - ITEM_KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise KitError(f"unknown setting '{key}'.{did_you_mean(key, ITEM_KEYS)}", path, line)
        name = entry.get("material")
        chosen = _chosen(kit, outputs, name, path, line)
        copies = entry.get("copies")
        if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= MAX_COPIES:
            raise KitError(
                f"copies = {copies!r} for {name}: give a whole number from 1 to {MAX_COPIES:,}",
                path,
                line,
            )
        mode = entry.get("mode", "home")
        if mode not in ("home", "press"):
            raise KitError(f'mode = {mode!r}: use "home" or "press"', path, line)
        stock = entry.get("stock")
        if stock is not None and stock not in STOCKS:
            raise KitError(
                f"unknown stock {stock!r}{did_you_mean(str(stock), STOCKS)} (stocks: "
                f"{', '.join(STOCKS)})",
                path,
                line,
            )
        for output, material in chosen:
            key = (output, mode)
            if key in seen:
                raise KitError(
                    f"{output} ({mode}) is listed twice (also on line {seen[key]}); add the "
                    "copies up in one entry",
                    path,
                    line,
                )
            seen[key] = line
            items.append(Item(output, material.name, copies, mode, line, folder_of(material)))
    if not items:
        raise KitError("no [[item]] entries: list what to print, with material and copies", path)
    title = data.get("name", path.stem)
    return str(title), items


def _outputs(kit: Kit) -> dict[str, list[tuple[str, Material]]]:
    """What an item may name: a material (every row's output, for a per-row material) or one
    output stem, each mapped to its outputs' stems and material."""
    names: dict[str, list[tuple[str, Material]]] = {}
    for material in kit.materials.values():
        if not material.per:
            names[material.name] = [(output_stem(material), material)]
            continue
        stems = [row_stem(kit, material, n) for n in range(1, len(rows_of(kit, material)) + 1)]
        names[material.name] = [(stem, material) for stem in stems]
        names.update({stem: [(stem, material)] for stem in stems})
    return names


def _chosen(
    kit: Kit,
    outputs: dict[str, list[tuple[str, Material]]],
    name: object,
    path: Path,
    line: int | None,
) -> list[tuple[str, Material]]:
    """The outputs an item's ``material`` names: NAME, an output name, or NAME:ROW for one
    row of a per-row material (ROW its id, or what its output name ends with)."""
    text = str(name)
    if isinstance(name, str) and name in outputs:
        return outputs[name]
    base, colon, key = text.partition(":")
    material = kit.materials.get(base) if colon else None
    if material is None or not material.per:
        hint = did_you_mean(text, outputs)
        raise KitError(f"no material or output named '{text}'.{hint}", path, line)
    rows = rows_of(kit, material)
    stems = [row_stem(kit, material, n) for n in range(1, len(rows) + 1)]
    found = [
        stem
        for row, stem in zip(rows, stems, strict=True)
        if key in (row.get("id"), stem) or stem.endswith(f"-{key}")
    ]
    if len(found) != 1:
        keys = [row.get("id") or stem for row, stem in zip(rows, stems, strict=True)]
        hint = did_you_mean(key, keys)
        many = f"{len(found)} rows" if found else "no row"
        raise KitError(
            f"{many} of data/{material.per}.csv match{'es' * (not found)} '{key}' for "
            f"{material.name}.{hint} Rows: {', '.join(keys[:10])}",
            path,
            line,
        )
    return [(found[0], material)]


def make_pack(kit: Kit, run: Path, out_dir: Path) -> Path:
    """Build what the run needs, then write the pack folder; returns it."""
    title, items = read_run(run, kit)
    # A pack holding a private output is private too: OUT-private/packs/RUN/.
    private = any(item.folder for item in items)
    folder = (private_folder(out_dir) if private else out_dir) / "packs" / file_slug(run.stem)
    for mode in sorted({item.mode for item in items}):
        materials = sorted({item.material for item in items if item.mode == mode})
        report = build(kit, materials, out_dir, options=Options(mode))
        if report.failures:
            raise KitError("the pack was not made: " + "; ".join(report.failures), run)
    current = current_outputs(kit)
    by_path = {entry["path"]: entry for entry in recorded_outputs(out_dir) if current(entry)}
    planned: dict[str, list[tuple[Item, dict[str, Any], int, int, bool]]] = {}
    for item in items:
        entry = _sheet_entry(by_path, item)
        imposition = str(entry.get("imposition", ""))
        per_sheet = int(imposition.split("-")[0]) if imposition.endswith("-up") else 1
        sets = math.ceil(item.copies / per_sheet)
        two_sided = bool(entry.get("duplex") or entry.get("booklet"))
        planned.setdefault(stock_name(entry, item.mode, two_sided), []).append(
            (item, entry, per_sheet, sets, two_sided)
        )
    pages = sum(
        sets * (int(entry.get("pages", 1)) + (int(entry.get("pages", 1)) % 2) * two_sided)
        for rows in planned.values()
        for _, entry, _, sets, two_sided in rows
    )
    if pages > MAX_PACK_PAGES:
        raise KitError(
            f"the run would make PDFs of about {pages:,} pages; one pack makes at most "
            f"{MAX_PACK_PAGES:,}. Print fewer copies at a time, or split the run file.",
            run,
        )
    listing: list[dict[str, Any]] = []
    folder.mkdir(parents=True, exist_ok=True)
    for stock, rows in planned.items():
        # Each file is one print job: one orientation, all one-sided or all two-sided, so that
        # no one-sided item needs blank backs. In a two-sided file each copy has an even page
        # count, so that every copy starts on a new sheet.
        duplex = stock.endswith(TWO_SIDED)
        writer = PdfWriter()
        for item, entry, per_sheet, sets, two_sided in rows:
            reader = PdfReader(located(out_dir, entry["path"]))
            first = len(writer.pages) + 1
            for _ in range(sets):
                for page in reader.pages:
                    writer.add_page(page)
                if two_sided and len(reader.pages) % 2:
                    writer.add_blank_page()
            sides = len(writer.pages) - first + 1
            listing.append(
                {
                    "output": item.output,
                    "title": output_title(kit, kit.materials[item.material], entry),
                    "material_title": kit.materials[item.material].title,
                    "mode": item.mode,
                    "copies_asked": item.copies,
                    "copies_made": sets * per_sheet,
                    "per_sheet": per_sheet,
                    "file": f"{stock}.pdf",
                    "pages": f"{first}-{len(writer.pages)}",
                    "sheets": sides // 2 if duplex else sides,
                    "two_sided": two_sided,
                }
            )
        buffer = io.BytesIO()
        writer.write(buffer)
        write_atomic(folder / f"{stock}.pdf", buffer.getvalue())
    _write_lists(folder, title, listing, kit.config.printing.duplex_flip)
    return folder


TWO_SIDED = "-two-sided"


def stock_name(entry: dict[str, Any], mode: str, two_sided: bool) -> str:
    """The pack file an output goes in: its paper and mode, then "-landscape" for landscape
    sheets and "-two-sided" for a double-sided job ("A4-home-landscape-two-sided")."""
    paper = entry["paper"]
    name = f"{str(paper['name']).split()[0]}-{mode}"
    if float(paper.get("width_mm", 0)) > float(paper.get("height_mm", 0)):
        name += "-landscape"
    return name + (TWO_SIDED if two_sided else "")


def _sheet_entry(by_path: dict[str, dict[str, Any]], item: Item) -> dict[str, Any]:
    stem = item.folder + item.output
    if item.mode == "press":
        return by_path[f"{stem}.press.pdf"]
    return by_path.get(f"{stem}.home.pdf") or by_path[f"{stem}.pdf"]


def _write_lists(folder: Path, title: str, listing: list[dict[str, Any]], flip: str) -> None:
    totals: dict[str, int] = {}
    for row in listing:
        totals[row["file"]] = totals.get(row["file"], 0) + row["sheets"]
    data = {"run": title, "items": listing, "sheets_per_file": totals}
    write_atomic(folder / "packing-list.json", (json.dumps(data, indent=2) + "\n").encode())
    items = [(_item_line(row), _item_detail(row)) for row in listing]
    files = [(name, _how(name, count, flip)) for name, count in totals.items()]
    # Kept on one line on the cover: file names, and page ranges ("pages 1-" then "40" reads
    # as two numbers).
    names = {row["file"] for row in listing} | {_pages(row) for row in listing}
    lines = [f"Print run: {title}", "", "Quantities are rounded up to whole sheets.", ""]
    lines += [f"[ ] {head}: {detail}" for head, detail in items]
    lines += ["", "Paper needed:"]
    lines += [f"[ ] {name}: {how}" for name, how in files]
    write_atomic(folder / "packing-list.txt", ("\n".join(lines) + "\n").encode())
    write_atomic(folder / "cover.pdf", cover_pdf(title, items, files, names))


def _item_line(row: dict[str, Any]) -> str:
    return f"{row['title']}: {row['copies_made']} copies"


def _item_detail(row: dict[str, Any]) -> str:
    made, asked = row["copies_made"], row["copies_asked"]
    note = f" (asked {asked}, rounded up)" if made != asked else ""
    sides = "two-sided" if row["two_sided"] else "one-sided"
    per = f"{row['per_sheet']} per sheet, " if row["per_sheet"] > 1 else ""
    named = f"“{row['material_title']}”; " if row["material_title"] not in row["title"] else ""
    # The file name once, where the printer needs it to find the pages; the output's own name
    # (leaflet-a5-leeds) means nothing to whoever packs the stack, so it is left out.
    sheets = f"{row['sheets']} sheet{'s' * (row['sheets'] != 1)}"
    return f"{named}{row['mode']} print{note}, {per}{sheets} {sides}; {row['file']} {_pages(row)}"


def _pages(row: dict[str, Any]) -> str:
    """Where the item is in its file: "page 3" or "pages 1\u201340"."""
    first, _, last = str(row["pages"]).partition("-")
    return f"page {first}" if last in ("", first) else f"pages {first}\u2013{last}"


def _how(name: str, sheets: int, flip: str) -> str:
    """How to print one file of the pack: the sheets, and one or two sides."""
    stem = name.removesuffix(".pdf")
    sides = sides_words(stem.endswith(TWO_SIDED), "-landscape" in stem, flip)
    return f"{sheets} sheets, {sides}"


def cover_pdf(
    title: str,
    items: list[tuple[str, str]],
    files: list[tuple[str, str]],
    names: Collection[str] = (),
) -> bytes:
    """A one-page cover sheet to put on top of the printed stack: a tick box for each item
    and each file, so that whoever prints the run can check them off.

    ``names`` are the file names and page ranges in the text: each is kept on one line, so
    that "A4-home-two-sided.pdf" is never read as "A4-home-" and "two-sided.pdf", nor a range
    as "pages 1-" and "40" on the next line."""
    from html import escape

    from handbill.engine.layout import stock_page_pdf

    def ticks(rows: list[tuple[str, str]]) -> str:
        return "".join(
            f'<li><span class="box"></span><strong>{kept_whole(head, names)}</strong>'
            f'<span class="detail">{kept_whole(detail, names)}</span></li>'
            for head, detail in rows
        )

    return stock_page_pdf(
        "<style>@page { size: A4; margin: 18mm 20mm } html { font-family: 'Atkinson "
        "Hyperlegible'; font-size: 11pt; line-height: 1.35 } h1 { font-size: 22pt; margin: 0 0 "
        "2mm } h2 { font-size: 14pt; margin: 7mm 0 2mm } p { margin: 0 0 3mm } ul { list-style: "
        "none; margin: 0; padding: 0 } li { position: relative; padding: 1.5mm 0 1.5mm 10mm; "
        "border-bottom: 0.25pt solid #999; break-inside: avoid } .box { position: absolute; "
        "left: 0; top: 2mm; width: 5mm; height: 5mm; border: 0.75pt solid #000 } .detail { "
        "display: block; font-size: 9pt; color: #444 } .name { white-space: nowrap; hyphens: none "
        "}</style>"
        f"<h1>{escape(title)}</h1><p>Quantities are rounded up to whole sheets. Tick each "
        f"item off as it is printed and packed.</p><h2>What to print</h2><ul>{ticks(items)}</ul>"
        f"<h2>Files and paper</h2><ul>{ticks(files)}</ul>"
    )


def kept_whole(text: str, names: Collection[str]) -> str:
    """``text`` as HTML, each of ``names`` in it (file names, output names: hyphenated
    words a reader types or looks for) in a span that never breaks across lines."""
    from html import escape

    if not names:
        return escape(text)
    # Longest first: "leaflet-a5-leeds" before "leaflet-a5"; whole words only.
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.-])({alternatives})(?![\w-])")
    parts = pattern.split(text)
    return "".join(
        f'<span class="name">{escape(part)}</span>' if index % 2 else escape(part)
        for index, part in enumerate(parts)
    )
