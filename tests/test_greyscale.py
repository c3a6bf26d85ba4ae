"""Greyscale outputs (--greyscale) and one-sided stripes: no colour left anywhere, every bullet
and arrow still drawn, stripes on rounded boxes with straight ends."""

from __future__ import annotations

import html.parser
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import tinycss2
from PIL import Image

from handbill.build.jobs import Options
from handbill.build.runner import build
from handbill.kit.loader import load_kit
from handbill.pages.colourops import StreamConverter
from handbill.pages.greyscale import Grey
from handbill.pages.greystyle import band_rules

REPO = Path(__file__).resolve().parent.parent
KITS = {"example": REPO, "bus-route": REPO / "examples" / "bus-route"}
SIDES = ("top", "right", "bottom", "left")
# The two corners each side meets, as border-radius lists them (top-left first, clockwise).
CORNERS = {"top": (0, 1), "right": (1, 2), "bottom": (2, 3), "left": (3, 0)}
DPI = 100


@pytest.fixture(scope="module", params=sorted(KITS))
def grey_out(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp(f"grey-{request.param}")
    options = Options(greyscale=True, keep_html=True)
    report = build(load_kit(KITS[request.param]), out_dir=out, jobs=2, options=options)
    assert not report.failures, report.failures
    return out


def _pages(path: Path, dpi: int = DPI) -> Iterator[tuple[pdfium.PdfPage, Image.Image]]:
    document = pdfium.PdfDocument(str(path))
    for page in document:
        yield page, page.render(scale=dpi / 72).to_pil().convert("RGB")


def test_every_greyscale_pdf_has_no_colour(grey_out: Path) -> None:
    pdfs = sorted(grey_out.glob("*.grey*.pdf"))
    assert len(pdfs) >= 20  # every material, and the A4 sheets of the small ones
    coloured = []
    for path in pdfs:
        for number, (_, image) in enumerate(_pages(path, 40), start=1):
            red, green, blue = (channel.tobytes() for channel in image.split())
            spread = max(max(rgb) - min(rgb) for rgb in zip(red, green, blue, strict=True))
            if spread > 8:
                coloured.append((path.name, number, spread))
    assert coloured == []


class _ListItems(html.parser.HTMLParser):
    """The first words of every list item of an HTML file, and whether it runs right to left."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []
        self.rtl = False
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html" and ("dir", "rtl") in attrs:
            self.rtl = True
        if tag == "li":
            self.items.append("")
            self._open = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            self.items[-1] += data


def _ink_beside(page: pdfium.PdfPage, image: Image.Image, words: str, side: str) -> int | None:
    """The most dark pixels in the 6 mm beside any occurrence of ``words`` on the page (None
    when the words are not on this page)."""
    text = page.get_textpage()
    search = text.search(words, match_case=True)
    scale, height, mm = DPI / 72, page.get_height(), 72 / 25.4
    most = None
    while found := search.get_next():
        first, count = found
        left, bottom, _, top = text.get_charbox(first)
        right = text.get_charbox(first + count - 1)[2]
        x0, x1 = (left - 6 * mm, left - 0.3 * mm) if side == "left" else (right, right + 6 * mm)
        box = (
            int(x0 * scale),
            int((height - top - 1 * mm) * scale),
            int(x1 * scale),
            int((height - bottom + 1 * mm) * scale),
        )
        pixels = image.crop(box).convert("L").get_flattened_data()
        most = max(most or 0, sum(1 for value in pixels if value < 110))
    return most


def test_a_greyscale_build_writes_no_second_set_of_editable_copies(grey_out: Path) -> None:
    """The .docx and .txt copies hold the words, not the print: the ordinary build writes them
    once (a greyscale build wrote NAME.grey.docx and NAME.grey.txt beside them)."""
    assert sorted(grey_out.glob("*.grey.pdf"))
    assert sorted(p.name for p in grey_out.glob("*.docx")) == []
    assert sorted(p.name for p in grey_out.glob("*.txt")) == []


def test_every_bullet_and_the_arrow_are_still_drawn(grey_out: Path) -> None:
    checked, missing = 0, []
    for page_html in sorted(grey_out.glob("*.grey.html")):
        parser = _ListItems()
        parser.feed(page_html.read_text())
        pdf = page_html.with_suffix(".pdf")
        if parser.rtl or not pdf.exists():
            continue
        wanted = [(" ".join(item.split()[:4]), "left") for item in parser.items if item.split()]
        if 'class="arrow"' in page_html.read_text():
            wanted.append((_arrow_words(page_html.read_text()), "right"))
        pages = list(_pages(pdf))
        for words, side in wanted:
            inks = [_ink_beside(page, image, words, side) for page, image in pages]
            ink = max((i for i in inks if i is not None), default=None)
            if ink is None:
                continue  # the words wrapped over a line: found by none of the searches
            checked += 1
            if ink < 6:
                missing.append((pdf.name, words, side, ink))
    assert checked >= 20
    assert missing == []


def _arrow_words(text: str) -> str:
    """The words just before the arrow (the turn-over line)."""
    before = text.split('<span class="arrow"', 1)[0].rsplit(">", 1)[1]
    return " ".join(before.split()[-3:])


def test_colour_operators_become_greys() -> None:
    stream = (
        b"q 1 0 0 rg 0 0 1 RG (1 0 0 rg) Tj /lab-d50 cs 50 0 0 sc /Pattern cs /P1 scn 0 0 0 1 k Q"
    )
    converter = StreamConverter(Grey(), {"/lab-d50": "lab-d50"})
    assert converter.convert(stream) == (
        b"q 0.299 g 0.114 G (1 0 0 rg) Tj /DeviceGray cs 0.5 g /Pattern cs /P1 scn 0 g Q"
    )


def test_dark_backgrounds_become_light_bands_and_marks_stay_dark() -> None:
    sheet = """:root { --brand: #003087; }
    .band { background: var(--brand); } .badge, .pill::before { background-color: #ffb81c; }
    .panel { background: #eef4fb; } li::before { background: var(--brand); }"""
    assert band_rules([sheet]) == (
        ".band { background-color: #d5d5d5 !important; }\n"
        ".badge { background-color: #f1f1f1 !important; }\n"
    )


def _one_sided_tapers(sheet: Path) -> Iterator[str]:
    """Rules that give a box a border on one side and round a corner that side meets."""
    rules = tinycss2.parse_stylesheet(sheet.read_text(), skip_comments=True, skip_whitespace=True)
    for rule in rules:
        if rule.type != "qualified-rule":
            continue
        declarations = {
            d.lower_name: [t for t in d.value if t.type != "whitespace"]
            for d in tinycss2.parse_blocks_contents(rule.content, True, True)
            if d.type == "declaration"
        }
        radius = declarations.get("border-radius")
        if not radius:
            continue
        if any(t.type == "literal" and t.value == "/" for t in radius):
            continue  # elliptical corners: not in stock CSS
        values = [t.value != 0 for t in radius if t.type in ("dimension", "percentage", "number")]
        # 1 to 4 values, as margin and padding: top-left, top-right, bottom-right, bottom-left.
        corners = (values * 4)[:4] if len(values) < 3 else [*values, values[1]][:4]
        for side in SIDES:
            border = declarations.get(f"border-{side}")
            if not border or any(t.type == "ident" and t.lower_value == "none" for t in border):
                continue
            widths = [t for t in border if t.type in ("dimension", "number")]
            if widths and widths[0].value == 0:
                continue
            if any(corners[i] for i in CORNERS[side]):
                yield f"{sheet.name}: {tinycss2.serialize(rule.prelude).strip()} ({side})"


def test_no_stock_rule_gives_a_rounded_box_a_one_sided_border() -> None:
    found = [
        hit
        for sheet in sorted((REPO / "assets" / "css").glob("*.css"))
        for hit in _one_sided_tapers(sheet)
    ]
    assert found == []


def test_the_checker_finds_a_tapered_stripe(tmp_path: Path) -> None:
    sheet = tmp_path / "kit.css"
    sheet.write_text(
        ".a { border-left: 2mm solid red; border-radius: 3mm; }\n"
        ".b { border-top: 1mm solid red; border-radius: 0 0 3mm 3mm; }\n"
        ".c { border-bottom: 1mm solid red; border-radius: 0 0 3mm 0; }\n"
    )
    assert list(_one_sided_tapers(sheet)) == ["kit.css: .a (left)", "kit.css: .c (bottom)"]


def test_the_call_to_action_stripe_has_straight_ends(example_out: Path) -> None:
    """The stripe's inner edge is one vertical line from the band's top to its foot: a border
    on one side of a rounded box tapers towards each corner instead."""
    _, image = next(_pages(example_out / "leaflet-a5-leeds.pdf", 200))
    accent = (0xFF, 0xB8, 0x1C)  # the example kit's accent colour, the stripe's colour
    pixels = image.load()
    edges = []
    for y in range(image.height):
        row = [x for x in range(image.width // 3) if _near(pixels[x, y], accent)]
        if row and row[-1] - row[0] < 40:  # the stripe alone, not the masthead rule
            edges.append(row[-1])
    assert len(edges) > 100  # the band's height at 200 dpi, about 25 mm
    assert max(edges) - min(edges) <= 1


def _near(pixel: tuple[int, int, int], colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 40 for a, b in zip(pixel, colour, strict=True))


def test_pictures_become_grey(tmp_path: Path) -> None:
    """A photograph (JPEG in the PDF) turns grey, at the lightness of its colours."""
    from handbill.pages.greyscale import greyscale_pdf

    picture = Image.new("RGB", (60, 40), (200, 30, 30))
    picture.paste((30, 120, 220), (30, 0, 60, 40))
    source = tmp_path / "picture.pdf"
    picture.save(source, "PDF", resolution=72)
    grey = tmp_path / "picture.grey.pdf"
    grey.write_bytes(greyscale_pdf(source.read_bytes()))
    _, image = next(_pages(grey, 72))
    left, right = image.getpixel((10, 20)), image.getpixel((50, 20))
    assert max(left) - min(left) <= 2 and max(right) - min(right) <= 2
    assert abs(left[0] - 83) <= 4 and abs(right[0] - 104) <= 4  # 0.299 R + 0.587 G + 0.114 B
