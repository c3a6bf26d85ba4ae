"""Carry text exactly in the PDF, as /ActualText around each cluster whose glyphs misread.

A PDF maps each glyph back to characters through the font's ToUnicode table: one text per
glyph, for the whole PDF (WeasyPrint keeps the first it meets). That fails in two ways:
Noto Nastaliq Urdu draws one base shape for several letters and the dots as separate glyphs,
so a glyph has no single right character (Kozea/WeasyPrint#2841); a glyph shared by several
texts reads back as the first, so in a merge one row's text decides how another row's glyphs
read back (an NFD "Siân" row makes an NFC one read back as NFD).

A marked-content span with /ActualText (PDF 1.5, ISO 32000-1 section 14.9.4) gives the exact
text that the glyphs inside it stand for. While ``exact_text`` is active, every cluster of a
right-to-left run (the glyphs HarfBuzz made from one or more characters), in any line, and
every left-to-right cluster whose glyphs' map would read as other text, is drawn inside such
a span holding the cluster's characters. A line of ASCII text whose glyphs all map to ASCII
is checked from the drawn glyph ids alone, so the common case costs almost nothing. The spans
come in drawing order, right-to-left clusters from left to right, which is what text
extractors expect: they put each span's text where its glyphs are and then read
right-to-left runs from the right, as they do for Arabic or Hebrew set in fonts whose glyph
map is exact.

Nastaliq moves glyphs up, down and sideways from the pen (cursive joining), and extractors
take a span's place from its first and last glyphs. So each span starts and ends with an
anchor: the font's zero-width space, drawn invisibly (text render mode 3, ISO 32000-1 section
9.3.6) on the baseline at the pen's position and mapped to no text. The spans then sit side by
side on the line as the letters are read, the page looks exactly the same, and tools that read
only the glyph map (pypdf) get what they got before (tests/test_actualtext.py).

What poppler cannot be given this way: digits and an Arabic comma inside a right-to-left run
of a left-to-right line, which its own reordering sets apart from the run around them.
"""

from __future__ import annotations

import bisect
import codecs
import re
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from weasyprint.draw import text as weasyprint_text
from weasyprint.text.ffi import FROM_UNITS, ffi, harfbuzz, pango

from handbill.engine.bindings import HANDBILL_DECLARATIONS

_draw_first_line = weasyprint_text.draw_first_line
_local = threading.local()

# WeasyPrint's bindings lack HarfBuzz's character-to-glyph lookup; add it unless they have it.
try:
    harfbuzz.hb_font_get_nominal_glyph  # noqa: B018
except AttributeError:
    ffi.cdef(HANDBILL_DECLARATIONS)

# Invisible characters whose glyph can serve as an anchor: the first one the font has.
_ANCHOR_CHARACTERS = (0x200B, 0x2060, 0x200C, 0x200D)
# Each embedded font's anchor glyph, looked up once. Keyed on WeasyPrint's font object (one per
# font per PDF), not its name: two kits may give different files the same family name.
_anchors: weakref.WeakKeyDictionary[Any, int | None] = weakref.WeakKeyDictionary()

# What WeasyPrint writes into a TJ array: <glyph ids in hex> and numbers. Offsets before a glyph
# are floats (they always have a point or an exponent); kerning after a glyph is an int.
_TOKEN = re.compile(r"<([0-9a-fA-F]*)>|(-?[0-9.]+(?:e[-+]?[0-9]+)?)")
_GLYPHS = re.compile(r"<([0-9a-fA-F]*)>")


def _draw_line(stream: Any, textbox: Any, *args: Any) -> Any:
    if not (getattr(_local, "active", False) and textbox.text.strip()):
        return _draw_first_line(stream, textbox, *args)
    spans = _ClusterSpans(stream, textbox)
    drawn = _draw_first_line(spans, textbox, *args)
    spans.close()
    return drawn


weasyprint_text.draw_first_line = _draw_line  # draw_text() calls it through the module


@contextmanager
def exact_text() -> Iterator[None]:
    """Give right-to-left text its exact characters while the block runs (in this thread)."""
    _local.active = True
    try:
        yield
    finally:
        _local.active = False


