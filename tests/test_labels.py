"""Human names for outputs (download page, pack cover): kind, variant, language."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, write
from handbill.kit.loader import load_kit
from handbill.publish.labels import (
    download_label,
    entry_sides,
    kind,
    language_name,
    lead_line,
    output_title,
    qr_titles,
    qr_words,
    row_words,
    search_examples,
    sides_words,
    tiled_words,
)


@pytest.mark.parametrize(
    ("row", "words"),
    [
        # A local group: its town, not the group's long name.
        ({"id": "leeds", "group": "999 Call Leeds", "town": "Leeds"}, ["Leeds"]),
        # An event: what, where and when, the date in words.
        (
            {"date": "2018-10-26", "title": "Rally", "venue": "Old Palace Yard", "time": ""},
            ["Rally", "Old Palace Yard", "Fri 26\u00a0Oct 2018"],
        ),
        # A date that is not ISO is shown as written; a place the name holds is not repeated.
        (
            {"name": "Leeds stall", "town": "Leeds", "date": "next Saturday"},
            ["Leeds stall", "next Saturday"],
        ),
        # No column handbill knows: the id, else the first value.
        ({"id": "north", "colour": "red"}, ["north"]),
        ({"colour": "red", "size": "big"}, ["red"]),
    ],
)
def test_row_words(row: dict[str, str], words: list[str]) -> None:
    assert row_words(row, group_name=True) == words


def test_example_outputs_are_named_in_words() -> None:
    kit = load_kit(REPO)
    welsh = kit.materials["leaflet-a5.cy"]
    assert output_title(kit, welsh, {"row": 1}).startswith("A5 leaflet\u00a0– ")
    assert output_title(kit, welsh, {"row": 1}).endswith(" (Welsh)")
    flyer = kit.materials["event-flyer"]
    assert output_title(kit, flyer, {"row": 1}) == (
        "Event flyer\u00a0– Scrap the ICP contract: rally and petition hand-in\u00a0– Old Palace "
        "Yard\u00a0– Fri 26\u00a0Oct 2018"
    )
    assert kind(kit.materials["placard-a3"]) == "A3 placard"
    assert output_title(kit, kit.materials["faq"], {}) == "Questions and answers"
    assert (language_name("ur"), language_name("pt-BR"), language_name("xx")) == (
        "Urdu",
        "Portuguese",
        "xx",
    )


@pytest.mark.parametrize(
    ("tagline", "count", "line"),
    [
        (
            "No to the 9% rent rise. Fix our homes first.",
            7,
            "No to the 9% rent rise. Fix our homes first. 7 materials to download and print.",
        ),
        ("Hands off our buses!", 1, "Hands off our buses! 1 material to download and print."),
        ("Save our buses", 3, "Save our buses: 3 materials to download and print."),
        ("Save our buses:", 3, "Save our buses: 3 materials to download and print."),
        ("", 2, "Campaign materials: 2 materials to download and print."),
    ],
)
def test_the_lead_line_never_doubles_its_punctuation(tagline: str, count: int, line: str) -> None:
    assert lead_line(tagline, count) == line


A5 = {"name": "A5", "width_mm": 148, "height_mm": 210}
SHEET = {"name": "A4 landscape", "width_mm": 297.0, "height_mm": 210.0}


@pytest.mark.parametrize(
    ("entry", "label"),
    [
        (
            {"mode": "home", "paper": A5, "pages": 2},
            "PDF on A5 paper, for a printer that takes A5 (A5, 2 pages)",
        ),
        (
            {
                "mode": "press",
                "paper": A5,
                "pages": 2,
                "pdf_x": "4",
                "bleed_mm": 3.0,
                "crop_marks": True,
            },
            "PDF for a print shop: CMYK PDF/X-4, 3 mm bleed, crop marks (A5, 2 pages)",
        ),
        # --no-marks: the label says only what the file has.
        (
            {"mode": "press", "paper": A5, "pages": 1, "pdf_x": "4", "bleed_mm": 3.0},
            "PDF for a print shop: CMYK PDF/X-4, 3 mm bleed (A5, 1 page)",
        ),
        # Bigger than A4: not for a home printer (its A4 sheets are).
        (
            {
                "mode": "home",
                "paper": {"name": "A3 landscape", "width_mm": 420, "height_mm": 297},
                "pages": 1,
            },
            "PDF for an office printer that takes A3 paper (A3 landscape, 1 page)",
        ),
        (
            {"mode": "home", "greyscale": True, "paper": A5, "pages": 2},
            "Greyscale PDF for black-and-white printers and photocopiers (A5, 2 pages)",
        ),
        (
            {"mode": "home", "paper": SHEET, "pages": 2, "imposition": "2-up"},
            "A4 sheets for any home printer (2 copies to a sheet, to cut)",
        ),
        (
            {"mode": "home", "greyscale": True, "paper": SHEET, "pages": 2, "imposition": "1-up"},
            "Greyscale A4 sheets for any home printer (one to a sheet)",
        ),
        (
            {
                "mode": "home",
                "paper": {"name": "A4", "width_mm": 210.0, "height_mm": 297.0},
                "pages": 2,
                "imposition": "tiled 1 x 2 at 84 %",
                "scale": 0.84,
                "joined_mm": [352.8, 249.48],
            },
            "2 A4 sheets for any home printer: printed at 84%, "
            "353\u00a0\u00d7\u00a0249 mm when joined",
        ),
    ],
)
def test_download_labels_say_what_each_pdf_is_for(entry: dict[str, object], label: str) -> None:
    assert download_label(entry) == label


def test_home_sheets_say_how_to_set_the_printer() -> None:
    duplex = {"paper": SHEET, "duplex": True}
    assert entry_sides(duplex, "short") == "print double-sided, flip on short edge"
    assert entry_sides(duplex, "long") == "print double-sided, flip on long edge"
    portrait = {"paper": {"width_mm": 210.0, "height_mm": 297.0}, "booklet": True}
    assert entry_sides(portrait, "short") == "print double-sided, flip on long edge"
    assert entry_sides({"paper": SHEET, "duplex": False}, "short") == "print one-sided"
    assert sides_words(True, True, "short") == "print double-sided, flip on short edge"


def test_tiled_poster_says_its_size_when_joined() -> None:
    kit = load_kit(REPO)
    placard = kit.materials["placard-a3"]
    tiles = {"imposition": "tiled 1 x 2 at 84 %", "pages": 2, "scale": 0.84}
    tiles["joined_mm"] = [352.8, 249.48]
    assert output_title(kit, placard, tiles) == (
        "A3 placard, printed at 84% on 2 A4 sheets, 353\u00a0\u00d7\u00a0249 mm when joined"
    )
    full = {"imposition": "tiled 2 x 2", "pages": 4, "scale": 1.0, "joined_mm": [420, 297]}
    assert tiled_words(full) == "full size on 4 A4 sheets, 420\u00a0\u00d7\u00a0297 mm when joined"
    # An older manifest without the size: the title alone, never a made-up size.
    assert output_title(kit, placard, {"imposition": "tiled 1 x 2 at 84 %"}) == "A3 placard"


def test_qr_words_come_from_the_codes_printed() -> None:
    def pdf(*links: str) -> dict[str, object]:
        return {"qr_codes": [{"link": name, "label": "x.uk/1"} for name in links]}

    assert qr_words([pdf("case", "donate")]) == "QR codes: Find out more · Donate to the campaign"
    assert qr_words([pdf("petition"), pdf("events"), pdf("events")]) == (
        "QR codes: Sign the petition (1 version) · Find more events (2 versions)"
    )
    assert qr_words([pdf("petition", "petition")]) == "QR code: Sign the petition"
    # A link name without words of its own: readable, initialisms in capitals, never "Page".
    assert qr_words([pdf("find-your-mp")]) == "QR code: Find your MP"
    assert qr_words([pdf("gp_surgery")]) == "QR code: GP surgery"
    assert qr_words([pdf("page")]) == "QR code: A web page"
    assert qr_words([pdf()]) == ""
    # The words the material prints beside its codes, when it has its own.
    kit = load_kit(REPO)
    leaflet = kit.materials["leaflet-a5"]
    titles = qr_titles(kit, leaflet)
    assert qr_words([pdf("find-your-mp", "page")], titles) == (
        "QR codes: Find your MP · Your local group"
    )
    assert qr_titles(kit, kit.materials["placard-a3"])["case"] == "Read about our case"
    # A translation's own words are in its language, not the page's: its original's instead,
    # so that every language of the leaflet names its codes alike.
    assert qr_titles(kit, kit.materials["leaflet-a5.cy"]) == titles
    # A material without words for a link takes those another material prints for it.
    assert qr_titles(kit, kit.materials["letter-to-mp"])["find-your-mp"] == "Find your MP"


def test_search_examples_name_what_this_kit_has(kit_dir: Path) -> None:
    materials = list(load_kit(kit_dir).materials.values())
    # Both materials in English: a language would find every card, so none is suggested.
    assert search_examples(materials) == "e.g. questions and answers, A6"
    for name, extra in (("leaflet", ""), ("leaflet-b", ""), ("speech", "language: cy\n")):
        template = "speech" if name == "speech" else "leaflet-a5"
        write(
            kit_dir / "materials" / f"{name}.md",
            f"---\ntemplate: {template}\ntitle: {name}\n{extra}---\nText.\n",
        )
    materials = list(load_kit(kit_dir).materials.values())
    # The commonest kind, one sharing no word with it, the rarest paper and language.
    assert search_examples(materials) == "e.g. leaflet, questions and answers, A6, Welsh"
    assert search_examples([]) == "a title or a kind of material"
