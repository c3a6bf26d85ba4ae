"""Translations: NAME.LANG.md inherits NAME.md, versions chosen by language, _() strings, fonts."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from conftest import REPO, write
from handbill.build.runner import build
from handbill.engine.layout import render
from handbill.errors import KitError
from handbill.kit.languages import localized_row, text_direction, translator
from handbill.kit.loader import Kit, load_kit, rows_of, stock_dir
from handbill.render.templating import RenderedHTML, render_html
from pdftools import (
    decode_qr_codes,
    embedded_font_names,
    fonts_drawing,
    page_sizes_mm,
    page_texts,
    pdftotext,
    pdftotext_pages,
    solid,
)

LEAFLETS = ("leaflet-a5.cy", "leaflet-a5.pl", "leaflet-a5.ur")


def message_of(error: pytest.ExceptionInfo[KitError]) -> str:
    return " ".join(error.value.format_message().split())


# Loading ---------------------------------------------------------------------------------------


def test_translation_inherits_and_overrides_front_matter(kit_dir: Path) -> None:
    write(kit_dir / "materials" / "sheet.cy.md", "---\ntitle: Taflen brawf\n---\nCorff\n")
    kit = load_kit(kit_dir)
    original, welsh = kit.materials["sheet"], kit.materials["sheet.cy"]
    assert welsh.title == "Taflen brawf" and welsh.body_html == "<p>Corff</p>\n"
    assert (welsh.template, welsh.subtitle, welsh.pages, welsh.qr) == (
        original.template,
        original.subtitle,
        original.pages,
        original.qr,
    )
    assert welsh.paper == original.paper
    assert (welsh.language, welsh.translation_of, welsh.output_name) == (
        "cy",
        "sheet",
        "sheet.cy.pdf",
    )
    assert original.translation_of == "" and original.language == "en-GB"


def test_translation_overrides_any_field_and_its_language(kit_dir: Path) -> None:
    write(
        kit_dir / "materials" / "sheet.pt-BR.md",
        "---\ntitle: Folha\npaper: A5\nqr: [petition]\nlanguage: pt\n---\nTexto\n",
    )
    brazil = load_kit(kit_dir).materials["sheet.pt-BR"]
    assert (brazil.paper.name, brazil.qr, brazil.language) == ("A5", ("petition",), "pt")


def test_vars_and_fields_are_merged_key_by_key(kit_dir: Path) -> None:
    write(
        kit_dir / "materials" / "sheet.md",
        """
        ---
        template: card  # a kit template that declares no vars: any key goes
        title: Sheet
        fields: {town: your town, group: your group}
        vars:
          links_heading: Read more
          keep: kept
          qr_titles: {case: Read about the case, donate: Give}
        ---
        [[town]] and [[group]]
        """,
    )
    write(
        kit_dir / "materials" / "sheet.pl.md",
        """
        ---
        fields: {town: twoje miasto}
        vars:
          links_heading: Czytaj więcej
          qr_titles: {case: Przeczytaj o sprawie}
        ---
        [[town]] i [[group]]
        """,
    )
    polish = load_kit(kit_dir).materials["sheet.pl"]
    assert polish.vars == {
        "links_heading": "Czytaj więcej",
        "keep": "kept",
        "qr_titles": {"case": "Przeczytaj o sprawie", "donate": "Give"},
    }
    assert polish.fields == {"town": "twoje miasto", "group": "your group"}


def test_inherited_output_name_gets_the_language(kit_dir: Path) -> None:
    write(kit_dir / "materials" / "sheet.md", "---\ntemplate: faq\ntitle: T\noutput: jr\n---\n")
    write(kit_dir / "materials" / "sheet.cy.md", "---\ntitle: T\n---\n")
    kit = load_kit(kit_dir)
    assert kit.materials["sheet"].output_name == "jr.pdf"
    assert kit.materials["sheet.cy"].output_name == "jr.cy.pdf"


def test_translation_without_its_original_names_the_likely_one(kit_dir: Path) -> None:
    write(kit_dir / "materials" / "shete.cy.md", "---\ntitle: T\n---\n")
    with pytest.raises(KitError) as error:
        load_kit(kit_dir)
    assert message_of(error).endswith(
        "shete.cy.md: a translation into 'cy' of 'shete', but there is no shete.md. Did you "
        "mean 'sheet'? Name a translation after the material it translates, NAME.cy.md "
        "(materials: card, sheet); if this file is not a translation, take '.cy' out of its name."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ntitle: T\ntitel: T\n---\n", "sheet.cy.md:3: unknown field 'titel'. Did you mean"),
        ("---\ntitle: T\npages: two\n---\n", "sheet.cy.md:3: field 'pages': must be a whole"),
        ("---\ntitle: T\nqr: [donat]\n---\n", "sheet.cy.md:3: field 'qr': no link named 'donat'"),
        ("---\ntitle: [T\n---\n", "sheet.cy.md:3: front matter:"),
    ],
)
def test_errors_in_a_translation_point_at_its_file_and_line(
    kit_dir: Path, text: str, expected: str
) -> None:
    write(kit_dir / "materials" / "sheet.cy.md", text)
    with pytest.raises(KitError) as error:
        load_kit(kit_dir)
    assert expected in message_of(error)


def test_dotted_names_that_are_not_language_tags_stay_materials(kit_dir: Path) -> None:
    write(kit_dir / "materials" / "sheet.v2.md", "---\ntemplate: faq\ntitle: T\n---\n")
    material = load_kit(kit_dir).materials["sheet.v2"]
    assert (material.translation_of, material.language) == ("", "en-GB")


# Selecting by language -------------------------------------------------------------------------


@pytest.fixture
def kit(kit_dir: Path) -> Kit:
    """The fixture kit with sheet in Welsh and Polish, card in Polish."""
    write(kit_dir / "materials" / "sheet.cy.md", "---\ntitle: Taflen\n---\n")
    write(kit_dir / "materials" / "sheet.pl.md", "---\ntitle: Arkusz\n---\n")
    write(kit_dir / "materials" / "card.pl.md", "---\ntitle: Karta\n---\n")
    return load_kit(kit_dir)


def names(materials: list[Any]) -> list[str]:
    return [material.name for material in materials]


def test_without_a_language_select_is_unchanged(kit: Kit) -> None:
    assert names(kit.select([])) == ["card", "card.pl", "sheet", "sheet.cy", "sheet.pl"]
    assert names(kit.select(["sheet", "sheet.cy"])) == ["sheet", "sheet.cy"]


def test_every_material_in_a_language(kit: Kit) -> None:
    assert names(kit.select([], "pl")) == ["card.pl", "sheet.pl"]
    assert names(kit.select([], "cy")) == ["sheet.cy"]  # card has no Welsh version: left out
    assert names(kit.select([], "en")) == ["card", "sheet"]  # en matches en-GB
    assert names(kit.select([], "en-GB")) == ["card", "sheet"]


def test_named_materials_in_a_language(kit: Kit) -> None:
    assert names(kit.select(["sheet", "card"], "pl")) == ["sheet.pl", "card.pl"]
    assert names(kit.select(["sheet"], "en-GB")) == ["sheet"]
    assert names(kit.select(["sheet.cy"], "cy")) == ["sheet.cy"]
    assert names(kit.select(["sheet.cy"])) == ["sheet.cy"]


def test_named_material_without_that_language(kit: Kit) -> None:
    with pytest.raises(KitError) as error:
        kit.select(["card"], "cy")
    assert message_of(error) == (
        "'card' has no version in 'cy' (it has: en-GB, pl). Add materials/card.cy.md to "
        "translate it, or choose one of those languages."
    )


def test_translation_named_with_another_language(kit: Kit) -> None:
    with pytest.raises(KitError) as error:
        kit.select(["sheet.cy"], "pl")
    assert message_of(error) == (
        "'sheet.cy' is the 'cy' version of 'sheet', not 'pl'. Name 'sheet' to get its "
        "version in 'pl' (it has: en-GB, cy, pl), or leave out the language."
    )


def test_no_material_in_that_language(kit: Kit) -> None:
    with pytest.raises(KitError) as error:
        kit.select([], "de")
    assert message_of(error) == (
        "No material in this kit is in 'de' (languages: cy, en-GB, pl). Add a translation "
        "beside its original, e.g. materials/NAME.de.md (see docs/kit-format.md), or choose "
        "one of those languages."
    )


def test_unknown_name_or_language_tag(kit: Kit) -> None:
    with pytest.raises(KitError, match=r"No material named 'shet'. Did you mean 'sheet'\?"):
        kit.select(["shet"], "cy")
    with pytest.raises(KitError, match=r"'Welsh!' is not a language tag such as en-GB"):
        kit.select([], "Welsh!")


# Template strings ------------------------------------------------------------------------------


def test_strings_full_tag_then_primary_subtag_then_stock_then_english(tmp_path: Path) -> None:
    kit_templates, stock_templates = tmp_path / "kit", tmp_path / "stock"
    write(kit_templates / "strings" / "pt-BR.toml", '"Sign" = "Assine (BR)"\n')
    write(kit_templates / "strings" / "pt.toml", '"Sign" = "Assine"\n"Read" = "Leia"\n')
    write(stock_templates / "strings" / "pt.toml", '"Read" = "x"\n"Give" = "Doe"\n')
    _ = translator((kit_templates, stock_templates), "pt-BR")
    assert [_("Sign"), _("Read"), _("Give"), _("Untranslated")] == [
        "Assine (BR)",
        "Leia",
        "Doe",
        "Untranslated",
    ]
    assert translator((kit_templates, stock_templates), "pt")("Sign") == "Assine"
    assert translator((kit_templates, stock_templates), "en-GB")("Sign") == "Sign"


def test_strings_fill_named_parts_after_the_lookup(tmp_path: Path) -> None:
    write(tmp_path / "strings" / "cy.toml", '"Add {missing}." = "Ychwanegwch {missing}."\n')
    _ = translator((tmp_path,), "cy")
    assert _("Add {missing}.", missing="printer") == "Ychwanegwch printer."
    assert _("Keep {other}.", missing="printer") == "Keep {other}."


def test_bad_strings_table_names_the_file_and_line(tmp_path: Path) -> None:
    write(tmp_path / "strings" / "cy.toml", '"Sign" = "Llofnodwch"\n"Read" = \n')
    with pytest.raises(KitError, match=r"cy.toml:2: TOML syntax error: .*\"English text\""):
        translator((tmp_path,), "cy")
    write(tmp_path / "strings" / "cy.toml", '"Sign" = 3\n')
    with pytest.raises(KitError, match=r"'Sign' must be followed by its translation in quotes"):
        translator((tmp_path,), "cy")


def test_templates_translate_with_the_materials_language(kit_dir: Path) -> None:
    write(
        kit_dir / "templates" / "hello.html", '{{ _("Turn over to find out how") }}|{{ direction }}'
    )
    write(kit_dir / "materials" / "hello.md", "---\ntemplate: hello\ntitle: T\n---\n")
    write(kit_dir / "materials" / "hello.ur.md", "---\ntitle: T\n---\n")
    kit = load_kit(kit_dir)
    assert render_html(kit, kit.materials["hello"]).html == "Turn over to find out how|ltr"
    assert render_html(kit, kit.materials["hello.ur"]).html == "طریقہ جاننے کے لیے صفحہ پلٹیں|rtl"
    write(kit_dir / "templates" / "strings" / "ur.toml", '"Turn over to find out how" = "x"\n')
    assert render_html(kit, kit.materials["hello.ur"]).html == "x|rtl"  # the kit's table first


def test_stock_tables_translate_every_string_the_leaflet_uses() -> None:
    used = set()
    for template in ("_base.html", "leaflet-a5.html"):
        source = (stock_dir() / "templates" / template).read_text(encoding="utf-8")
        used |= set(re.findall(r'_\("([^"]+)"', source))
    assert "Turn over to find out how" in used
    for language in ("cy", "pl", "ur"):
        _ = translator((stock_dir() / "templates",), language)
        assert all(_(text) != text for text in used), language


def test_text_direction() -> None:
    assert [text_direction(tag) for tag in ("ur", "ar-EG", "cy", "en-GB", "pl")] == [
        "rtl",
        "rtl",
        "ltr",
        "ltr",
        "ltr",
    ]


# The example kit's leaflets in Welsh, Polish and Urdu ------------------------------------------


@pytest.fixture(scope="module")
def example() -> Kit:
    return load_kit(REPO)


@pytest.fixture(scope="module")
def out(example: Kit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("languages")
    # One leaflet per local group: the Leeds group's in each language is enough here.
    report = build(example, list(LEAFLETS), out_dir=folder, jobs=2, group="leeds")
    assert not report.failures, report.failures  # includes the glyph coverage check
    assert not report.warnings, report.warnings  # includes "N pages, expected 2"
    return folder


def manifest_entry(out: Path, name: str) -> dict[str, Any]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    found: dict[str, Any] = next(
        e for e in manifest["outputs"] if e["material"] == name and not e.get("imposition")
    )
    return found


def words(text: str) -> list[str]:
    """Words without punctuation, direction marks or no-break spaces, in logical order."""
    text = unicodedata.normalize("NFC", text.replace("\u200e", "").replace("\u00a0", " "))
    return re.findall(r"[\w£#@.-]+", re.sub(r"[.\-](?=\s|$)", "", text))


def body_paragraphs(name: str) -> list[str]:
    """The .md's paragraphs and list items (headings and ## markers left out)."""
    body = (REPO / "materials" / f"{name}.md").read_text(encoding="utf-8").split("---", 2)[2]
    return [
        line.removeprefix("- ")
        for line in body.splitlines()
        if line.strip() and not line.startswith("#") and "[[" not in line
    ]


