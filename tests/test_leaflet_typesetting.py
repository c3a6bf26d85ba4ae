"""Leaflets as a print designer signs them off: translated data cells, right-to-left isolation,
fonts and leading, addresses that never break, typographic quotes and plain zeros."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2
import pytest

from conftest import REPO, write
from handbill.build.runner import build
from handbill.engine.layout import render
from handbill.kit.languages import localized_row
from handbill.kit.loader import Kit, load_kit, rows_of
from handbill.kit.markdown import render_markdown, smart_quotes, smart_text
from handbill.kit.nobreak import unbroken_address
from handbill.render.bidi import isolate_latin
from handbill.render.templating import RenderedHTML, render_html
from pdftools import pdftotext


@pytest.fixture(scope="module")
def example() -> Kit:
    return load_kit(REPO)


def leeds(kit: Kit, name: str) -> RenderedHTML:
    """The material's HTML for the Leeds group (the first row of data/groups.csv)."""
    material = kit.materials[name]
    return render_html(kit, material, rows_of(kit, material)[0], 1)


# Translated data cells -------------------------------------------------------------------------


def test_a_translated_cell_replaces_its_column_for_that_language_only() -> None:
    row = {
        "time": "on Tuesdays",
        "time.cy": "ar ddydd Mawrth",
        "time.pt": "às terças",
        "time.pt-BR": "às terças-feiras",
        "place.pl": "",  # empty: the column's own text stays
        "place": "the hall",
    }
    assert localized_row(row, "cy")["time"] == "ar ddydd Mawrth"
    assert localized_row(row, "cy-GB")["time"] == "ar ddydd Mawrth"
    assert localized_row(row, "pt")["time"] == "às terças"
    assert localized_row(row, "pt-BR")["time"] == "às terças-feiras"
    assert localized_row(row, "en-GB")["time"] == "on Tuesdays"
    assert localized_row(row, "pl")["place"] == "the hall"
    assert localized_row(row, "cy")["time.cy"] == "ar ddydd Mawrth"  # still there as itself


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        (
            "leaflet-a5",
            "Join 999 Call for the NHS Leeds: we meet on the first Tuesday of the month at 7 pm "
            "at Quaker Meeting House, 188 Woodhouse Lane.",
        ),
        (
            "leaflet-a5.cy",
            "Ymunwch â 999 Call for the NHS Leeds: cwrdd ar ddydd Mawrth cyntaf y mis am 7yh "
            "yn Quaker Meeting House, 188 Woodhouse Lane.",
        ),
        (
            "leaflet-a5.pl",
            "Dołącz do 999 Call for the NHS Leeds: spotykamy się w pierwszy wtorek miesiąca o "
            "19:00, adres: Quaker Meeting House, 188 Woodhouse Lane.",
        ),
        (
            "leaflet-a5.ur",
            "999 Call for the NHS Leeds کا حصہ بنیں: ہم ہر مہینے کے پہلے منگل کو شام 7 بجے "
            "Quaker Meeting House, 188 Woodhouse Lane میں ملتے ہیں۔",
        ),
    ],
)
def test_every_language_says_when_and_where_the_group_meets(
    example: Kit, name: str, sentence: str
) -> None:
    html = leeds(example, name).content
    text = " ".join(re.sub(r"<[^>]+>", "", html).replace("&#39;", "'").split())
    assert sentence.replace("’", "'") in text.replace("’", "'")


def test_a_kit_table_with_a_translated_column(kit_dir: Path) -> None:
    write(kit_dir / "data" / "stalls.csv", "id,when,when.cy\na,on Saturday,ddydd Sadwrn\n")
    write(
        kit_dir / "materials" / "stall.md",
        "---\ntemplate: faq\ntitle: Stall\nper: stalls\noutput: stall-{id}\n---\n"
        "We are there [[when]].\n",
    )
    write(
        kit_dir / "materials" / "stall.cy.md", "---\ntitle: Stondin\n---\nRydyn ni yno [[when]].\n"
    )
    kit = load_kit(kit_dir)
    english = render_html(kit, kit.materials["stall"], rows_of(kit, kit.materials["stall"])[0], 1)
    welsh = render_html(
        kit, kit.materials["stall.cy"], rows_of(kit, kit.materials["stall.cy"])[0], 1
    )
    assert 'data-field="when">on Saturday</span>' in english.content
    assert 'data-field="when">ddydd Sadwrn</span>' in welsh.content


