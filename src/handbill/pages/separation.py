"""Convert a whole PDF to CMYK: pages, forms, patterns, gradients, images, groups and masks."""

from __future__ import annotations

import zlib
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    EncodedStreamObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)

from handbill.pages.cmyk import ColourError, StreamConverter, rgb_in, space_kind
from handbill.pages.inks import RGB8, Inks

CONVERTED = ("rgb", "lab")


def to_cmyk(writer: PdfWriter, inks: Inks) -> None:
    """Every colour of every page in the profile's CMYK (soft masks in grey); in place."""
    Separation(inks).document(writer)


class Separation:
    """One walk through a document; each shared object is converted once."""

    def __init__(self, inks: Inks):
        self.inks = inks
        self.done: set[int] = set()
        self.space_tables: list[DictionaryObject] = []

    def document(self, writer: PdfWriter) -> None:
        pages = list(writer.pages)
        # All page colours through the profile at once (one littleCMS pass, see inks.py).
        self.inks.prepare(c for page in pages for c in rgb_in(_contents(page)))
        for page in pages:
            resources = _get(page, "/Resources")
            spaces = self.resources(resources, grey=False)
            data = StreamConverter(self.inks, spaces).convert(_contents(page))
            page[NameObject("/Contents")] = writer._add_object(new_stream(data))
            _group_to(page, "/DeviceCMYK")
        for table in self.space_tables:  # names no longer drawn with, now every use is CMYK
            for name in [n for n, s in table.items() if space_kind(s) in CONVERTED]:
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
        _group_to(form, "/DeviceGray" if grey else "/DeviceCMYK")

    def _rewrite(self, stream: Any, spaces: dict[str, str], grey: bool) -> None:
        data = stream.get_data()
        self.inks.prepare(rgb_in(data))
        set_stream_data(stream, StreamConverter(self.inks, spaces, grey).convert(data))

    def xobject(self, xobject: Any, grey: bool, name: str) -> None:
        if xobject.get("/Subtype") == "/Form":
            self.form(xobject, grey)
        elif xobject.get("/Subtype") == "/Image" and not xobject.get("/ImageMask"):
            self.image(xobject, name)

    def image(self, image: Any, name: str) -> None:
        space = _get(image, "/ColorSpace")
        kind = space_kind(space)
        if kind in ("gray", "cmyk"):
            return
        if kind == "indexed" and space_kind(space[1]) == "rgb":
            image[NameObject("/ColorSpace")] = self._indexed(space)
            return
        if kind != "rgb":
            raise ColourError(
                f"image {name} is in a colour space handbill cannot convert to CMYK "
                f"({kind.lstrip('/')}); save it as an RGB, greyscale or CMYK JPEG or PNG"
            )
        source = None
        if isinstance(space, ArrayObject) and str(space[0]) == "/ICCBased":
            source = space[1].get_object().get_data()
        picture = image.decode_as_image()
        converted = self.inks.convert_image(picture, source)
        for key in ("/Decode", "/DecodeParms"):
            if key in image:
                del image[key]
        set_stream_data(image, converted.tobytes())
        image[NameObject("/ColorSpace")] = NameObject("/DeviceCMYK")
        image[NameObject("/BitsPerComponent")] = NumberObject(8)

    def _indexed(self, space: ArrayObject) -> ArrayObject:
        from PIL import Image

        table = space[3].get_object()
        raw = table.get_data() if isinstance(table, StreamObject) else bytes(table)
        count = len(raw) // 3
        palette = Image.frombytes("RGB", (count, 1), raw[: count * 3])
        inks = self.inks.convert_image(palette).tobytes()
        return ArrayObject(
            [NameObject("/Indexed"), NameObject("/DeviceCMYK"), space[2], ByteStringObject(inks)]
        )

    def shading(self, shading: Any, grey: bool) -> None:
        if space_kind(_get(shading, "/ColorSpace")) not in CONVERTED:
            return
        if shading.get("/ShadingType") not in (1, 2, 3):
            raise ColourError(
                "a mesh gradient, which handbill cannot convert to CMYK; use linear or radial "
                "gradients"
            )
        self.function(_get(shading, "/Function"), grey)
        if "/Background" in shading:
            shading[NameObject("/Background")] = self._values(shading["/Background"], grey)
        shading[NameObject("/ColorSpace")] = NameObject("/DeviceGray" if grey else "/DeviceCMYK")

    def function(self, function: Any, grey: bool) -> None:
        if isinstance(function, ArrayObject):
            for part in function:
                self.function(part.get_object(), grey)
            return
        kind = function.get("/FunctionType")
        if kind == 3:
            for part in _get(function, "/Functions"):
                self.function(part.get_object(), grey)
        elif kind == 2:
            for key, default in (("/C0", [0.0, 0.0, 0.0]), ("/C1", [1.0, 1.0, 1.0])):
                function[NameObject(key)] = self._values(function.get(key, default), grey)
            if "/Range" in function:
                del function["/Range"]
        else:
            raise ColourError(
                "a gradient drawn with sampled colours, which handbill cannot convert to CMYK"
            )

    def _values(self, values: Any, grey: bool) -> ArrayObject:
        r, g, b = (float(v) for v in values)
        rgb: RGB8 = (round(r * 255), round(g * 255), round(b * 255))
        if grey:
            return ArrayObject([FloatObject(round(0.3 * r + 0.59 * g + 0.11 * b, 4))])
        return ArrayObject(FloatObject(v) for v in self.inks.cmyk(rgb))


def _get(obj: Any, key: str) -> Any:
    value = obj.get(key) if isinstance(obj, DictionaryObject) else None
    return value.get_object() if isinstance(value, IndirectObject) else value


def _items(obj: Any, key: str) -> list[tuple[str, Any]]:
    table = _get(obj, key)
    return [(str(k), v) for k, v in table.items()] if isinstance(table, DictionaryObject) else []


def _contents(page: Any) -> bytes:
    contents = page.get_contents()
    return contents.get_data() if contents is not None else b""


def _group_to(obj: Any, space: str) -> None:
    group = _get(obj, "/Group")
    if isinstance(group, DictionaryObject) and space_kind(group.get("/CS")) in CONVERTED:
        group[NameObject("/CS")] = NameObject(space)


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
