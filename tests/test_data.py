"""Data tables: a row's cells as written for files and links, typeset once for the page."""

from __future__ import annotations

import pickle
from html.parser import HTMLParser
from pathlib import Path

import icalendar
from markupsafe import escape

from conftest import write
from handbill.build.runner import build
from handbill.kit.data import TableRow, load_data, printed_cells
from handbill.kit.loader import load_kit
from handbill.publish.site import write_site
from handbill.render.templating import render_html
from pdftools import decode_qr_codes, pdftotext

TITLE = "Don't stop - it's \"ours\""
PRINTED_TITLE = "Don\u2019t stop\u00a0\u2013 it\u2019s \u201cours\u201d"
BOOKING = "https://example.org/book?event=st-bedes&from='flyer'"
QUOTED_TITLE = TITLE.replace('"', '""')
EVENTS = (
    "date,time,title,venue,address,booking_link,contact\n"
    f'2026-03-28,7pm,"{QUOTED_TITLE}",St Bede\'s Church,"Fern Grove, Liverpool",{BOOKING},'
    "o'neill@example.org\n"
)


def test_a_row_keeps_its_cells_as_written_and_prints_them_typeset(tmp_path: Path) -> None:
    write(tmp_path / "data" / "events.csv", EVENTS)
    row = load_data(tmp_path / "data")["events"][0]
    assert isinstance(row, TableRow) and row.number == 2
    assert row["title"] == TITLE and row["venue"] == "St Bede's Church"
    assert row.printed["title"] == PRINTED_TITLE
    assert row.printed["venue"] == "St Bede\u2019s Church"
    # Addresses stay as written: a web address, an e-mail address.
    assert row.printed["booking_link"] == BOOKING
    assert row.printed["contact"] == "o'neill@example.org"
    assert row.printed["time"] == "7pm"
    # Typeset once: the same mapping each time, and again after a trip to a worker process.
    assert printed_cells(row) is row.printed
    again = pickle.loads(pickle.dumps(row))
    assert again.number == 2 and again.printed == row.printed and dict(again) == dict(row)
    # Any other cells (handbill.toml [fields], --set) are typeset the same way.
    assert printed_cells({"town": "King's Lynn - west"}) == {
        "town": "King\u2019s Lynn\u00a0\u2013 west"
    }
    assert printed_cells(None) == {}


def test_a_template_reading_a_whole_table_gets_its_rows_as_printed(kit_dir: Path) -> None:
    write(kit_dir / "data" / "events.csv", EVENTS)
    write(
        kit_dir / "templates" / "listing.html",
        "{% for event in data.events %}{{ event.venue }}|{{ event.booking_link }}{% endfor %}",
    )
    write(kit_dir / "materials" / "listing.md", "---\ntemplate: listing\ntitle: All\n---\n")
    kit = load_kit(kit_dir)
    html = render_html(kit, kit.materials["listing"]).html
    assert html == f"St Bede\u2019s Church|{escape(BOOKING)}"


class Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._open = tag in ("h3", "h4")
        if self._open:
            self.found.append("")

    def handle_endtag(self, tag: str) -> None:
        self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            self.found[-1] += data


def words(text: str) -> str:
    """Text with its runs of spaces (no-break ones too, as pdftotext keeps them) as one space."""
    return " ".join(text.split())


def test_every_output_shows_the_row_typeset_and_names_files_as_written(
    kit_dir: Path, tmp_path: Path
) -> None:
    write(kit_dir / "data" / "events.csv", EVENTS)
    write(
        kit_dir / "materials" / "flyer.md",
        "---\ntemplate: event-flyer\ntitle: Flyer\npaper: A6\npages: 1\nper: events\n"
        'social: [square]\noutput: "flyer-{title}"\n---\nCome along.\n',
    )
    out = tmp_path / "out"
    kit = load_kit(kit_dir)
    report = build(kit, names=["flyer"], out_dir=out, jobs=1)
    assert not report.failures, report.failures
    # File names are made from the cells as written, in plain ASCII.
    files = sorted(p.name for p in out.iterdir() if p.name.startswith(("flyer", "event")))
    assert "flyer-don-t-stop-it-s-ours.pdf" in files
    assert "event-2026-03-28-don-t-stop-it-s-ours.ics" in files
    assert all(name.isascii() for name in files), files
    pdf = out / "flyer-don-t-stop-it-s-ours.pdf"
    # The printed page: the title and venue typeset.
    text = words(pdftotext(pdf))
    assert words(PRINTED_TITLE) in text and "St Bede\u2019s Church" in text
    assert "Don't" not in text and "Bede's" not in text
    assert "from='flyer'" in text  # the booking address under its code, as written
    # The QR code carries the booking address as written.
    assert [url for _, url in decode_qr_codes(pdf)] == [BOOKING]
    # The social caption to paste: typeset too.
    caption = (out / "flyer-don-t-stop-it-s-ours.social.txt").read_text()
    assert words(PRINTED_TITLE) in words(caption) and "St Bede\u2019s Church" in caption
    # The calendar: the words as printed (UTF-8), with plain spaces for the calendar's own lines.
    [event] = icalendar.Calendar.from_ical((out / "events.ics").read_bytes()).walk("VEVENT")
    assert str(event["summary"]) == "Don\u2019t stop \u2013 it\u2019s \u201cours\u201d"
    assert str(event["location"]) == "St Bede\u2019s Church, Fern Grove, Liverpool"
    assert str(event["url"]) == BOOKING
    # The download page's headings and link labels: typeset, as the flyer prints them.
    page = write_site(kit, out).read_text()
    parser = Headings()
    parser.feed(page)
    # The social section's heading: the material, its variant, each after an en dash.
    variant = f"{PRINTED_TITLE}\u00a0\u2013 St Bede\u2019s Church\u00a0\u2013 Sat 28\u00a0Mar 2026"
    assert parser.found == ["Flyer", f"Flyer\u00a0\u2013 {variant}"]
    assert "St Bede's" not in page and "St Bede&#x27;s" not in page
    # The calendar section's link: the event's title as its calendar shows it.
    assert (
        'aria-label="Add to your calendar: Don\u2019t stop \u2013 it\u2019s \u201cours\u201d, '
        'Sat\u00a028\u00a0Mar\u00a02026"'
    ) in page
