"""The joiner's reader (pages/plainobjects.py): objects parsed as pypdf parses them."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from handbill.pages.concat import _dump, concatenate
from handbill.pages.plainobjects import PlainObjectsReader


def _pdf(bodies: list[bytes]) -> bytes:
    """A PDF whose objects 1, 2, ... are ``bodies``, with a plain cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    start = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    size = len(bodies) + 1
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, start))
    return out.getvalue()


def _shape(value: Any) -> Any:
    """``value`` as comparable data: each object's type, its bytes as the joiner writes them,
    and a stream's data."""
    out: list[bytes] = []
    _dump(value, out, {})
    return type(value).__name__, b"".join(out), getattr(value, "_data", None)


def _both(data: bytes) -> tuple[list[Any], list[Any], int]:
    """Every object of ``data`` read by pypdf and by the plain-objects reader, and how many
    times the latter left a plain object or a whole object stream to pypdf."""
    theirs, ours = PdfReader(io.BytesIO(data)), PlainObjectsReader(io.BytesIO(data))
    left = 0
    parent_get, parent_batch = PdfReader.get_object, PdfReader._get_object_from_stream

    def counted(self: Any, ref: Any) -> Any:
        nonlocal left
        left += getattr(ref, "idnum", ref) not in self.xref_objStm
        return parent_get(self, ref)

    def batch(self: Any, ref: Any) -> Any:
        nonlocal left
        left += 1
        return parent_batch(self, ref)

    numbers = sorted({n for table in theirs.xref.values() for n in table} | set(theirs.xref_objStm))
    expected = [_shape(theirs.get_object(n)) for n in numbers]
    PdfReader.get_object = counted  # type: ignore[method-assign]
    PdfReader._get_object_from_stream = batch  # type: ignore[method-assign]
    try:
        found = [_shape(ours.get_object(n)) for n in numbers]
    finally:
        PdfReader.get_object = parent_get  # type: ignore[method-assign]
        PdfReader._get_object_from_stream = parent_batch  # type: ignore[method-assign]
    return expected, found, left


EDGES = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Kids [3 0 R 4 0 R] /Count 2 /Box [0 0 595.275591 841.889764] /N -3 /F +.5 >>",
    b"[1 2 0 R /A [true false null] << /In [ ] >> -0.25 7]",
    b"<< /Length 5 >>\nstream\nhello\nendstream",
    b"<< /Length 8 0 R /Filter /FlateDecode >>\nstream\r\nab\ncd\r\nendstream",
    b"<< /Length 3 >>stream\nabcdef\nendstream",  # /Length too short: pypdf's rules
    b"<< /Title (a string \\) here) /A#20b /Name#23 >>",  # strings and escapes: pypdf's
    b"<< /A 1 % a comment\n /B 2 >>",
    b"<< /A 1 /A 2 >>",  # a key twice
    b"42",
    b"<</Tight/Name/N 1 0 R/X[1 2]>>",
    b"<< /R 12 0 Rx >>",  # not a reference
    b"[" * 70 + b"]" * 70,  # nested deeper than parsed here
]


def test_objects_come_out_as_pypdfs() -> None:
    expected, found, left = _both(_pdf([*EDGES[:7], b"5", *EDGES[7:]]))
    assert found == expected
    # The strings, escapes, comments, repeated keys, the short stream, the word that is not a
    # reference's R and the deep nesting were left to pypdf.
    assert left == 6


def test_a_joined_pdf_is_read_as_pypdf_reads_it(tmp_path: Path) -> None:
    made = tmp_path / "in.pdf"
    HTML(string="<p>Siân <a href='https://example.org'>link</a></p><p>Two</p>").write_pdf(made)
    joined = io.BytesIO()
    concatenate([made, made], joined, "Title", "cy")
    data = joined.getvalue()
    expected, found, left = _both(data)
    assert found == expected
    # Parsed here but for the objects that hold a string (the title, a link's URI, a font's
    # family): those are pypdf's to decode.
    offsets = PdfReader(io.BytesIO(data)).xref[0].values()
    heads = [data[o : data.index(b"endobj", o)].split(b"stream", 1)[0] for o in offsets]
    with_strings = [head for head in heads if b"(" in head]
    assert len(found) > 3 * len(with_strings) and left == len(with_strings)


@pytest.mark.parametrize("cut", [40, 100])
def test_a_damaged_file_is_left_to_pypdf(cut: int) -> None:
    data = _pdf(EDGES[:4])
    damaged = data[:cut] + b"####" + data[cut + 4 :]
    ours = PlainObjectsReader(io.BytesIO(damaged), strict=False)
    theirs = PdfReader(io.BytesIO(damaged), strict=False)
    for number in range(1, 5):
        assert _shape(ours.get_object(number)) == _shape(theirs.get_object(number))


def test_objects_in_object_streams_are_read_one_at_a_time_as_pypdf_reads_them() -> None:
    page = "<p style='color: #c00'>Siân</p><a href='#end'>down</a><p id='end'>Two</p>"
    data = HTML(string=page * 3).write_pdf()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.xref_objStm) > 10  # WeasyPrint keeps most objects in object streams
    expected, found, left = _both(data)
    assert found == expected
    assert left == 0  # none parsed whole: each object alone, by pypdf's parser if need be