# Right to left ---------------------------------------------------------------------------------


def boxes(box: Any, ancestors: tuple[Any, ...] = ()) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    yield box, ancestors
    for child in getattr(box, "children", ()):
        yield from boxes(child, (*ancestors, box))


def classes(ancestors: tuple[Any, ...]) -> set[str]:
    return {
        name
        for a in ancestors
        if getattr(a, "element", None) is not None
        for name in (a.element.get("class") or "").split()
    }


def test_latin_runs_are_isolated_and_digits_stay_in_the_text() -> None:
    fragment = "<li>سیلفی #Justice4NHS کے، @x_y یا Leigh Day، 24 اپریل 2018 کو don&#39;t</li>"
    assert isolate_latin(fragment) == (
        '<li>سیلفی <bdi dir="ltr">#Justice4NHS</bdi> کے، <bdi dir="ltr">@x_y</bdi> یا '
        '<bdi dir="ltr">Leigh\u00a0Day</bdi>، 24 اپریل 2018 کو <bdi dir="ltr">don&#39;t</bdi></li>'
    )
    # An address keeps its parts in order: one run across ", ", each part whole on its line.
    assert isolate_latin("<p>Quaker House, 188 Lane میں</p>") == (
        '<p><bdi dir="ltr">Quaker\u00a0House, 188\u00a0Lane</bdi> میں</p>'
    )


