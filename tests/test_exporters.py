"""Editable copies: the content's blocks as plain text and as a Word document."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import docx
import docx.document
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from conftest import REPO
from handbill.build.runner import build
from handbill.kit.config import DEFAULT_COLOURS, Brand
from handbill.kit.fields import fill_html
from handbill.kit.loader import load_kit
from handbill.kit.markdown import markdown_renderer
from handbill.kit.palette import contrast
from handbill.kit.paper import Paper
from handbill.render.copies import speech_timing
from handbill.render.docxlook import DocLook
from handbill.render.exporters import Block, blocks_of, to_docx, to_text
from pdftools import pdftotext

SOURCE = """Dear [[mp_name]],

I live in **[[town]]** and *care* about it.

## What I ask

- vote against the plan
- reply to this letter

[[pause]]

1. first
2. second

Yours sincerely,\\
[[name]]
"""


def blocks():  # type: ignore[no-untyped-def]
    html = markdown_renderer().render(SOURCE)
    return blocks_of(
        fill_html(html, {"town": "Leeds"}, {"mp_name": "your MP's name", "name": "your name"})
    )


def test_blocks() -> None:
    assert [(b.kind, b.text) for b in blocks()] == [
        ("paragraph", "Dear [your MP's name],"),
        ("paragraph", "I live in Leeds and care about it."),
        ("heading", "What I ask"),
        ("bullet", "vote against the plan"),
        ("bullet", "reply to this letter"),
        ("pause", "(pause)"),
        ("number", "first"),
        ("number", "second"),
        ("paragraph", "Yours sincerely,\n[your name]"),
    ]


def test_text_export_is_one_line_per_paragraph_with_crlf() -> None:
    assert to_text("Letter", blocks()) == (
        "Letter\r\n\r\n"
        "Dear [your MP's name],\r\n\r\n"
        "I live in Leeds and care about it.\r\n\r\n"
        "What I ask\r\n\r\n"
        "- vote against the plan\r\n- reply to this letter\r\n\r\n"
        "(pause)\r\n\r\n"
        "1. first\r\n2. second\r\n\r\n"
        "Yours sincerely,\r\n[your name]\r\n"
    )
    # A letter has no title: it starts with its salutation.
    assert to_text("", blocks()).startswith("Dear [your MP's name],\r\n\r\nI live")


def test_text_is_never_hard_wrapped() -> None:
    """Pasted into an email, a hard-wrapped copy arrives with lines broken mid-sentence."""
    paragraph = " ".join(["campaign"] * 40)
    text = to_text("T", blocks_of(f"<p>{paragraph}</p><ul><li>{paragraph}</li></ul>"))
    assert text.split("\r\n") == ["T", "", paragraph, "", f"- {paragraph}", ""]
    assert "\n" not in text.replace("\r\n", "")  # no bare LF: one line end throughout


def test_links_are_written_out_in_full() -> None:
    html = (
        '<p>See <a href="https://www.example.org">www.example.org</a>, '
        '<a href="https://example.org/case/">example.org/case</a>, '
        '<a href="https://example.org/give">our appeal</a> and '
        '<a href="mailto:press@example.org">our press office</a>; ring '
        '<a href="tel:07700900123">07700 900123</a>.</p>'
    )
    (block,) = blocks_of(html)
    assert block.text == (
        "See https://www.example.org, https://example.org/case/, "
        "our appeal (https://example.org/give) and our press office (press@example.org); "
        "ring 07700 900123."
    )


def test_docx_has_the_same_paragraphs_and_formatting() -> None:
    document = docx.Document(
        io.BytesIO(
            to_docx("Letter", [Block("paragraph", 0, [("To my MP", False, True)]), *blocks()], 16)
        )
    )
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs == [
        ("Title", "Letter"),
        ("Normal", "To my MP"),
        ("Normal", "Dear [your MP's name],"),
        ("Normal", "I live in Leeds and care about it."),
        ("Heading 2", "What I ask"),
        ("List Bullet", "vote against the plan"),
        ("List Bullet", "reply to this letter"),
        ("Normal", "(pause)"),
        ("List Number", "first"),
        ("List Number", "second"),
        ("Normal", "Yours sincerely,\n[your name]"),
    ]
    town = [r for r in document.paragraphs[3].runs if r.text == "Leeds"]
    assert town and town[0].bold
    assert document.styles["Normal"].font.size.pt == 16
    assert document.core_properties.title == "Letter"


def test_docx_bytes_do_not_depend_on_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    first = to_docx("Letter", blocks())
    a_year_later = time.time() + 400 * 86400
    monkeypatch.setattr(time, "time", lambda: a_year_later)  # zipfile stamps members with it
    assert to_docx("Letter", blocks()) == first


def _look_document(**brand: str) -> docx.document.Document:
    colours = {**DEFAULT_COLOURS, "primary": "#005eb8", "secondary": "#003087", **brand}
    look = DocLook.of(
        Paper("A4", 210, 297),
        "en-GB",
        Brand(colours, None, "Atkinson Hyperlegible", "Hanken Grotesk"),
    )
    return docx.Document(io.BytesIO(to_docx("Letter", blocks(), 16, look)))


def test_docx_is_on_the_kits_paper_in_its_language() -> None:
    document = _look_document()
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    langs = document.styles.element.xpath("//w:docDefaults//w:lang")
    assert langs[0].get(qn("w:val")) == "en-GB"
    assert document.core_properties.language == "en-GB"
    letter = Paper("Letter", 215.9, 279.4)
    look = DocLook.of(letter, "ur", Brand(DEFAULT_COLOURS, None, "Noto", "Noto"))
    urdu = docx.Document(io.BytesIO(to_docx("T", blocks(), 12, look)))
    assert round(urdu.sections[0].page_width.mm, 1) == 215.9
    lang = urdu.styles.element.xpath("//w:docDefaults//w:lang")[0]
    assert (lang.get(qn("w:val")), lang.get(qn("w:bidi"))) == ("ur", "ur")
    assert urdu.styles["Normal"].element.xpath("./w:pPr/w:bidi")


def test_docx_styles_use_the_brand_fonts_and_colours() -> None:
    document = _look_document()
    styles = document.styles
    assert styles["Normal"].font.name == "Atkinson Hyperlegible"
    assert str(styles["Normal"].font.color.rgb) == DEFAULT_COLOURS["text"].lstrip("#").upper()
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        assert styles[name].font.name == "Hanken Grotesk"
        assert str(styles[name].font.color.rgb) == "005EB8"
        # Word's theme colour and theme font would override the brand's: none left.
        assert styles[name].font.color.theme_color is None
        assert not styles[name].element.xpath("./w:rPr/w:rFonts/@w:asciiTheme")
    assert str(styles["Title"].font.color.rgb) == "003087"
    # The Title's rule (Word's is theme blue) is in the brand's colour too.
    (rule,) = styles["Title"].element.xpath("./w:pPr/w:pBdr/w:bottom")
    assert rule.get(qn("w:color")) == "003087" and rule.get(qn("w:themeColor")) is None


def test_docx_pale_brand_colour_is_darkened_to_read_on_white() -> None:
    heading = _look_document(primary="#ffe600").styles["Heading 2"].font.color.rgb
    channels = tuple(int(str(heading)[i : i + 2], 16) / 255 for i in (0, 2, 4))
    assert contrast(channels, (1.0, 1.0, 1.0)) >= 4.5


def test_docx_headings_are_above_body_size_in_order() -> None:
    styles = _look_document().styles
    sizes = [styles[n].font.size.pt for n in ("Title", "Heading 1", "Heading 2", "Heading 3")]
    assert sizes == sorted(sizes, reverse=True)
    assert len(set(sizes)) == 4
    assert sizes[-1] > styles["Normal"].font.size.pt == 16


def test_docx_footer_numbers_the_pages() -> None:
    footer = _look_document().sections[0].footer.paragraphs[0]
    assert footer.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert footer._p.xpath(".//w:instrText")[0].text.strip() == "PAGE"
    kinds = [f.get(qn("w:fldCharType")) for f in footer._p.xpath(".//w:fldChar")]
    assert kinds == ["begin", "separate", "end"]


def test_speech_copies_keep_the_running_times_the_pdf_prints(tmp_path: Path) -> None:
    """The speech PDF prints the speaking time and each section's; the .txt and .docx, which
    a speaker edits and times cuts by, had neither."""
    kit = load_kit(REPO)
    report = build(kit, ["speech-5min"], out_dir=tmp_path, jobs=1)
    assert not report.failures, report.failures
    text = (tmp_path / "speech-5min.txt").read_text(encoding="utf-8")
    pdf = " ".join(pdftotext(tmp_path / "speech-5min.pdf").split())
    assert "Speaking time: about 5 minutes at 130 words a minute" in text
    assert "SPEAKING TIME about 5 minutes" in pdf and "at 130 words a minute" in pdf
    # Each section's heading on a line of its own, with its time, between blank lines.
    headings = re.findall(r"\n\n(.+) \((about [^)]+)\)\n\n", text)
    assert headings[:2] == [
        ("Who I am and why I\u2019m here", "about 25 seconds"),
        ("What an ACO would mean", "about 1 minute"),
    ]
    assert len(headings) == 6
    for title, duration in headings:
        assert f"{title} {duration}" in pdf, title
    document = docx.Document(str(tmp_path / "speech-5min.docx"))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Speaking time: about 5 minutes at 130 words a minute" in paragraphs
    assert [f"{title} ({duration})" for title, duration in headings] == [
        p.text for p in document.paragraphs if p.style.name == "Heading 2"
    ]


def test_a_short_speech_is_timed_in_seconds() -> None:
    assert speech_timing("<h2>Hello</h2><p>Thank you all.</p>").total == (
        "Speaking time: about 15 seconds at 130 words a minute"
    )
    assert speech_timing("<h2>Hello</h2><p>Thank you all.</p>").sections == {
        "Hello": "about 5 seconds"
    }
