"""Colour operators of PDF content streams, rewritten for a target: CMYK inks or greys.

WeasyPrint draws in RGB. A print shop wants CMYK and a mono printer greys; rather than asking
every template and kit stylesheet for ``device-cmyk()`` or grey colours, the finished PDF is
converted (``separation.py`` walks it; this module rewrites one stream), so kit CSS, SVG
illustrations and photos are converted too. Anything that cannot be converted is an error,
never left as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from pypdf.generic import ArrayObject, IndirectObject, NameObject

from handbill.errors import HandbillError

RGB8 = tuple[int, int, int]

# One token of a content stream: a literal string is found by _string_end (it may nest).
_TOKEN = re.compile(
    rb"\s+|%[^\r\n]*|(?P<str>\()|<[0-9A-Fa-f\s]*>|<<|>>|[\[\]{}]"
    rb"|/[^\s/\[\]()<>{}%]*|[+-]?(?:\d+\.?\d*|\.\d+)|[^\s/\[\]()<>{}%]+"
)
# Operators that set a colour in a fixed space, by the kind of that space.
_DEVICE_OPS = {b"rg": "rgb", b"RG": "rgb", b"k": "cmyk", b"K": "cmyk"}
_SET_SPACE = {b"cs": False, b"CS": True}
_SET_COLOUR = {b"sc": False, b"scn": False, b"SC": True, b"SCN": True}
_DEVICE_SPACES = {"/DeviceRGB": "rgb", "/DeviceCMYK": "cmyk", "/DeviceGray": "gray"}


class ColourError(HandbillError):
    """Something in a PDF that handbill cannot convert (it never leaves a colour behind)."""


class Target(Protocol):
    """What colours become: CMYK inks (inks.py) or greys (greyscale.py)."""

    space: str  # the PDF colour space everything converted is in: /DeviceCMYK or /DeviceGray
    converts: frozenset[str]  # the kinds of colour space converted (see space_kind)

    def prepare(self, colours: Iterable[RGB8]) -> None:
        """Get ready to convert these RGB colours (a converter may batch them)."""

    def colour(self, values: Sequence[float], kind: str) -> tuple[float, ...]:
        """One colour of a space of this kind, in the target space."""
        ...

    def picture(self, image: Any, profile: bytes | None) -> Any:
        """A decoded image (Pillow) in the target space, from its own ICC profile if it has one."""
        ...


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
        if token in (b"rg", b"RG") and len(operands) >= 3:
            yield rgb8([float(v) for v in operands[-3:]])
        operands = [*operands[-3:], token]


def rgb8(values: Sequence[float]) -> RGB8:
    r, g, b = (min(255, max(0, round(float(v) * 255))) for v in values)
    return r, g, b


def _number(value: float) -> bytes:
    return (b"%.3f" % value).rstrip(b"0").rstrip(b".") or b"0"


class StreamConverter:
    """Rewrites one content stream's colour operators for ``target``; ``spaces`` maps the
    stream's colour space resource names to their kinds (see ``space_kind``)."""

    def __init__(self, target: Target, spaces: dict[str, str]):
        self.target, self.spaces = target, spaces

    def convert(self, data: bytes) -> bytes:
        out: list[bytes] = []
        last = 0
        operands: list[tuple[int, int]] = []
        # The colour space of fill and stroke, saved and restored with q/Q as PDF does.
        space = {False: "gray", True: "gray"}
        saved: list[dict[bool, str]] = []
        converts = self.target.converts
        for start, end in tokens(data):
            token = data[start:end]
            replacement = None
            if token in _DEVICE_OPS and _DEVICE_OPS[token] in converts and operands:
                values = [data[s:e] for s, e in operands]
                stroke = token.isupper()
                replacement = (operands[0][0], self._emit(values, _DEVICE_OPS[token], stroke))
            elif token in _SET_SPACE and operands:
                stroke = _SET_SPACE[token]
                space[stroke] = self._kind(data[slice(*operands[-1])].decode("latin-1"))
                if space[stroke] in converts:
                    replacement = (operands[-1][0], self.target.space.encode() + b" " + token)
            elif token in _SET_COLOUR and space[_SET_COLOUR[token]] in converts:
                values = [data[s:e] for s, e in operands]
                if not values or any(v.startswith(b"/") for v in values):
                    raise ColourError(
                        "a pattern in a colour space handbill cannot convert; write the colour "
                        "in the stylesheet as #rrggbb"
                    )
                stroke = _SET_COLOUR[token]
                replacement = (operands[0][0], self._emit(values, space[stroke], stroke))
            elif token == b"q":
                saved.append(dict(space))
            elif token == b"Q" and saved:
                space = saved.pop()
            elif token in (b"BI", b"ID"):
                raise ColourError("an inline image, which handbill cannot convert")
            if replacement is not None:
                begin, text = replacement
                out += [data[last:begin], text]
                last = end
            if token[:1].isalpha() or token[:1] in (b"'", b'"'):
                operands = []
            else:
                operands.append((start, end))
        out.append(data[last:])
        return b"".join(out)

    def _emit(self, values: list[bytes], kind: str, stroke: bool) -> bytes:
        try:
            numbers = [float(v) for v in values]
        except ValueError:
            raise ColourError("a colour that is not a list of numbers") from None
        converted = self.target.colour(numbers, kind)
        op = b"k" if len(converted) == 4 else b"g"
        return b" ".join(_number(v) for v in converted) + b" " + (op.upper() if stroke else op)

    def _kind(self, name: str) -> str:
        if name in _DEVICE_SPACES:
            return _DEVICE_SPACES[name]
        return "pattern" if name == "/Pattern" else self.spaces.get(name, "unknown")


def space_kind(space: Any) -> str:
    """ "rgb", "cmyk", "gray", "lab-d50", "lab-d65", "pattern", "indexed" or the PDF name of
    another family of colour space."""
    space = space.get_object() if isinstance(space, IndirectObject) else space
    if isinstance(space, NameObject):
        return _DEVICE_SPACES.get(str(space), str(space))
    if isinstance(space, ArrayObject) and space:
        family = str(space[0])
        if family == "/ICCBased":
            components = int(space[1].get_object().get("/N", 0))
            return {1: "gray", 3: "rgb", 4: "cmyk"}.get(components, family)
        if family == "/Lab":
            white = space[1].get_object().get("/WhitePoint", [0.9642])
            return "lab-d65" if abs(float(white[0]) - 0.9505) < 0.005 else "lab-d50"
        return {
            "/CalRGB": "rgb",
            "/CalGray": "gray",
            "/Pattern": "pattern",
            "/Indexed": "indexed",
        }.get(family, family)
    return "unknown"
