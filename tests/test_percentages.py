"""Lengths resolved once per set of values (engine/percentages.py) change nothing: same bytes."""

from __future__ import annotations

from typing import Any

import pytest
from weasyprint import HTML

import handbill.engine.percentages as percentages
from handbill.engine.percentages import install, weasyprints_percentages

CSS = """
@page { size: 120mm 90mm; margin: 5% 8% 10mm; }
body { margin: 2% 3%; font-size: 9pt; }
p { margin: 1% 0 0.5em; padding: 2% 1em; }
.calc { width: calc(60% - 2em); padding-left: calc(1em + 2%); }
.sized { box-sizing: border-box; width: 70%; padding: 3mm 5%; border: 2px solid; }
.padded { box-sizing: padding-box; min-width: 30%; max-width: 80%; padding: 4%; }
.tall { height: 20%; min-height: 10mm; max-height: 50%; }
.float { float: right; width: 25%; margin: 1% 2%; }
.pos { position: absolute; right: 5%; bottom: 4%; width: 10%; height: 5%; }
table { width: 90%; border-collapse: collapse; } td { border: 3px solid; padding: 1% 2%; }
table.apart { border-collapse: separate; } table.apart td { border-width: 1px; }
.flex { display: flex; gap: 2%; } .flex > div { flex: 1; padding: 2% 1%; margin: 0 1%; }
"""
BODY = """
<p>Plain</p><p class="calc">Calculated</p><p class="calc" style="font-size: 20pt">Larger</p>
<p class="sized">Border box</p>
<p class="padded">Padding box</p><div class="tall">Tall</div><div class="float">Float</div>
<div class="pos">Placed</div>
<table><tr><td>a</td><td class="calc">b</td></tr></table>
<table class="apart"><tr><td>c</td><td>d</td></tr></table>
<div class="flex"><div>one</div><div class="sized">two</div><div class="calc">three</div></div>
"""


def _pdf(html: str) -> bytes:
    document = HTML(string=html).render()
    document.metadata.title = "t"
    data: bytes = document.write_pdf()
    return data


@pytest.fixture(autouse=True)
def installed() -> None:
    install()


@pytest.mark.parametrize("rows", [1, 12])
def test_same_bytes_as_weasyprints_own(rows: int) -> None:
    """Boxes of every kind of length (percentages, calc(), box-sizing, collapsed borders,
    floats, flex items, pages) laid out with and without the kept results: the same PDF."""
    html = f"<style>{CSS}</style>" + BODY * rows
    percentages._store.clear()
    kept = _pdf(html)
    with weasyprints_percentages():
        own = _pdf(html)
    assert kept == own
    assert percentages._store  # something was kept


def test_boxes_alike_are_resolved_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forty paragraphs styled alike: WeasyPrint's function runs for the first of them only."""
    calls: list[Any] = []
    own = percentages._resolve

    def counted(box: Any, containing_block: Any) -> None:
        calls.append(box)
        own(box, containing_block)

    monkeypatch.setattr(percentages, "_resolve", counted)
    percentages._store.clear()
    _pdf("<style>p { margin: 2% 1em; padding: 1%; }</style>" + "<p>Alike</p>" * 40)
    paragraphs = [box for box in calls if getattr(box, "element_tag", "") == "p"]
    assert sorted(type(box).__name__ for box in paragraphs) == ["BlockBox", "LineBox"]


def test_calc_and_collapsed_borders_are_never_kept() -> None:
    """A calc() may read the font size, and collapsed borders are set on the box beforehand:
    such boxes are left to WeasyPrint's function every time."""
    percentages._store.clear()
    _pdf(
        "<style>p { width: calc(50% - 1em) } table { border-collapse: collapse }"
        "td { border: 2px solid }</style><p>a</p><p style='font-size: 30pt'>b</p>"
        "<table><tr><td>c</td></tr></table>"
    )
    for _, _, _, values in percentages._store:
        assert values[-1] != "collapse"
        assert all(percentages._plain(value) for value in values[:14])


def test_the_store_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(percentages, "_KEPT", 5)
    percentages._store.clear()
    widths = "".join(f"<p style='width: {n}%'>w</p>" for n in range(1, 30))
    _pdf(widths)
    assert 0 < len(percentages._store) <= 5
