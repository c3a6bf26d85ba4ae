"""An Arabic A5 leaflet as a reader sees it: Naskh, lines that never touch, handles in order."""

from __future__ import annotations

import ctypes
import itertools
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium
import pytest

from conftest import write
from handbill.engine.layout import render
from handbill.kit.loader import Kit, load_kit
from handbill.render.templating import render_html
from pdftools import embedded_font_names

# A headline of three lines at least, with the tallest marks Arabic print uses: a vowel over a
# hamza (أُ), a shadda, tanwin over an alif (ًا), and letters that fall below (ي ج ع).
HEADLINE = "أُغلقتْ مكتبتنا؟ شكراً لكلّ من وقّع، والآن نحتاج جميع الجيران في الحيّ"


@pytest.fixture(scope="module")
def arabic_kit(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    folder = tmp_path_factory.mktemp("arabic")
    write(
        folder / "handbill.toml",
        """
        [campaign]
        name = "Save Hartcliffe Library"
        hashtag = "#SaveHartcliffeLibrary"
        [campaign.social]
        twitter = "@SaveHartcliffeLib"
        facebook = "SaveHartcliffeLibrary"
        [imprint]
        promoter = "Friends of Hartcliffe Library"
        promoter_address = "3 Sample Row, Bristol BS13 0AA"
        printer = "Any Printer"
        printer_address = "2 Sample Road, Bristol BS1 1AA"
        """,
    )
    write(
        folder / "materials" / "leaflet.md",
        """
        ---
        template: leaflet-a5
        title: Keep our library open
        paper: A5
        vars:
          call_to_action: Write to your councillor before the vote.
        ---
        ## Front

        The council plans to close the library.

        ## Back

        Come to the meeting.
        """,
    )
    write(
        folder / "materials" / "leaflet.ar.md",
        f"""
        ---
        title: أبقوا مكتبتنا مفتوحة
        language: ar
        vars:
          headline: {HEADLINE}
          call_to_action: اكتبوا إلى عضو المجلس قبل التصويت.
        ---
        ## Front

        يخطط المجلس لإغلاق المكتبة في حزيران.

        ## Back

        تعالوا إلى الاجتماع في المركز.
        """,
    )
    return load_kit(folder)


def laid_out(kit: Kit, name: str, folder: Path) -> Path:
    """The material's PDF, laid out as the build does, written in ``folder``."""
    pdf = render(kit, render_html(kit, kit.materials[name]))[0].write_pdf()
    (folder / f"{name}.pdf").write_bytes(pdf)
    return folder / f"{name}.pdf"


@pytest.fixture(scope="module")
def arabic_pdf(arabic_kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return laid_out(arabic_kit, "leaflet.ar", tmp_path_factory.mktemp("arabic-pdf"))


def test_arabic_is_set_in_naskh_not_the_urdu_nastaliq(arabic_pdf: Path) -> None:
    fonts = {name.split("+")[-1] for name in embedded_font_names(arabic_pdf)}
    assert {"Noto-Naskh-Arabic", "Noto-Naskh-Arabic-Bold"} <= fonts
    assert not any("Nastaliq" in name for name in fonts), fonts


def ink_lines(path: Path, page_index: int, size_pt: float) -> list[tuple[float, float, float]]:
    """The ink of each line of text set at ``size_pt`` on a page, from the top: (baseline,
    top, bottom) in pt from the page's foot, over the glyphs' tight boxes (pdfium). A letter's line
    is its baseline (its origin); a vowel mark, placed above or below its letter, belongs to
    the nearest baseline."""
    page = pypdfium2.PdfDocument(path)[page_index]
    text = page.get_textpage()
    found = []
    for index in range(text.count_chars()):
        # pdfium gives the size in CSS px (WeasyPrint's unit): 4/3 of the size in pt.
        size = pdfium.FPDFText_GetFontSize(text.raw, index) * 0.75
        char = text.get_text_range(index, 1)
        if abs(size - size_pt) > 0.5 or not char.strip() or not char.isprintable():
            continue
        x, y = ctypes.c_double(), ctypes.c_double()
        pdfium.FPDFText_GetCharOrigin(text.raw, index, x, y)
        _, bottom, _, top = text.get_charbox(index)
        found.append((unicodedata.category(char) == "Mn", y.value, top, bottom))
    # A line's letters share its baseline; a letter drawn with its mark may report the mark's.
    counts = Counter(round(y, 1) for mark, y, _, _ in found if not mark)
    baselines = sorted((y for y, count in counts.items() if count >= 3), reverse=True)
    lines: dict[float, list[tuple[float, float]]] = {b: [] for b in baselines}
    for _, y, top, bottom in found:
        lines[min(baselines, key=lambda b: abs(b - y))].append((top, bottom))
    return [(b, max(t for t, _ in lines[b]), min(low for _, low in lines[b])) for b in baselines]


def test_headline_lines_never_touch(arabic_pdf: Path) -> None:
    """Measured on the glyphs drawn: each line's lowest ink stays above the next line's
    highest, with the vowelled hamza and the shadda in the headline."""
    size_pt = 33.0  # the headline's size: it fits its three lines without shrinking
    lines = ink_lines(arabic_pdf, 0, size_pt)
    assert len(lines) == 3, lines
    # The vowelled hamza of the first line reaches 1.1 em above its baseline.
    assert lines[0][1] - lines[0][0] > 1.05 * size_pt, lines[0]
    gaps = [upper[2] - lower[1] for upper, lower in itertools.pairwise(lines)]
    assert min(gaps) > 0.1 * size_pt, gaps  # white between every two lines


def test_first_headline_line_stays_clear_of_the_masthead_rule(arabic_pdf: Path) -> None:
    """Pixel rows at 200 dpi: below the rule under the masthead (the accent colour across
    the page), white rows, at least 2 mm of them, before the headline's tallest mark."""
    dpi = 200
    image = pypdfium2.PdfDocument(arabic_pdf)[0].render(scale=dpi / 72).to_pil().convert("RGB")
    width, height = image.size
    pixels = image.load()

    def accent(x: int, y: int) -> bool:
        red, green, blue = pixels[x, y]
        return red > 180 and green > 130 and blue < 120  # the leaflet's yellow accent

    rule = [
        y for y in range(height // 3) if sum(accent(x, y) for x in range(0, width, 4)) > width // 8
    ]
    assert rule, "no rule under the masthead"
    below = rule[-1] + 1
    ink = next(
        y for y in range(below, height) if any(sum(pixels[x, y]) < 600 for x in range(width))
    )
    assert (ink - below) / dpi * 25.4 > 2.0, (below, ink)


def positions(path: Path, page_index: int, word: str) -> list[tuple[float, float]]:
    """Each character of the first ``word`` on the page that is not part of a hashtag
    ("SaveHartcliffeLibrary", not "#SaveHartcliffeLibrary"): (left, bottom) of its box in pt."""
    text = pypdfium2.PdfDocument(path)[page_index].get_textpage()
    whole = text.get_text_range(0, text.count_chars())
    found = re.search(f"(?<!#){re.escape(word)}", whole)
    assert found, (word, whole)
    start = found.start()
    boxes = [text.get_charbox(start + i) for i in range(len(word))]
    return [(box[0], box[1]) for box in boxes]


def test_each_label_and_its_handle_stay_together_in_reading_order(arabic_pdf: Path) -> None:
    """Right to left: the hashtag, then "تويتر: @SaveHartcliffeLib", then "فيسبوك:
    SaveHartcliffeLibrary", each label on the right of its own handle and on its line, and
    each handle's letters left to right with its "@" in front."""
    pieces = [("تويتر", "@SaveHartcliffeLib"), ("فيسبوك", "SaveHartcliffeLibrary")]
    for label, handle in pieces:
        named, drawn = positions(arabic_pdf, 1, label), positions(arabic_pdf, 1, handle)
        assert round(named[0][1]) == round(drawn[0][1]), (label, named[0], drawn[0])
        assert min(x for x, _ in named) > max(x for x, _ in drawn), label
        assert [x for x, _ in drawn] == sorted(x for x, _ in drawn), handle
    # Twitter's piece comes first: on the right of Facebook's when they share a line.
    twitter, facebook = positions(arabic_pdf, 1, "تويتر")[0], positions(arabic_pdf, 1, "فيسبوك")[0]
    assert twitter[1] > facebook[1] or twitter[0] > facebook[0], (twitter, facebook)


def test_an_english_label_on_a_right_to_left_page_reads_left_to_right(tmp_path: Path) -> None:
    """Persian has no stock strings table: the labels stay English, and each piece reads
    "Facebook: SaveHartcliffeLibrary", not ":Facebook" with the colon at the wrong end."""
    folder = tmp_path / "kit"
    write(
        folder / "handbill.toml",
        '[campaign]\nname = "Save Our Library"\n[campaign.social]\n'
        'twitter = "@SaveHartcliffeLib"\nfacebook = "SaveHartcliffeLibrary"\n',
    )
    write(folder / "materials" / "leaflet.md", "---\ntemplate: leaflet-a5\ntitle: T\n---\n")
    write(folder / "materials" / "leaflet.fa.md", "---\ntitle: کتابخانه\n---\nمتن.\n")
    path = laid_out(load_kit(folder), "leaflet.fa", tmp_path)
    for piece in ("Twitter:", "Facebook:"):
        label = positions(path, 1, piece)
        handle = positions(
            path, 1, piece.replace("Twitter:", "@Save").replace("Facebook:", "SaveH")
        )
        assert round(label[0][1]) == round(handle[0][1])
        assert label[-1][0] < handle[0][0], piece  # the colon, then the handle, to its right
