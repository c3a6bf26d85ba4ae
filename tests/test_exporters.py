"""Editable copies: the content's blocks as plain text and as a Word document."""

from __future__ import annotations

import io
import time

import docx
import pytest

from handbill.kit.fields import fill_html
from handbill.kit.markdown import markdown_renderer
from handbill.render.exporters import blocks_of, to_docx, to_text

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
        ("paragraph", "Dear ________ (your MP's name),"),
        ("paragraph", "I live in Leeds and care about it."),
        ("heading", "What I ask"),
        ("bullet", "vote against the plan"),
        ("bullet", "reply to this letter"),
        ("pause", "(pause)"),
        ("number", "first"),
        ("number", "second"),
        ("paragraph", "Yours sincerely,\n________ (your name)"),
    ]


def test_text_export() -> None:
    assert to_text("Letter", "", blocks()) == (
        "Letter\n======\n\n"
        "Dear ________ (your MP's name),\n\n"
        "I live in Leeds and care about it.\n\n"
        "What I ask\n----------\n\n"
        "- vote against the plan\n- reply to this letter\n\n"
        "(pause)\n\n"
        "1. first\n2. second\n\n"
        "Yours sincerely,\n________ (your name)\n"
    )


def test_text_wraps_at_72_columns() -> None:
    html = markdown_renderer().render(" ".join(["campaign"] * 40))
    lines = to_text("T", "", blocks_of(html)).splitlines()
    assert max(len(line) for line in lines) <= 72
    assert len(lines) > 4


def test_docx_has_the_same_paragraphs_and_formatting() -> None:
    document = docx.Document(io.BytesIO(to_docx("Letter", "To my MP", blocks(), font_size=16)))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs == [
        ("Title", "Letter"),
        ("Normal", "To my MP"),
        ("Normal", "Dear ________ (your MP's name),"),
        ("Normal", "I live in Leeds and care about it."),
        ("Heading 2", "What I ask"),
        ("List Bullet", "vote against the plan"),
        ("List Bullet", "reply to this letter"),
        ("Normal", "(pause)"),
        ("List Number", "first"),
        ("List Number", "second"),
        ("Normal", "Yours sincerely,\n________ (your name)"),
    ]
    town = [r for r in document.paragraphs[3].runs if r.text == "Leeds"]
    assert town and town[0].bold
    assert document.styles["Normal"].font.size.pt == 16
    assert document.core_properties.title == "Letter"


def test_docx_bytes_do_not_depend_on_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    first = to_docx("Letter", "", blocks())
    a_year_later = time.time() + 400 * 86400
    monkeypatch.setattr(time, "time", lambda: a_year_later)  # zipfile stamps members with it
    assert to_docx("Letter", "", blocks()) == first
