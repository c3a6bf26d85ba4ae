"""Predict how many lines a laid-out text would take at another size, from its lines now.

Each line's text runs and widths are known after a layout; a word's width is taken as its share
of its run's width (by characters), and the words are wrapped again, greedily, at the new size.
A line that ends where the next line's first word would still have fitted ended by force (a
``<br>``, or a block such as an address inside the box), and stays ended at any size.
An estimate, good to a step or so: the fitting always lays out again to be sure.
"""

from __future__ import annotations

import math
import re

# A word up to and including a hyphen (a line may break after it), a word, or spaces.
_PIECE = re.compile(r"[^\s-]*-+|[^\s-]+|\s+")
Run = tuple[str, float]  # the text of one text box and its width


FORCED = math.inf  # the "space" after a piece that ends its line by force


def pieces(lines: list[list[Run]], column: float | None = None) -> list[tuple[float, float]]:
    """The unbreakable pieces of the text: (width, width of the space after it), in order.

    With the ``column`` the lines were laid out in, a line that ended by force is marked: the
    space after its last piece is ``FORCED``.
    """
    found: list[tuple[float, float]] = []
    glued = False  # the next word joins the piece before it (no break between)
    char = 0.0
    for index, line in enumerate(lines):
        for text, width in line:
            if not text:
                continue
            char = width / len(text)
            for match in _PIECE.finditer(text):
                piece = match[0]
                size = len(piece) * char
                if piece.isspace():
                    if found:
                        found[-1] = (found[-1][0], found[-1][1] + size)
                    glued = False
                elif glued and found and not found[-1][1]:
                    found[-1] = (found[-1][0] + size, 0.0)
                else:
                    found.append((size, 0.0))
                glued = not piece.endswith("-")
        # The line ended at a space WeasyPrint left out, or after a hyphen: a break either way.
        if found and not found[-1][1]:
            found[-1] = (found[-1][0], 0.0 if _ends_hyphen(line) else char)
        glued = False
        if column is not None and found and index + 1 < len(lines):
            used = _text_width(line) + found[-1][1] + _first_word(lines[index + 1])
            if used < column - 1:
                found[-1] = (found[-1][0], FORCED)
    return found


def _text_width(line: list[Run]) -> float:
    """The width of a line's text, without the spaces at its end."""
    width = sum(run_width for _, run_width in line)
    for text, run_width in reversed(line):
        if text.strip():
            return width - (len(text) - len(text.rstrip())) * run_width / len(text)
        width -= run_width
    return width


def _first_word(line: list[Run]) -> float:
    """The width of the first word of a line (0 for a line without text)."""
    for text, width in line:
        match = _PIECE.search(text.lstrip())
        if match:
            return len(match[0]) * width / len(text)
    return 0.0


def _ends_hyphen(line: list[Run]) -> bool:
    texts = [text for text, _ in line if text.strip()]
    return bool(texts) and texts[-1].rstrip().endswith("-")


def lines_at(found: list[tuple[float, float]], scale: float, column: float) -> int:
    """How many lines the pieces take in ``column`` when every width is multiplied by ``scale``."""
    if not found or column <= 0:
        return 1
    lines, x = 1, 0.0
    for width, space in found:
        width *= scale
        if x > 0 and x + width > column:  # also after a piece that ended its line by force
            lines, x = lines + 1, 0.0
        if width > column:  # a word longer than the line is broken (overflow-wrap)
            extra = math.ceil(width / column) - 1
            lines, x = lines + extra, width - extra * column
        else:
            x += width
        x += space * scale
    return lines
