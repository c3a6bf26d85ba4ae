"""File names made from people's words: every letter kept, in any script, and never two alike."""

from __future__ import annotations

import re
import unicodedata

# Names Windows refuses for a file whatever its ending (CON.pdf cannot be created there).
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"{port}{n}" for port in ("com", "lpt") for n in range(10)),
}


def _kept(char: str) -> bool:
    # Letters, the marks that some scripts (Urdu, Hindi, Welsh with accents written apart)
    # need to spell a word, and digits; everything else (spaces, punctuation, / \ : * ? " < >
    # | and control codes, which one file system or another refuses) separates words.
    return unicodedata.category(char)[0] in "LMN"


def file_slug(text: str, limit: int = 60) -> str:
    """``text`` as part of a file name: lower case, words joined by '-', every letter kept.

    "Małgorzata Wiśniewska" becomes "małgorzata-wiśniewska", an Urdu name stays in its
    script. Composed (NFC) so that macOS and Linux write the same bytes; at most ``limit``
    characters; "x" when nothing is left.
    """
    composed = unicodedata.normalize("NFC", text).lower()
    words = "".join(char if _kept(char) else " " for char in composed).split()
    return "-".join(words)[:limit].strip("-") or "x"


def unique_names(names: list[str]) -> list[str]:
    """``names`` with a -2, -3, ... added to each repeat, compared as a file system that
    ignores case would (Windows, macOS), so no two files overwrite each other; a name that
    Windows keeps for a device (CON, NUL, COM1 ...) gets -x."""
    taken: set[str] = set()
    result = []
    for name in names:
        if name.split(".")[0].casefold() in _RESERVED:
            name += "-x"
        candidate, number = name, 1
        while unicodedata.normalize("NFC", candidate).casefold() in taken:
            number += 1
            candidate = f"{name}-{number}"
        taken.add(unicodedata.normalize("NFC", candidate).casefold())
        result.append(candidate)
    return result


def fill_pattern(pattern: str, row: dict[str, str], number: int) -> str:
    """An output name pattern with its ``{column}`` parts filled from one data row."""
    return re.sub(
        r"\{([a-z0-9_]+)\}",
        lambda m: str(number) if m[1] == "n" else file_slug(row.get(m[1], "")),
        pattern,
    )