def glyph_clusters(textbox: Any, fonts: Any) -> list[tuple[tuple[int, int] | None, str]]:
    """Each glyph WeasyPrint writes for the textbox's line, in drawing order, with its cluster
    (None where no span is needed) and the cluster's characters.

    Right-to-left clusters always get a span. A left-to-right cluster gets one only when its
    glyphs read back as other text: ``fonts`` gives the PDF font of a run's Pango font, whose
    map (one text per glyph, the first WeasyPrint met) may hold another row's or another
    word's text for a glyph (a decomposed accent, a shared Nastaliq shape).
    """
    line, _ = textbox.pango_layout.get_first_line()
    utf8 = textbox.pango_layout.text.encode()
    found: list[tuple[tuple[int, int] | None, str]] = []
    texts: dict[tuple[int, int], str] = {}
    reads: dict[tuple[int, int], list[str]] = {}  # each left-to-right cluster's read-back
    first_seen: dict[tuple[int, int], str] = {}  # glyphs this line maps first: (font, glyph)
    run = line.runs[0]
    while run != ffi.NULL:
        item, run = run.data, run.next
        glyphs = item.glyphs
        count, clusters = glyphs.num_glyphs, glyphs.log_clusters
        offset, length = item.item.offset, item.item.length
        rtl = item.item.analysis.level % 2
        to_unicode = None if rtl else fonts(item.item.analysis.font).to_unicode
        starts = sorted({clusters[i] for i in range(count)})
        for i in range(count):
            glyph = glyphs.glyphs[i].glyph
            if glyph == pango.PANGO_GLYPH_EMPTY:
                continue  # written as a number only, no glyph id
            start = clusters[i]
            after = bisect.bisect_right(starts, start)
            end = starts[after] if after < len(starts) else length
            text = utf8[offset + start : offset + end].decode()
            cluster = (offset, start)
            if to_unicode is not None:
                # What WeasyPrint maps an unmapped glyph to: its cluster's characters, on the
                # cluster's last glyph (the others get none).
                own = end if i == count - 1 or clusters[i + 1] != start else start
                key = (id(to_unicode), glyph)
                if glyph not in to_unicode and key not in first_seen:
                    first_seen[key] = utf8[offset + start : offset + own].decode()
                mapped = to_unicode.get(glyph, first_seen.get(key, ""))
                reads.setdefault(cluster, []).append(mapped)
            texts[cluster] = text
            found.append((cluster, text))
    exact = {cluster for cluster, read in reads.items() if "".join(read) == texts[cluster]}
    return [(None if cluster in exact else cluster, text) for cluster, text in found]