def leeds(kit: Kit, name: str) -> RenderedHTML:
    """The material's HTML for the Leeds group (the first row of data/groups.csv)."""
    material = kit.materials[name]
    return render_html(kit, material, rows_of(kit, material)[0], 1)


def pdf(out: Path, name: str) -> Path:
    """The Leeds group's output of ``name``, e.g. leaflet-a5-leeds.ur.pdf."""
    return out / (name.replace("leaflet-a5", "leaflet-a5-leeds", 1) + ".pdf")


def laid_out_text(kit: Kit, name: str) -> str:
    """The text of every line WeasyPrint laid out, each line in logical (reading) order."""
    document, _ = render(kit, leeds(kit, name))
    texts: list[str] = []

    def walk(box: Any) -> None:
        if type(box).__name__ == "TextBox":
            texts.append(box.text)
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(texts)


def appear_in_order(needles: list[str], haystack: list[str]) -> bool:
    remaining = iter(haystack)
    return all(any(word == candidate for candidate in remaining) for word in needles)


def test_example_kit_selects_leaflets_by_language(example: Kit) -> None:
    assert names(example.select(["leaflet-a5"], "ur")) == ["leaflet-a5.ur"]
    assert "leaflet-a5.cy" in names(example.select([], "cy"))
    assert example.materials["leaflet-a5.pl"].template == "leaflet-a5"


