"""Press PDFs preflighted as a print shop would: PDF/X keys, CMYK only, ink limit, solid black."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject, StreamObject

from handbill.check.findings import Finding
from handbill.kit.press import MAX_INK
from handbill.pages.colourops import ColourError, space_kind, tokens

# Text this size or smaller must be printed in black ink alone when it is black (see
# docs/printing.md): the strokes of 12 pt text are about 0.3 mm wide, less than the
# misregistration a press may have between plates.
SMALL_TEXT_PT = 12.0
_SHOW = {b"Tj", b"TJ", b"'", b'"'}


def pdfx_findings(entry: dict[str, Any], label: str, reader: PdfReader) -> list[Finding]:
    """Everything a PDF/X preflight would reject in one press PDF of the manifest."""
    version = {"4": "PDF/X-4", "1a": "PDF/X-1a:2003"}.get(entry.get("pdf_x") or "")
    if entry.get("mode") != "press" or version is None:
        return []
    problems = _keys(reader, version)
    seen: set[int] = set()
    for number, page in enumerate(reader.pages, start=1):
        problems += [(number, p) for p in _page(page, seen)]
        codes = [c for c in entry.get("qr_codes", []) if c.get("page") == number]
        if codes and "/TrimBox" in page:
            problems += [(number, p) for p in _qr_inks(page, codes)]
    return [Finding("error", label, "pdf", text, page=page or None) for page, text in problems]


_PAINT_FILL = {b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}
_PAINT_STROKE = {b"S", b"s", b"B", b"B*", b"b", b"b*"}
PT_PER_MM = 72 / 25.4


def _qr_inks(page: Any, codes: list[dict[str, Any]]) -> list[str]:
    """A QR code's modules in black ink alone: four inks blur its edges when the plates are out
    of register. Paths filled inside a code's square (the manifest's place, from the trim's
    top-left corner) are read with the transformation matrix that places them."""
    trim = page.trimbox
    squares = []
    for code in codes:
        left = float(trim.left) + code["x_mm"] * PT_PER_MM
        top = float(trim.top) - code["y_mm"] * PT_PER_MM
        size = code["width_mm"] * PT_PER_MM
        squares.append((left + 0.5, top - size + 0.5, left + size - 0.5, top - 0.5))
    contents = page.get_contents()
    data = contents.get_data() if contents is not None else b""
    matrix, saved = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), []
    fill: tuple[float, ...] = (0.0,)
    stroke: tuple[float, ...] = (0.0,)
    points: list[tuple[float, float]] = []
    operands: list[bytes] = []
    try:
        for start, end in tokens(data):
            token = data[start:end]
            numbers = list(_floats(operands))
            if token == b"cm" and len(numbers) >= 6:
                matrix = _times(tuple(numbers[-6:]), matrix)
            elif token == b"q":
                saved.append(matrix)
            elif token == b"Q" and saved:
                matrix = saved.pop()
            elif token in (b"k", b"g") and numbers:
                fill = tuple(numbers)
            elif token in (b"K", b"G") and numbers:
                stroke = tuple(numbers)
            elif token in (b"m", b"l") and len(numbers) >= 2:
                points.append(_apply(matrix, numbers[-2], numbers[-1]))
            elif token == b"re" and len(numbers) >= 4:
                x, y, w, h = numbers[-4:]
                points += [_apply(matrix, x + w / 2, y + h / 2)]
            elif token in _PAINT_FILL or token in _PAINT_STROKE or token == b"n":
                inside = any(
                    x0 <= x <= x1 and y0 <= y <= y1 for x, y in points for x0, y0, x1, y1 in squares
                )
                used = [fill] if token in _PAINT_FILL else []
                used += [stroke] if token in _PAINT_STROKE else []
                if inside and any(len(c) == 4 and sum(c[:3]) > 0.001 for c in used):
                    return ["a QR code is printed in four inks: its modules must be black alone"]
                points = []
            operands = [] if token[:1].isalpha() or token in _SHOW else [*operands, token]
    except ColourError as exc:
        return [exc.reason]
    return []


def _times(
    m: tuple[float, ...], n: tuple[float, ...]
) -> tuple[float, float, float, float, float, float]:
    """The matrix m then n (PDF's cm: the new matrix is m times the current one)."""
    a, b, c, d, e, f = m
    return (
        a * n[0] + b * n[2],
        a * n[1] + b * n[3],
        c * n[0] + d * n[2],
        c * n[1] + d * n[3],
        e * n[0] + f * n[2] + n[4],
        e * n[1] + f * n[3] + n[5],
    )


def _apply(m: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _keys(reader: PdfReader, version: str) -> list[tuple[int, str]]:
    again = f"; build it again with --mode press --pdf-x {version[6:8].lower().rstrip(':')}"
    root: Any = reader.trailer["/Root"]
    intents = [i.get_object() for i in root.get("/OutputIntents", [])]
    intent = next((i for i in intents if i.get("/S") == "/GTS_PDFX"), None)
    problems = []
    if intent is None or "/DestOutputProfile" not in intent:
        problems.append("no PDF/X output intent with the printer's ICC profile" + again)
    elif int(intent["/DestOutputProfile"].get_object().get("/N", 0)) != 4:
        problems.append("the output intent's profile is not a CMYK profile" + again)
    info: Any = reader.metadata or {}
    if info.get("/GTS_PDFXVersion") != version:
        problems.append(f"GTS_PDFXVersion is not {version}" + again)
    if info.get("/Trapped") not in ("/False", "/True"):
        problems.append("no /Trapped key (PDF/X asks whether the file is trapped)" + again)
    metadata = root.get("/Metadata")
    xmp = metadata.get_object().get_data() if metadata is not None else b""
    if f'GTS_PDFXVersion="{version}"'.encode() not in xmp:
        problems.append("the XMP metadata does not name the PDF/X version" + again)
    return [(0, p) for p in problems]


def _page(page: Any, seen: set[int]) -> list[str]:
    problems = []
    if "/TrimBox" not in page or "/BleedBox" not in page:
        problems.append("no TrimBox or BleedBox")
    group = _get(page, "/Group")
    if isinstance(group, DictionaryObject) and space_kind(group.get("/CS")) not in ("cmyk", "gray"):
        problems.append("a transparency group blends in RGB")
    contents = page.get_contents()
    streams = [(contents.get_data() if contents is not None else b"", _get(page, "/Resources"))]
    for data, resources in streams:
        streams += list(_inner(resources, seen))
        problems += _drawing(data, resources)
    for image in _images(page, seen):
        problems += _image(image)
    return list(dict.fromkeys(problems))


def _drawing(data: bytes, resources: Any) -> list[str]:
    """RGB operators, ink over the limit, and small black text in four inks."""
    problems = []
    operands: list[bytes] = []
    fill: tuple[float, ...] = (0.0,)
    size = 12.0
    # The text's printed size: its Tf size scaled by the text matrix and the page's transform.
    scale, text_scale, saved = 1.0, 1.0, []
    spaces = _get(resources, "/ColorSpace")
    try:
        for start, end in tokens(data):
            token = data[start:end]
            if token in (b"rg", b"RG"):
                problems.append("RGB colour in the drawing (rg/RG)")
            elif token in (b"cs", b"CS") and operands:
                name = operands[-1].decode("latin-1")
                kind = space_kind(spaces.get(name)) if isinstance(spaces, DictionaryObject) else ""
                if name == "/DeviceRGB" or kind == "rgb" or kind.startswith("lab"):
                    problems.append(f"colour space {name} is not CMYK")
            elif token in (b"k", b"K", b"g", b"G", b"sc", b"scn") and operands:
                values = tuple(_floats(operands))
                if token in (b"k", b"K") and sum(values) * 100 > MAX_INK + 0.5:
                    problems.append(f"ink coverage {sum(values) * 100:.0f} % is over {MAX_INK:g} %")
                if token in (b"k", b"g", b"sc", b"scn"):
                    fill = values
            elif token == b"Tf" and operands:
                size = abs(float(operands[-1]))
            elif token in (b"cm", b"Tm") and len(operands) >= 6:
                a, b, c, d = (float(v) for v in operands[-6:-2])
                factor = abs(a * d - b * c) ** 0.5
                if token == b"cm":
                    scale *= factor
                else:
                    text_scale = factor
            elif token == b"q":
                saved.append(scale)
            elif token == b"Q" and saved:
                scale = saved.pop()
            elif token in _SHOW and _rich_black(fill):
                printed = size * scale * text_scale
                if printed <= SMALL_TEXT_PT:
                    problems.append(
                        f"black text of {printed:.1f} pt in four inks; text under "
                        f"{SMALL_TEXT_PT:g} pt must be 100 % black (K) alone"
                    )
            operands = [] if token[:1].isalpha() or token in _SHOW else [*operands, token]
    except ColourError as exc:
        problems.append(exc.reason)
    return problems


def _rich_black(fill: tuple[float, ...]) -> bool:
    return len(fill) == 4 and fill[3] >= 0.8 and sum(fill[:3]) > 0.05


def _floats(operands: list[bytes]) -> Iterator[float]:
    for operand in operands:
        try:
            yield float(operand)
        except ValueError:
            continue


def _inner(resources: Any, seen: set[int]) -> Iterator[tuple[bytes, Any]]:
    """The drawings inside forms, tiling patterns and soft masks, each once."""
    for key in ("/XObject", "/Pattern"):
        table = _get(resources, key)
        for ref in table.values() if isinstance(table, DictionaryObject) else ():
            obj = ref.get_object()
            if (
                isinstance(obj, StreamObject)
                and obj.get("/Subtype") != "/Image"
                and _once(ref, seen)
            ):
                yield obj.get_data(), _get(obj, "/Resources")
    states = _get(resources, "/ExtGState")
    for ref in states.values() if isinstance(states, DictionaryObject) else ():
        mask = _get(ref.get_object(), "/SMask")
        if isinstance(mask, DictionaryObject) and _once(mask, seen):
            group: Any = mask["/G"].get_object()
            yield group.get_data(), _get(group, "/Resources")


def _images(page: Any, seen: set[int]) -> Iterator[Any]:
    stack = [_get(page, "/Resources")]
    while stack:
        table = _get(stack.pop(), "/XObject")
        for ref in table.values() if isinstance(table, DictionaryObject) else ():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image" and _once(ref, ("image", seen)):
                yield obj
            elif obj.get("/Subtype") == "/Form":
                stack.append(_get(obj, "/Resources"))


def _image(image: Any) -> list[str]:
    if image.get("/ImageMask"):
        return []
    kind = space_kind(_get(image, "/ColorSpace"))
    if kind == "indexed":
        kind = space_kind(_get(image, "/ColorSpace")[1])
    if kind not in ("cmyk", "gray"):
        return [f"an image in {kind.lstrip('/').upper()}, not CMYK"]
    if kind == "cmyk":
        from PIL import ImageChops

        picture = image.decode_as_image()
        if picture.mode == "CMYK":
            c, m, y, k = picture.split()
            quarter = ImageChops.add(ImageChops.add(c, m, 2), ImageChops.add(y, k, 2), 2)
            ink = quarter.getextrema()[1] * 400 / 255  # type: ignore[operator]
            if ink > MAX_INK + 2:
                return [f"an image has ink coverage of {ink:.0f} %, over {MAX_INK:g} %"]
    return []


def _once(obj: Any, seen: Any) -> bool:
    kind, store = seen if isinstance(seen, tuple) else ("", seen)
    key = hash((kind, obj.idnum if isinstance(obj, IndirectObject) else id(obj)))
    if key in store:
        return False
    store.add(key)
    return True


def _get(obj: Any, key: str) -> Any:
    value = obj.get(key) if isinstance(obj, DictionaryObject) else None
    return value.get_object() if isinstance(value, IndirectObject) else value
