"""Remembered lines and widths, shared fonts and quick QR paths change nothing: same bytes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import weasyprint.css as wcss
from weasyprint import HTML

import handbill.engine.linecache
from conftest import REPO
from handbill.build.jobs import Options, jobs_for, prepare
from handbill.engine.actualtext import exact_text
from handbill.engine.cascade import WEASYPRINT_INIT
from handbill.engine.fetcher import KitURLFetcher
from handbill.engine.fontsets import sharing_fonts
from handbill.engine.layout import PDF_VARIANT, boxes_in, render, write_pdf
from handbill.engine.percentages import weasyprints_percentages
from handbill.kit.loader import load_kit, stock_dir

KIT = load_kit(REPO)


@contextmanager
def weasyprints_cascade() -> Iterator[None]:
    """WeasyPrint's own cascade and resolved lengths for the block, whatever a build installed
    (engine/cascade.py, engine/percentages.py)."""
    installed = wcss.StyleFor.__init__
    wcss.StyleFor.__init__ = WEASYPRINT_INIT
    try:
        with weasyprints_percentages():
            yield
    finally:
        wcss.StyleFor.__init__ = installed


def test_pdfs_are_identical_to_plain_weasyprint() -> None:
    """Every example output, laid out and drawn as a build does it (remembered line splits, fonts
    shared by the documents of the build, elements alike cascaded once, QR paths drawn without
    parsing), has the same bytes as plain WeasyPrint's own rendering and drawing."""
    jobs = jobs_for(KIT, KIT.select(()))
    with sharing_fonts():
        for job in jobs:
            rendered = prepare(KIT, job, {}, Options())
            fast, _ = render(KIT, rendered)
            fetcher = KitURLFetcher((KIT.root, stock_dir()))
            base = KIT.root.as_uri() + "/"
            with weasyprints_cascade():  # not handbill's (engine/cascade.py)
                plain = HTML(string=rendered.html, base_url=base, url_fetcher=fetcher).render()
            language = rendered.material.language
            plain.metadata.title, plain.metadata.lang = "t", language
            with exact_text():  # the one change made on purpose: see actualtext.py
                expected = plain.write_pdf(pdf_variant=PDF_VARIANT)
            assert write_pdf(fast, "t", language) == expected, job
    assert len(jobs) > 30


def _calls(monkeypatch: pytest.MonkeyPatch, name: str, material: str) -> tuple[int, int]:
    """How often the line cache's ``name`` runs for a build's render, and for a plain one."""
    calls: list[int] = []
    real = getattr(handbill.engine.linecache, name)
    monkeypatch.setattr(handbill.engine.linecache, name, lambda *a: calls.append(1) or real(*a))
    rendered = prepare(KIT, jobs_for(KIT, KIT.select([material]))[0], {}, Options())
    render(KIT, rendered)
    remembered = len(calls)
    calls.clear()
    fetcher = KitURLFetcher((KIT.root, stock_dir()))
    HTML(string=rendered.html, base_url=KIT.root.as_uri() + "/", url_fetcher=fetcher).render()
    return remembered, len(calls)


def test_the_cache_is_used_only_inside_a_render(monkeypatch: pytest.MonkeyPatch) -> None:
    remembered, plain = _calls(monkeypatch, "_split_first_line", "event-flyer")
    # Flex layout asks for the same lines over and over; with the cache Pango is asked once.
    assert remembered * 5 < plain
    assert handbill.engine.linecache._local.memo is None


