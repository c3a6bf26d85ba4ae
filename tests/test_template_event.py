"""Event posters (A4) and flyers (A6): one page per events row, the row's details, a QR code."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, write
from handbill.build.runner import build
from handbill.engine.fitting import render_fitted
from handbill.engine.inspect import spilled_text
from handbill.kit.links import tracked_url
from handbill.kit.loader import Kit, load_kit, rows_of
from handbill.kit.markdown import smart_text
from handbill.render.templating import render_html
from pdftools import decode_qr_codes, imprint_lines, page_sizes_mm, page_texts, text_runs

# Material name: (paper width, height in mm).
MATERIALS = {"event-poster": (210, 297), "event-flyer": (105, 148)}
with (REPO / "data" / "events.csv").open(encoding="utf-8-sig", newline="") as table:
    ROWS = list(csv.DictReader(table))
CASES = [(name, number) for name in MATERIALS for number in range(1, len(ROWS) + 1)]


def squashed(text: str) -> str:
    """Text without whitespace, so that words broken over lines still match."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def kit() -> Kit:
    return load_kit(REPO)


@pytest.fixture(scope="module")
def out(kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("events")
    report = build(kit, list(MATERIALS), out_dir=folder, jobs=1)
    assert not report.failures, report.failures
    assert not [w for output in report.outputs for w in output.warnings]
    return folder


def entry(out: Path, material: str, number: int) -> dict[str, Any]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    found: dict[str, Any] = next(
        e
        for e in manifest["outputs"]
        if e["material"] == material and e.get("row") == number and not e.get("imposition")
    )
    return found


def pdf(out: Path, material: str, number: int) -> Path:
    return out / f"{material}-{ROWS[number - 1]['date']}.pdf"


def test_there_are_four_events_and_one_output_each(kit: Kit, out: Path) -> None:
    assert len(ROWS) == 4
    for name in MATERIALS:
        assert len(rows_of(kit, kit.materials[name])) == len(ROWS)
        for number, row in enumerate(ROWS, start=1):
            path = pdf(out, name, number)
            assert path.is_file(), path
            assert entry(out, name, number)["path"] == f"{name}-{row['date']}.pdf"
    assert (out / "event-poster-2018-10-26.pdf").is_file()
    assert (out / "event-flyer-2018-11-17.pdf").is_file()


@pytest.mark.parametrize(("name", "number"), CASES)
def test_each_event_is_one_page_of_the_right_size(out: Path, name: str, number: int) -> None:
    width, height = MATERIALS[name]
    sizes = page_sizes_mm(pdf(out, name, number))
    assert len(sizes) == 1
    assert abs(sizes[0][0] - width) <= 0.5 and abs(sizes[0][1] - height) <= 0.5
    assert entry(out, name, number)["pages"] == 1


@pytest.mark.parametrize(("name", "number"), CASES)
def test_each_event_shows_its_details(out: Path, name: str, number: int) -> None:
    row = ROWS[number - 1]
    text = squashed(" ".join(page_texts(pdf(out, name, number))))
    for cell in ("title", "time", "venue", "address", "postcode", "speakers", "price"):
        assert squashed(smart_text(row[cell])) in text, (cell, row[cell])
    assert "#Justice4NHS" in text and "Promotedby999CallfortheNHS" in text


def test_dates_are_written_out_for_people(out: Path) -> None:
    expected = {
        "2018-10-26": "Friday 26 October 2018",
        "2018-10-27": "Saturday 27 October 2018",
        "2018-11-03": "Saturday 3 November 2018",
        "2018-11-17": "Saturday 17 November 2018",
    }
    for name in MATERIALS:
        for number, row in enumerate(ROWS, start=1):
            text = " ".join(" ".join(page_texts(pdf(out, name, number))).split())
            assert expected[row["date"]] in text, (name, row["date"])


@pytest.mark.parametrize(("name", "number"), CASES)
def test_qr_code_goes_to_the_booking_link_or_the_events_link(
    kit: Kit, out: Path, name: str, number: int
) -> None:
    row = ROWS[number - 1]
    codes = entry(out, name, number)["qr_codes"]
    # A booking address that is one of the kit's links is recorded under that link's name.
    named = [n for n, link in kit.config.links.items() if link.url == row["booking_link"]]
    if row["booking_link"]:
        expected = (named[0] if named else "booking", row["booking_link"])
    else:
        expected = ("events", kit.config.links["events"].url)
    # The kit adds UTM parameters naming this output (see test_tracking.py).
    stem = entry(out, name, number)["path"].removesuffix(".pdf")
    assert [(q["link"], q["target"]) for q in codes] == [
        (expected[0], tracked_url(expected[1], kit.config.tracking, stem))
    ]
    assert all(q["width_mm"] >= 20 for q in codes)
    assert decode_qr_codes(pdf(out, name, number)) == [(q["page"], q["url"]) for q in codes]


def test_every_example_event_has_a_start_time() -> None:
    assert all(row["time"] for row in ROWS)


@pytest.mark.parametrize("name", MATERIALS)
def test_the_words_beside_the_code_say_what_the_link_is(kit: Kit, out: Path, name: str) -> None:
    for number, row in enumerate(ROWS, start=1):
        text = " ".join(" ".join(page_texts(pdf(out, name, number))).split())
        if row["booking_link"] == kit.config.links["petition"].url:
            assert "Sign the petition" in text and "Book your place" not in text
        elif not row["booking_link"]:
            assert "Find more events" in text and "Book your place" not in text


def _act_heading(kit: Kit, name: str, row: dict[str, str]) -> str:
    html = render_html(kit, kit.materials[name], row, 1).html
    return html.split('<p class="act-heading">', 1)[1].split("</p>", 1)[0]


def test_heading_beside_the_code_follows_the_link(tmp_path: Path) -> None:
    """A kit's own links: known kinds get their words, a title per link wins, others book."""
    write(
        tmp_path / "handbill.toml",
        """
        [campaign]
        name = "Our Campaign"

        [links]
        petition = "https://example.org/sign/"
        donate = "https://example.org/give"
        tickets = "https://example.org/tickets"
        """,
    )
    write(
        tmp_path / "materials" / "poster.md",
        "---\ntemplate: event-poster\ntitle: P\nper: events\npublished: false\n"
        "vars:\n  qr_titles:\n    donate: Chip in for the coach\n---\nCome.\n",
    )
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "events.csv").write_text(
        "date,time,title,venue,booking_link\n2030-03-14,,T,V,\n", encoding="utf-8"
    )
    kit = load_kit(tmp_path)
    row = {"date": "2030-03-14", "time": "7pm", "title": "T", "venue": "V"}
    expected = {
        "https://example.org/sign": "Sign the petition",  # the same address, no final slash
        "petition": "Sign the petition",  # the link's name
        "https://example.org/give": "Chip in for the coach",  # the kit's own words
        "https://example.org/tickets": "Book your place",
        "https://elsewhere.example/book": "Book your place",
    }
    for link, heading in expected.items():
        assert _act_heading(kit, "poster", {**row, "booking_link": link}) == heading, link
    # The start time shows whenever it is given, even without a date.
    html = render_html(kit, kit.materials["poster"], {**row, "date": ""}, 1).html
    assert '<span class="time">7pm</span>' in html


