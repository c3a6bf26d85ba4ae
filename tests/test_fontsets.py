"""Documents share a font configuration only with documents that declare the same fonts."""

from __future__ import annotations

import shutil
from pathlib import Path

from weasyprint import HTML

from conftest import REPO, write
from handbill.engine.fetcher import KitURLFetcher
from handbill.engine.fontsets import faces_key, shared_fonts, sharing_fonts

FONT = REPO / "assets" / "fonts" / "noto-naskh-arabic" / "NotoNaskhArabic-Regular.ttf"
PLAIN = "p { font-size: 14pt }"
DECLARES = '@font-face { font-family: "Special Face"; src: url("special.ttf") }'


def _document(kit: Path, css: str, style: str = "") -> HTML:
    head = f'<link rel="stylesheet" href="{css}"><style>@page {{ size: A6 }}{style}</style>'
    body = "<p style=\"font-family: 'Special Face', serif\">سلام</p>"
    fetcher = KitURLFetcher((kit,))
    return HTML(
        string=f"<html><head>{head}</head><body>{body}</body></html>",
        base_url=kit.as_uri() + "/",
        url_fetcher=fetcher,
    )


def _fonts_in(pdf: bytes) -> set[str]:
    from io import BytesIO

    from pypdf import PdfReader

    page = PdfReader(BytesIO(pdf)).pages[0]
    return {str(font["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}


def _pdf(document: HTML) -> bytes:
    fonts = shared_fonts()
    assert fonts is not None
    return bytes(document.render(font_config=fonts.config_for(document)).write_pdf())


def test_a_font_another_document_declares_is_not_found_through_the_shared_fonts(
    tmp_path: Path,
) -> None:
    """A document that names a family only another document declares is laid out the same
    whether that document came first in the process or not (as in a fresh configuration):
    its pages do not depend on the order of the jobs, or on which worker got which."""
    shutil.copy(FONT, tmp_path / "special.ttf")
    write(tmp_path / "declares.css", DECLARES)
    write(tmp_path / "plain.css", PLAIN)
    with sharing_fonts():
        alone = _pdf(_document(tmp_path, "plain.css"))
    with sharing_fonts():
        declaring = _pdf(_document(tmp_path, "declares.css"))
        after = _pdf(_document(tmp_path, "plain.css"))
    assert any(name.endswith("+Special-Face") for name in _fonts_in(declaring))
    assert not any("Special" in name for name in _fonts_in(after))
    assert after == alone


def test_documents_declaring_the_same_fonts_share_a_configuration(tmp_path: Path) -> None:
    write(tmp_path / "declares.css", DECLARES)
    write(tmp_path / "plain.css", PLAIN)
    write(tmp_path / "other.css", "h1 { color: navy }")
    with sharing_fonts():
        fonts = shared_fonts()
        assert fonts is not None
        plain = fonts.config_for(_document(tmp_path, "plain.css"))
        # Another stylesheet, another @page size: no font added, so the same fonts.
        other = fonts.config_for(_document(tmp_path, "other.css", "p { margin: 0 }"))
        declaring = fonts.config_for(_document(tmp_path, "declares.css"))
        inline = fonts.config_for(_document(tmp_path, "plain.css", DECLARES))
    assert plain is other
    assert declaring is not plain and inline is not plain and inline is not declaring
    # Every configuration keeps the one set of parsed stylesheets.
    assert plain.stylesheets is declaring.stylesheets is inline.stylesheets


def test_what_may_add_fonts_is_in_the_key(tmp_path: Path) -> None:
    """An @font-face however written (upper case, with a CSS escape), an @import: each counts;
    a sheet without any of them does not."""
    sheets = {
        "plain.css": PLAIN,
        "upper.css": DECLARES.replace("@font-face", "@FONT-FACE"),
        "escaped.css": DECLARES.replace("@font-face", "@f\\6fnt-face"),
        "imports.css": '@import "plain.css";',
    }
    for name, text in sheets.items():
        write(tmp_path / name, text)
    assert faces_key(_document(tmp_path, "plain.css")) == ()
    for name in ("upper.css", "escaped.css", "imports.css"):
        key = faces_key(_document(tmp_path, name))
        assert [part[:2] for part in key] == [("link", (tmp_path / name).as_uri())], name
    assert faces_key(_document(tmp_path, "plain.css", DECLARES)) == (
        ("style", f"@page {{ size: A6 }}{DECLARES}"),
    )