@pytest.fixture(scope="module")
def urdu_kit(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    """A kit of its own with an Urdu leaflet whose hashtag, handle and address are typed with
    no direction marks, as most people type them."""
    folder = tmp_path_factory.mktemp("urdu")
    write(
        folder / "handbill.toml",
        """
        [campaign]
        name = "Buses for All"
        hashtag = "#Buses4All"
        [imprint]
        promoter = "Buses for All"
        promoter_address = "1 Any Street, Bury BL9 0AA"
        printer = "Any Printer"
        printer_address = "2 Sample Road, Manchester M1 1AA"
        """,
    )
    write(
        folder / "materials" / "leaflet-urdu.md",
        """
        ---
        template: leaflet-a5
        title: بسیں سب کے لیے
        language: ur
        paper: A5
        vars:
          call_to_action: >-
            آج ہی اپنے کونسلر سے کہیں کہ شام اور اتوار کی بسیں
            بند نہ کی جائیں اور ہماری مہم کا ساتھ دیں۔
        ---
        ## Front

        اپنی تصویر #Buses4All کے ساتھ پوسٹ کریں یا @BusesForAll کو لکھیں۔

        ## Back

        ہم Market Hall, 12 High Street میں ملتے ہیں۔

        - اپنی سیلفی #Fares4All کے ساتھ پوسٹ کریں۔
        - یہ پرچہ کسی پڑوسی کو دیں۔
        """,
    )
    return load_kit(folder)


@pytest.fixture(scope="module")
def urdu_pdf(urdu_kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    document, _ = render(urdu_kit, render_html(urdu_kit, urdu_kit.materials["leaflet-urdu"]))
    path = tmp_path_factory.mktemp("urdu-pdf") / "leaflet.ur.pdf"
    path.write_bytes(document.write_pdf())
    return path


def test_hashtags_handles_and_addresses_read_left_to_right_in_urdu(urdu_pdf: Path) -> None:
    text = " ".join(pdftotext(urdu_pdf).split())
    for piece in ("#Buses4All", "@BusesForAll", "Market Hall, 12 High Street"):
        assert piece in text, piece
    assert "Buses4All#" not in text and "BusesForAll@" not in text


def test_a_hashtag_inside_a_list_item_keeps_its_mark_in_front(urdu_pdf: Path) -> None:
    """In a bullet, with right-to-left words on both sides, the "#" is drawn at the left of
    the Latin word and its letters run left to right: measured on the glyphs' positions on
    the page (pdfium's character boxes), not on the order a text extractor reads them in."""
    document = pypdfium2.PdfDocument(urdu_pdf)
    found = []
    for page in document:
        text_page = page.get_textpage()
        count = text_page.count_chars()
        text = text_page.get_text_range(0, count)
        for match in re.finditer("#Fares4All", text):
            lefts = [text_page.get_charbox(match.start() + i)[0] for i in range(len(match[0]))]
            found.append(lefts)
    assert len(found) == 1, found
    assert found[0] == sorted(found[0]), found[0]  # "#", "F", "a", ... from left to right


def test_latin_inside_urdu_is_in_the_brand_font(urdu_kit: Kit) -> None:
    document, _ = render(urdu_kit, render_html(urdu_kit, urdu_kit.materials["leaflet-urdu"]))
    latin = [
        (box.text, box.style["font_family"][0])
        for page in document.pages
        for box, _ in boxes(page._page_box)
        if type(box).__name__ == "TextBox" and re.search("[A-Za-z]", box.text)
    ]
    drawn = {" ".join(text.split()) for text, _ in latin}
    assert {"#Buses4All", "@BusesForAll", "Market Hall, 12 High Street"} <= drawn
    assert {family for _, family in latin} == {"Atkinson Hyperlegible"}, latin


def test_nastaliq_call_to_action_lines_have_room(urdu_kit: Kit) -> None:
    document, _ = render(urdu_kit, render_html(urdu_kit, urdu_kit.materials["leaflet-urdu"]))
    tops = [
        (box.position_y, box.style["font_size"])
        for box, ancestors in boxes(document.pages[0]._page_box)
        if type(box).__name__ == "LineBox" and "cta" in classes((*ancestors, box))
    ]
    assert len(tops) >= 2  # the call to action takes more than one line
    pitches = [b[0] - a[0] for a, b in itertools.pairwise(tops)]
    # Bold Nastaliq reaches 1 em above and below its centre: 2.4 em apart leaves 0.4 em.
    assert min(pitches) >= 2.4 * tops[0][1] - 0.01, pitches


# The imprint -----------------------------------------------------------------------------------


def test_a_long_address_part_binds_only_number_and_postcode() -> None:
    long_part = "Unit 4 The Old Mill Business Park North Wing"
    assert unbroken_address(f"{long_part}, Leeds LS1 4AB") == (
        "Unit 4\u00a0The Old Mill Business Park North Wing, Leeds\u00a0LS1\u00a04AB"
    )


@pytest.mark.parametrize("width_mm", [50, 65, 80, 95, 110])
def test_the_imprint_never_breaks_inside_an_address_part(
    urdu_kit: Kit, tmp_path: Path, width_mm: int
) -> None:
    """The example's imprint, laid out in columns of several widths: each line break falls
    between address parts or between the words of a name, never inside "2 Sample Road" or
    "Manchester M1 1AA"."""
    kit = load_kit(REPO)
    write(
        tmp_path / "imprint.html",
        f'<html><meta charset="utf-8"><body style="width: {width_mm}mm; font: 7pt sans-serif">'
        f"<p>{kit.config.imprint.line}</p></body></html>",
    )
    from weasyprint import HTML

    path = tmp_path / "imprint.pdf"
    HTML(filename=tmp_path / "imprint.html").write_pdf(path)
    lines = [" ".join(line.split()) for line in pdftotext(path).splitlines() if line.strip()]
    assert len(lines) >= 2
    for part in ("c/o 1 Example Street", "Bury BL9 0AA", "2 Sample Road", "Manchester M1 1AA"):
        assert any(part in line for line in lines), (part, lines)


# Typographic quotes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("Don't let a budget decide your care", "Don\u2019t let a budget decide your care"),
        ('Say "no" to cuts', "Say \u201cno\u201d to cuts"),
        ("'Fair' is not fixed", "\u2018Fair\u2019 is not fixed"),
        ("campaigners' rights since the '90s", "campaigners\u2019 rights since the \u201990s"),
        ('("inner")', "(\u201cinner\u201d)"),
        ("I support it because ...", "I support it because \u2026"),
        ("St John's Church", "St John\u2019s Church"),
        ("#Justice4NHS's day", "#Justice4NHS\u2019s day"),
        # A hyphen between spaces is an en dash, never at the start of a line.
        ("Don't stop - it's \"ours\"", "Don\u2019t stop\u00a0\u2013 it\u2019s \u201cours\u201d"),
        ("Rally -- Leeds", "Rally\u00a0\u2013 Leeds"),
        ("a well-known x-ray, -5 degrees", "a well-known x-ray, -5 degrees"),
    ],
)
def test_smart_quotes(typed: str, printed: str) -> None:
    assert smart_quotes(typed) == printed
    assert smart_text(typed) == printed  # a data cell's text is typeset the same


