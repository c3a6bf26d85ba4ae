"""Whatever a kit draws (photos, SVG, gradients, see-through boxes) reaches the press in CMYK."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream

from conftest import FIXTURE_KIT, REPO, write
from handbill.build.jobs import Options
from handbill.build.runner import build
from handbill.check.pdfx import pdfx_findings
from handbill.kit.loader import load_kit
from handbill.kit.press import STOCK_PROFILE
from handbill.pages.inks import Inks

PROFILE = (REPO / STOCK_PROFILE).read_bytes()


def drawn_kit(root: Path) -> None:
    """A material with everything a kit may draw: photos, SVG, a gradient, opacity."""
    Image.radial_gradient("L").convert("RGB").resize((120, 80)).save(root / "assets/img/photo.png")
    photo = Image.new("RGB", (60, 40), (30, 120, 200))
    photo.save(root / "assets/img/photo.jpg", quality=90)
    text = (root / "handbill.toml").read_text()
    text = text.replace(
        'primary = "#c00000"', 'primary = { rgb = "#c00000", cmyk = [0, 100, 90, 5] }'
    )
    (root / "handbill.toml").write_text(text)
    write(
        root / "templates/drawn.html",
        """
        {% extends "_base.html" %}
        {% block body %}
        <h1 style="color: var(--primary)">{{ material.title }}</h1>
        <img src="assets/img/photo.png" style="width: 40mm">
        <img src="assets/img/photo.jpg" style="width: 30mm">
        <div style="height: 10mm; background: linear-gradient(to right, #00a651, #662d91)"></div>
        <div style="height: 10mm; background: #ff6600; opacity: 0.5"></div>
        <svg width="30mm" height="10mm" viewBox="0 0 30 10"><rect width="30" height="10"
          fill="rgb(0, 160, 220)"/><circle cx="5" cy="5" r="4" fill="#1d1d1b"/></svg>
        <p style="font-size: 7pt; color: #222">Small print in near-black.</p>
        {% endblock %}
        """,
    )
    write(
        root / "materials/drawn.md",
        """
        ---
        template: drawn
        title: Drawn
        paper: A6
        ---
        """,
    )


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("drawn") / "kit"
    shutil.copytree(FIXTURE_KIT, root)
    drawn_kit(root)
    out = root / "dist"
    report = build(load_kit(root), ["drawn"], out, jobs=1, options=Options(mode="press"))
    assert not report.failures, report.failures
    return out / "drawn.press.pdf"


def fills(path: Path) -> list[list[float]]:
    reader = PdfReader(path)
    return [
        [float(v) for v in operands]
        for page in reader.pages
        for operands, operator in ContentStream(page.get_contents(), reader).operations
        if operator == b"k"
    ]


def test_photos_become_cmyk_images(drawn: Path) -> None:
    images = [image for page in PdfReader(drawn).pages for image in page.images]
    assert len(images) == 2
    for image in images:
        obj = image.indirect_reference.get_object()
        assert obj["/ColorSpace"] == "/DeviceCMYK"
        assert image.image.mode == "CMYK"
    # The blue photo is mostly cyan, as the profile prints that blue.
    blue = next(i.image for i in images if i.image.size == (60, 40))
    c, m, y, k = blue.getpixel((30, 20))
    assert c > 180 and y < 40 and c + m + y + k <= 300 * 255 / 100 + 3


def test_gradients_svg_and_brand_colours_are_ink(drawn: Path) -> None:
    reader = PdfReader(drawn)
    objects = [reader.get_object(n) for n in range(1, int(reader.trailer["/Size"]))]
    shadings = [o for o in objects if hasattr(o, "get") and "/ShadingType" in o]
    assert shadings and all(s["/ColorSpace"] == "/DeviceCMYK" for s in shadings)
    assert [0.0, 1.0, 0.9, 0.05] in fills(drawn)  # the brand's own mix, exactly
    # The SVG's near-black circle and the small print are black ink alone, solid.
    assert [0.0, 0.0, 0.0, 1.0] in fills(drawn)


def test_drawn_press_pdf_passes_the_preflight(drawn: Path) -> None:
    assert pdfx_findings({"mode": "press", "pdf_x": "4"}, "drawn", PdfReader(drawn)) == []


def test_preflight_finds_rgb_and_rich_black_text(drawn: Path, tmp_path: Path) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter(clone_from=drawn)
    page = writer.pages[0]
    data = page.get_contents().get_data()
    data = re.sub(rb"0 0 0 1 k", b"0.6 0.5 0.5 1 k", data, count=0)
    stream = StreamObject()
    stream.set_data(data + b"\n0.2 0.4 0.6 rg\n")
    page[NameObject("/Contents")] = writer._add_object(stream)
    broken = tmp_path / "broken.pdf"
    writer.write(broken)
    messages = [
        f.message
        for f in pdfx_findings({"mode": "press", "pdf_x": "4"}, "drawn", PdfReader(broken))
    ]
    assert "RGB colour in the drawing (rg/RG)" in messages
    assert any(m.startswith("black text of 7.0 pt in four inks") for m in messages), messages


def test_pdf_x_1a_refuses_transparency_with_the_page(tmp_path: Path) -> None:
    root = tmp_path / "kit"
    shutil.copytree(FIXTURE_KIT, root)
    drawn_kit(root)
    report = build(
        load_kit(root),
        ["drawn"],
        tmp_path / "out",
        jobs=1,
        options=Options(mode="press", pdf_x="1a"),
    )
    assert any(
        "drawn page 1 has see-through parts (opacity, rgba() colours or a PNG with "
        "transparency), which PDF/X-1a cannot hold; build with --pdf-x 4" in f
        for f in report.failures
    ), report.failures


def test_greys_are_black_ink_alone_and_colours_go_through_the_profile() -> None:
    inks = Inks(PROFILE)
    assert inks.cmyk((0, 0, 0)) == (0.0, 0.0, 0.0, 1.0)
    assert inks.cmyk((0x1E, 0x2A, 0x33)) == (0.0, 0.0, 0.0, 1.0)  # blue-black text: solid K
    assert inks.cmyk((255, 255, 255)) == (0.0, 0.0, 0.0, 0.0)
    c, m, y, k = inks.cmyk((128, 128, 128))
    assert (c, m, y) == (0.0, 0.0, 0.0) and 0.55 < k < 0.7
    c, m, y, k = inks.cmyk((0, 94, 184))  # a strong blue: mostly cyan, some magenta
    assert c > 0.85 and 0.4 < m < 0.75 and y < 0.1 and c + m + y + k <= 3.0
    assert Inks(PROFILE, {(0, 94, 184): (1.0, 0.5, 0.0, 0.0)}).cmyk((0, 94, 184)) == (
        1.0,
        0.5,
        0.0,
        0.0,
    )


def test_a_16_bit_grey_png_reaches_the_press_in_cmyk(tmp_path: Path) -> None:
    """WeasyPrint writes such a PNG as RGB with a predictor pypdf cannot read back; the image
    data is still a PNG's, and is converted like any other."""
    root = tmp_path / "kit"
    shutil.copytree(FIXTURE_KIT, root)
    Image.new("I;16", (40, 30), 30000).save(root / "assets/img/grey16.png")
    write(
        root / "templates/grey16.html",
        """
        {% extends "_base.html" %}
        {% block body %}<img src="assets/img/grey16.png" style="width: 30mm">{% endblock %}
        """,
    )
    write(root / "materials/grey16.md", "---\ntemplate: grey16\ntitle: Grey\npaper: A6\n---\n")
    out = tmp_path / "out"
    report = build(load_kit(root), ["grey16"], out, jobs=1, options=Options(mode="press"))
    assert not report.failures, report.failures
    (image,) = PdfReader(out / "grey16.press.pdf").pages[0].images
    assert image.indirect_reference.get_object()["/ColorSpace"] == "/DeviceCMYK"
    assert image.image.mode == "CMYK" and image.image.size == (40, 30)
