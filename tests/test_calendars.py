"""Event calendars: valid iCalendar read back by an independent parser, stable across builds."""

from __future__ import annotations

import datetime
import json
import zoneinfo
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write
from handbill.build.calendars import calendar, escape, fold
from handbill.build.runner import build
from handbill.cli import cli
from handbill.kit.events import Event
from handbill.kit.loader import load_kit

EVENTS = """\
date,time,title,venue,address,postcode,booking_link
2026-03-28,7pm,"Save the 27 bus; a meeting, with tea",Hall,"1 Road, Town",AB1 2CD,"https://example.org/book?a=1,b"
2026-03-29,10am to 4pm,Stall day,Market,,,
2026-07-04,,Summer fair,Park,,,
"""
LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def events_kit(kit_dir: Path) -> Path:
    write(kit_dir / "data" / "events.csv", EVENTS)
    return kit_dir


def built(kit_dir: Path, out: Path) -> dict[str, bytes]:
    report = build(load_kit(kit_dir), out_dir=out, jobs=1)
    assert not report.failures, report.failures
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.ics"))}


def test_each_event_and_all_events_read_back_with_time_zone_place_and_url(
    events_kit: Path, tmp_path: Path
) -> None:
    files = built(events_kit, tmp_path / "out")
    assert sorted(files) == [
        "event-2026-03-28-save-the-27-bus-a-meeting-with-tea.ics",
        "event-2026-03-29-stall-day.ics",
        "event-2026-07-04-summer-fair.ics",
        "events.ics",
    ]
    everything = icalendar.Calendar.from_ical(files["events.ics"])
    meeting, stall, fair = everything.walk("VEVENT")
    assert meeting.decoded("dtstart") == datetime.datetime(2026, 3, 28, 19, 0, tzinfo=LONDON)
    assert meeting.decoded("dtstart").utcoffset() == datetime.timedelta(0)  # still GMT
    assert meeting.decoded("dtend") == datetime.datetime(2026, 3, 28, 21, 0, tzinfo=LONDON)
    assert str(meeting["summary"]) == "Save the 27 bus; a meeting, with tea"
    assert str(meeting["location"]) == "Hall, 1 Road, Town, AB1 2CD"
    assert str(meeting["url"]) == "https://example.org/book?a=1,b"
    # The clocks go forward at 01:00 UTC on 29 March 2026: the stall is in summer time.
    assert stall.decoded("dtstart") == datetime.datetime(2026, 3, 29, 10, 0, tzinfo=LONDON)
    assert stall.decoded("dtstart").utcoffset() == datetime.timedelta(hours=1)
    assert stall.decoded("dtend").hour == 16
    assert fair.decoded("dtstart") == datetime.date(2026, 7, 4)  # no time: all day
    assert fair.decoded("dtend") == datetime.date(2026, 7, 5)
    one = icalendar.Calendar.from_ical(files["event-2026-03-29-stall-day.ics"])
    assert [str(e["uid"]) for e in one.walk("VEVENT")] == [str(stall["uid"])]


def test_two_builds_write_the_same_bytes_and_uids_survive_a_new_time(
    events_kit: Path, tmp_path: Path
) -> None:
    first = built(events_kit, tmp_path / "a")
    assert built(events_kit, tmp_path / "b") == first
    write(events_kit / "data" / "events.csv", EVENTS.replace("7pm", "7.30pm"))
    moved = built(events_kit, tmp_path / "c")
    name = "event-2026-03-28-save-the-27-bus-a-meeting-with-tea.ics"
    assert moved[name] != first[name]
    old, new = (icalendar.Calendar.from_ical(f[name]).walk("VEVENT")[0] for f in (first, moved))
    assert str(old["uid"]) == str(new["uid"])
    assert new.decoded("dtstart").minute == 30


def test_file_format_crlf_folding_escapes_and_vtimezone(events_kit: Path, tmp_path: Path) -> None:
    data = built(events_kit, tmp_path / "out")["events.ics"]
    assert data.count(b"\r\n") == data.count(b"\n")  # every line ends in CRLF
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    text = data.decode()
    assert "SUMMARY:Save the 27 bus\\; a meeting\\, with tea\r\n" in text
    assert "DTSTART;TZID=Europe/London:20260328T190000\r\n" in text
    # One VTIMEZONE with the spring change of 2026 (clocks from +0000 to +0100 at 1 am).
    assert text.count("BEGIN:VTIMEZONE") == 1
    assert "BEGIN:DAYLIGHT\r\nDTSTART:20260329T010000\r\nTZOFFSETFROM:+0000\r\n" in text
    assert "DTSTAMP:20260328T000000Z" in text


