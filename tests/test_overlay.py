"""The plan of a shared-layout merge: which cells are set per letter, and when there is none."""

from __future__ import annotations

import re

from handbill.engine.overlay import MARK, plan, token

CELLS = {"name": "Ann Lee", "address": "1 Road, Leeds", "town": "Leeds"}
NAME, ADDRESS, TOWN = (token(i) for i in range(3))
HEAD = "<html><head><title>A letter</title></head>"


def letter(sign_off: str = f"<p>{NAME}</p><p>{ADDRESS}</p>", intro: str = "") -> str:
    return (
        f'<div class="sheet"><header><p>Group in {TOWN}</p></header>'
        f'<main class="body"><p>Dear MP,</p>{intro}<p>I live in {TOWN}.</p>'
        f"<p>Yours sincerely,</p>{sign_off}</main></div>"
    )


def twice(body: str) -> str:
    """The body as made again with markers of twice the length (see ``plan``)."""
    return re.sub("\ue000([a-j]+)\ue001", lambda m: f"\ue000{m[1] * 2}\ue001", body)


def test_the_sign_off_cells_are_set_per_letter() -> None:
    found = plan(HEAD, "", letter(), twice(letter()), CELLS)
    assert found is not None
    assert found.per_letter == {"name", "address"}  # town is also in the body: shared
    # The full letter keeps everything and marks the last two blocks.
    assert found.full.count(f"{MARK}=") == 2 and "Dear MP," in found.full
    # The overlay keeps only the marked blocks and their ancestors.
    assert "Dear MP," not in found.overlay and "Yours sincerely" not in found.overlay
    assert "<header>" not in found.overlay
    assert '<div class="sheet"><main class="body">' in found.overlay
    assert found.fill(found.overlay, CELLS).count("<p data-merge-overlay") == 2
    assert '<p data-merge-overlay="">Ann Lee</p>' in found.fill(found.overlay, CELLS)
    # Rows with the same other cells share a base.
    assert found.key({**CELLS, "name": "Bob"}) == found.key(CELLS)
    assert found.key({**CELLS, "town": "York"}) != found.key(CELLS)


def test_values_are_escaped_as_text() -> None:
    found = plan(HEAD, "", letter(), twice(letter()), CELLS)
    assert found is not None
    filled = found.fill(found.overlay, {**CELLS, "name": "O'Brien & <Smith>"})
    # Escaped, and printed with a typographic apostrophe as every cell is.
    assert "O\u2019Brien &amp; &lt;Smith&gt;" in filled


def test_no_plan_when_a_cell_is_used_outside_the_last_blocks() -> None:
    # In the head (the PDF's title), in an attribute, or not in the last blocks at all.
    good = letter()
    assert plan(HEAD, "", good, twice(good), CELLS) is not None
    in_title = f"<html><head><title>{NAME}</title></head>"
    assert plan(in_title, "", good, twice(good), CELLS) is None
    assert plan(HEAD, f"<p>{NAME}</p>", good, twice(good), CELLS) is None
    in_attribute = letter(f'<p title="{NAME}">{NAME}</p><p>{ADDRESS}</p>')
    assert plan(HEAD, "", in_attribute, twice(in_attribute), CELLS) is None
    early = letter().replace("Dear MP,", f"Dear {NAME},")
    found = plan(HEAD, "", early, twice(early), CELLS)
    assert found is not None and found.per_letter == {"address"}
    not_last = letter(f"<p>{NAME}</p><p>{ADDRESS}</p><p>With thanks.</p>")
    assert plan(HEAD, "", not_last, twice(not_last), CELLS) is None


def test_no_plan_when_the_template_changes_or_looks_at_a_value() -> None:
    upper = letter(f"<p>{NAME.upper()}</p><p>{ADDRESS}</p>")
    assert plan(HEAD, "", upper, twice(upper), CELLS) is None
    # Made again with longer markers and the next row number, the letter must be the same.
    longer = twice(letter())
    assert plan(HEAD, "", letter(), longer, CELLS) is not None
    assert plan(HEAD, "", letter(), longer.replace("Dear MP,", "Dear MP, (row 3)"), CELLS) is None
    assert plan(HEAD, "", letter(), letter(), CELLS) is None  # markers kept their length


def test_markers_of_many_columns_are_told_apart() -> None:
    """Cell 11's marker ("bb") is not cell 1's made twice over ("bb" too, with repeat=2)."""
    cells = {f"c{i}": str(i) for i in range(12)}
    body = f"<p>Dear {token(1)},</p><p>Thanks.</p><p>{token(11)}</p>"
    found = plan(HEAD, "", body, twice(body), cells)
    assert found is not None and found.per_letter == {"c11"}
    filled = found.fill(found.full, cells)
    assert filled == '<p>Dear 1,</p><p>Thanks.</p><p data-merge-overlay="">11</p>'


def test_no_plan_when_a_cell_is_printed_in_css_or_a_script() -> None:
    """The parser takes a <style>'s or <script>'s text as it is, entities and all: a value put
    there by the plan would not be the template's escaped value, so the letters are laid out
    in full."""
    for raw in (f"<style>.s::after {{ content: '{NAME}' }}</style>", f"<script>{NAME}</script>"):
        body = letter(f"<p>{NAME}</p><p>{ADDRESS}{raw}</p>")
        assert plan(HEAD, "", body, twice(body), CELLS) is None
    elsewhere = letter(f"<p>{NAME}</p><p>{ADDRESS}<style>p {{ margin: 0 }}</style></p>")
    assert plan(HEAD, "", elsewhere, twice(elsewhere), CELLS) is not None


def test_the_letter_is_read_as_the_letters_document_is() -> None:
    """In standards mode, as the letters' documents are: a <table> ends the <p> before it."""
    body = letter(intro="<p class='subject'>About <table><tr><td>ref</td></tr></table></p>")
    found = plan(HEAD, "", body, twice(body), CELLS)
    assert found is not None
    assert '<p class="subject">About </p><table>' in found.full
