"""The bundled fonts: a plain (unslashed) zero in every Atkinson Hyperlegible face."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from conftest import REPO, write
from handbill.build.runner import build
from handbill.kit.loader import load_kit
from pdftools import glyph_contours

ATKINSON = sorted((REPO / "assets" / "fonts").glob("atkinson-hyperlegible*/*.ttf"))


@pytest.mark.parametrize("path", ATKINSON, ids=lambda p: p.name)
def test_bundled_zero_is_plain_with_one_counter(path: Path) -> None:
    font = TTFont(path)
    zero = font["glyf"]["zero"]
    # An outer contour and one counter; the slashed zero had the counter cut in two.
    assert zero.numberOfContours == 2
    assert zero.getCoordinates(font["glyf"])[0] != font["glyf"]["O"].getCoordinates(font["glyf"])[0]
    assert "plain zero" in font["name"].getDebugName(5)


def test_zero_drawn_in_a_built_pdf_is_the_plain_one(kit_dir: Path, tmp_path: Path) -> None:
    write(
        kit_dir / "materials" / "sheet.md",
        "---\ntemplate: faq\ntitle: Meeting on 10 October 2018\n---\n"
        "Tickets £10, at *10:30*, **Room 101**, LS2 0AB.\n",
    )
    report = build(load_kit(kit_dir), ["sheet"], out_dir=tmp_path, jobs=1)
    assert not report.failures, report.failures
    drawn = glyph_contours(tmp_path / "sheet.pdf", "0")
    # Regular, italic and bold all draw "0"; each with one counter (a slashed zero has two).
    faces = {name.split("+")[1].replace("-", "") for name in drawn}
    assert faces >= {
        "AtkinsonHyperlegible",
        "AtkinsonHyperlegibleBold",
        "AtkinsonHyperlegibleItalic",
    }
    assert set(drawn.values()) == {2}


def test_plain_zero_tool_draws_once_and_then_leaves_the_font_alone(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("plain_zero", REPO / "tools" / "plain_zero.py")
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    copy = shutil.copy(ATKINSON[0], tmp_path / "font.ttf")
    assert tool.plain_zero(Path(copy)) is False  # already plain: unchanged
    assert Path(copy).read_bytes() == ATKINSON[0].read_bytes()