@pytest.mark.parametrize(("name", "number"), CASES)
def test_each_event_stays_in_its_boxes(kit: Kit, name: str, number: int) -> None:
    material = kit.materials[name]
    row = rows_of(kit, material)[number - 1]
    fitted = render_fitted(kit, render_html(kit, material, row, number))
    assert len(fitted.document.pages) == 1
    assert spilled_text(fitted.document) == []
    assert fitted.warnings == [] and fitted.problems == []


def test_long_rows_still_fit_and_a_kit_without_events_link_uses_case(tmp_path: Path) -> None:
    """A starter-like kit: links case and donate only, a row with long cells and no booking link."""
    write(
        tmp_path / "handbill.toml",
        """
        [campaign]
        name = "Our Campaign"
        hashtag = "#OurCampaign"

        [links]
        case = "https://example.org/our-case"
        donate = "https://example.org/donate"

        [imprint]
        promoter = "Our Campaign"
        promoter_address = "1 Example Street, Exampletown EX1 1AA"
        printer = "Example Printers"
        printer_address = "2 Example Road, Exampletown EX2 2BB"
        """,
    )
    title = "Save our hospitals: a public meeting on the future of A&E and maternity services"
    speakers = ", ".join(f"Speaker Number {n} (Example Organisation {n})" for n in range(1, 6))
    venue = "The Long Name Community Centre and Meeting Rooms"
    address = "Unit 4, Old Canal Street, Exampletown"
    (tmp_path / "data").mkdir()
    with (tmp_path / "data" / "events.csv").open("w", encoding="utf-8", newline="") as f:
        table = csv.writer(f)
        table.writerow(ROWS[0].keys())
        table.writerow(
            ["2030-03-14", "7pm to 9.30pm", title, venue, address, "EX1 1AA", speakers, "Free", ""]
        )
    for name in MATERIALS:
        starter = REPO / "src" / "handbill" / "starter" / "materials" / f"{name}.md"
        write(tmp_path / "materials" / f"{name}.md", starter.read_text(encoding="utf-8"))
    kit = load_kit(tmp_path)
    report = build(kit, list(MATERIALS), out_dir=tmp_path / "dist", jobs=1)
    assert not report.failures, report.failures
    for name in MATERIALS:
        path = tmp_path / "dist" / f"{name}-2030-03-14.pdf"
        assert len(page_sizes_mm(path)) == 1
        # A new kit tracks its links (handbill.toml [tracking]); the code names this poster.
        assert decode_qr_codes(path) == [
            (1, tracked_url("https://example.org/our-case", kit.config.tracking, path.stem))
        ]
        material = kit.materials[name]
        fitted = render_fitted(kit, render_html(kit, material, rows_of(kit, material)[0], 1))
        assert spilled_text(fitted.document) == [] and fitted.problems == []
        text = squashed(" ".join(page_texts(path)))
        assert squashed(title) in text and squashed(speakers) in text
        assert "Thursday14March2030" in text and "Findoutmore" in text
        assert label_sizes(path) and min(label_sizes(path).values()) >= 8  # long rows too


