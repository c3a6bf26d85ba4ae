"""Event calendars: an iCalendar (.ics) file per row of data/events.csv and one for them all."""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
import zoneinfo
from dataclasses import replace
from pathlib import Path
from typing import Any

from handbill.build.writers import own_path, read_manifest, remove_outputs, write_atomic
from handbill.kit.events import Event, calendar_names, event_day, read_events, zone_of
from handbill.kit.loader import Kit

TABLE = "events"
ALL_EVENTS = "events.ics"
PRODID = "-//handbill//event calendar//EN"
FOLD_OCTETS = 75  # RFC 5545 3.1: lines longer than this are folded
_UTC = datetime.timezone.utc


def wanted(kit: Kit) -> bool:
    """Whether the kit has an events table to make calendars from (``date`` and ``title``)."""
    rows = kit.data.get(TABLE)
    return isinstance(rows, list) and bool(rows) and {"date", "title"} <= set(rows[0])


def kit_events(kit: Kit) -> tuple[list[Event], list[str]]:
    """The kit's events, and a line for each row a calendar cannot read."""
    path = kit.root / "data" / f"{TABLE}.csv"
    if not path.is_file():  # the table may be data/events.json
        path = path.with_suffix(".json")
    events, problems = read_events(kit.data[TABLE], path)
    # A row without a link of its own points at the kit's events page, when it has one.
    fallback = kit.config.links.get("events")
    if fallback is not None:
        events = [event if event.url else replace(event, url=fallback.url) for event in events]
    return events, problems


def write_calendars(kit: Kit, out_dir: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Write every event's .ics and events.ics into ``out_dir``: their manifest records, and
    a warning for each row left out."""
    events, problems = kit_events(kit)
    zone = kit.config.timezone
    records = []
    for event, name in zip(events, calendar_names(events), strict=True):
        data = calendar([event], kit.config.name, zone, event.title)
        digest = write_atomic(out_dir / name, data)
        records.append(
            {
                "path": name,
                "row": event.row,
                "title": event.title,
                "date": event_day(event.start).isoformat(),
                "uid": uid(kit.config.name, event),
                "bytes": len(data),
                "sha256": digest,
            }
        )
    if events:
        data = calendar(events, kit.config.name, zone, f"{kit.config.name}: events")
        digest = write_atomic(out_dir / ALL_EVENTS, data)
        records.insert(
            0, {"path": ALL_EVENTS, "events": len(events), "bytes": len(data), "sha256": digest}
        )
    return records, problems


def earlier_calendars(out_dir: Path) -> list[dict[str, Any]]:
    """The calendar files the manifest in ``out_dir`` records (only plain .ics names)."""
    found = read_manifest(out_dir).get("calendars", [])
    return [
        record
        for record in (found if isinstance(found, list) else [])
        if isinstance(record, dict)
        and own_path(record.get("path"))
        and "/" not in str(record.get("path"))
        and str(record.get("path")).endswith(".ics")
    ]


def remove_stale(out_dir: Path, records: list[dict[str, Any]]) -> list[str]:
    """Delete the calendars an earlier build wrote that this one did not (an event removed or
    renamed), only while they hold what handbill wrote."""
    fresh = {record["path"] for record in records}
    stale = [r for r in earlier_calendars(out_dir) if r["path"] not in fresh]
    return remove_outputs(out_dir, stale)


def uid(campaign: str, event: Event) -> str:
    """A UID that stays the same while the event keeps its date and title (or its ``uid``
    cell), so a calendar that imported it updates the event when the time or place changes."""
    digest = hashlib.sha256(f"{campaign}\n{event.uid_seed}".encode()).hexdigest()[:20]
    return f"{digest}@handbill.events"


def calendar(events: list[Event], campaign: str, zone: str, name: str) -> bytes:
    """An iCalendar file (RFC 5545) of ``events`` in time zone ``zone``: CRLF lines folded at
    75 octets, text escaped, a VTIMEZONE for the zone and a DTSTAMP fixed by the data."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        f"X-WR-TIMEZONE:{zone}",
    ]
    timed = [e for e in events if not e.all_day]
    if timed:
        first = min(event_day(e.start) for e in timed).year
        last = max(event_day(e.end) for e in timed).year
        lines += vtimezone(zone, first, last)
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid(campaign, event)}",
            f"DTSTAMP:{_stamp(event)}",
            _when("DTSTART", event.start, zone),
            _when("DTEND", event.end, zone),
            f"SUMMARY:{escape(event.title)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{escape(event.location)}")
        description = "\n".join(part for part in (event.description, event.url) if part)
        if description:
            lines.append(f"DESCRIPTION:{escape(description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """The line folded into pieces of at most 75 octets of UTF-8, never inside a character;
    each continuation starts with a space (which counts towards its 75)."""
    pieces: list[str] = []
    current, size = "", 0
    for character in line:
        width = len(character.encode("utf-8"))
        limit = FOLD_OCTETS - (1 if pieces else 0)
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += character
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _when(key: str, value: datetime.datetime | datetime.date, zone: str) -> str:
    if isinstance(value, datetime.datetime):
        return f"{key};TZID={zone}:{value:%Y%m%dT%H%M%S}"
    return f"{key};VALUE=DATE:{value:%Y%m%d}"


def _stamp(event: Event) -> str:
    """SOURCE_DATE_EPOCH (the reproducible-builds convention) when set, else midnight UTC on
    the event's day: never the clock, so two builds write the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = datetime.datetime.fromtimestamp(int(epoch), _UTC)
    else:
        moment = datetime.datetime.combine(event_day(event.start), datetime.time(), _UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}"


@functools.lru_cache(maxsize=32)  # the same for every event of a year: made once
def vtimezone(zone: str, first: int, last: int) -> tuple[str, ...]:
    """A VTIMEZONE for ``zone`` from 1 January of ``first`` to the end of ``last``: the offset
    in force then, and each change of offset (summer time) in between, read from zoneinfo."""
    tz = zone_of(zone)
    start = datetime.datetime(first, 1, 1, tzinfo=_UTC)
    end = datetime.datetime(last + 1, 1, 1, tzinfo=_UTC)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone}"]
    offset = _offset(tz, start)
    lines += _observance(tz, start, offset, offset)
    moment = start
    while moment < end:
        step = moment + datetime.timedelta(days=1)
        if _offset(tz, step) != offset:
            change = _change(tz, moment, step)
            new = _offset(tz, change)
            lines += _observance(tz, change, offset, new)
            offset = new
        moment = step
    return (*lines, "END:VTIMEZONE")


