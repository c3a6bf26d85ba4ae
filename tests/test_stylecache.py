"""Stylesheets parsed once per build process, with the same effect on every document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from weasyprint import HTML

import handbill.engine.stylecache
from conftest import write
from handbill.engine.fetcher import KitURLFetcher
from handbill.engine.fontsets import shared_fonts, sharing_fonts


def _page(kit: Path, css: str = "site.css", body: str = "<p>Hello</p>") -> str:
    return (
        f'<html><head><link rel="stylesheet" href="{css}">'
        "<style>@page { size: A6; margin: 10mm }</style></head>"
        f"<body>{body}</body></html>"
    )


def _render(kit: Path, html: str, read: dict[str, str]) -> Any:
    fetcher = KitURLFetcher((kit,))
    fetcher.read = read
    document = HTML(string=html, base_url=kit.as_uri() + "/", url_fetcher=fetcher)
    fonts = shared_fonts()
    return document.render(font_config=fonts.config_for(document) if fonts else None)


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The stylesheets WeasyPrint actually parses, by URL (or "style")."""
    calls: list[str] = []
    real = handbill.engine.stylecache._CSS

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("url") or "style")
        return real(*args, **kwargs)

    monkeypatch.setattr(handbill.engine.stylecache, "_CSS", counting)
    handbill.engine.stylecache.install()
    return calls


def test_a_sheet_is_parsed_once_and_still_recorded_as_read(
    tmp_path: Path, parsed: list[str]
) -> None:
    css = write(tmp_path / "site.css", "p { color: #c00000; font-size: 20pt }")
    reads: list[dict[str, str]] = [{}, {}]
    with sharing_fonts():
        first = _render(tmp_path, _page(tmp_path), reads[0])
        second = _render(tmp_path, _page(tmp_path), reads[1])
    assert parsed == [css.as_uri(), "style"]
    assert str(css) in reads[0] and reads[0] == reads[1]
    assert first.write_pdf() == second.write_pdf()
    # The @page rule of the inline sheet reached the second document too: A6 is 105 x 148 mm.
    assert round(second.pages[0].width * 25.4 / 96) == 105


def test_a_changed_sheet_is_parsed_again(tmp_path: Path, parsed: list[str]) -> None:
    css = write(tmp_path / "site.css", "p { font-size: 10pt }")
    with sharing_fonts():
        small = _render(tmp_path, _page(tmp_path), {})
        write(css, "p { font-size: 40pt }")
        big = _render(tmp_path, _page(tmp_path), {})
    assert parsed.count(css.as_uri()) == 2

    def paragraph_height(document: Any) -> float:
        html_box = document.pages[0]._page_box.children[0]
        return float(html_box.children[0].children[0].height)  # <body>'s first child: the <p>

    assert paragraph_height(big) > 3 * paragraph_height(small)


def test_sheets_with_imports_are_parsed_every_time(tmp_path: Path, parsed: list[str]) -> None:
    write(tmp_path / "base.css", "p { color: red }")
    write(tmp_path / "site.css", '@import "base.css";\np { font-size: 12pt }')
    with sharing_fonts():
        for _ in range(2):
            _render(tmp_path, _page(tmp_path), {})
    assert parsed.count((tmp_path / "site.css").as_uri()) == 2


def test_without_shared_fonts_nothing_is_kept(tmp_path: Path, parsed: list[str]) -> None:
    write(tmp_path / "site.css", "p { color: red }")
    for _ in range(2):
        fetcher = KitURLFetcher((tmp_path,))
        HTML(string=_page(tmp_path), base_url=tmp_path.as_uri() + "/", url_fetcher=fetcher).render()
    assert len(parsed) == 4
