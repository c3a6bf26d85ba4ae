"""Lay out HTML with WeasyPrint and write PDF bytes; ``render`` and ``write_pdf`` stay apart."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.urls import FatalURLFetchingError

from handbill.engine.actualtext import exact_text
from handbill.engine.fetcher import KitURLFetcher, RefusedURL
from handbill.engine.fontsets import shared_fonts
from handbill.engine.glyphs import MissingGlyphError
from handbill.engine.incremental import WrittenPDF, written
from handbill.engine.linecache import remembering_lines
from handbill.engine.qrdraw import drawing_qr_paths
from handbill.engine.versions import speedups_on
from handbill.errors import FetchError, LayoutError, one_line
from handbill.kit.boundary import stock_dir
from handbill.kit.characters import describe
from handbill.kit.loader import Kit
from handbill.render.templating import RenderedHTML

PX_PER_MM = 96 / 25.4
PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class Placement:
    """Where a QR code ended up: page (1-based) and its box in millimetres from the top left."""

    link: str
    page: int
    x_mm: float
    y_mm: float
    width_mm: float


class _WarningCollector(logging.Handler):
    """Collect WeasyPrint's warnings (unknown CSS, unloadable images) so the build can show them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # One line each, of bounded length: a message may quote a 45 MB data: URL.
        self.messages.append(one_line(record.getMessage()))


@contextmanager
def weasyprint_warnings() -> Iterator[list[str]]:
    """Gather what WeasyPrint logs while the block runs, instead of printing it."""
    logger = logging.getLogger("weasyprint")
    collector = _WarningCollector()
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)


def render(
    kit: Kit,
    rendered: RenderedHTML,
    read: dict[str, str] | None = None,
    tree: Any = None,
    remember: bool = True,
) -> tuple[Document, list[str]]:
    """Lay out the HTML into pages, with the kit folder as base URL; fetching stays offline.

    ``read``, when given, receives every file the layout read (path -> sha256). ``tree``, when
    given, is the HTML already parsed (engine/rowtree.py): ``rendered.html`` is then unread.
    ``remember`` false lays out without remembering lines (linecache.py), for a document whose
    lines are nearly all different (a merge's sign-offs), where keeping them costs more than
    it saves.
    """
    fetcher = KitURLFetcher((kit.root, stock_dir()))
    if read is not None:
        fetcher.read = read
    base_url = kit.root.as_uri() + "/"
    with weasyprint_warnings() as messages:
        try:
            if tree is not None:
                html = _parsed(tree, base_url, fetcher)
            else:
                html = HTML(string=rendered.html, base_url=base_url, url_fetcher=fetcher)
            fonts = shared_fonts()
            config = fonts.config_for(html) if fonts is not None else None
            while True:
                with remembering_lines() if remember and speedups_on() else nullcontext():
                    document = html.render(**({"font_config": config} if config else {}))
                # A document that found another's fonts in the shared configuration is laid
                # out again, once, with a fresh one of its own (see fontsets.py).
                config = fonts.laid_out(html, config) if fonts and config else None
                if config is None:
                    break
                messages.clear()  # the same warnings again
        except RefusedURL as exc:
            raise FetchError(
                f"{rendered.material.name}: refused to fetch {exc.url} ({exc.reason})",
                rendered.material.path,
            ) from None
        except FatalURLFetchingError as exc:  # something failed inside the fetcher
            raise FetchError(
                f"{rendered.material.name}: {one_line(str(exc), 200)}", rendered.material.path
            ) from None
        except (RecursionError, OverflowError, ValueError, ZeroDivisionError) as exc:
            raise layout_error(rendered.material.name, exc) from None
    return document, messages


def _parsed(tree: Any, base_url: str, fetcher: KitURLFetcher) -> HTML:
    """The document WeasyPrint's ``HTML(string=...)`` makes, from an element tree already
    parsed the same way (its parser's own settings): what its constructor does after parsing."""
    import cssselect2
    from weasyprint import _find_base_url

    html = HTML.__new__(HTML)
    html.base_url = _find_base_url(tree, base_url)
    html.url_fetcher = fetcher
    html.media_type = "print"
    html.wrapper_element = cssselect2.ElementWrapper.from_html_root(tree, content_language=None)
    html.etree_element = html.wrapper_element.etree_element
    return html


def layout_error(label: str, exc: BaseException) -> LayoutError:
    """The one line for a layout WeasyPrint could not make from the kit's HTML and CSS."""
    if isinstance(exc, RecursionError):
        cause = "something in the template's HTML or the kit's CSS is nested too deeply"
    else:  # OverflowError, "float NaN", a division by zero: a number out of bounds
        cause = "a number in the kit's CSS or HTML is out of bounds (too large, or not a number)"
    return LayoutError(
        f"{label}: the pages could not be laid out: {cause} ({type(exc).__name__}); check "
        "the kit's templates/ and CSS files"
    )


