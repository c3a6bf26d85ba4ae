"""Control characters are found, with their line, whatever the text around them."""

from __future__ import annotations

import unicodedata

from handbill.kit.characters import control_character


def one_by_one(text: str) -> tuple[int, str] | None:
    """The plain reading control_character must give: every character of every line."""
    for number, line in enumerate(text.splitlines(), start=1):
        for character in line:
            if unicodedata.category(character) == "Cc" and character != "\t":
                return number, character
    return None


def test_every_control_character_is_found_as_a_plain_reading_finds_it() -> None:
    # Line breaks of every kind (\r, \v, \f, \x1c-\x1e, \x85) are where lines end, not
    # characters to report; every other control character is reported, on its own line.
    for code in range(0x3000):
        character = chr(code)
        for text in (character, f"a{character}b", f"x\n{character}", f"{character}\n", "\t"):
            assert control_character(text) == one_by_one(text), hex(code)
    assert control_character("Siân\nJones\x07") == (2, "\x07")
    assert control_character("tab\there\r\nnext line\x85third") is None