def test_content_prints_a_spaced_hyphen_as_data_cells_do() -> None:
    typed = "Don't stop - it's \"ours\""
    html = render_markdown(Path("m.md"), f"{typed}. A well-known x-ray.")
    assert html == f"<p>{smart_text(typed)}. A well-known x-ray.</p>\n"
    assert smart_text(typed) == "Don\u2019t stop\u00a0\u2013 it\u2019s \u201cours\u201d"


@pytest.mark.parametrize(
    "cell",
    [
        "See https://example.org/it's-ours",
        "o'neill@example.org",
        "Type `it's` here",
        "www.example.org/we're",
    ],
)
def test_smart_text_leaves_addresses_handles_and_code_alone(cell: str) -> None:
    assert smart_text(cell) == cell
    assert smart_text(f"Don't miss: {cell}") == f"Don\u2019t miss: {cell}"


def test_titles_and_template_words_get_typographic_quotes(kit_dir: Path) -> None:
    write(kit_dir / "assets" / "img" / "it's.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    write(
        kit_dir / "materials" / "quoted.md",
        """
        ---
        template: leaflet-a5
        title: "Don't close our library"
        subtitle: We say "no"
        vars:
          headline: "Don't close it"
          call_to_action: Tell them it's ours
          qr_titles: {case: "Read the council's plan"}
          image: assets/img/it's.svg
        ---
        Text.
        """,
    )
    material = load_kit(kit_dir).materials["quoted"]
    assert material.title == "Don\u2019t close our library"
    assert material.subtitle == "We say \u201cno\u201d"
    assert material.vars["headline"] == "Don\u2019t close it"
    assert material.vars["call_to_action"] == "Tell them it\u2019s ours"
    assert material.vars["qr_titles"] == {"case": "Read the council\u2019s plan"}
    assert material.vars["image"] == "assets/img/it's.svg"  # a file name is left as it is


def test_the_example_leaflet_prints_a_curly_apostrophe(example: Kit) -> None:
    html = leeds(example, "leaflet-a5").html
    assert "Don\u2019t let a budget decide your care</h1>" in html
    assert "Don't" not in html and "Don&#39;t" not in html


# The FAQ's panel of QR codes -------------------------------------------------------------------


@pytest.mark.parametrize("kit_path", [REPO, REPO / "examples" / "bus-route"])
def test_faq_codes_are_large_and_centred_across_their_panel(kit_path: Path, tmp_path: Path) -> None:
    kit = load_kit(kit_path)
    report = build(kit, ["faq"], out_dir=tmp_path, jobs=1)
    assert not report.failures and not report.warnings, (report.failures, report.warnings)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["outputs"] if e["material"] == "faq")
    assert entry["pages"] == 2
    codes = entry["qr_codes"]
    centres = [code["x_mm"] + code["width_mm"] / 2 for code in codes]
    page_width = kit.materials["faq"].paper.width_mm
    # Spread evenly over the panel, as a whole centred on the page: no empty right third.
    assert abs(sum(centres) / len(centres) - page_width / 2) <= 1, centres
    if len(codes) == 2:
        assert centres[1] - centres[0] >= 0.4 * page_width, centres
    assert all(code["width_mm"] >= 34 for code in codes)
