"""A PDF's colours to print inks: every RGB colour, image, gradient and group becomes CMYK.

WeasyPrint draws in RGB; a print shop wants CMYK. Rather than asking every template and kit
stylesheet to be written in ``device-cmyk()``, the finished PDF is converted, so kit CSS, SVG
illustrations and photos are converted too. Colours inside soft masks stay grey (a mask is a
shape's opacity, not ink). Anything handbill cannot convert is an error, never left in RGB.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from typing import Any

from pypdf.generic import (
    ArrayObject,
    FloatObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from handbill.errors import HandbillError
from handbill.pages.inks import RGB8, Inks

# One token of a content stream: a literal string is found by _string_end (it may nest).
_TOKEN = re.compile(
    rb"\s+|%[^\r\n]*|(?P<str>\()|<[0-9A-Fa-f\s]*>|<<|>>|[\[\]{}]"
    rb"|/[^\s/\[\]()<>{}%]*|[+-]?(?:\d+\.?\d*|\.\d+)|[^\s/\[\]()<>{}%]+"
)
_RGB_OPS = {b"rg": b"k", b"RG": b"K"}
_SET_SPACE = {b"cs": False, b"CS": True}
_SET_COLOUR = {b"sc": False, b"scn": False, b"SC": True, b"SCN": True}
RGB_SPACES = ("/DeviceRGB", "/CalRGB", "/RGB")


class ColourError(HandbillError):
    """Something in a PDF that handbill cannot print in CMYK (it never leaves RGB behind)."""


def tokens(data: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of each token of a content stream, spaces and comments left out."""
    position = 0
    while position < len(data):
        match = _TOKEN.match(data, position)
        if match is None:
            raise ColourError(f"unreadable drawing instructions at byte {position}")
        end = _string_end(data, position) if match["str"] else match.end()
        if data[position] not in b" \t\r\n\f\x00%":
            yield position, end
        position = end


def _string_end(data: bytes, start: int) -> int:
    depth, index = 0, start
    while index < len(data):
        char = data[index]
        if char == 0x5C:  # backslash: the next byte is escaped
            index += 2
            continue
        depth += char == 0x28
        depth -= char == 0x29
        index += 1
        if depth == 0:
            return index
    raise ColourError("unterminated text string in drawing instructions")


def rgb_in(data: bytes) -> Iterator[RGB8]:
    """Every rg/RG colour of a stream, for converting them all at once."""
    operands: list[bytes] = []
    for start, end in tokens(data):
        token = data[start:end]
        if token in _RGB_OPS and len(operands) >= 3:
            yield _rgb8(operands[-3:])
        operands = [*operands[-3:], token]


def _rgb8(values: list[bytes]) -> RGB8:
    r, g, b = (min(255, max(0, round(float(v) * 255))) for v in values)
    return r, g, b


def _number(value: float) -> bytes:
    return (b"%.3f" % value).rstrip(b"0").rstrip(b".") or b"0"


class StreamConverter:
    """Rewrites one content stream's colour operators; ``spaces`` maps the stream's colour space
    resource names to "rgb", "cmyk", "gray" or "lab"."""

    def __init__(self, inks: Inks, spaces: dict[str, str], grey: bool = False):
        self.inks, self.spaces, self.grey = inks, spaces, grey

    def convert(self, data: bytes) -> bytes:
        out: list[bytes] = []
        last = 0
        operands: list[tuple[int, int]] = []
        # The colour space of fill and stroke, saved and restored with q/Q as PDF does.
        space = {False: "gray", True: "gray"}
        saved: list[dict[bool, str]] = []
        for start, end in tokens(data):
            token = data[start:end]
            replacement = None
            if token in _RGB_OPS and len(operands) >= 3:
                replacement = self._colour(data, operands[-3:], token.isupper())
            elif token in _SET_SPACE and operands:
                stroke = _SET_SPACE[token]
                kind = self._kind(data[slice(*operands[-1])].decode("latin-1"))
                space[stroke] = kind
                if kind in ("rgb", "lab"):
                    target = b"/DeviceGray " if self.grey else b"/DeviceCMYK "
                    replacement = (operands[-1][0], target + token)
            elif token in _SET_COLOUR and space[_SET_COLOUR[token]] in ("rgb", "lab"):
                values = [data[s:e] for s, e in operands]
                if space[_SET_COLOUR[token]] == "lab" or len(values) != 3:
                    raise ColourError(
                        "a colour in a colour space handbill cannot print in CMYK (Lab or a "
                        "pattern); write the colour in the stylesheet as #rrggbb"
                    )
                op = b"K" if _SET_COLOUR[token] else b"k"
                replacement = (operands[0][0], self._inks(_rgb8(values), op))
            elif token == b"q":
                saved.append(dict(space))
            elif token == b"Q" and saved:
                space = saved.pop()
            elif token in (b"BI", b"ID"):
                raise ColourError("an inline image, which handbill cannot convert to CMYK")
            if replacement is not None:
                begin, text = replacement
                out += [data[last:begin], text]
                last = end
            if _is_operator(token):
                operands = []
            else:
                operands.append((start, end))
        out.append(data[last:])
        return b"".join(out)

    def _colour(self, data: bytes, spans: list[tuple[int, int]], stroke: bool) -> tuple[int, bytes]:
        rgb = _rgb8([data[s:e] for s, e in spans])
        return spans[0][0], self._inks(rgb, b"K" if stroke else b"k")

    def _inks(self, rgb: RGB8, op: bytes) -> bytes:
        if self.grey:  # a soft mask: the luminosity PDF takes from RGB, as a grey
            r, g, b = rgb
            level = (0.3 * r + 0.59 * g + 0.11 * b) / 255
            return _number(level) + b" " + (b"G" if op == b"K" else b"g")
        return b" ".join(_number(v) for v in self.inks.cmyk(rgb)) + b" " + op

    def _kind(self, name: str) -> str:
        if name in ("/DeviceRGB", "/DeviceCMYK", "/DeviceGray", "/Pattern"):
            return {"/DeviceRGB": "rgb", "/DeviceCMYK": "cmyk", "/DeviceGray": "gray"}.get(
                name, "pattern"
            )
        return self.spaces.get(name, "unknown")


def _is_operator(token: bytes) -> bool:
    first = token[:1]
    return first.isalpha() or first in (b"'", b'"')


def space_kind(space: Any) -> str:
    """ "rgb", "cmyk", "gray", "lab", "pattern", "indexed" or the PDF name of another space."""
    space = space.get_object() if isinstance(space, IndirectObject) else space
    if isinstance(space, NameObject):
        return {"/DeviceRGB": "rgb", "/DeviceCMYK": "cmyk", "/DeviceGray": "gray"}.get(
            str(space), str(space)
        )
    if isinstance(space, ArrayObject) and space:
        family = str(space[0])
        if family == "/ICCBased":
            components = int(space[1].get_object().get("/N", 0))
            return {1: "gray", 3: "rgb", 4: "cmyk"}.get(components, family)
        if family in ("/CalRGB",):
            return "rgb"
        if family in ("/CalGray",):
            return "gray"
        return {"/Lab": "lab", "/Pattern": "pattern", "/Indexed": "indexed"}.get(family, family)
    return "unknown"


def flate(stream: StreamObject, data: bytes) -> None:
    """Replace a stream's data with ``data``, compressed."""
    stream.set_data(zlib.compress(data, 6))
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    if "/DecodeParms" in stream:
        del stream["/DecodeParms"]


def number_list(values: list[float]) -> ArrayObject:
    return ArrayObject(FloatObject(round(v, 4)) for v in values)