@pytest.mark.parametrize("name", LEAFLETS)
def test_each_translation_is_two_a5_pages(out: Path, name: str) -> None:
    sizes = page_sizes_mm(pdf(out, name))
    assert len(sizes) == 2
    assert all(abs(w - 148) <= 0.5 and abs(h - 210) <= 0.5 for w, h in sizes)
    entry = manifest_entry(out, name)
    assert entry["pages"] == entry["expected_pages"] == 2 and entry["language"] == name[-2:]


def test_urdu_paragraphs_are_laid_out_whole_and_in_reading_order(example: Kit) -> None:
    laid_out = words(laid_out_text(example, "leaflet-a5.ur"))
    for paragraph in body_paragraphs("leaflet-a5.ur"):
        assert appear_in_order(words(paragraph), laid_out), paragraph


def test_urdu_pdf_text_is_urdu_and_keeps_names_and_addresses(out: Path) -> None:
    # pypdf reads the glyph map and not /ActualText. Noto Nastaliq Urdu draws one letter shape
    # for several letters (the dots are separate glyphs), so pypdf's Urdu is only approximately
    # the Urdu that was set; the names, numbers and addresses in Latin letters come out exactly.
    text = " ".join(" ".join(page_texts(pdf(out, "leaflet-a5.ur"))).split())
    text = re.sub(r"(?<=[-/]) (?=[a-zA-Z])", "", text)  # addresses wrapped under the codes
    assert len(re.findall(r"[\u0600-\u06ff]", text)) > 500
    for phrase in (
        "NHS England",
        "999 Call for the NHS",
        "Leigh Day",
        "Health and Social Care Act 2012",
        "#Justice4NHS",
        "Promoted by 999 Call for the NHS",
    ):
        assert phrase in text, phrase
    # The codes' short addresses (the kit has a [links] short_base), each on one line.
    assert len(re.findall(r"999call\.uk/[2-9a-z]{5}", text)) == 3


