"""Documents share a font configuration only with documents that declare the same fonts."""

from __future__ import annotations

import shutil
from pathlib import Path
from xml.etree import ElementTree  # nosec B405: a test's own SVG

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
    a sheet without any of them does not, nor one WeasyPrint does not apply (for the screen,
    an alternate one), nor a link that is no stylesheet (even one the fetcher refuses)."""
    sheets = {
        "plain.css": PLAIN,
        "upper.css": DECLARES.replace("@font-face", "@FONT-FACE"),
        "escaped.css": DECLARES.replace("@font-face", "@f\\6fnt-face"),
        "imports.css": '@import "plain.css";',
        "declares.css": DECLARES,
    }
    for name, text in sheets.items():
        write(tmp_path / name, text)
    base = ("base", tmp_path.as_uri() + "/")
    assert faces_key(_document(tmp_path, "plain.css")) == (base,)
    for name in ("upper.css", "escaped.css", "imports.css"):
        key = faces_key(_document(tmp_path, name))
        assert [part[:2] for part in key] == [base, ("link", (tmp_path / name).as_uri())], name
    # An inline sheet counts by its @font-face rules alone (not its @page size, say).
    assert faces_key(_document(tmp_path, "plain.css", DECLARES)) == (base, ("style", (DECLARES,)))
    ignored = (
        '<link rel="stylesheet" media="screen" href="declares.css">'
        '<link rel="alternate stylesheet" href="declares.css">'
        '<link rel="preconnect" href="https://fonts.example.org">'
        '<link rel="icon" href="favicon.ico">'
    )
    page = _document(tmp_path, "plain.css")
    html = f"<html><head>{ignored}</head><body><p>Hi</p></body></html>"
    assert faces_key(HTML(string=html, base_url=page.base_url, url_fetcher=page.url_fetcher)) == (
        base,
    )


def test_fonts_a_document_finds_but_did_not_declare_make_it_laid_out_again(
    tmp_path: Path,
) -> None:
    """A font the key cannot see (an SVG's own @font-face) still reaches the configuration:
    a document that then finds it there is laid out again with a configuration of its own,
    and comes out as it does alone."""
    shutil.copy(FONT, tmp_path / "special.ttf")
    write(tmp_path / "plain.css", PLAIN)
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><style>'
        f"{DECLARES}</style></svg>"
    )
    with sharing_fonts():
        alone = _pdf(_document(tmp_path, "plain.css"))
    with sharing_fonts():
        fonts = shared_fonts()
        assert fonts is not None
        with_svg = _document(tmp_path, "plain.css")
        with_svg.etree_element.find("body").append(ElementTree.fromstring(svg))
        first = fonts.config_for(with_svg)
        with_svg.render(font_config=first)
        assert fonts.laid_out(with_svg, first) is None  # it added the font itself
        after = _document(tmp_path, "plain.css")
        assert fonts.config_for(after) is first  # the key cannot tell them apart
        after.render(font_config=first)
        fresh = fonts.laid_out(after, first)
        assert fresh is not None and fresh is not first
        assert fonts.config_for(_document(tmp_path, "plain.css")) is fresh
        again = bytes(after.render(font_config=fresh).write_pdf())
    assert again == alone


def test_sharing_inside_sharing_gives_the_outer_fonts_back() -> None:
    with sharing_fonts():
        outer = shared_fonts()
        with sharing_fonts():
            assert shared_fonts() is not outer
        assert shared_fonts() is outer
    assert shared_fonts() is None
