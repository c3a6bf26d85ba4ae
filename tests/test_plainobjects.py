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


def _with_object_stream(objects: list[bytes], data: bytes | None = None, first: int = 0) -> bytes:
    """A PDF whose object 1 is a catalog and whose objects 10, 11, ... are ``objects`` in an
    object stream (or the stream's own ``data``, with ``first``), with an xref stream."""
    if data is None:
        header, body, at = [], b"", 0
        for number, text in enumerate(objects, 10):
            header.append(b"%d %d" % (number, at))
            body += text + b" "
            at += len(text) + 1
        prefix = b" ".join(header) + b" "
        data, first = prefix + body, len(prefix)
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    catalog = out.tell()
    out.write(b"1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    stream = out.tell()
    out.write(
        b"2 0 obj\n<< /Type /ObjStm /N %d /First %d /Length %d >>\nstream\n"
        % (len(objects), first, len(data))
    )
    out.write(data + b"\nendstream\nendobj\n")
    rows = [b"\x00\x00\x00\xff\xff", b"\x01" + catalog.to_bytes(2, "big") + b"\x00\x00"]
    rows.append(b"\x01" + stream.to_bytes(2, "big") + b"\x00\x00")
    xref = out.tell()
    rows += [b"\x01" + xref.to_bytes(2, "big") + b"\x00\x00"] + [b"\x00" * 5] * 6
    rows += [b"\x02\x00\x02" + index.to_bytes(2, "big") for index in range(len(objects))]
    table = b"".join(rows)
    out.write(
        b"3 0 obj\n<< /Type /XRef /Size %d /W [1 2 2] /Root 1 0 R /Length %d >>\nstream\n"
        % (len(rows), len(table))
    )
    out.write(table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _outcome(reader: Any, data: bytes, numbers: list[int]) -> list[Any]:
    """What reading each of ``numbers`` gives: its shape, or the kind of error."""
    found = []
    opened = reader(io.BytesIO(data), strict=False)
    for number in numbers:
        try:
            found.append(_shape(opened.get_object(number)))
        except Exception as exc:  # the error is the outcome compared
            found.append(type(exc).__name__)
    return found


@pytest.mark.parametrize(
    ("data", "numbers"),
    [
        (_with_object_stream([b"<< /A 1 >>", b"<< /B 2 >>"]), [10, 11]),
        (_with_object_stream([b"<< /A (text) >>", b"[1 2]"]), [10, 11]),  # a string
        (_with_object_stream([b"<< /A 1 >>", b"1 0 R"]), [11, 10]),  # "R" at the very end
        (_with_object_stream([b"-1.5,"]), [10]),  # pypdf's numbers take commas
        (_with_object_stream([b"0"], data=b"10 3-7 42", first=4), [10]),  # an offset "3-7"
        (_pdf([b"<< /Type /Catalog >>", b"1,5"]), [2]),
        (_pdf([b"<< /Type /Catalog >>", b"<< /A /" + b"x" * 4100 + b" >>"]), [2]),  # long name
        (_pdf([b"<< /Type /Catalog >>", b"[" + b"1" * 50 + b"]"]), [2]),  # long number
        (_pdf([b"<< /Type /Catalog >>", b"<< /Length 2 0 R >>\nstream\nab\nendstream"]), [2]),
    ],
)
def test_odd_and_damaged_objects_come_out_as_pypdfs(data: bytes, numbers: list[int]) -> None:
    assert _outcome(PlainObjectsReader, data, numbers) == _outcome(PdfReader, data, numbers)


def test_a_container_over_pypdfs_limit_is_refused_as_pypdf_refuses_it() -> None:
    from pypdf._configuration import get_configuration

    most = getattr(get_configuration(), "array_maximum_element_count", 100_000)
    data = _pdf([b"<< /Type /Catalog >>", b"[" + b"0 " * (most + 1) + b"]"])
    assert _outcome(PlainObjectsReader, data, [2]) == _outcome(PdfReader, data, [2])


def test_a_damaged_object_of_an_object_stream_leaves_the_others_readable() -> None:
    data = _with_object_stream([b"<< /A 1 >>", b"x"])
    # pypdf reads the whole stream and refuses every object in it; read one at a time, the
    # good one is read, and the damaged one is pypdf's error still.
    assert _outcome(PdfReader, data, [10, 11]) == ["PdfReadError", "PdfReadError"]
    ours = _outcome(PlainObjectsReader, data, [10, 11])
    assert ours[0][0] == "DictionaryObject" and ours[1] == "PdfReadError"