def _offset(tz: zoneinfo.ZoneInfo, moment: datetime.datetime) -> datetime.timedelta:
    return moment.astimezone(tz).utcoffset() or datetime.timedelta()


def _change(
    tz: zoneinfo.ZoneInfo, before: datetime.datetime, after: datetime.datetime
) -> datetime.datetime:
    """The first second at which the offset differs from ``before``'s (by halving)."""
    old = _offset(tz, before)
    while after - before > datetime.timedelta(seconds=1):
        middle = before + (after - before) / 2
        middle = middle.replace(microsecond=0)
        if _offset(tz, middle) == old:
            before = middle
        else:
            after = middle
    return after


def _observance(
    tz: zoneinfo.ZoneInfo,
    moment: datetime.datetime,
    old: datetime.timedelta,
    new: datetime.timedelta,
) -> list[str]:
    local = moment.astimezone(tz)
    kind = "DAYLIGHT" if local.dst() else "STANDARD"
    # DTSTART is the local time as the clocks showed it just before the change (RFC 5545).
    shown = (moment + old).replace(tzinfo=None)
    return [
        f"BEGIN:{kind}",
        f"DTSTART:{shown:%Y%m%dT%H%M%S}",
        f"TZOFFSETFROM:{_hhmm(old)}",
        f"TZOFFSETTO:{_hhmm(new)}",
        f"TZNAME:{local.tzname() or tz.key}",
        f"END:{kind}",
    ]


def _hhmm(offset: datetime.timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{rest:02d}"


def update_calendars(
    kit: Kit, out_dir: Path, names: bool, materials: list[Any], keep_stale: bool = False
) -> tuple[list[Any], list[str]]:
    """The calendars the manifest records after this build: written again when the whole kit
    or an events material is built (stale ones deleted, unless ``keep_stale``), else those of
    the last build; and a warning for each row a calendar cannot read."""
    rows = kit.data.get(TABLE)
    due = not names or any(material.per == TABLE for material in materials)
    if not due or (rows is not None and not isinstance(rows, list)):
        return earlier_calendars(out_dir), []  # a broken table is reported with its materials
    records, problems = write_calendars(kit, out_dir) if wanted(kit) else ([], [])
    if not keep_stale:
        remove_stale(out_dir, records)
    return records, problems
