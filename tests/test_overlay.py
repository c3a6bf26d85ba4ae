"""The plan of a shared-layout merge: which cells are set per letter, and when there is none."""

from __future__ import annotations

from handbill.overlay import MARK, plan, token

CELLS = {"name": "Ann Lee", "address": "1 Road, Leeds", "town": "Leeds"}
NAME, ADDRESS, TOWN = (token(i) for i in range(3))
HEAD = "<html><head><title>A letter</title></head>"


def letter(sign_off: str = f"<p>{NAME}</p><p>{ADDRESS}</p>", intro: str = "") -> str:
    return (
        f'<div class="sheet"><header><p>Group in {TOWN}</p></header>'
        f'<main class="body"><p>Dear MP,</p>{intro}<p>I live in {TOWN}.</p>'
        f"<p>Yours sincerely,</p>{sign_off}</main></div>"
    )


def test_the_sign_off_cells_are_set_per_letter() -> None:
    found = plan(HEAD, "", letter(), letter(), CELLS)
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
    found = plan(HEAD, "", letter(), letter(), CELLS)
    assert found is not None
    filled = found.fill(found.overlay, {**CELLS, "name": "O'Brien & <Smith>"})
    assert "O'Brien &amp; &lt;Smith&gt;" in filled


def test_no_plan_when_a_cell_is_used_outside_the_last_blocks() -> None:
    # In the head (the PDF's title), in an attribute, or not in the last blocks at all.
    assert plan(f"<html><head><title>{NAME}</title></head>", "", letter(), letter(), CELLS) is None
    assert plan(HEAD, f"<p>{NAME}</p>", letter(), letter(), CELLS) is None
    in_attribute = letter(f'<p title="{NAME}">{NAME}</p><p>{ADDRESS}</p>')
    assert plan(HEAD, "", in_attribute, in_attribute, CELLS) is None
    early = letter(f"<p>{ADDRESS}</p><p>{TOWN}</p>")
    assert plan(HEAD, "", early.replace("Dear MP,", f"Dear {ADDRESS},"), early, CELLS) is None


def test_no_plan_when_the_template_changes_or_looks_at_a_value() -> None:
    upper = letter(f"<p>{NAME.upper()}</p><p>{ADDRESS}</p>")
    assert plan(HEAD, "", upper, upper, CELLS) is None
    # Made again with longer markers and the next row number, the letter must be the same.
    longer = letter(f"<p>{token(0, 2)}</p><p>{token(1, 2)}</p>").replace(TOWN, token(2, 2))
    assert plan(HEAD, "", letter(), longer, CELLS) is not None
    assert plan(HEAD, "", letter(), longer.replace("Dear MP,", "Dear MP, (row 3)"), CELLS) is None
