"""The download page's event calendars: one .ics to add every event, and one per event."""

from __future__ import annotations

import datetime
import html
from pathlib import Path
from typing import Any
from urllib.parse import quote

from handbill.build.writers import MANIFEST_NAME, read_manifest
from handbill.errors import HandbillError

REBUILD = "delete the output folder and build again"


def calendar_records(out_dir: Path) -> list[dict[str, Any]]:
    """The calendars OUT/manifest.json records, each checked: the manifest may come from
    elsewhere, so a wrong record is refused with one line, never linked or served."""
    records = read_manifest(out_dir).get("calendars", [])
    found = (
        [(n, _problem(r)) for n, r in enumerate(records, 1)]
        if isinstance(records, list)
        else [(0, "")]
    )
    wrong = next(((n, p) for n, p in found if p or not n), None)
    if wrong is not None:
        what = f"calendar {wrong[0]} {wrong[1]}" if wrong[0] else "'calendars' is not a list"
        raise HandbillError(f"{what}; {REBUILD}", out_dir / MANIFEST_NAME)
    return records  # type: ignore[no-any-return]


def _problem(record: object) -> str:
    if not isinstance(record, dict):
        return "is not an object with a path"
    path = record.get("path")
    if not isinstance(path, str) or not path.endswith(".ics") or not _plain(path):
        return "has a path that is not an .ics file in the output folder"
    size = record.get("bytes")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        return "has no size in bytes"
    for key in ("title", "date"):
        if key in record and not isinstance(record[key], str):
            return f"has '{key}' that is not text"
    return ""


def _plain(name: str) -> bool:
    return not name.startswith(".") and "/" not in name and "\\" not in name and name.isprintable()


def calendar_files(out_dir: Path) -> set[str]:
    """The calendar files serve may hand out."""
    return {record["path"] for record in calendar_records(out_dir)}


def calendar_section(out_dir: Path) -> str:
    """The page's "Add the events to your calendar" section, or "" when there are none."""
    e = html.escape
    records = [r for r in calendar_records(out_dir) if (out_dir / r["path"]).is_file()]
    if not records:
        return ""
    items = []
    for record in records:
        href = e(quote(record["path"], safe=""))
        if "title" in record:
            words = f"{record['title']}, {_date(record.get('date', ''))}"
        else:
            count = record.get("events")
            words = "Every event" + (f" ({count})" if isinstance(count, int) else "")
        items.append(
            f'<li><a href="{href}" download aria-label="Add to your calendar: {e(words)}">'
            f'<span>{e(words)}</span><span class="size">{_kilobytes(record["bytes"])}</span>'
            "</a></li>"
        )
    return (
        '<section class="calendars" aria-labelledby="h-calendars">\n'
        '<h2 id="h-calendars">Add the events to your calendar</h2>\n'
        "<p>Open a file with your phone or computer\u2019s calendar to add the event, with its "
        "time, place and link.</p>\n"
        f'<ul class="downloads">{"".join(items)}</ul>\n</section>'
    )


def _kilobytes(count: int) -> str:
    return f"{max(1, round(count / 1024))} KB"


def _date(text: str) -> str:
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return text
    # No-break spaces: on a phone the link's text wraps, and "Sat 2 / May 2026" reads badly.
    return f"{day:%a}\u00a0{day.day}\u00a0{day:%b}\u00a0{day:%Y}"
