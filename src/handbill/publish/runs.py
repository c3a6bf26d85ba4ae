"""The download page's print runs: each pack in OUT/packs/RUN/, its files named in words."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from handbill.errors import HandbillError
from handbill.publish.labels import sides_words

# The files of a pack besides its print jobs, in the order the page lists them.
EXTRAS = {
    "cover.pdf": (
        "Cover sheet and packing list",
        "Put it on top of the printed stack and tick each item off as it is packed.",
    ),
    "packing-list.txt": (
        "Packing list, plain text",
        "The same list, to paste into an email or a group chat.",
    ),
}
# A print job's file: its paper, the mode, then landscape and two-sided when they apply.
STOCK_FILE = re.compile(
    r"(?P<paper>A[2-6]|DL)-(?P<mode>home|press)(?P<landscape>-landscape)?"
    r"(?P<two>-two-sided)?\.pdf"
)
AGAIN = "make the pack again with 'handbill pack'"
MAX_LIST_BYTES = 4 * 1024 * 1024  # a packing list of 10,000 lines is well under 1 MB


@dataclass(frozen=True)
class PackFile:
    """One file of a pack, as the page offers it: its path in the output folder, a title in
    words, its size and what it is for."""

    path: str
    title: str
    size: int
    purpose: str


@dataclass(frozen=True)
class Run:
    """One print run: its name (the run file's ``name``) and its files."""

    name: str
    files: tuple[PackFile, ...]


def _plain(name: str) -> bool:
    return bool(name) and not name.startswith(".") and "/" not in name and name.isprintable()


def pack_runs(out_dir: Path, flip: str) -> list[Run]:
    """The packs ``handbill pack`` wrote into OUT/packs/, one per run folder holding a
    packing list; their files in the list's order. ``flip`` is the kit's duplex_flip."""
    folder = out_dir / "packs"
    if not folder.is_dir() or folder.is_symlink():
        return []
    runs = []
    for run_dir in sorted(folder.iterdir()):
        listing = run_dir / "packing-list.json"
        if not _plain(run_dir.name) or run_dir.is_symlink() or not run_dir.is_dir():
            continue
        if not listing.is_file() or listing.is_symlink():
            continue  # not a pack handbill made: nothing on the page says what it is for
        run_name, items, sheets = _read_list(listing)
        files = []
        for name, (title, purpose) in EXTRAS.items():
            files.append(_file(run_dir, name, title, purpose))
        for name, count in sheets.items():
            held = [item for item in items if item["file"] == name]
            files.append(_file(run_dir, name, stock_title(name), _purpose(name, count, held, flip)))
        runs.append(Run(run_name, tuple(f for f in files if f is not None)))
    return runs


def _file(run_dir: Path, name: str, title: str, purpose: str) -> PackFile | None:
    path = run_dir / name
    if not _plain(name) or path.is_symlink() or not path.is_file():
        return None
    return PackFile(f"packs/{run_dir.name}/{name}", title, path.stat().st_size, purpose)


def _read_list(path: Path) -> tuple[str, list[dict[str, Any]], dict[str, int]]:
    """The run's name, items and sheets per file, each checked: an output folder may come
    from someone else, and a wrong list is refused in one line, never put on the page."""
    if path.stat().st_size > MAX_LIST_BYTES:
        raise HandbillError(f"larger than {MAX_LIST_BYTES // 1024 // 1024} MB; {AGAIN}", path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HandbillError(f"not a packing list handbill can read; {AGAIN}", path) from exc
    if not isinstance(data, dict) or not isinstance(data.get("run"), str):
        raise HandbillError(f"has no run name; {AGAIN}", path)
    items, sheets = data.get("items"), data.get("sheets_per_file")
    if not isinstance(sheets, dict) or not all(
        isinstance(k, str) and type(v) is int for k, v in sheets.items()
    ):
        raise HandbillError(f"'sheets_per_file' is not file names and counts; {AGAIN}", path)
    wanted = {"file": str, "title": str, "copies_made": int, "per_sheet": int}
    if not isinstance(items, list) or not all(
        isinstance(item, dict) and all(type(item.get(k)) is t for k, t in wanted.items())
        for item in items
    ):
        raise HandbillError(
            f"'items' is not a list of items with file, title and copies; {AGAIN}", path
        )
    return data["run"], items, sheets


def stock_title(name: str) -> str:
    """A print job's file in words: "A4 sheets for a home printer, landscape, two-sided"."""
    found = STOCK_FILE.fullmatch(name)
    if found is None:
        return name  # a file name handbill did not make: shown as it is
    paper = found["paper"]
    words = [
        f"{paper} sheets for a home printer"
        if found["mode"] == "home"
        else f"{paper} pages for a print shop, with bleed"
    ]
    if found["landscape"]:
        words.append("landscape")
    words.append("two-sided" if found["two"] else "one-sided")
    return ", ".join(words)


def _purpose(name: str, sheets: int, items: list[dict[str, Any]], flip: str) -> str:
    """How to print one file and what is in it: "25 sheets, print double-sided, flip on short
    edge. Holds: A5 leaflet (en dash) Leeds, 50 copies (2 per sheet)."."""
    found = STOCK_FILE.fullmatch(name)
    two, landscape = (bool(found["two"]), bool(found["landscape"])) if found else (False, False)
    how = f"{sheets} sheet{'s' * (sheets != 1)}, {sides_words(two, landscape, flip)}"
    held = "; ".join(
        f"{item['title']}, {item['copies_made']} copies"
        + (f" ({item['per_sheet']} per sheet)" if item["per_sheet"] > 1 else "")
        for item in items
    )
    return f"{how}. Holds: {held}." if held else f"{how}."


def runs_html(runs: list[Run]) -> str:
    """The print-run section's content: each run under its name, each file a download link
    labelled in words with its size, and a line on what it is for."""
    e = html.escape
    parts = []
    for number, run in enumerate(runs, 1):
        links = "".join(
            f'<li><a href="{e(quote(f.path))}" download '
            f'aria-label="{e(f"Download {run.name}: {f.title}")}"><span>{e(f.title)}</span>'
            f'<span class="size">{file_size(f.size)}</span></a>'
            f'<p class="purpose">{e(f.purpose)}</p></li>'
            for f in run.files
        )
        parts.append(
            f'<section class="run" aria-labelledby="run-{number}"><h3 id="run-{number}">'
            f'{e(run.name)}</h3><ul class="downloads">{links}</ul></section>'
        )
    return "\n".join(parts)


def file_size(count: int) -> str:
    """A file's size as the page shows it: "240 KB", "1.3 MB"."""
    return f"{count / 1024:.0f} KB" if count < 1024 * 1024 else f"{count / 1024 / 1024:.1f} MB"
