"""The download page's cards: order, main PDF, titles, links offered, versions table, Urdu."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from conftest import REPO, write
from handbill.kit.loader import load_kit
from handbill.publish.cards import Card, card_html, offered, order, titles
from handbill.publish.site import URDU_FONT, urdu_font

A4 = {"name": "A4", "width_mm": 210.0, "height_mm": 297.0}
A5 = {"name": "A5", "width_mm": 148.0, "height_mm": 210.0}


def pdf(path: str, paper: dict[str, Any] = A5, **more: Any) -> dict[str, Any]:
    """One manifest entry for a PDF, as the build writes it."""
    entry = {"kind": "pdf", "path": path, "bytes": 2048, "pages": 2, "language": "en-GB"}
    return entry | {"paper": paper, "duplex": True} | more


def translated(kit_dir: Path) -> None:
    """The fixture kit, with its sheet also in Welsh (a title sorting before every English
    one) and in Urdu."""
    write(kit_dir / "materials" / "sheet.cy.md", "---\ntitle: Taflen prawf\n---\nTestun.\n")
    write(kit_dir / "materials" / "sheet.ur.md", "---\ntitle: ٹیسٹ شیٹ\n---\nمتن۔\n")


def test_translations_follow_their_original(kit_dir: Path) -> None:
    translated(kit_dir)
    kit = load_kit(kit_dir)
    cards = [Card(kit.materials[name], [pdf(name + ".pdf")]) for name in sorted(kit.materials)]
    names = [card.material.name for card in order(kit, cards)]
    # Alphabetically "Taflen prawf" would come first, and the Urdu title last.
    assert names == ["card", "sheet", "sheet.cy", "sheet.ur"]


def test_the_colour_pdf_is_the_cards_own_and_its_first_link(kit_dir: Path) -> None:
    kit = load_kit(kit_dir)
    entries = [
        pdf("sheet.grey.pdf", greyscale=True),
        pdf("sheet.press.pdf", mode="press", bleed_mm=3.0),
        pdf("sheet.grey.home.pdf", A4, greyscale=True, imposition="2-up"),
        pdf("sheet.home.pdf", A4, imposition="2-up"),
        pdf("sheet.pdf", mode="home"),
        {"kind": "docx", "path": "sheet.docx", "bytes": 10},
    ]
    card = Card(kit.materials["sheet"], entries)
    assert card.main["path"] == "sheet.pdf"
    shown = [entry["path"] for entry, _ in offered(entries, "short")]
    assert shown == [
        "sheet.pdf",
        "sheet.home.pdf",
        "sheet.grey.pdf",
        "sheet.grey.home.pdf",
        "sheet.press.pdf",
        "sheet.docx",
    ]


def test_an_a4_sheet_one_to_a_sheet_of_an_a4_material_is_not_offered_twice() -> None:
    entries = [pdf("dl.pdf", A4), pdf("dl.home.pdf", A4, imposition="1-up")]
    # The sheet is the PDF with a line of printing instructions: the PDF alone, with the line.
    assert [(e["path"], how) for e, how in offered(entries, "short")] == [
        ("dl.pdf", "Print double-sided, flip on long edge.")
    ]
    # A5 pages two to an A4 sheet are another file altogether: both stay.
    entries = [pdf("a5.pdf"), pdf("a5.home.pdf", A4, imposition="2-up")]
    assert [e["path"] for e, _ in offered(entries, "short")] == ["a5.pdf", "a5.home.pdf"]


def test_cards_with_the_same_title_say_their_paper(kit_dir: Path) -> None:
    kit = load_kit(kit_dir)
    a3 = {"name": "A3 landscape", "width_mm": 420.0, "height_mm": 297.0}
    sheet, card = kit.materials["sheet"], kit.materials["card"]
    same = Card(card, [pdf("card.pdf", a3)])
    object.__setattr__(card, "title", sheet.title)  # two materials with one title
    named = titles([Card(sheet, [pdf("sheet.pdf", A4)]), same])
    assert named == {"sheet": "Test sheet\u00a0\u2013 A4", "card": "Test sheet\u00a0\u2013 A3"}
    assert '<h3>Test sheet<span class="paper"' in card_html(kit, same, "t.png", named["card"])


class Table(HTMLParser):
    """A card's versions table: its column heads, its rows' names and their links."""

    def __init__(self) -> None:
        super().__init__()
        self.heads: list[str] = []
        self.rows: list[str] = []
        self.links: list[str] = []
        self.into: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        scope = dict(attrs).get("scope")
        if tag == "th":
            self.into = self.heads if scope == "col" else self.rows
            self.into.append("")
        elif tag == "a":
            self.links.append(str(dict(attrs)["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "th":
            self.into = None

    def handle_data(self, data: str) -> None:
        if self.into is not None:
            self.into[-1] += data


def test_versions_are_a_table_and_translations_name_their_codes_alike() -> None:
    kit = load_kit(REPO)
    codes = [{"link": name} for name in ("find-your-mp", "petition", "page")]
    entries = []
    for row, town in enumerate(("leeds", "barnsley"), 1):
        entries += [
            pdf(f"l-{town}.cy.pdf", row=row, qr_codes=codes),
            pdf(f"l-{town}.cy.home.pdf", A4, row=row, imposition="2-up"),
            pdf(f"l-{town}.cy.grey.pdf", row=row, greyscale=True),
        ]
    page = card_html(kit, Card(kit.materials["leaflet-a5.cy"], entries), "t.png", "x")
    table = Table()
    table.feed(page[page.index('<table class="versions">') :])
    assert table.heads == ["A5 PDF", "A4 sheets", "Greyscale"]
    # The card says "Welsh" once; its rows are the towns.
    assert table.rows == ["Leeds", "Barnsley"]
    assert table.links[:3] == ["l-leeds.cy.pdf", "l-leeds.cy.home.pdf", "l-leeds.cy.grey.pdf"]
    assert "<summary>Which file do I need?</summary>" in page
    # The English leaflet's words for its codes, never "Find your mp" or "Page".
    assert "QR codes: Find your MP · Sign the petition · Your local group" in page


def test_urdu_font_is_copied_only_for_an_urdu_card(kit_dir: Path, tmp_path: Path) -> None:
    translated(kit_dir)
    kit = load_kit(kit_dir)
    copy = tmp_path / "fonts" / URDU_FONT
    rule = urdu_font(kit, [Card(kit.materials["sheet.ur"], [pdf("s.pdf")])], tmp_path)
    assert f'src: url("fonts/{URDU_FONT}") format("truetype")' in rule
    stock = REPO / "assets" / "fonts" / "noto-nastaliq-urdu" / URDU_FONT
    assert copy.read_bytes() == stock.read_bytes()
    assert 500_000 < copy.stat().st_size < 560_000  # the size docs/site.md gives
    # No Urdu card: no rule, and an old copy is removed.
    assert urdu_font(kit, [Card(kit.materials["sheet"], [pdf("s.pdf")])], tmp_path) == ""
    assert not copy.exists()


class Languages(HTMLParser):
    """Each piece of text of a card with the lang and dir it is read in (the nearest ones)."""

    VOID = frozenset({"img", "br", "wbr", "meta", "link", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str, str]] = [("", "", "")]
        self.texts: dict[str, tuple[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        _, lang, way = self.stack[-1]
        if tag not in self.VOID:
            self.stack.append((tag, found.get("lang") or lang, found.get("dir") or way))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts[data.strip()] = self.stack[-1][1:]


def test_a_description_left_in_english_is_read_left_to_right_in_an_arabic_card(
    kit_dir: Path,
) -> None:
    """An Arabic translation that keeps the original's description: that sentence is English,
    so it carries lang="en-GB" dir="ltr" inside the right-to-left card (its full stop then
    ends it, not starts it); the card's own Arabic title stays right to left."""
    write(
        kit_dir / "materials" / "sheet.md",
        "---\ntemplate: faq\ntitle: Test sheet\ndescription: What to do, in steps.\n---\nText.\n",
    )
    write(kit_dir / "materials" / "sheet.ar.md", "---\ntitle: ورقة الاختبار\n---\nنص.\n")
    write(
        kit_dir / "materials" / "sheet.fa.md", "---\ntitle: برگه\ndescription: چه باید کرد.\n---\n"
    )
    kit = load_kit(kit_dir)
    page = Languages()
    page.feed(card_html(kit, Card(kit.materials["sheet.ar"], [pdf("s.ar.pdf")]), "t.png", "x"))
    assert page.texts["ورقة الاختبار"] == ("ar", "rtl")
    assert page.texts["What to do, in steps."] == ("en-GB", "ltr")
    # A translation with its own description, and the original, keep the card's.
    own = Languages()
    own.feed(card_html(kit, Card(kit.materials["sheet.fa"], [pdf("s.fa.pdf")]), "t.png", "x"))
    assert own.texts["چه باید کرد."] == ("fa", "rtl")
    original = card_html(kit, Card(kit.materials["sheet"], [pdf("s.pdf")]), "t.png", "x")
    assert '<p class="desc">What to do, in steps.</p>' in original
