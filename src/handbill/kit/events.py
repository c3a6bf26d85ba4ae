"""Event rows as calendar events: the kit's time zone, dates, start and end times, place, link."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from handbill.errors import KitError, TemplateError
from handbill.kit.data import printed_cells
from handbill.kit.filenames import file_slug, unique_names
from handbill.kit.links import url_problem
from handbill.kit.nobreak import NBSP
from handbill.kit.timezones import DEFAULT_TIMEZONE

DOWNLOADS_LINK = "downloads"  # [links] downloads: where the output folder is published
DEFAULT_HOURS = 2  # an event with a start time but no end: a meeting's usual length
URL_COLUMNS = ("booking_link", "url", "link", "page")
END_COLUMNS = ("end_time", "end")
TIME_EXAMPLES = "write it as 7pm, 7.30pm, 19:30 or '10am to 4pm'"
# "7pm", "7.30pm", "7:30 pm", "19:30", "19.30", "noon"; the parts of "10am to 4pm" or "6-8pm".
_CLOCK = re.compile(r"^(\d{1,2})(?:[.:](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$", re.IGNORECASE)
_HALF = re.compile(r"([ap])\.?m\.?$", re.IGNORECASE)
_RANGE = re.compile(r"\s*(?:-|\u2013|\u2014|\bto\b|\buntil\b|\btill\b)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Event:
    """One event row as a calendar sees it; ``start`` and ``end`` are local times in the kit's
    zone, or dates alone for an event with no time."""

    row: int
    title: str
    start: datetime.datetime | datetime.date
    end: datetime.datetime | datetime.date
    location: str
    description: str
    url: str
    uid_seed: str  # the row's own uid, or what makes one stable: its date and title

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime.datetime)


def parse_clock(text: str, half: str = "") -> datetime.time | None:
    """``7pm``, ``7.30pm``, ``19:30``, ``noon`` as a time of day; None if it is none of them.

    A bare hour ("7") is None: 7 in the morning or the evening is for the kit to say. ``half``
    ("am" or "pm") is the one a range's end gives its start ("6-8pm").
    """
    words = text.strip().lower()
    if words in ("noon", "midday", "12 noon"):
        return datetime.time(12)
    match = _CLOCK.match(words)
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    half = (match[3] or half).replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match[2] is None:
        return None
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


def parse_times(text: str) -> tuple[datetime.time, datetime.time | None] | None:
    """A start time and, for "10am to 4pm" or "6-8pm", an end time; None if unreadable."""
    parts = _RANGE.split(text.strip(), maxsplit=1)
    if len(parts) == 1:
        start = parse_clock(text)
        return (start, None) if start else None
    end = parse_clock(parts[1])
    suffix = _HALF.search(parts[1].strip())
    start = parse_clock(parts[0])
    if suffix and end is not None and not _HALF.search(parts[0].strip()):
        # "6-8pm" is 6 pm to 8 pm, "11-1pm" 11 am to 1 pm: the half that starts before the end.
        other = "a" if suffix[1].lower() == "p" else "p"
        guesses = (parse_clock(parts[0], half + "m") for half in (suffix[1].lower(), other))
        start = next((t for t in guesses if t is not None and t < end), start)
    if start is None or end is None:
        return None
    return start, end


def read_events(rows: list[dict[str, str]], path: Path) -> tuple[list[Event], list[str]]:
    """The events of a table (data/events.csv) with a ``date`` and a ``title`` column, and a
    line for each row whose date or time a calendar cannot read (left out of the calendars:
    the row's posters print its words as they are)."""
    events, problems = [], []
    for number, row in enumerate(rows, 1):
        try:
            events.append(read_event(row, number, path))
        except KitError as exc:
            problems.append(f"{exc.format_message()}; this event gets no calendar until then")
    return events, problems


def read_event(row: dict[str, str], number: int, path: Path) -> Event:
    """Row ``number`` of the table as an event; a KitError naming the row and how to write
    a date or time a calendar cannot read."""
    line = getattr(row, "number", number + 1)
    # A calendar shows the words as the posters print them ("St Bede\u2019s", UTF-8 as
    # iCalendar requires), with plain spaces: a calendar app lays out its own lines, and its
    # search finds "7 pm" typed with a space. Times, links and the uid are read as written.
    shown = {column: cell.replace(NBSP, " ") for column, cell in printed_cells(row).items()}
    title = shown.get("title", "").strip()
    date_text = row.get("date", "").strip()
    try:
        day = datetime.date.fromisoformat(date_text)
    except ValueError:
        raise KitError(
            f"row {line}: date '{date_text}' is not a date a calendar can read; write it "
            "as 2026-10-26 (year-month-day)",
            path,
        ) from None
    start: datetime.datetime | datetime.date = day
    end: datetime.datetime | datetime.date = day + datetime.timedelta(days=1)
    time_text = row.get("time", "").strip()
    if time_text:
        start, end = _timed(row, day, time_text, line, path)
    place = (shown.get(column, "").strip() for column in ("venue", "address", "postcode"))
    about = [
        f"{label}: {shown[column].strip()}"
        for column, label in (("speakers", "Speakers"), ("price", "Entry"))
        if shown.get(column, "").strip()
    ]
    column, url = next(
        ((c, row[c].strip()) for c in URL_COLUMNS if row.get(c, "").strip()), ("", "")
    )
    problem = url_problem(url) if url else None
    if problem:
        raise KitError(f"row {line}: {column}: {problem}", path)
    return Event(
        row=number,
        title=title or date_text,
        start=start,
        end=end,
        location=", ".join(part for part in place if part),
        description="\n".join(about),
        url=url,
        # As written, so that an event keeps its uid whatever the typesetting does.
        uid_seed=row.get("uid", "").strip() or f"{date_text}|{row.get('title', '').strip()}",
    )


def _timed(
    row: dict[str, str], day: datetime.date, time_text: str, line: int, path: Path
) -> tuple[datetime.datetime, datetime.datetime]:
    """The start and end of an event with a time: the end from an end column, the time's
    range, or DEFAULT_HOURS after the start."""
    times = parse_times(time_text)
    if times is None:
        raise KitError(
            f"row {line}: time '{time_text}' is not a time a calendar can read; {TIME_EXAMPLES}",
            path,
        )
    end_text = next((row[c].strip() for c in END_COLUMNS if row.get(c, "").strip()), "")
    until = parse_clock(end_text) if end_text else times[1]
    if end_text and until is None:
        raise KitError(
            f"row {line}: end time '{end_text}' is not a time a calendar can read; {TIME_EXAMPLES}",
            path,
        )
    start = datetime.datetime.combine(day, times[0])
    end = (
        datetime.datetime.combine(day, until)
        if until is not None
        else start + datetime.timedelta(hours=DEFAULT_HOURS)
    )
    if end <= start:  # "8pm to 1am": it ends the next day
        end += datetime.timedelta(days=1)
    return start, end


def calendar_names(events: list[Event]) -> list[str]:
    """Each event's calendar file: its date and the start of its title, never two alike."""
    stems = [f"event-{event_day(e.start).isoformat()}-{_short(file_slug(e.title))}" for e in events]
    return [f"{stem}.ics" for stem in unique_names(stems)]


def _short(slug: str, limit: int = 40) -> str:
    """The slug cut after its last whole word within ``limit`` characters."""
    return slug if len(slug) <= limit else slug[: limit + 1].rsplit("-", 1)[0]


def event_day(value: datetime.datetime | datetime.date) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


_NAMES: dict[int, tuple[object, dict[int, str]]] = {}


def calendar_url(base: str, rows: list[dict[str, str]], number: int) -> str:
    """Where row ``number``'s calendar file is published: in the output folder at ``base``
    ([links] downloads). A TemplateError when there is no such address or calendar."""
    if not base:
        raise TemplateError(
            "calendar_qr: a QR code to add the event to a calendar needs the address where the "
            f'output folder is published: add {DOWNLOADS_LINK} = "https://..." under [links]'
        )
    found = _NAMES.get(id(rows))
    if found is None or found[0] is not rows:  # the rows are kept, so their id stays theirs
        if len(_NAMES) > 16:
            _NAMES.clear()
        events, _ = read_events(rows, Path("data/events.csv"))
        found = _NAMES[id(rows)] = (
            rows,
            {e.row: name for e, name in zip(events, calendar_names(events), strict=True)},
        )
    name = found[1].get(number)
    if name is None:
        try:
            read_event(rows[number - 1], number, Path("data/events.csv"))
        except KitError as exc:
            raise TemplateError(f"calendar_qr: {exc.reason}") from None
        raise TemplateError(f"calendar_qr: row {number} has no calendar")
    return f"{base.rstrip('/')}/{name}"


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name or DEFAULT_TIMEZONE)