def actual_texts(path: Path) -> str:
    """The /ActualText of every marked-content span on the pages, in content-stream order."""
    found = []
    for page in PdfReader(path).pages:
        for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
            properties = operands[1] if operator == b"BDC" else None
            if isinstance(properties, dict) and "/ActualText" in properties:
                found.append(str(properties["/ActualText"]))
    return " ".join(found)


LATIN_RUN = re.compile(r"[#@\u200e]*[A-Za-z0-9][A-Za-z0-9 ,.'&/-]*[A-Za-z0-9]")


def urdu_digits(text: str) -> str:
    """``text`` as an Urdu page prints it: digits in Urdu text Extended Arabic-Indic ("۲۴
    اپریل ۲۰۱۸"), those in a Latin run ("999 Call for the NHS", "Act 2012") as written."""
    kept = [(m.start(), m.end()) for m in LATIN_RUN.finditer(text) if re.search("[A-Za-z]", m[0])]
    return "".join(
        c
        if any(a <= i < b for a, b in kept) or not c.isascii() or not c.isdigit()
        else "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9"[int(c)]
        for i, c in enumerate(text)
    )


def test_urdu_leaflet_extracts_as_written(example: Kit, out: Path) -> None:
    """Every heading, paragraph and list item of the Urdu .md (the group's fields filled in for
    Leeds) comes out of poppler's pdftotext character for character and in order."""
    extracted = solid(pdftotext(pdf(out, "leaflet-a5.ur")))
    material = example.materials["leaflet-a5.ur"]
    row = localized_row(rows_of(example, material)[0], "ur")  # the meeting time in Urdu
    body = (REPO / "materials" / "leaflet-a5.ur.md").read_text(encoding="utf-8").split("---", 2)[2]
    blocks = [
        urdu_digits(re.sub(r"\[\[(\w+)\]\]", lambda m: row[m[1]], re.sub(r"^(#+|-) ", "", line)))
        for line in body.splitlines()
        if line.strip() and line not in ("## Front", "## Back")
    ]
    assert len(blocks) >= 10
    position = 0
    for block in blocks:
        found = extracted.find(solid(block), position)
        assert found >= 0, block
        position = found + len(solid(block))
    # Left-to-right pages carry no /ActualText: their glyphs map back to their text exactly.
    assert actual_texts(pdf(out, "leaflet-a5.pl")) == ""


