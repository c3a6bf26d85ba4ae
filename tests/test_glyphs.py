"""Glyph coverage: a character no bundled or kit font has stops that material, naming it."""

from __future__ import annotations

from pathlib import Path

from conftest import write
from handbill.build.runner import build
from handbill.kit.characters import needs_glyph
from handbill.kit.fonts import coverage
from handbill.kit.loader import load_kit
from pdftools import page_texts


def test_stock_fonts_cover_latin_text(kit_dir: Path) -> None:
    covered = coverage(load_kit(kit_dir).font_paths)
    assert all(ord(c) in covered for c in "Zoë O'Brien £10 – “quoted” café Łódź")


def test_invisible_characters_need_no_glyph() -> None:
    assert not any(needs_glyph(c) for c in " \n\u00ad\u200b\ufeff\u0301")
    assert needs_glyph("a") and needs_glyph("😀")


def test_missing_glyph_stops_the_material_and_names_the_character(
    kit_dir: Path, tmp_path: Path
) -> None:
    write(kit_dir / "materials" / "sheet.md", "---\ntemplate: faq\ntitle: T\n---\nWe 😀 the NHS\n")
    report = build(load_kit(kit_dir), out_dir=tmp_path, jobs=1)
    assert report.failures == [
        "sheet: no font in the kit has the character '😀' (U+1F600 GRINNING FACE) on page 1; "
        "remove it, or add a font that has it under [[fonts]] in handbill.toml"
    ]
    assert not (tmp_path / "sheet.pdf").exists()
    assert (tmp_path / "card.pdf").is_file()  # the other material still builds


def test_every_script_in_a_name_is_drawn_or_refused(kit_dir: Path, tmp_path: Path) -> None:
    names = ["Zoë Ó Briain", "Łukasz Żółć", "Ελένη", "Асель", "محمد", "श्रुति", "李小龍", "🙂"]
    for index, name in enumerate(names):
        write(
            kit_dir / "materials" / f"n{index}.md", f"---\ntemplate: faq\ntitle: T\n---\n{name}\n"
        )
    report = build(load_kit(kit_dir), out_dir=tmp_path, jobs=1)
    built = {e["material"] for e in report.entries}
    for index, name in enumerate(names):
        if f"n{index}" in built:
            assert name in page_texts(tmp_path / f"n{index}.pdf")[0]
        else:
            assert any(
                f"n{index}: no font in the kit has the character" in f for f in report.failures
            )
    assert {"n0", "n1"} <= built  # Latin with accents is covered by the bundled font