def test_dtstamp_follows_source_date_epoch(
    events_kit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00 UTC
    text = built(events_kit, tmp_path / "out")["events.ics"].decode()
    assert text.count("DTSTAMP:20260101T000000Z") == 3


def test_folding_never_splits_a_character_and_unfolds_to_the_line() -> None:
    line = "DESCRIPTION:" + escape("Cyfarfod cyhoeddus â phaned, ŵy ac ŷd; " * 6)
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert len(pieces) > 3
    assert all(len(piece.encode()) <= 75 for piece in pieces)
    assert folded.replace("\r\n ", "") == line


def test_time_zone_from_handbill_toml(events_kit: Path, tmp_path: Path) -> None:
    toml = events_kit / "handbill.toml"
    toml.write_text(
        toml.read_text().replace(
            'language = "en-GB"', 'language = "en-GB"\ntimezone = "Europe/Dublin"'
        )
    )
    data = built(events_kit, tmp_path / "out")["events.ics"]
    meeting = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert meeting.decoded("dtstart").tzinfo.key == "Europe/Dublin"  # type: ignore[union-attr]
    assert b"X-WR-TIMEZONE:Europe/Dublin\r\n" in data


def test_manifest_records_and_stale_calendars_go(events_kit: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    built(events_kit, out)
    records = json.loads((out / "manifest.json").read_text())["calendars"]
    assert [r["path"] for r in records][:2] == [
        "events.ics",
        "event-2026-03-28-save-the-27-bus-a-meeting-with-tea.ics",
    ]
    assert records[0]["events"] == 3 and records[2]["title"] == "Stall day"
    write(events_kit / "data" / "events.csv", EVENTS.replace("Stall day", "Stall"))
    assert "event-2026-03-29-stall-day.ics" not in built(events_kit, out)
    assert (out / "event-2026-03-29-stall.ics").is_file()


def test_a_time_a_calendar_cannot_read_is_a_warning_and_the_row_is_left_out(
    runner: CliRunner, events_kit: Path
) -> None:
    write(events_kit / "data" / "events.csv", EVENTS.replace("7pm", "sevenish"))
    result = runner.invoke(cli, ["build", "--kit", str(events_kit)])
    assert result.exit_code == 0, result.output
    assert (
        "Warning: data/events.csv: row 2: time 'sevenish' is not a time a calendar can read; "
        "write it as 7pm, 7.30pm, 19:30 or '10am to 4pm'; this event gets no calendar until "
        "then\n"
    ) in result.output.replace(f"{events_kit}/", "")
    write(events_kit / "data" / "events.csv", EVENTS.replace("Market,,,", "Market,,,mailto:x@y.z"))
    result = runner.invoke(cli, ["build", "--kit", str(events_kit)])
    assert (
        "row 3: booking_link: 'mailto:x@y.z' is not a web address; write it in full, starting "
        "with https://; this event gets no calendar until then"
    ) in result.output
    everything = (events_kit / "dist" / "events.ics").read_bytes()
    titles = [str(e["summary"]) for e in icalendar.Calendar.from_ical(everything).walk("VEVENT")]
    assert titles == ["Save the 27 bus; a meeting, with tea", "Summer fair"]


def test_calendar_text_of_one_event() -> None:
    event = Event(
        1,
        "Back\\slash",
        datetime.datetime(2026, 1, 9, 10, 30),
        datetime.datetime(2026, 1, 9, 12, 30),
        "",
        "line one\nline two",
        "",
        "x",
    )
    text = calendar([event], "Campaign", "UTC", "Campaign").decode()
    assert "SUMMARY:Back\\\\slash\r\n" in text
    assert "DESCRIPTION:line one\\nline two\r\n" in text
    assert "LOCATION" not in text and "URL" not in text


@settings(max_examples=60, deadline=None)
@given(
    title=st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=120),
    place=st.text(st.characters(exclude_categories=("Cs",)), max_size=200),
)
def test_any_text_reads_back_exactly(title: str, place: str) -> None:
    # Line breaks in a cell are kept as line breaks; the other control codes never reach here
    # (a data table with one is refused).
    place = "".join(c for c in place if c in "\n" or c.isprintable() or c == " ")
    event = Event(
        1,
        title,
        datetime.datetime(2026, 6, 1, 19),
        datetime.datetime(2026, 6, 1, 21),
        place,
        "",
        "",
        "x",
    )
    data = calendar([event], "Campaign", "Europe/London", title)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    read = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(read["summary"]) == title
    assert str(read.get("location", "")) == place
