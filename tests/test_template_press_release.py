"""The press release: A4, letterhead and embargo, pull quotes, ENDS, notes to editors, contact."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from conftest import REPO
from handbill.build.runner import build
from handbill.engine.inspect import spilled_text, text_runs
from handbill.engine.layout import render
from handbill.kit.loader import Kit, load_kit
from handbill.kit.pressoffice import PressOffice
from handbill.render.templating import render_html
from pdftools import MM_PER_PT, decode_qr_codes, page_sizes_mm, page_texts
from pdftools import text_runs as pdf_text_runs

NAME = "press-release"


@pytest.fixture(scope="module")
def kit() -> Kit:
    return load_kit(REPO)


@pytest.fixture(scope="module")
def out(kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("press-release")
    report = build(kit, [NAME], out_dir=folder, jobs=1)
    assert not report.failures, report.failures
    assert not [w for output in report.outputs for w in output.warnings]
    return folder


@pytest.fixture(scope="module")
def text(out: Path) -> str:
    """The whole release as one line of text, as a reporter would copy it."""
    return " ".join(" ".join(page_texts(out / f"{NAME}.pdf")).split())


def entry(out: Path) -> dict[str, Any]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    found: dict[str, Any] = next(
        e for e in manifest["outputs"] if e["material"] == NAME and e["kind"] == "pdf"
    )
    return found


def test_press_release_is_a4_and_takes_the_pages_it_says(kit: Kit, out: Path) -> None:
    sizes = page_sizes_mm(out / f"{NAME}.pdf")
    assert sizes and all(abs(w - 210) <= 0.5 and abs(h - 297) <= 0.5 for w, h in sizes)
    assert len(sizes) == kit.materials[NAME].pages == entry(out)["pages"]
    assert entry(out)["paper"]["name"] == "A4"


def test_press_release_says_what_a_newsroom_needs(kit: Kit, text: str) -> None:
    material = kit.materials[NAME]
    for phrase in (
        "PRESS RELEASE",
        "999 Call for the NHS",
        "#Justice4NHS",
        material.vars["embargo"],
        "FOR IMMEDIATE RELEASE",
        "Tuesday 24 April 2018",
        material.title,
        material.subtitle,
        "Mr Justice Kerr",
        "ENDS",
        "NOTES TO EDITORS",
        "MEDIA CONTACT",
        f"Name {kit.config.press.contact_name} Email {kit.config.press.email} "
        f"Phone {kit.config.press.phone}",
    ):
        assert phrase in text, phrase
    # Sent to newsrooms, not handed out: no imprint unless the material asks for one.
    assert "Promoted by" not in text and "Printed by" not in text


def test_quotes_come_before_ends_and_the_notes_after_it(text: str) -> None:
    quote = text.index("We believe a fixed budget for a whole population")
    ends = text.index("ENDS")
    notes = text.index("NOTES TO EDITORS")
    assert quote < ends < notes < text.index("The group is working with Leigh Day")
    # The special sections are placed by the template, never printed as plain headings.
    assert "Quotes" not in text


def test_quotes_are_credited_to_the_kits_spokespeople(kit: Kit, text: str) -> None:
    first, second = kit.config.press.spokespeople
    assert f"uphold that.” — {first}" in text
    assert f"fit a budget.” — {second}" in text
    assert "spokesperson" not in text.lower()


def test_unset_contact_details_are_never_blank_lines(kit: Kit) -> None:
    bare = dataclasses.replace(kit, config=dataclasses.replace(kit.config, press=PressOffice()))
    html = render_html(bare, kit.materials[NAME]).html
    assert 'class="field blank"' not in html.split('class="contact"')[1]
    for advice in ("add contact_name under [press]", "add email under [press]"):
        assert f'<span class="missing">{advice}' in html, advice
    assert '<span class="missing">a spokesperson under [press] spokespeople</span>' in html


def test_contact_details_and_embargo_given_in_the_material_win(kit: Kit) -> None:
    material = kit.materials[NAME]
    changed = dataclasses.replace(
        material,
        vars={
            "embargo": "EMBARGOED UNTIL 00:01, Tuesday 24 April 2018",
            "contact_name": "Press officer",
            "contact_email": "desk@example.org",
            "imprint": True,
        },
    )
    html = render_html(kit, changed).html
    assert "EMBARGOED UNTIL 00:01, Tuesday 24 April 2018" in html
    assert "Press officer" in html and "desk@example.org" in html
    assert kit.config.press.phone in html  # from [press]
    assert "date</span>" in html  # no date given: a blank labelled "date"
    assert kit.config.imprint.for_mode("home").line in html  # asked for (a home build)


def test_press_release_qr_codes_decode_to_the_manifest_urls(out: Path) -> None:
    codes = entry(out)["qr_codes"]
    assert [q["link"] for q in codes] == ["case"]
    assert all(q["width_mm"] >= 20 for q in codes)
    assert decode_qr_codes(out / f"{NAME}.pdf") == sorted((q["page"], q["url"]) for q in codes)


def link_targets(path: Path) -> list[str]:
    return [
        str(annotation.get_object()["/A"]["/URI"])
        for page in PdfReader(path).pages
        for annotation in page.get("/Annots") or []
        if annotation.get_object().get("/Subtype") == "/Link"
    ]


def test_a_release_read_on_screen_has_its_addresses_as_links(kit: Kit, out: Path) -> None:
    """Journalists click: the contact's email and phone, and a web address written in the
    notes, are link annotations with the right targets."""
    targets = link_targets(out / f"{NAME}.pdf")
    assert f"mailto:{kit.config.press.email}" in targets
    assert "tel:07700900123" in targets
    assert "https://999callfornhs.org.uk/our-judicial-review" in targets


def test_press_release_text_stays_in_its_boxes(kit: Kit) -> None:
    document, warnings = render(kit, render_html(kit, kit.materials[NAME]))
    assert spilled_text(document) == []
    assert warnings == []


def test_press_release_lines_and_labels_are_readable(kit: Kit) -> None:
    """At most about 90 characters a line in the body and the quotes; nothing under 8 pt."""
    document, _ = render(kit, render_html(kit, kit.materials[NAME]))
    lengths = [
        len(" ".join(b.text for b, _ in walk(line) if type(b).__name__ == "TextBox"))
        for page in document.pages
        for line, classes in walk(page._page_box)
        if type(line).__name__ == "LineBox" and ("release-body" in classes or "quotes" in classes)
    ]
    assert len(lengths) >= 20 and max(lengths) <= 92, sorted(lengths)[-5:]
    sizes = {run.text: run.size_pt for run in text_runs(document)}
    assert min(sizes.values()) >= 8, [t for t, size in sizes.items() if size < 8]


def walk(box: Any, classes: str = "") -> Iterator[tuple[Any, str]]:
    """Every box under ``box``, with the classes of the elements around it."""
    element = getattr(box, "element", None)
    if element is not None and type(box).__name__ not in ("TextBox", "LineBox"):
        classes += " " + (element.get("class") or "")
    yield box, classes
    for child in getattr(box, "children", ()):
        yield from walk(child, classes)


def test_press_release_keeps_to_one_well_filled_page(out: Path) -> None:
    """The example took a second page for ENDS and the notes alone, a third of it used."""
    path = out / f"{NAME}.pdf"
    assert len(page_sizes_mm(path)) == 1
    runs = pdf_text_runs(path)
    lowest = min(y for _, text, _, _, y in runs if text.strip() not in {"1 / 1", "1", "/"})
    height = 297 / MM_PER_PT
    # The last line of the notes or the contact box within 30 mm of the foot: the page is full.
    assert lowest * MM_PER_PT < 30, lowest * MM_PER_PT
    # It still ends as a release does: ENDS, then the notes to editors and the contact.
    order = [text for _, text, _, _, _ in sorted(runs, key=lambda r: (height - r[4], r[3]))]
    joined = " ".join(" ".join(order).split())
    assert joined.index("ENDS") > joined.index("Jo Example") > joined.index("Mr Justice Kerr")
    assert joined.index("NOTES TO EDITORS") > joined.index("ENDS")
    # Readable: the main text at 10.5 pt or more, nothing under 8 pt.
    assert min(size for _, _, size, _, _ in runs) >= 8
    assert max(size for _, t, size, _, _ in runs if "Mr Justice Kerr" in t) >= 10.5


def test_the_taglines_last_word_is_not_alone_on_its_line(out: Path) -> None:
    """The strapline under the campaign's name ended with "contract" alone on a line."""
    lines = [" ".join(line.split()) for line in page_texts(out / f"{NAME}.pdf")[0].splitlines()]
    assert any(line.startswith("Organisation contract") for line in lines[:4]), lines[:4]
    assert not any(line == "contract" or line.startswith("contract ") for line in lines), lines[:4]