def label_sizes(path: Path) -> dict[str, float]:
    """The size in pt of each details label (WHERE, SPEAKERS, ENTRY) on the page."""
    return {
        text.strip(): size
        for _, text, size, _, _ in text_runs(path)
        if text.strip() in ("WHERE", "SPEAKERS", "ENTRY")
    }


@pytest.mark.parametrize("number", range(1, len(ROWS) + 1))
def test_flyer_labels_are_at_least_8pt(out: Path, number: int) -> None:
    """The WHERE / SPEAKERS / ENTRY labels on the A6 flyer were 6.6 pt."""
    sizes = label_sizes(pdf(out, "event-flyer", number))
    assert set(sizes) == {"WHERE", "SPEAKERS", "ENTRY"}, sizes
    assert min(sizes.values()) >= 8, sizes


def test_flyer_imprint_is_7pt_with_no_word_alone_on_its_last_line(out: Path) -> None:
    """It was 5.8 pt, its last line "supporter." alone."""
    size, lines = imprint_lines(pdf(out, "event-flyer", 1))
    assert size >= 7
    assert 1 < len(lines) <= 3, lines  # 7 pt on an A6 flyer: two lines
    assert lines[-1] == "home by a supporter.", lines


def test_a_calendar_code_adds_the_event_to_a_phone_calendar(tmp_path: Path) -> None:
    """calendar_qr: the code holds the row's .ics at [links] downloads; the words under it are
    the download page's address; without that link, one line says what to add."""
    write(
        tmp_path / "handbill.toml",
        """
        [campaign]
        name = "Our Campaign"

        [links]
        downloads = "https://example.org/kit/"

        [tracking]
        utm = false
        """,
    )
    write(
        tmp_path / "materials" / "flyer.md",
        "---\ntemplate: event-flyer\ntitle: F\npaper: A6\nper: events\npublished: false\n"
        "output: 'flyer-{date}'\nvars:\n  calendar_qr: true\n---\nCome.\n",
    )
    write(tmp_path / "data" / "events.csv", "date,time,title,venue\n2030-03-14,7pm,Rally,Hall\n")
    out = tmp_path / "dist"
    assert not build(load_kit(tmp_path), out_dir=out, jobs=1).failures
    url = "https://example.org/kit/event-2030-03-14-rally.ics"
    assert decode_qr_codes(out / "flyer-2030-03-14.pdf") == [(1, url)]
    assert (out / "event-2030-03-14-rally.ics").is_file()
    text = squashed(" ".join(page_texts(out / "flyer-2030-03-14.pdf")))
    assert "Additto" in text and "example.org/kit" in text and ".ics" not in text
    toml = tmp_path / "handbill.toml"
    toml.write_text(toml.read_text().replace('downloads = "https://example.org/kit/"', ""))
    report = build(load_kit(tmp_path), out_dir=out, jobs=1)
    assert report.failures == [
        "flyer: calendar_qr: a QR code to add the event to a calendar needs the address where "
        'the output folder is published: add downloads = "https://..." under [links] (in '
        "_event.html line 114)"
    ]


@pytest.mark.parametrize("number", range(1, len(ROWS) + 1))
def test_flyer_note_beside_the_code_is_at_least_8pt(out: Path, number: int) -> None:
    """ "Scan the code with your phone camera..." was 7.3 pt on the A6 flyer."""
    sizes = [
        size for _, text, size, _, _ in text_runs(pdf(out, "event-flyer", number)) if "Scan" in text
    ]
    assert sizes and min(sizes) >= 8, sizes


@pytest.mark.parametrize("material", ["event-flyer", "event-poster"])
def test_a_three_word_title_keeps_its_first_two_words_together(out: Path, material: str) -> None:
    """Its last two words bound together left "Social" alone above "care conference"."""
    number = next(
        i for i, row in enumerate(ROWS, start=1) if row["title"] == "Social care conference"
    )
    lines = [
        " ".join(line.split()) for line in page_texts(pdf(out, material, number))[0].splitlines()
    ]
    assert "Social care" in lines and "Social" not in lines, lines
