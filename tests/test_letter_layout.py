"""Letters read as personal letters: measured on the laid-out page, for every letter material."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, write
from handbill.engine.layout import render
from handbill.kit.loader import Kit, load_kit
from handbill.render.templating import render_html

MM = 96 / 25.4
LETTERS = ("letter-to-mp", "letter-to-editor")
# The longest constituency names in the UK run to 38 characters; written by hand at about
# 2.5 mm a character they need close to 100 mm.
LONG_NAME_MM = 95


@pytest.fixture(scope="module")
def kit() -> Kit:
    return load_kit(REPO)


@pytest.fixture(scope="module")
def pages(kit: Kit) -> dict[str, Any]:
    found = {}
    for name in LETTERS:
        document, _ = render(kit, render_html(kit, kit.materials[name]))
        assert len(document.pages) == 1, name
        found[name] = document.pages[0]._page_box
    return found


def walk(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from walk(child)


def by_class(page: Any, name: str) -> list[Any]:
    """The boxes of elements carrying the class ``name``, in page order."""
    return [
        b
        for b in walk(page)
        if getattr(b, "element", None) is not None
        and name in (b.element.get("class") or "").split()
        and type(b).__name__ not in ("TextBox", "LineBox")
    ]


def text_of(box: Any) -> str:
    return " ".join(b.text for b in walk(box) if type(b).__name__ == "TextBox").strip()


@pytest.mark.parametrize("name", LETTERS)
def test_no_campaign_letterhead_on_a_personal_letter(
    kit: Kit, pages: dict[str, Any], name: str
) -> None:
    html = render_html(kit, kit.materials[name]).html
    assert 'class="letterhead"' not in html and 'class="logo"' not in html
    page_text = text_of(pages[name])
    assert kit.config.tagline not in page_text
    assert kit.config.hashtag not in page_text
    assert kit.materials[name].title not in page_text  # no running title in the footer


@pytest.mark.parametrize("name", LETTERS)
def test_sender_address_is_top_right_with_room_to_write(pages: dict[str, Any], name: str) -> None:
    page = pages[name]
    (sender,) = by_class(page, "sender")
    (recipient,) = by_class(page, "recipient")
    (date,) = [b for b in by_class(page, "date") if b.element_tag == "p"]
    (body,) = by_class(page, "letter-body")
    # At the right of the letter's column, the recipient at its left.
    assert abs(sender.position_x + sender.width - (body.position_x + body.width)) < 1 * MM
    assert sender.position_x > body.position_x + 0.4 * body.width
    assert recipient.position_x + recipient.width <= sender.position_x
    assert sender.position_y < recipient.position_y  # the sender's block comes first
    assert date.position_y > sender.position_y + sender.height - 1  # the date under it
    assert body.position_y > date.position_y + date.height
    (address,) = [b for b in by_class(sender, "blank") if "block" in b.element.get("class")]
    lines = by_class(address, "blank-line")
    assert len(lines) == 4  # four lines to write a postal address on
    assert all(line.height >= 6 * MM and line.width >= 60 * MM for line in lines)


@pytest.mark.parametrize("name", LETTERS)
def test_letter_lines_run_65_to_75_characters(pages: dict[str, Any], name: str) -> None:
    (body,) = by_class(pages[name], "letter-body")
    lengths = []
    for paragraph in (b for b in walk(body) if getattr(b, "element_tag", "") == "p"):
        lines = [b for b in paragraph.children if type(b).__name__ == "LineBox"]
        # The last line of a paragraph is short; a line with a blank to fill in has less text.
        for line in lines[:-1]:
            if not by_class(line, "field"):
                lengths.append(len(text_of(line)))
    assert len(lengths) >= 10, lengths
    assert all(55 <= n <= 78 for n in lengths), lengths
    assert 65 <= sorted(lengths)[len(lengths) // 2] <= 75, lengths


def test_constituency_blank_takes_a_long_name(pages: dict[str, Any]) -> None:
    (blank,) = [
        b
        for b in by_class(pages["letter-to-mp"], "blank")
        if b.element.get("data-field") == "constituency"
    ]
    assert blank.width >= LONG_NAME_MM * MM, blank.width / MM


@pytest.mark.parametrize("name", LETTERS)
def test_room_to_sign_between_sign_off_and_name(pages: dict[str, Any], name: str) -> None:
    page = pages[name]
    paragraphs = [b for b in walk(by_class(page, "letter-body")[0]) if b.element_tag == "p"]
    (signature,) = by_class(page, "signature")
    before = paragraphs[paragraphs.index(signature) - 1]
    assert text_of(before).startswith("Yours")
    gap = signature.position_y + signature.margin_top - (before.position_y + before.height)
    assert gap >= 10 * MM, gap / MM
    assert "name" in [b.element.get("data-field") for b in by_class(signature, "field")]


@pytest.mark.parametrize("name", LETTERS)
def test_campaign_note_and_code_only_on_the_cut_off_strip(pages: dict[str, Any], name: str) -> None:
    page = pages[name]
    (strip,) = by_class(page, "sender-note")
    (sheet,) = by_class(page, "letter-sheet")
    cut = by_class(strip, "cut-here")[0]  # the paragraph (its rules come after it)
    assert "not part of the letter" in text_of(cut)
    assert strip.position_y >= sheet.position_y + sheet.height - 0.5
    for code in (b for b in walk(page) if getattr(b, "element_tag", "") == "svg"):
        assert code.position_y > cut.position_y + cut.height
    assert "How to send this letter" in text_of(strip)
    # The strip sits at the foot of the page, below the letter.
    assert strip.position_y + strip.height > page.margin_height() - 45 * MM


def test_editor_letter_asks_for_the_writers_address_not_for_publication(
    pages: dict[str, Any],
) -> None:
    (sender,) = by_class(pages["letter-to-editor"], "sender")
    fields = [b.element.get("data-field") for b in by_class(sender, "field")]
    assert fields == ["address", "phone"]
    assert text_of(by_class(sender, "sender-remark")[0]) == "Address and phone: not for publication"


def test_editor_letter_text_copy_carries_the_writers_address(tmp_path: Path) -> None:
    """The .txt copy goes to the paper by email: it asks for the address too, which the PDF
    prints once, in the sender's block at the top."""
    from handbill.build.runner import build
    from handbill.kit.loader import load_kit
    from pdftools import pdftotext

    report = build(load_kit(REPO), ["letter-to-editor"], tmp_path, jobs=1)
    assert not report.failures, report.failures
    text = (tmp_path / "letter-to-editor.txt").read_text(encoding="utf-8")
    assert text.rstrip().endswith(
        "[your full postal address]\n\n[your daytime phone number]\n\n"
        "Address and phone: not for publication"
    )
    assert pdftotext(tmp_path / "letter-to-editor.pdf").lower().count("postal address") == 1