STRESS = (
    """<!doctype html><html lang="en"><head><style>
@page { size: 120mm 90mm; margin: 8mm;
  @bottom-center { content: counter(page) "/" counter(pages) } }
body { font-family: "Atkinson Hyperlegible", sans-serif; font-size: 9pt; orphans: 2; widows: 2 }
.row { display: flex; gap: 4mm } .col { display: flex; flex-direction: column; flex: 1 }
.col > p { margin: 0 0 2mm }
p.indent { text-indent: 6mm; text-align: justify }
p.drop::first-letter { font-size: 200%; color: #c00 }
p.lead::first-line { font-weight: bold }
.float { float: left; width: 14mm; height: 9mm; background: #ddd; margin-right: 2mm }
.abs { position: absolute; left: 2mm; top: 2mm; font-size: 6pt }
.rel { position: relative; top: 1mm }
.ib { display: inline-block; width: 16mm; border: 1px solid #000 }
.rtl { direction: rtl }
.big::first-letter { font-size: 400% }
.cap::first-letter { float: left; font-size: 300%; line-height: 1 }
td { border: 1px solid #000; padding: 1mm }
</style></head><body>
<p class="cap">A drop cap floats beside the first lines of this paragraph, which runs on for
long enough to pass below it. (WeasyPrint cannot lay one out inside nested flex.)</p>
<div class="row"><div><p class="big">Wide first letter</p></div><div>A row item</div></div>
<div class="row"><table><tr><td>A table</td><td>in a row, sized from its text</td></tr></table>
<div style="float: left"><p class="big">Floated</p></div></div>
<div class="row">
  <div class="col"><div class="col">
    <p class="indent">Justified text with an indent runs over several lines at this width, so
    the same line is asked for at each step of the flex layout, and the answers must agree.</p>
    <p class="drop">Dropped first letter, laid out with its own box inside the line.</p>
    <p>An <span class="abs">absolute</span> span, a <span class="rel">relative</span> one and
    an <span class="ib">inline block</span> in one paragraph.</p>
    <p class="lead">A first line in bold, then lines in the normal weight after it.</p>
  </div></div>
  <div class="col"><div class="col">
    <p><span class="float"></span>Text beside a float wraps around it for a few lines and
    then takes the full width again below it.</p>
    <p class="rtl">Right to left: the line starts at the right edge of the column.</p>
  </div></div>
</div>
<div class="row"><div class="col">
"""
    + "<p>A paragraph repeated to break across pages, with orphans and widows kept.</p>" * 40
    + """
</div></div></body></html>"""
)


def _with_and_without(source: str) -> tuple[bytes, bytes, list[str]]:
    """The PDF of ``source`` laid out with the caches and without them, and its pages' text."""
    fetcher = KitURLFetcher((KIT.root, stock_dir()))
    base = KIT.root.as_uri() + "/"
    css = f'<link rel="stylesheet" href="{KIT.root.as_uri()}/assets/css/handbill.css">'
    html = HTML(
        string=source.replace("<style>", css + "<style>"), base_url=base, url_fetcher=fetcher
    )
    with handbill.engine.linecache.remembering_lines():
        fast = html.render()
    plain = html.render()
    return fast.write_pdf(), plain.write_pdf(), [_page_text(page) for page in plain.pages]


def _page_text(page: Any) -> str:
    return " ".join(box.text for box in boxes_in(page._page_box) if hasattr(box, "text"))


def test_remembered_line_boxes_change_no_byte() -> None:
    """Whole lines and preferred widths are reused only when nothing around them can differ:
    floats, first letters and lines, positioned and inline-block boxes, a table, justified,
    indented and right-to-left text and page breaks inside nested flex all come out as plain
    WeasyPrint makes them."""
    fast, plain, pages = _with_and_without(STRESS)
    assert len(pages) >= 3
    assert fast == plain


TARGETS = """<!doctype html><html lang="en"><head><style>
@page { size: 100mm 60mm; margin: 8mm }
a.number::after { content: " on page " target-counter(attr(href), page) }
a.title::after { content: " (" target-text(attr(href)) ")" }
p.here::after { content: ", page " counter(page) " of " counter(pages) }
h2 { break-before: page }
.col { display: flex; flex-direction: column } .col > div { display: flex; flex-direction: column }
</style></head><body>
<div class="col"><div>
  <p><a class="number" href="#one">Part one</a>, <a class="title" href="#two">the other</a></p>
  <p class="here">Contents</p>
</div></div>
<h2 id="one">Why it matters</h2>
<div class="col"><div><p class="here">Part one</p></div></div>
<h2 id="two">What to do</h2>
</body></html>"""


def test_content_made_again_after_layout_is_not_remembered() -> None:
    """target-counter(), target-text() and page counters in the flow are filled in once the pages
    they name are laid out, in the same boxes: lines laid out before would be out of date."""
    fast, plain, pages = _with_and_without(TARGETS)
    assert "Part one  on page 2" in pages[0]
    assert "What to do" in pages[0]
    assert fast == plain


def test_lines_are_reused_inside_a_render(monkeypatch: pytest.MonkeyPatch) -> None:
    remembered, plain = _calls(monkeypatch, "_get_next_linebox", "event-poster")
    # The poster's nested flex lays each line out about six times; with the cache, once.
    assert remembered * 4 < plain
    assert handbill.engine.linecache._local.lines is None
