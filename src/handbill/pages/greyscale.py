"""Greyscale PDFs: every colour the pages paint (text, shapes, SVG, gradients, images) as a grey."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
)

# The weights Pillow's "L" mode uses (ITU-R 601 luma), so that a shape drawn as vectors and
# the same colour in a photograph turn into the same grey.
WEIGHTS = (0.299, 0.587, 0.114)

# One token of a content stream: strings and comments are skipped whole (a colour operator's
# name inside a string is text, not an operator); dictionaries' << >> before hex strings' < >.
_TOKEN = re.compile(
    rb"(?P<string>\((?:\\.|[^\\()])*\))|(?P<dict><<|>>)|(?P<hex><[0-9A-Fa-f\s]*>)"
    rb"|(?P<comment>%[^\r\n]*)|(?P<name>/[^\s/\[\]<>(){}%]*)"
    rb"|(?P<number>[+-]?(?:\d+\.?\d*|\.\d+))|(?P<array>[\[\]{}])"
    rb"|(?P<op>[A-Za-z'\"*][A-Za-z0-9'\"*]*)|(?P<paren>[()])",
    re.DOTALL,
)
_FILL, _STROKE = (b"rg", b"k", b"sc", b"scn", b"cs"), (b"RG", b"K", b"SC", b"SCN", b"CS")


def grey_of(values: list[float], space: str = "rgb") -> float:
    """The grey (0 black, 1 white) of a colour in DeviceRGB, DeviceCMYK, DeviceGray or Lab."""
    if space == "lab":
        return min(max(values[0] / 100, 0.0), 1.0)
    if len(values) == 4:  # CMYK, as a printer's naive conversion does
        c, m, y, k = values
        values = [(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)]
    if len(values) == 3:
        return min(max(sum(w * v for w, v in zip(WEIGHTS, values, strict=True)), 0.0), 1.0)
    return values[0]


def _number(value: float) -> bytes:
    return f"{value:.4f}".rstrip("0").rstrip(".").encode() or b"0"


def grey_content(data: bytes, spaces: dict[str, str]) -> bytes:
    """A content stream with every colour operator rewritten as ``g``/``G``.

    ``spaces`` names the stream's colour spaces by kind ("lab", "pattern", "other"). Pattern
    colours are kept (their shadings are converted where they are defined).
    """
    out: list[bytes] = []
    operands: list[tuple[str, bytes]] = []
    start = last = 0
    # The colour space last chosen with cs/CS for fill and stroke, as q/Q save and restore it.
    current = {"fill": "gray", "stroke": "gray"}
    saved: list[dict[str, str]] = []
    for token in _TOKEN.finditer(data):
        kind, text = token.lastgroup or "", token.group()
        if kind == "comment":
            continue
        if kind != "op":
            if not operands:
                start = token.start()
            operands.append((kind, text))
            continue
        if not operands:
            start = token.start()
        replacement = _rewrite(text, operands, current, saved, spaces)
        if replacement is not None:
            out += [data[last:start], replacement]
            last = token.end()
        operands = []
    out.append(data[last:])
    return b"".join(out)


def _rewrite(
    op: bytes,
    operands: list[tuple[str, bytes]],
    current: dict[str, str],
    saved: list[dict[str, str]],
    spaces: dict[str, str],
) -> bytes | None:
    """What replaces one operator and its operands, or None to keep them."""
    if op == b"q":
        saved.append(dict(current))
    elif op == b"Q" and saved:
        current.update(saved.pop())
    if op not in _FILL + _STROKE:
        return None
    target = "fill" if op in _FILL else "stroke"
    grey_op = b"g" if target == "fill" else b"G"
    if op in (b"cs", b"CS"):
        name = operands[-1][1].decode("latin-1") if operands else ""
        kind = {"/DeviceRGB": "rgb", "/DeviceCMYK": "cmyk", "/DeviceGray": "gray"}.get(name)
        current[target] = kind or spaces.get(name, "other")
        if current[target] in ("pattern", "other"):
            return None
        return b""  # the next sc/scn becomes g/G, which chooses DeviceGray itself
    if any(kind != "number" for kind, _ in operands):
        return None  # a pattern colour: /P0 scn
    values = [float(text) for _, text in operands]
    if op in (b"sc", b"scn", b"SC", b"SCN"):
        space = current[target]
        if space in ("pattern", "other"):
            return None
        return _number(grey_of(values, space)) + b" " + grey_op
    return _number(grey_of(values)) + b" " + grey_op


def _space_kinds(resources: DictionaryObject | None) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for name, value in _entries(resources, "/ColorSpace"):
        family = value[0] if isinstance(value, ArrayObject) else value
        kinds[name] = {"/Lab": "lab", "/Pattern": "pattern"}.get(str(family), "other")
    kinds["/Pattern"] = "pattern"
    return kinds


def _entries(resources: DictionaryObject | None, key: str) -> Iterator[tuple[str, Any]]:
    if resources is None:
        return
    table = resources.get(key)
    if table is None:
        return
    for name, value in table.get_object().items():
        yield str(name), value.get_object()


class _Converter:
    """Walks pages and the resources they use, converting each object once."""

    def __init__(self) -> None:
        self.done: set[int] = set()

    def first_time(self, obj: Any) -> bool:
        if id(obj) in self.done:
            return False
        self.done.add(id(obj))
        return True

    def stream(self, stream: StreamObject, resources: DictionaryObject | None) -> None:
        if self.first_time(stream):
            stream.set_data(grey_content(stream.get_data(), _space_kinds(resources)))
        self.resources(resources)

    def resources(self, resources: DictionaryObject | None) -> None:
        if resources is None or not self.first_time(resources):
            return
        for _, xobject in _entries(resources, "/XObject"):
            if xobject.get("/Subtype") == "/Image":
                self.image(xobject)
            elif xobject.get("/Subtype") == "/Form":
                self.stream(xobject, _resolved(xobject.get("/Resources")))
        for _, pattern in _entries(resources, "/Pattern"):
            if pattern.get("/PatternType") == 1:
                self.stream(pattern, _resolved(pattern.get("/Resources")))
            elif "/Shading" in pattern:
                self.shading(pattern["/Shading"].get_object())
        for _, shading in _entries(resources, "/Shading"):
            self.shading(shading)

    def shading(self, shading: DictionaryObject) -> None:
        space = shading.get("/ColorSpace")
        if not self.first_time(shading) or space is None:
            return
        family = str(space[0] if isinstance(space, ArrayObject) else space)
        kind = {"/DeviceRGB": "rgb", "/DeviceCMYK": "cmyk", "/Lab": "lab"}.get(family)
        if kind is None:
            return
        shading[NameObject("/ColorSpace")] = NameObject("/DeviceGray")
        function = shading.get("/Function")
        if function is not None:
            self.function(function.get_object(), kind)

    def function(self, function: DictionaryObject, kind: str) -> None:
        """Exponential functions (type 2) hold their colours in C0 and C1; stitching ones
        (type 3) are made of others. Sampled ones (type 0) are not written by WeasyPrint."""
        if not self.first_time(function):
            return
        for key in ("/C0", "/C1"):
            if key in function:
                colour: Any = function[key].get_object()
                values = [float(v) for v in colour]
                function[NameObject(key)] = ArrayObject([FloatObject(grey_of(values, kind))])
        for part in function.get("/Functions", []):
            self.function(part.get_object(), kind)
        if "/Range" in function:
            function[NameObject("/Range")] = ArrayObject([FloatObject(0), FloatObject(1)])

    def image(self, image: StreamObject) -> None:
        space = image.get("/ColorSpace")
        if not self.first_time(image) or space == "/DeviceGray" or image.get("/ImageMask"):
            return
        decoded = image.decode_as_image()
        if decoded is None:
            return
        # The pixels as an 8-bit DeviceGray image of the same size (a soft mask, the image's
        # transparency, is a separate grey image and stays as it is).
        for key in ("/DecodeParms", "/Decode"):
            image.pop(NameObject(key), None)
        image[NameObject("/Filter")] = NameObject("/FlateDecode")
        image[NameObject("/ColorSpace")] = NameObject("/DeviceGray")
        image[NameObject("/BitsPerComponent")] = NumberObject(8)
        image.set_data(decoded.convert("L").tobytes())


def _resolved(value: Any) -> DictionaryObject | None:
    return None if value is None else value.get_object()


def greyscale_pdf(data: bytes) -> bytes:
    """The same PDF with every colour painted as a grey, tags, links and metadata kept."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    converter = _Converter()
    for page in writer.pages:
        resources = _resolved(page.get("/Resources"))
        contents = page.get("/Contents")
        streams = contents.get_object() if contents is not None else ArrayObject()
        for stream in streams if isinstance(streams, ArrayObject) else [streams]:
            converter.stream(stream.get_object(), resources)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
