"""Fillable PDFs: a text field over each printed blank, named after its field, filled by pypdf."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops

from conftest import write
from handbill.build.jobs import Options
from handbill.build.runner import build
from handbill.kit.loader import load_kit

PT_PER_MM = 72 / 25.4
TALK = (
    "---\ntemplate: speech\ntitle: Talk\npaper: A5\nfields:\n  speaker: your name\n"
    "  town: your town\n---\nMy name is [[speaker]] and I live in [[town]].\n\n"
    "Our buses are [[town]]'s lifeline.\n"
)


@pytest.fixture
def form_out(kit_dir: Path, tmp_path: Path) -> Path:
    write(kit_dir / "materials" / "talk.md", TALK)
    out = tmp_path / "out"
    report = build(load_kit(kit_dir), ["talk"], out_dir=out, jobs=1)
    assert not report.failures, report.failures
    return out


def widgets(data: bytes) -> dict[str, list[list[float]]]:
    """Each field's widgets' rectangles on the first page, in points."""
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    found: dict[str, list[list[float]]] = {}
    for annotation in page["/Annots"]:
        widget = annotation.get_object()
        name = widget.get("/T") or widget["/Parent"].get_object()["/T"]
        found.setdefault(str(name), []).append([float(v) for v in widget["/Rect"]])
    return found


def test_form_has_a_named_field_over_each_printed_blank(form_out: Path) -> None:
    data = (form_out / "talk.form.pdf").read_bytes()
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert {name: f["/FT"] for name, f in (reader.get_fields() or {}).items()} == {
        "speaker": "/Tx",
        "town": "/Tx",
    }
    assert reader.metadata is not None and reader.metadata["/HandbillForm"] == "talk"
    entry = next(
        e
        for e in json.loads((form_out / "manifest.json").read_text())["outputs"]
        if e["kind"] == "form"
    )
    assert entry["form_fields"] == ["speaker", "town"]
    height_pt = float(reader.pages[0].mediabox.height)
    rects = widgets(data)
    assert [len(rects[name]) for name in ("speaker", "town")] == [1, 2]
    assert [b["field"] for b in entry["blanks"]] == ["speaker", "town", "town"]
    for blank, rect in zip(entry["blanks"], rects["speaker"] + rects["town"], strict=True):
        left, right = sorted(rect[0::2])
        bottom, top = sorted(rect[1::2])
        # The field is the writing area over the blank's line: 48 mm wide (speech.css).
        assert (right - left) / PT_PER_MM == pytest.approx(48, abs=0.1)
        assert left / PT_PER_MM == pytest.approx(blank["x_mm"], abs=0.05)
        assert (height_pt - top) / PT_PER_MM == pytest.approx(blank["y_mm"], abs=0.05)
        assert (top - bottom) / PT_PER_MM == pytest.approx(blank["height_mm"], abs=0.05)
        assert 5 < blank["height_mm"] < 12


def page_image(data: bytes) -> Image.Image:
    document = pdfium.PdfDocument(data)
    document.init_forms()
    image = document[0].render(scale=1, may_draw_forms=True).to_pil().convert("RGB")
    document.close()
    return image


def test_the_printed_pdf_stays_without_fields(form_out: Path) -> None:
    # Until something is typed in, the form prints as the PDF does: no box, border or tint
    # around a field; only the letters' edges differ a little (the form's fonts are whole).
    printed, form = ((form_out / n).read_bytes() for n in ("talk.pdf", "talk.form.pdf"))
    difference = ImageChops.difference(page_image(printed), page_image(form)).convert("L")
    assert difference.getextrema()[1] < 80
    reader = pypdf.PdfReader(form_out / "talk.pdf")
    assert not reader.get_fields()
    assert "/Annots" not in reader.pages[0] or not any(
        a.get_object().get("/Subtype") == "/Widget" for a in reader.pages[0]["/Annots"]
    )


def dark_pixels(data: bytes, box_pt: list[float]) -> int:
    """Dark pixels inside a PDF rectangle (in points) of the first page, rendered at 144 dpi."""
    document = pdfium.PdfDocument(data)
    document.init_forms()  # so that the fields' appearances are drawn
    page = document[0]
    scale = 2
    image = page.render(scale=scale, may_draw_forms=True).to_pil().convert("L")
    height = page.get_height()
    left, right = sorted(box_pt[0::2])
    bottom, top = sorted(box_pt[1::2])
    # Inside the field, above the rule: the rule itself is dark in both.
    crop = (left * scale, (height - top) * scale, right * scale, (height - bottom) * scale - 4)
    region = image.crop(tuple(round(v) for v in crop))
    document.close()
    return sum(region.histogram()[:128])


def test_filled_in_with_pypdf_the_text_shows_in_the_blank(form_out: Path) -> None:
    data = (form_out / "talk.form.pdf").read_bytes()
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.update_page_form_field_values(
        writer.pages[0], {"speaker": "Asha Patel", "town": "Leeds"}, auto_regenerate=False
    )
    filled = io.BytesIO()
    writer.write(filled)
    # The town is typed once, and shows in both its blanks.
    for rect in [*widgets(data)["speaker"], *widgets(data)["town"]]:
        assert dark_pixels(data, rect) == 0  # empty before
        assert dark_pixels(filled.getvalue(), rect) > 40  # letters after


def test_fields_shrink_what_is_typed_to_fit_the_blank(form_out: Path) -> None:
    """Font size 0 (auto) in every field's appearance: PDF readers shrink a long answer to the
    blank's width, where the printed text's 17 pt cut "the damp in my son's bedroom" short."""
    reader = pypdf.PdfReader(form_out / "talk.form.pdf")
    sizes = set()
    for annotation in reader.pages[0]["/Annots"]:
        widget = annotation.get_object()
        appearance = widget.get("/DA") or widget["/Parent"].get_object()["/DA"]
        sizes.add(str(appearance).split(" Tf")[0].split()[-1])
    assert sizes == {"0"}


def test_no_form_once_every_field_has_a_value(form_out: Path, kit_dir: Path) -> None:
    values = {"speaker": "Asha Patel", "town": "Leeds"}
    report = build(load_kit(kit_dir), ["talk"], out_dir=form_out, jobs=1, overrides=values)
    assert [e["path"] for e in report.entries] == ["talk.pdf", "talk.home.pdf"]
    assert not (form_out / "talk.form.pdf").exists()
    manifest = json.loads((form_out / "manifest.json").read_text())
    assert [e["path"] for e in manifest["outputs"]] == ["talk.home.pdf", "talk.pdf"]


def test_the_summary_counts_the_forms(kit_dir: Path, tmp_path: Path) -> None:
    write(kit_dir / "materials" / "talk.md", TALK)
    report = build(load_kit(kit_dir), ["talk"], out_dir=tmp_path, jobs=1)
    assert report.summary.endswith("; 1 also as a form to fill in on screen")


def test_no_form_beside_a_greyscale_pdf(kit_dir: Path, tmp_path: Path) -> None:
    # A form is for the screen: the mono printer's and the print shop's copies get none.
    write(kit_dir / "materials" / "talk.md", TALK)
    options = Options(greyscale=True)
    report = build(load_kit(kit_dir), ["talk"], out_dir=tmp_path, jobs=1, options=options)
    assert [e["kind"] for e in report.entries] == ["pdf", "pdf"]  # talk.grey.pdf, its sheets
    assert not list(tmp_path.glob("*.form.pdf"))
