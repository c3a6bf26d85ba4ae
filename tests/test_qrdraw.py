"""QR module paths drawn the quick way give byte-identical PDFs to WeasyPrint's own drawing."""

from __future__ import annotations

import random
from typing import Any

import pytest
from weasyprint import HTML

import handbill.engine.qrdraw
from handbill.engine.qrdraw import _operators, drawing_qr_paths
from handbill.render.qr import qr_svg, svg_path


def _pdf(html: str, quick: bool) -> bytes:
    document = HTML(string=html).render()
    if not quick:
        return document.write_pdf()  # type: ignore[no-any-return]
    with drawing_qr_paths():
        return document.write_pdf()  # type: ignore[no-any-return]


def test_a_page_of_codes_is_byte_identical(monkeypatch: pytest.MonkeyPatch) -> None:
    urls = [f"https://example.org/{'x' * n}?utm_content=leaflet-{n}" for n in range(1, 120, 13)]
    html = "".join(qr_svg(url, 25, "case") for url in urls)
    parsed: list[Any] = []
    real = handbill.engine.qrdraw._draw_path
    monkeypatch.setattr(
        handbill.engine.qrdraw, "_draw_path", lambda *a: parsed.append(a) or real(*a)
    )
    quick = _pdf(html, True)
    assert parsed == []  # no module path went through WeasyPrint's parser
    plain = _pdf(html, False)
    assert len(parsed) == len(urls)
    assert quick == plain
    assert b"/Subtype /Image" not in quick  # still vector


def test_random_matrices_give_weasyprints_operators() -> None:
    """The operators for any run pattern equal those WeasyPrint writes for the same path."""
    rng = random.Random(7)
    for size in (21, 29, 45, 77):
        matrix = [[rng.random() < 0.5 for _ in range(size)] for _ in range(size)]
        d = svg_path(matrix)
        html = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="40mm" '
            f'height="40mm"><path class="qr-modules" stroke="#000" fill="none" d="{d}"/></svg>'
        )
        assert _pdf(html, True) == _pdf(html, False)


def test_other_paths_are_left_to_weasyprint() -> None:
    assert _operators("M0 0.5h3") == b"0 0 m\n0 0.5 m\n3 0.5 l"
    assert _operators("M0 0L4 4") is None
    assert _operators("M0 0.5h3 z") is None
    assert _operators("") is None
    # A path drawn with curves, marked or not, comes out as WeasyPrint draws it.
    html = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="20mm" height="20mm">'
        '<path class="qr-modules" d="M1 1C2 8 8 2 9 9" stroke="#000"/></svg>'
    )
    assert _pdf(html, True) == _pdf(html, False)