def test_a_given_address_fills_the_sender_block_once(tmp_path: Path) -> None:
    """The value wraps in the block, and is not printed again at the foot."""
    (tmp_path / "handbill.toml").write_text((REPO / "handbill.toml").read_text())
    write(
        tmp_path / "materials" / "note.md",
        """
        ---
        template: letter
        title: A short letter
        published: false
        exports: [txt]
        vars:
          recipient: [The Manager]
        fields:
          address: your address
          name: your name
        ---
        Dear Manager,

        Please stock the campaign's leaflets.

        Yours sincerely,

        [[name]]

        [[address]]
        """,
    )
    kit = load_kit(tmp_path)
    rendered = render_html(
        kit,
        kit.materials["note"],
        overrides={"address": "4 Mill Lane, Otley, LS21 1AA", "name": "Sam"},
    )
    document, _ = render(kit, rendered)
    page = document.pages[0]._page_box
    (sender,) = by_class(page, "sender")
    assert text_of(sender).split() == ["4", "Mill", "Lane,", "Otley,", "LS21", "1AA"]
    body = text_of(by_class(page, "letter-body")[0])
    assert "Mill Lane" not in body and body.endswith("Sam")
    # The copy to paste into an email keeps the address after the name.
    assert "4 Mill Lane, Otley, LS21 1AA" in rendered.content


def test_a_long_recipient_line_goes_under_the_date_unbroken(tmp_path: Path) -> None:
    (tmp_path / "handbill.toml").write_text((REPO / "handbill.toml").read_text())
    write(
        tmp_path / "materials" / "council.md",
        """
        ---
        template: letter
        title: To the council
        published: false
        vars:
          recipient: [Ashworth Town Hall, "Civic Square, Ashworth AB1 1ZZ"]
        fields:
          address: your address
        ---
        Dear Councillor,
        """,
    )
    kit = load_kit(tmp_path)
    document, _ = render(kit, render_html(kit, kit.materials["council"]))
    page = document.pages[0]._page_box
    (sender,) = by_class(page, "sender")
    (recipient,) = by_class(page, "recipient")
    lines = [b for b in by_class(recipient, "line") if "Civic" in text_of(b)]
    assert [text_of(b) for b in lines] == ["Civic Square, Ashworth AB1 1ZZ"]  # one line box
    assert recipient.position_y > sender.position_y + sender.height  # below, not squeezed
