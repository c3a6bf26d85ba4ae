"""Characters in messages and checks: names for errors, what needs a glyph, control characters."""

from __future__ import annotations

import re
import unicodedata

# Characters that draw nothing, so need no glyph: spaces, controls, joiners, soft hyphen.
_INVISIBLE = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}


def needs_glyph(character: str) -> bool:
    """False for what draws nothing: spaces, joiners, format characters and combining marks.

    Control characters (other than white space) do need one: WeasyPrint draws a box for them.
    """
    return not (
        character.isspace()
        or character in _INVISIBLE
        or unicodedata.category(character) in ("Cf", "Mn")
    )


def describe(character: str) -> str:
    """ "the character 'é' (U+00E9 LATIN SMALL LETTER E WITH ACUTE)", for messages."""
    if unicodedata.category(character) == "Cc":
        return f"the control character U+{ord(character):04X}"
    if unicodedata.category(character) == "Cs":
        return f"the lone surrogate U+{ord(character):04X} (half of a character)"
    name = unicodedata.name(character, "unnamed character")
    shown = f"'{character}' " if character.isprintable() else ""
    return f"the character {shown}(U+{ord(character):04X} {name})"


# The control characters (category Cc) that str.splitlines() does not take as line breaks,
# tab aside: text without any has nothing to report, found at C speed (every cell of a merge
# table is checked).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


def control_character(text: str) -> tuple[int, str] | None:
    """The line and the first control character (never printable) in ``text``, if any."""
    if _CONTROL.search(text) is None:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        for character in line:
            if unicodedata.category(character) == "Cc" and character != "\t":
                return number, character
    return None
