"""Carry right-to-left text exactly in the PDF, as /ActualText around each line drawn.

A PDF maps each glyph back to characters through the font's ToUnicode table. That works for
Latin, but not for Nastaliq: Noto Nastaliq Urdu draws one base shape for several letters and
the dots as separate glyphs, so a glyph has no single right character, and WeasyPrint's map
gives back something like Urdu but not the Urdu that was set (Kozea/WeasyPrint#2841).

A marked-content span with /ActualText (PDF 1.5, ISO 32000-1 section 14.9.4) gives the exact
text that the glyphs inside it stand for. While ``exact_text`` is active, every line of a
right-to-left paragraph (the Urdu and any Latin words set within it) is drawn inside such a
span holding the line's text as written, in reading order. Screen readers and Acrobat read
that text instead of the glyph map; tests/test_languages.py reads it back and compares it with
the source. Left-to-right text is drawn as before.
"""

from __future__ import annotations

import codecs
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from weasyprint.draw import text as weasyprint_text

_draw_first_line = weasyprint_text.draw_first_line
_local = threading.local()


def _draw_line(stream: Any, textbox: Any, *args: Any) -> Any:
    rtl = textbox.style["direction"] == "rtl" and textbox.text.strip()
    if not (rtl and getattr(_local, "active", False)):
        return _draw_first_line(stream, textbox, *args)
    text = (codecs.BOM_UTF16_BE + textbox.text.encode("utf-16-be")).hex().encode()
    stream.begin_marked_content("Span", b"<</ActualText <" + text + b">>>")
    drawn = _draw_first_line(stream, textbox, *args)
    stream.end_marked_content()
    return drawn


weasyprint_text.draw_first_line = _draw_line  # draw_text() calls it through the module


@contextmanager
def exact_text() -> Iterator[None]:
    """Give right-to-left lines their exact text while the block runs (in this thread)."""
    _local.active = True
    try:
        yield
    finally:
        _local.active = False