def test_urdu_fonts_are_embedded_and_nastaliq_is_used(out: Path) -> None:
    fonts = {name.split("+")[-1] for name in embedded_font_names(pdf(out, "leaflet-a5.ur"))}
    assert "Noto-Nastaliq-Urdu" in fonts and "Noto-Nastaliq-Urdu-Bold" in fonts
    assert "Atkinson-Hyperlegible" in fonts  # the imprint, addresses and hashtag


def test_urdu_page_is_right_to_left(example: Kit, out: Path) -> None:
    html = leeds(example, "leaflet-a5.ur").html
    assert '<html lang="ur" dir="rtl">' in html
    assert re.search(
        '<figcaption dir="ltr"><span class="qr-part">999call.uk/</span><wbr>'
        '<span class="qr-part">[2-9a-z]{5}</span></figcaption>',
        html,
    )
    assert '<bdi dir="ltr">@999CallforNHS</bdi>' in html
    # Mirrored: the first code (find your MP) is on the right, and all three still decode.
    codes = manifest_entry(out, "leaflet-a5.ur")["qr_codes"]
    assert [q["link"] for q in codes] == ["find-your-mp", "petition", "page"]
    assert codes[0]["x_mm"] > codes[1]["x_mm"] > codes[2]["x_mm"]
    found = decode_qr_codes(pdf(out, "leaflet-a5.ur"))
    assert found == sorted((q["page"], q["url"]) for q in codes)


