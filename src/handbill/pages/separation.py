"""Convert every colour of a PDF for a target (CMYK inks or greys): pages, forms, patterns,
gradients, images, groups and soft masks."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    EncodedStreamObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)

from handbill.pages.colourops import ColourError, StreamConverter, Target, rgb_in, space_kind


def convert_colours(writer: PdfWriter, target: Target, masks: Target) -> None:
    """Every colour of every page for ``target``, soft masks (a shape's opacity, not ink) for
    ``masks``; in place."""
    Separation(target, masks).document(writer)


class Separation:
    """One walk through a document; each shared object is converted once."""

    def __init__(self, target: Target, masks: Target):
        self.targets = {False: target, True: masks}
        self.done: set[int] = set()
        self.space_tables: list[DictionaryObject] = []

    def document(self, writer: PdfWriter) -> None:
        pages = list(writer.pages)
        target = self.targets[False]
        # All page colours at once (for CMYK, one littleCMS pass: see inks.py).
        target.prepare(c for page in pages for c in rgb_in(_contents(page)))
        for page in pages:
            resources = _get(page, "/Resources")
            spaces = self.resources(resources, grey=False)
            data = StreamConverter(target, spaces).convert(_contents(page))
            page[NameObject("/Contents")] = writer._add_object(new_stream(data))
            self._group(page, grey=False)
        for table in self.space_tables:  # names no longer drawn with: every use is converted
            for name in [n for n, s in table.items() if space_kind(s) in target.converts]:
                del table[name]

    def _first(self, obj: Any) -> bool:
        key = obj.idnum if isinstance(obj, IndirectObject) else id(obj)
        if key in self.done:
            return False
        self.done.add(key)
        return True

    def resources(self, resources: Any, grey: bool) -> dict[str, str]:
        """Convert what a resource dictionary holds; the kinds of its colour space names."""
        if not isinstance(resources, DictionaryObject):
            return {}
        table = _get(resources, "/ColorSpace")
        spaces: dict[str, str] = {}
        if isinstance(table, DictionaryObject):
            spaces = {str(name): space_kind(space) for name, space in table.items()}
            self.space_tables.append(table)
        for name, ref in _items(resources, "/XObject"):
            if self._first(ref):
                self.xobject(ref.get_object(), grey, name)
        for _, ref in _items(resources, "/Shading"):
            if self._first(ref):
                self.shading(ref.get_object(), grey)
        for _, ref in _items(resources, "/Pattern"):
            if self._first(ref):
                pattern = ref.get_object()
                if pattern.get("/PatternType") == 2:
                    self.shading(_get(pattern, "/Shading"), grey)
                else:
                    self.form(pattern, grey)
        for _, ref in _items(resources, "/ExtGState"):
            mask = _get(ref.get_object(), "/SMask")
            if isinstance(mask, DictionaryObject) and self._first(mask):
                self.form(_get(mask, "/G"), grey=True)
                if "/BC" in mask:
                    mask[NameObject("/BC")] = ArrayObject([FloatObject(0)])
        for _, ref in _items(resources, "/Font"):
            font = ref.get_object()
            if font.get("/Subtype") == "/Type3" and self._first(ref):
                inner = self.resources(_get(font, "/Resources"), grey)
                for _, proc in _items(font, "/CharProcs"):
                    self._rewrite(proc.get_object(), inner, grey)
        return spaces

    def form(self, form: Any, grey: bool) -> None:
        spaces = self.resources(_get(form, "/Resources"), grey)
        self._rewrite(form, spaces, grey)
        self._group(form, grey)

    def _group(self, obj: Any, grey: bool) -> None:
        """A transparency group blends in the target's space."""
        group = _get(obj, "/Group")
        target = self.targets[grey]
        if isinstance(group, DictionaryObject) and space_kind(group.get("/CS")) in target.converts:
            group[NameObject("/CS")] = NameObject(target.space)

    def _rewrite(self, stream: Any, spaces: dict[str, str], grey: bool) -> None:
        data = stream.get_data()
        self.targets[grey].prepare(rgb_in(data))
        set_stream_data(stream, StreamConverter(self.targets[grey], spaces).convert(data))

    def xobject(self, xobject: Any, grey: bool, name: str) -> None:
        if xobject.get("/Subtype") == "/Form":
            self.form(xobject, grey)
        elif xobject.get("/Subtype") == "/Image" and not xobject.get("/ImageMask"):
            self.image(xobject, name, grey)

    def image(self, image: Any, name: str, grey: bool) -> None:
        target = self.targets[grey]
        space = _get(image, "/ColorSpace")
        kind = space_kind(space)
        base = space_kind(space[1]) if kind == "indexed" else kind
        if base not in target.converts:
            if base in ("gray", "cmyk", "rgb"):
                return  # already in a space the target keeps
            raise ColourError(
                f"image {name} is in a colour space handbill cannot convert "
                f"({base.lstrip('/')}); save it as an RGB, greyscale or CMYK JPEG or PNG"
            )
        source = None
        if isinstance(space, ArrayObject) and str(space[0]) == "/ICCBased":
            source = space[1].get_object().get_data()
        picture = target.picture(_decoded(image, name), source)
        for key in ("/Decode", "/DecodeParms"):
            if key in image:
                del image[key]
        set_stream_data(image, picture.tobytes())
        image[NameObject("/ColorSpace")] = NameObject(target.space)
        image[NameObject("/BitsPerComponent")] = NumberObject(8)

    def shading(self, shading: Any, grey: bool) -> None:
        target = self.targets[grey]
        kind = space_kind(_get(shading, "/ColorSpace"))
        if kind not in target.converts:
            return
        if shading.get("/ShadingType") not in (1, 2, 3):
            raise ColourError(
                "a mesh gradient, which handbill cannot convert; use linear or radial gradients"
            )
        self.function(_get(shading, "/Function"), target, kind)
        if "/Background" in shading:
            shading[NameObject("/Background")] = _numbers(
                target.colour([float(v) for v in shading["/Background"]], kind)
            )
        shading[NameObject("/ColorSpace")] = NameObject(target.space)

    def function(self, function: Any, target: Target, kind: str) -> None:
        if isinstance(function, ArrayObject):
            for part in function:
                self.function(part.get_object(), target, kind)
            return
        if not self._first(function):
            return
        if function.get("/FunctionType") == 3:
            for part in _get(function, "/Functions"):
                self.function(part.get_object(), target, kind)
        elif function.get("/FunctionType") == 2:
            # C0 and C1 default to black and white in a one-value space only.
            for key in ("/C0", "/C1"):
                values = [float(v) for v in function.get(key, [])]
                function[NameObject(key)] = _numbers(target.colour(values, kind))
            if "/Range" in function:
                del function["/Range"]
        else:
            raise ColourError(
                "a gradient drawn with sampled colours, which handbill cannot convert"
            )


def _decoded(image: Any, name: str) -> Any:
    """An image XObject as a Pillow image.

    WeasyPrint writes some PNGs (16-bit greys, made RGB) with a PNG predictor whose /Colors
    is missing, which pypdf cannot read back; their data is a PNG's image data all the same,
    so Pillow reads it wrapped in a PNG of the right kind.
    """
    try:
        return image.decode_as_image()
    except Exception:  # pypdf reports undecodable data in many ways
        return _from_png_data(image, name)


def _from_png_data(image: Any, name: str) -> Any:
    """A Flate image with a PNG predictor, read as the PNG its data is."""
    parameters = _get(image, "/DecodeParms")
    components = {"gray": 1, "rgb": 3}.get(space_kind(_get(image, "/ColorSpace")), 0)
    depth = int(image.get("/BitsPerComponent", 8))
    predicted = (
        isinstance(parameters, DictionaryObject) and int(parameters.get("/Predictor", 1)) >= 10
    )
    if (
        image.get("/Filter") != "/FlateDecode"
        or not predicted
        or not components
        or depth not in (8, 16)
    ):
        raise ColourError(
            f"image {name} could not be read back to convert its colours; save it again as "
            "an 8-bit RGB PNG or a JPEG"
        )
    from PIL import Image

    header = struct.pack(
        ">IIBBBBB",
        int(image["/Width"]),
        int(image["/Height"]),
        depth,
        2 if components == 3 else 0,
        0,
        0,
        0,
    )
    png = (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", image._data)
        + _chunk(b"IEND", b"")
    )
    try:
        with Image.open(io.BytesIO(png)) as picture:
            return picture.convert("RGB" if components == 3 else "L")
    except (OSError, ValueError, SyntaxError):
        raise ColourError(
            f"image {name} could not be read back to convert its colours; save it again as "
            "an 8-bit RGB PNG or a JPEG"
        ) from None


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _numbers(values: tuple[float, ...]) -> ArrayObject:
    return ArrayObject(FloatObject(v) for v in values)


def _get(obj: Any, key: str) -> Any:
    value = obj.get(key) if isinstance(obj, DictionaryObject) else None
    return value.get_object() if isinstance(value, IndirectObject) else value


def _items(obj: Any, key: str) -> list[tuple[str, Any]]:
    table = _get(obj, key)
    return [(str(k), v) for k, v in table.items()] if isinstance(table, DictionaryObject) else []


def _contents(page: Any) -> bytes:
    contents = page.get_contents()
    return contents.get_data() if contents is not None else b""


def set_stream_data(stream: Any, data: bytes) -> None:
    """Give a stream new decoded content, stored compressed (whatever filter it had), so that
    ``get_data`` reads the new content back and the file holds it compressed."""
    for key in ("/Filter", "/DecodeParms"):
        if key in stream:
            del stream[key]
    if not isinstance(stream, EncodedStreamObject):
        stream.set_data(data)  # a stream the file held uncompressed stays so
        return
    decoded = DecodedStreamObject()
    decoded.set_data(data)
    decoded.update({k: v for k, v in stream.items() if k != "/Length"})
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    StreamObject.set_data(stream, zlib.compress(data, 6))
    stream.decoded_self = decoded


def new_stream(data: bytes) -> EncodedStreamObject:
    """A new compressed stream holding ``data``."""
    decoded = DecodedStreamObject()
    decoded.set_data(data)
    encoded = decoded.flate_encode(6)
    encoded.decoded_self = decoded
    return encoded
