"""Right-to-left text extracts as written, from spans that leave the page looking the same."""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream
from weasyprint import HTML

from conftest import REPO
from handbill.engine.actualtext import exact_text
from pdftools import DIRECTION_MARKS, page_texts, pdftotext, solid

# An Urdu sentence with Latin words, digits and Urdu punctuation in it, and a heading.
HEADING = "مقدمہ ایک نظر میں"
SENTENCE = (
    "مقدمے کی سماعت 24 اپریل 2018 کو لیڈز میں ہوئی، اور NHS England نے "
    "پہلے ہی ایک معاہدہ روک دیا تھا۔ آپ کیسے مدد کر سکتے ہیں؟"
)
HTML_PAGE = f"""<!doctype html>
<html lang="ur" dir="rtl"><head><style>
@font-face {{ font-family: Nastaliq;
  src: url(fonts/noto-nastaliq-urdu/NotoNastaliqUrdu-Regular.ttf) }}
@font-face {{ font-family: Atkinson;
  src: url(fonts/atkinson-hyperlegible/AtkinsonHyperlegible-Regular.ttf) }}
@page {{ size: A6; margin: 10mm }}
body {{ font-family: Nastaliq, Atkinson; font-size: 11pt; line-height: 2.2 }}
</style></head>
<body><h1>{HEADING}</h1><p>{SENTENCE}</p></body></html>"""


def write(path: Path, exact: bool) -> Path:
    document = HTML(string=HTML_PAGE, base_url=str(REPO / "assets") + "/").render()
    if exact:
        with exact_text():
            path.write_bytes(document.write_pdf())
    else:
        path.write_bytes(document.write_pdf())
    return path


def spans(path: Path) -> list[str]:
    """The /ActualText of each marked-content span, in drawing order."""
    page = PdfReader(path).pages[0]
    found = []
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"BDC" and isinstance(operands[1], dict) and "/ActualText" in operands[1]:
            found.append(str(operands[1]["/ActualText"]))
    return found


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("actualtext")
    return write(folder / "plain.pdf", False), write(folder / "exact.pdf", True)


def test_poppler_extracts_the_text_as_written(pdfs: tuple[Path, Path]) -> None:
    plain, exact = pdfs
    assert solid(pdftotext(exact)) == solid(HEADING + SENTENCE)
    # Without the spans, Nastaliq's shared glyphs give something else.
    assert solid(pdftotext(plain)) != solid(HEADING + SENTENCE)


def test_glyph_map_readers_get_what_they_got_before(pdfs: tuple[Path, Path]) -> None:
    """pypdf reads the glyph map, not /ActualText: the anchors add nothing to its text."""
    plain, exact = pdfs
    assert page_texts(exact) == page_texts(plain)
    assert "NHS England" in page_texts(exact)[0]


def test_page_looks_exactly_the_same(pdfs: tuple[Path, Path], tmp_path: Path) -> None:
    pictures = []
    for pdf in pdfs:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / pdf.stem)], check=True
        )
        pictures.append((tmp_path / f"{pdf.stem}-1.png").read_bytes())
    assert pictures[0] == pictures[1]


def test_one_span_per_right_to_left_cluster_and_none_for_latin(pdfs: tuple[Path, Path]) -> None:
    found = spans(pdfs[1])
    assert spans(pdfs[0]) == []
    # Every character of the Urdu is in a span of its own (this font makes no ligatures of
    # several characters), spaces between Urdu words included.
    urdu = [c for c in HEADING + SENTENCE if "\u0600" <= c <= "\u06ff"]
    assert sorted(c for c in found if c.strip()) == sorted(urdu)
    # Latin words and digits keep their exact glyph map and have no spans.
    assert not any(c.isascii() and c.isalnum() for c in "".join(found))
    # Spans come in drawing order: right-to-left words from their last letter to their first.
    text = "".join(found)
    assert "".join(reversed("مقدمہ")) in text


# Two forms of one name, the decomposed first (its glyph map wins), and an Arabic name in a
# left-to-right line, as in a merge of English letters.
NFD = unicodedata.normalize("NFD", "Siân Llwyd")
NFC = "Siân Llwyd"
ARABIC = "محمد عبد الله"
LTR_PAGE = f"""<!doctype html>
<html lang="en-GB"><head><style>
@font-face {{ font-family: Atkinson;
  src: url(fonts/atkinson-hyperlegible/AtkinsonHyperlegible-Regular.ttf) }}
@font-face {{ font-family: Nastaliq;
  src: url(fonts/noto-nastaliq-urdu/NotoNastaliqUrdu-Regular.ttf) }}
@page {{ size: A6; margin: 10mm }}
body {{ font-family: Atkinson, Nastaliq; font-size: 11pt }}
</style></head>
<body><p>{NFD}</p><p>{NFC}</p><p>Dear {ARABIC}, thank you.</p></body></html>"""


def test_every_line_reads_back_as_set_whatever_came_before(tmp_path: Path) -> None:
    document = HTML(string=LTR_PAGE, base_url=str(REPO / "assets") + "/").render()
    (tmp_path / "plain.pdf").write_bytes(document.write_pdf())
    with exact_text():
        (tmp_path / "exact.pdf").write_bytes(document.write_pdf())
    lines = [exact(line) for line in pdftotext(tmp_path / "exact.pdf").splitlines()]
    assert [line for line in lines if line] == [
        exact(NFD),
        exact(NFC),  # not normalised: the NFC name reads back as NFC
        exact(f"Dear {ARABIC}, thank you."),
    ]
    plain = [exact(line) for line in pdftotext(tmp_path / "plain.pdf").splitlines()]
    assert exact(NFC) not in plain and exact(ARABIC) not in "".join(plain)
    found = spans(tmp_path / "exact.pdf")
    # One span for the accented letter whose glyph map reads as the other form; one for each
    # cluster of the Arabic name; none for the rest of the Latin text.
    assert found.count("â") == 1 and "".join(found).count("â") == 1
    assert sorted(c for c in found if c.strip() and c != "â") == sorted(ARABIC.replace(" ", ""))
    # And the page looks exactly as without the spans.
    assert pictures(tmp_path / "exact.pdf") == pictures(tmp_path / "plain.pdf")


def pictures(pdf: Path) -> bytes:
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", str(pdf), str(pdf.with_suffix(""))], check=True
    )
    return pdf.with_name(f"{pdf.stem}-1.png").read_bytes()


def exact(text: str) -> str:
    """The characters, without whitespace or direction marks, not normalised."""
    return "".join(text.translate(DIRECTION_MARKS).split())