def test_welsh_has_w_circumflex_in_a_font_that_has_it(out: Path) -> None:
    text = " ".join(page_texts(pdf(out, "leaflet-a5.cy")))
    assert "ŵ" in text and "grŵp" in text
    fonts = {name.split("+")[-1] for name in embedded_font_names(pdf(out, "leaflet-a5.cy"))}
    assert fonts == {"Atkinson-Hyperlegible-Next", "Atkinson-Hyperlegible-Next-Bold"}


def test_polish_text_and_template_strings(out: Path) -> None:
    front, back = (" ".join(t.split()) for t in page_texts(pdf(out, "leaflet-a5.pl")))
    assert "Odwróć, aby dowiedzieć się jak" in front
    for phrase in ("Jak możesz pomóc", "Podpisz petycję", "Promoted by 999 Call for the NHS"):
        assert phrase in back, phrase


def test_urdu_call_to_action_sets_aco_and_icp_in_the_brand_latin_font(out: Path) -> None:
    """The call to action comes from vars, not the content: its Latin words were drawn in
    Nastaliq's own Latin letters."""
    path = pdf(out, "leaflet-a5.ur")
    for word in ("ACO", "ICP"):
        fonts = fonts_drawing(path, word)
        assert fonts and all(name.startswith("Atkinson") for name in fonts), (word, fonts)


def test_urdu_meeting_line_and_dates_use_urdu_digits(out: Path) -> None:
    text = solid(pdftotext(pdf(out, "leaflet-a5.ur")))  # no spaces or direction marks
    date = "\u06f2\u06f4 \u0627\u067e\u0631\u06cc\u0644 \u06f2\u06f0\u06f1\u06f8"  # 24 April 2018
    meeting = "\u0634\u0627\u0645 \u06f7 \u0628\u062c\u06d2"  # 7 in the evening, the meeting time
    assert solid(date) in text and solid(meeting) in text
    assert not re.search(r"[0-9]\u0628\u062c\u06d2|24\u0627\u067e\u0631\u06cc\u0644", text)
    # Names keep their own digits.
    assert "999CallfortheNHS" in text and "Act2012" in text


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("leaflet-a5.cy", "Dewch o hyd i\u2019ch AS"),
        ("leaflet-a5.pl", "Znajdź posła"),
        ("leaflet-a5.ur", "اپنا ایم پی تلاش کریں"),
    ],
)
def test_the_back_shows_how_to_find_your_mp(out: Path, name: str, title: str) -> None:
    """The front says "turn over to find out how" to tell your MP: on the back, in each
    language, the first code is titled to find your MP and goes to the find-your-mp link."""
    first = manifest_entry(out, name)["qr_codes"][0]
    assert (first["link"], first["page"]) == ("find-your-mp", 2)
    assert first["target"].startswith("https://www.theyworkforyou.com/")
    back = " ".join(words(pdftotext_pages(pdf(out, name))[1]))
    assert " ".join(words(title)) in back, back