class _ClusterSpans:
    """Stands in for the page's stream while one line is drawn, and puts each right-to-left
    cluster's glyphs in an /ActualText span. Everything else goes straight to the stream."""

    def __init__(self, stream: Any, textbox: Any) -> None:
        self._stream = stream
        self._textbox = textbox
        self._glyphs: list[tuple[tuple[int, int] | None, str]] | None = None
        self._drawn = 0  # glyphs written so far
        self._open: tuple[int, int] | None = None  # the cluster whose span is open
        self._rise: float = 0
        self._next_font: Any = None
        self._font: Any = None  # (WeasyPrint's font, size, Pango's font) of the glyphs written

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def add_font(self, pango_font: Any) -> Any:
        font, size = added = self._stream.add_font(pango_font)
        self._next_font = (font, size, pango_font)
        return added

    def set_font_size(self, *args: Any) -> None:
        # WeasyPrint writes the glyphs it has for the old font before it switches; a cluster
        # never spans two fonts, and the span must end while its font is the current one.
        self.close()
        self._font = self._next_font
        self._stream.set_font_size(*args)

    def set_text_rise(self, rise: float) -> None:
        self._rise = rise
        self._stream.set_text_rise(rise)

    def show_text(self, string: str) -> None:
        if self._glyphs is None and self._textbox.text.isascii():
            plain = self._plain(string)
            if plain is not None:  # the common case, kept cheap: no span on this piece
                self._drawn += plain
                self._stream.show_text(string)
                return
        if self._glyphs is None:
            # Only now: WeasyPrint may have shortened the line (ellipsis) before drawing it.
            self._glyphs = glyph_clusters(
                self._textbox, lambda font: self._stream.add_font(font)[0]
            )
        digits = 2 if self._font and self._font[0].bitmap else 4
        piece: list[str] = []
        offsets: list[str] = []
        for match in _TOKEN.finditer(string):
            hexes, number = match.groups()
            if number is not None:
                # An offset moves the next glyph; kerning follows the glyph it belongs to.
                (offsets if any(c in number for c in ".e") else piece).append(number)
                continue
            for start in range(0, len(hexes), digits):
                glyph = hexes[start : start + digits]
                if self._drawn >= len(self._glyphs):  # not the line measured: leave it be
                    cluster, text = self._open, ""
                else:
                    cluster, text = self._glyphs[self._drawn]
                self._drawn += 1
                if cluster != self._open:
                    self._write(piece)
                    self.close()
                    if cluster is not None:
                        self._begin(cluster, text)
                piece += offsets
                offsets.clear()
                piece.append(f"<{glyph}>")
        self._write(piece + offsets)

    def _plain(self, string: str) -> int | None:
        """How many glyphs ``string`` draws, if each reads back as one or more ASCII
        characters (an ASCII line's glyphs then read back as its text); else None."""
        font = self._font[0] if self._font else None
        if font is None:
            return None
        digits = 2 if font.bitmap else 4
        count = 0
        for hexes in _GLYPHS.findall(string):
            for start in range(0, len(hexes), digits):
                mapped = font.to_unicode.get(int(hexes[start : start + digits], 16))
                if not mapped or not mapped.isascii():
                    return None
                count += 1
        return count

    def close(self) -> None:
        """End the open span, with an anchor where the pen is."""
        if self._open is not None:
            self._anchor(lead=False)
            self._stream.end_marked_content()
            self._open = None

    def _begin(self, cluster: tuple[int, int], text: str) -> None:
        utf16 = (codecs.BOM_UTF16_BE + text.encode("utf-16-be")).hex()
        self._stream.begin_marked_content("Span", f"<</ActualText <{utf16}>>>".encode())
        self._open = cluster
        self._anchor(lead=True)

    def _anchor(self, lead: bool) -> None:
        """Draw the font's anchor glyph unseen on the baseline, starting (``lead``) or ending
        where the pen is, and leave the pen there."""
        font, size, pango_font = self._font
        if font not in _anchors:
            _anchors[font] = _anchor_glyph(font)
        glyph = _anchors[font]
        if glyph is None:
            return
        font.to_unicode.setdefault(glyph, "")  # kept in the font subset, read as no text
        if glyph not in font.widths:
            ink, logical = ffi.new("PangoRectangle *"), ffi.new("PangoRectangle *")
            pango.pango_font_get_glyph_extents(pango_font, glyph, ink, logical)
            font.widths[glyph] = round(logical.width * 1000 * FROM_UNITS / size)
        width = font.widths[glyph]
        if self._rise:
            self._stream.set_text_rise(0)
        self._stream.set_text_rendering(3)
        drawn = f"<{glyph:0{2 if font.bitmap else 4}x}>"
        self._stream.show_text(f"{drawn} {width}" if lead else f"{width} {drawn}")
        self._stream.set_text_rendering(0)
        if self._rise:
            self._stream.set_text_rise(self._rise)

    def _write(self, piece: list[str]) -> None:
        if piece:
            self._stream.show_text(" ".join(piece))
            piece.clear()


def _anchor_glyph(font: Any) -> int | None:
    """The glyph of the first invisible character the font has, or None."""
    glyph = ffi.new("hb_codepoint_t *")
    for character in _ANCHOR_CHARACTERS:
        if harfbuzz.hb_font_get_nominal_glyph(font.hb_font, character, glyph):
            return int(glyph[0])
    return None