def write_pdf(
    document: Document, title: str, language: str, label: str = "", tagged: bool = True
) -> bytes:
    """The finished PDF as bytes, so the caller decides where and how to store it.

    ``tagged`` false leaves out the structure tree: for pages that are only parts to be drawn
    into other pages (a merge's shared layouts), which do not keep it.

    Raises MissingGlyphError if WeasyPrint had to draw a "tofu" box (.notdef) for a character
    no font has: a backstop for what the coverage check cannot see (e.g. combining marks).
    """
    return write_pdf_parts(document, title, language, label, tagged)[0]


def write_pdf_parts(
    document: Document,
    title: str,
    language: str,
    label: str = "",
    tagged: bool = True,
    form: bool = False,
    finish: Callable[[Any], None] | None = None,
) -> tuple[bytes, WrittenPDF | None]:
    """``write_pdf``, and where each page's parts are in the bytes, so that sheets can be
    appended to the PDF without reading it back (incremental.py); None if that cannot be.
    ``form`` writes the document's custom metadata (a fillable form's material); ``finish``
    is given the PDF's objects before they are written."""
    document.metadata.title = title
    document.metadata.lang = language
    kept: list[Any] = []
    fast = speedups_on()
    with (
        weasyprint_warnings() as messages,
        drawing_qr_paths() if fast else nullcontext(),
        exact_text() if fast else nullcontext(),
    ):
        # Tagged PDF (PDF/UA-1): screen readers read the material in order; title and
        # language are set above, as PDF/UA requires. Right-to-left lines carry their exact
        # text (actualtext.py).
        try:
            data: bytes = document.write_pdf(
                pdf_variant=PDF_VARIANT if tagged else None,
                finisher=lambda _, pdf: _finished(pdf, kept, finish),
                **({"custom_metadata": True} if form else {}),
            )
        except RefusedURL as exc:  # an attachment is fetched only as the PDF is written
            raise FetchError(
                f"{label or title}: refused to fetch {exc.url} ({exc.reason})"
            ) from None
        except FatalURLFetchingError as exc:
            raise FetchError(f"{label or title}: {one_line(str(exc), 200)}") from None
        except (RecursionError, OverflowError, ValueError, ZeroDivisionError) as exc:
            raise layout_error(label or title, exc) from None
    for message in messages:
        match = re.search(r"\.notdef glyph rendered .*\(U\+([0-9A-Fa-f]+)\)", message)
        if match:
            character = chr(int(match[1], 16))
            raise MissingGlyphError(
                f"{label or title}: no font in the kit can draw {describe(character)}; remove it, "
                "or add a font that has it under [[fonts]] in handbill.toml"
            )
    return data, written(kept[0], data) if fast else None


def _finished(pdf: Any, kept: list[Any], finish: Callable[[Any], None] | None) -> None:
    if finish is not None:
        finish(pdf)
    kept.append(pdf)


def boxes_in(box: Any) -> Iterator[Any]:
    """The laid-out box and every box inside it, in document order."""
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes_in(child)


def qr_placements(document: Document) -> list[Placement]:
    """Find every placed QR code (the ``<figure class="qr">`` boxes) on the laid-out pages."""
    found = []
    for number, page in enumerate(document.pages, start=1):
        for box in boxes_in(page._page_box):
            element = getattr(box, "element", None)
            if (
                element is None
                or not str(getattr(box, "element_tag", "")).endswith("svg")
                or "qr-code" not in (element.get("class") or "")
            ):
                continue
            found.append(
                Placement(
                    link=element.get("data-link") or "",
                    page=number,
                    x_mm=round(box.content_box_x() / PX_PER_MM, 2),
                    y_mm=round(box.content_box_y() / PX_PER_MM, 2),
                    width_mm=round(box.width / PX_PER_MM, 2),
                )
            )
    return found


def stock_page_pdf(html: str) -> bytes:
    """PDF bytes of a small page handbill itself writes (tile labels, a pack's cover sheet),
    laid out with the stock stylesheet and fonts only: no kit file is read for it."""
    css = (stock_dir() / "assets" / "css" / "handbill.css").as_uri()
    page = f'<link rel="stylesheet" href="{css}">{html}'
    data: bytes = HTML(string=page, url_fetcher=KitURLFetcher((stock_dir(),))).write_pdf()
    return data
