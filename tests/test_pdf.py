"""Layout and PDF writing: QR placements found on the pages, fonts embedded, metadata set."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from conftest import write
from handbill.engine.layout import qr_placements, render, write_pdf
from handbill.kit.loader import load_kit
from handbill.render.templating import render_html
from pdftools import embedded_font_names


def test_placements_and_metadata(kit_dir: Path, tmp_path: Path) -> None:
    kit = load_kit(kit_dir)
    document, warnings = render(kit, render_html(kit, kit.materials["sheet"]))
    assert warnings == []
    placed = qr_placements(document)
    assert [(p.link, p.page, p.width_mm) for p in placed] == [
        ("case", 1, 36.0),  # the FAQ's codes, 36 mm by default
        ("donate", 1, 36.0),
    ]
    assert all(12 <= p.x_mm <= 210 - 12 - 36 for p in placed)  # inside the page margins
    target = tmp_path / "sheet.pdf"
    target.write_bytes(write_pdf(document, "Test sheet - Test Campaign", "en-GB"))
    reader = PdfReader(target)
    assert reader.metadata.title == "Test sheet - Test Campaign"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    # Tagged for screen readers (PDF/UA-1): a structure tree and the Marked flag.
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])
    assert 'pdfuaid:part="1"' in reader.xmp_metadata.stream.get_data().decode()
    fonts = embedded_font_names(target)
    assert fonts and all("Atkinson-Hyperlegible" in name for name in fonts)


def test_spill_checker_finds_text_outside_a_fixed_box(kit_dir: Path) -> None:
    from handbill.engine.inspect import spilled_text

    write(
        kit_dir / "templates" / "card.html",
        '{% extends "_base.html" %}{% block body %}<div style="width: 30mm; height: 10mm; '
        'font-size: 30pt">#AVeryLongHashtagThatWillNotFit and more</div>{% endblock %}',
    )
    kit = load_kit(kit_dir)
    document, _ = render(kit, render_html(kit, kit.materials["card"]))
    assert spilled_text(document) == [
        "page 1: '#AVeryLongHashtagThatWillNotFit' runs off the page",
        "page 1: 'and' spills out of its box",
        "page 1: 'more' spills out of its box",
    ]
    sheet, _ = render(kit, render_html(kit, kit.materials["sheet"]))
    assert spilled_text(sheet) == []
