"""PDF/X for print shops: CMYK pages, the output intent with its ICC profile, and the PDF/X keys."""

from __future__ import annotations

import hashlib
import io
import os
import time
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from handbill.kit.press import PrintSettings, cmyk_profile_name
from handbill.pages.colourops import ColourError, tokens
from handbill.pages.greyscale import Grey
from handbill.pages.inks import Inks
from handbill.pages.separation import convert_colours, new_stream

VERSIONS = {"4": ("PDF/X-4", b"%PDF-1.6"), "1a": ("PDF/X-1a:2003", b"%PDF-1.4")}
REGISTRY = "http://www.color.org"
_XMP_NAMESPACES = (
    'xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" '
    'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"'
)


def make_pdfx(data: bytes, printing: PrintSettings, inks: Inks, label: str) -> bytes:
    """The press PDF in CMYK as PDF/X-4 or PDF/X-1a (``printing.pdf_x``), or ``data`` as it is."""
    if printing.pdf_x not in VERSIONS:
        return data
    version, header = VERSIONS[printing.pdf_x]
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    try:
        convert_colours(writer, inks, Grey())
    except ColourError as exc:
        raise ColourError(f"{label}: {exc.reason}") from None
    if printing.pdf_x == "1a":
        for page in writer.pages:
            _drop_invisible(writer, page)
        _no_transparency(writer, label)
    for page in writer.pages:
        # Links do nothing on paper, and PDF/X allows no annotations inside the bleed.
        if "/Annots" in page:
            del page["/Annots"]
    _output_intent(writer, printing, inks.profile)
    identifier = hashlib.sha256(data).digest()[:16]
    writer._ID = ArrayObject([ByteStringObject(identifier), ByteStringObject(identifier)])
    date = _date()
    writer.add_metadata(
        {
            "/GTS_PDFXVersion": version,
            **({"/GTS_PDFXConformance": version} if printing.pdf_x == "1a" else {}),
            "/CreationDate": date[0],
            "/ModDate": date[0],
        }
    )
    info = writer._info.get_object() if writer._info is not None else None
    if isinstance(info, DictionaryObject):
        info[NameObject("/Trapped")] = NameObject("/False")
    _xmp(writer, version, date[1], identifier.hex())
    writer.pdf_header = header
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _output_intent(writer: PdfWriter, printing: PrintSettings, profile: bytes) -> None:
    stream = new_stream(profile)
    stream[NameObject("/N")] = NumberObject(4)
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFX"),
            NameObject("/OutputConditionIdentifier"): TextStringObject(printing.output_condition),
            NameObject("/RegistryName"): TextStringObject(REGISTRY),
            NameObject("/Info"): TextStringObject(cmyk_profile_name(profile)),
            NameObject("/DestOutputProfile"): writer._add_object(stream),
        }
    )
    writer._root_object[NameObject("/OutputIntents")] = ArrayObject([intent])


_FILLS = {b"f": b"n", b"F": b"n", b"f*": b"n", b"B": b"S", b"B*": b"S", b"b": b"s", b"b*": b"s"}


def _drop_invisible(writer: PdfWriter, page: Any) -> None:
    """Paint with a fill opacity of 0 shows nothing (e.g. the transparent sides of a CSS border
    triangle): drop it, so that PDF/X-1a, which has no opacity at all, is not refused for it."""
    states = page.get("/Resources", {}).get_object().get("/ExtGState", {}).get_object()
    clear = {
        name.encode()
        for name, state in states.items()
        if float(state.get_object().get("/ca", 1)) == 0
        and float(state.get_object().get("/CA", 1)) == 1
        and state.get_object().get("/SMask", "/None") == "/None"
    }
    if not clear:
        return
    data = page.get_contents().get_data()
    out, last, invisible, saved, previous = [], 0, False, [], b""
    for start, end in tokens(data):
        token = data[start:end]
        replacement = None
        if token == b"gs":
            invisible = previous in clear
            if invisible:
                out.append(data[last : start - len(previous) - 1])
                last = end
        elif token == b"q":
            saved.append(invisible)
        elif token == b"Q" and saved:
            invisible = saved.pop()
        elif invisible and token in _FILLS:
            replacement = _FILLS[token]
        elif invisible and token in (b"Tj", b"TJ", b"'", b'"', b"Do", b"sh"):
            return  # text or an image under it: left for the check below to report
        if replacement is not None:
            out += [data[last:start], replacement]
            last = end
        previous = token
    out.append(data[last:])
    page[NameObject("/Contents")] = writer._add_object(new_stream(b"".join(out)))
    for name in clear:
        del states[name.decode()]


def _no_transparency(writer: PdfWriter, label: str) -> None:
    """PDF/X-1a has no transparency: say what to change rather than write an invalid file."""
    for number, page in enumerate(writer.pages, 1):
        resources = page.get("/Resources", {}).get_object()
        states = resources.get("/ExtGState", {}).get_object()
        for state in states.values():
            state = state.get_object()
            soft = state.get("/SMask", "/None")
            if soft != "/None" or float(state.get("/ca", 1)) < 1 or float(state.get("/CA", 1)) < 1:
                raise ColourError(
                    f"{label} page {number} has see-through parts (opacity, rgba() colours or "
                    "a PNG with transparency), which PDF/X-1a cannot hold; build with "
                    "--pdf-x 4 (most shops take it), or make those parts opaque"
                )


def _date() -> tuple[str, str]:
    """The PDF and XMP forms of the creation date PDF/X requires: SOURCE_DATE_EPOCH if set, so
    that press files can be reproduced byte for byte, else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = int(epoch) if epoch.isdigit() else int(time.time())
    moment = time.gmtime(seconds)
    return (
        time.strftime("D:%Y%m%d%H%M%SZ", moment),
        time.strftime("%Y-%m-%dT%H:%M:%SZ", moment),
    )


def _xmp(writer: PdfWriter, version: str, date: str, identifier: str) -> None:
    """The XMP metadata carries the PDF/X version, dates and trapping too."""
    root = writer._root_object
    existing = root.get("/Metadata")
    text = existing.get_object().get_data().decode("utf-8") if existing else ""
    if "</rdf:RDF>" not in text:
        text = (
            '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF></x:xmpmeta>\n'
            '<?xpacket end="r"?>'
        )
    uuid = "-".join(identifier[a:b] for a, b in ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32)))
    description = (
        f'<rdf:Description rdf:about="" {_XMP_NAMESPACES} '
        f'pdfxid:GTS_PDFXVersion="{version}" xmp:CreateDate="{date}" xmp:ModifyDate="{date}" '
        f'xmp:MetadataDate="{date}" pdf:Trapped="False" xmpMM:DocumentID="uuid:{uuid}" '
        f'xmpMM:VersionID="1" xmpMM:RenditionClass="default" />'
    )
    text = text.replace("</rdf:RDF>", description + "</rdf:RDF>", 1)
    stream = StreamObject()
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    StreamObject.set_data(stream, text.encode("utf-8"))  # uncompressed, as PDF/X-4 asks
    root[NameObject("/Metadata")] = writer._add_object(stream)
