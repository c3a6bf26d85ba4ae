"""A PDF reader for the joiner that parses objects with one regular expression.

Joining a merge's chunks (concat.py) reads every object the letters' pages use: about four a
letter, each a small dictionary written by handbill (a page, its content stream, the form of
its sign-off). pypdf reads them a byte at a time, in Python: over half of joining's time, and
the join of the last chunks is time the whole merge waits for. Here an object is tokenised by
one regular expression and made into the same pypdf objects pypdf's own parser makes:
dictionaries, arrays, names, numbers, references, booleans, null and streams. An object
stream is read one object at a time (one holding a string by pypdf's own parser, on that
object alone), where pypdf reads all of a stream's objects at once. Anything else (a string
or a comment in a plainly stored object, a name with ``#`` escapes, a stream whose end is not
where its /Length says, parts longer than pypdf reads, an encrypted file) is left to pypdf,
as is every object or object stream that does not parse cleanly: the result is pypdf's either
way, its errors and warnings included (tests/test_plainobjects.py compares them), but for
one: where an object stream holds a damaged object, pypdf refuses all its objects, and this
reads the others.
"""

from __future__ import annotations

import io
import re
from typing import Any

from pypdf import PdfReader
from pypdf._configuration import get_configuration
from pypdf._utils import read_non_whitespace
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    StreamObject,
    read_object,
)

_WS = rb"[\x00\t\n\x0c\r ]"  # pypdf's whitespace
_DIGITS = rb"\d{1,32}"  # longer parts are pypdf's to refuse
_HEADER = re.compile(_WS + rb"*(" + _DIGITS + rb")" + _WS + rb"+(" + _DIGITS + rb")" + _WS
                     + rb"+obj" + _WS + rb"*")  # fmt: skip
# pypdf's own patterns: a reference is "N G R" followed by a byte that is not a letter; a
# number is a run of digits, signs, points and commas; a name runs to whitespace or a
# delimiter.
_TOKEN = re.compile(
    _WS
    + rb"*(?:(?P<ref>(?P<num_>"
    + _DIGITS
    + rb")\s+(?P<gen>"
    + _DIGITS
    + rb")\s+R)(?=[^a-zA-Z])"
    + rb"|(?P<num>[+,\-.0-9]{1,32})(?![+,\-.0-9])"
    + rb"|(?P<name>/[^\s()<>\[\]{}/%]{0,1000})(?![^\s()<>\[\]{}/%])"
    + rb"|(?P<open><<|\[)"
    + rb"|(?P<close>>>|\])"
    + rb"|(?P<word>true|false|null)(?![a-zA-Z])"
    + rb"|(?P<stream>stream)"
    + rb")"
)
_PAIR = re.compile(_WS + rb"*(" + _DIGITS + rb")" + _WS + rb"+(" + _DIGITS + rb")(?=" + _WS + rb")")
_STREAM_START = re.compile(rb" *(\r\n|\n|\r)")
_ENDSTREAM = re.compile(_WS + rb"*endstream")
_DEPTH = 64  # nesting of arrays and dictionaries parsed here; deeper is left to pypdf
_PEEK = 20  # pypdf looks this far ahead of a number for " G R" and a byte after it


class PlainObjectsReader(PdfReader):
    """pypdf's reader, with objects parsed as described above."""

    _plain: tuple[Any, bytes] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Each object stream's data and where its objects start, or None (left to pypdf).
        self._object_streams: dict[int, tuple[bytes, dict[int, int]] | None] = {}
        super().__init__(*args, **kwargs)

    def get_object(self, indirect_reference: int | IndirectObject) -> Any:
        if isinstance(indirect_reference, int):
            indirect_reference = IndirectObject(indirect_reference, 0, self)
        generation, idnum = indirect_reference.generation, indirect_reference.idnum
        if (generation, idnum) in self.resolved_objects:
            return self.resolved_objects[generation, idnum]
        start = self.xref.get(generation, {}).get(idnum)
        known: set[tuple[int, int]] = getattr(self, "_known_objects", set())
        if (
            start is None
            or self._encryption is not None
            or (generation == 0 and idnum in self.xref_objStm)
            or self.xref_free_entry.get(generation, {}).get(idnum, False)
            or (idnum, generation) in known  # a loop: pypdf's error
        ):
            return super().get_object(indirect_reference)
        data = self._data_of(self.stream)
        known.add((idnum, generation))
        try:
            found = None if data is None else _parse(self, data, start, idnum, generation)
        finally:
            known.discard((idnum, generation))
        if found is None:
            return super().get_object(indirect_reference)
        return self.cache_indirect_object(generation, idnum, found)

    def _get_object_from_stream(self, indirect_reference: IndirectObject) -> Any:
        """An object of an object stream, read alone: pypdf reads all of the stream's objects
        when one is asked for (a merge chunk's 167 sign-off pages, for one font: a third of
        joining's time). So where another object of the stream is damaged, pypdf refuses them
        all and this reads the others; the merge's own chunks, just written, have none."""
        idnum = indirect_reference.idnum
        stack = getattr(self, "_object_stream_resolution_stack", [])
        stream_number = self.xref_objStm[idnum][0]
        if idnum in stack or (stream_number not in self._object_streams and stack):
            return super()._get_object_from_stream(indirect_reference)  # pypdf's checks
        if stream_number not in self._object_streams:
            stack.append(idnum)
            try:
                self._object_streams[stream_number] = _object_stream(self.get_object(stream_number))
            finally:
                stack.pop()
        index = self._object_streams[stream_number]
        if index is None or idnum not in index[1]:
            return super()._get_object_from_stream(indirect_reference)
        data, start = index[0], index[1][idnum]
        found = _value(self, data, start, streams=False)
        if found is None:  # a string, say: pypdf's parser, on this object alone
            try:
                found = read_object(_at(data, start), self)
            except Exception:  # pypdf's own handling of the stream, warnings and all
                return super()._get_object_from_stream(indirect_reference)
        return self.cache_indirect_object(0, idnum, found)

    def read_object_header(self, stream: Any) -> tuple[int, int]:
        """pypdf's, for a plain header ("12 0 obj"): pypdf reads every object's header as it
        opens a file, to check its cross-reference table, and that was a fifth of joining."""
        data = self._data_of(stream)
        header = None if data is None else _HEADER.match(data, stream.tell())
        if header is None:
            found: tuple[int, int] = super().read_object_header(stream)
            return found
        stream.seek(header.end())
        return int(header[1]), int(header[2])

    def _data_of(self, stream: Any) -> bytes | None:
        """The bytes of the file being read (pypdf reads a file into memory), kept."""
        if self._plain is None or self._plain[0] is not stream:
            if not isinstance(stream, io.BytesIO):
                return None
            self._plain = (stream, stream.getvalue())
        return self._plain[1]


def _parse(pdf: Any, data: bytes, start: int, idnum: int, generation: int) -> Any:
    """Object ``idnum`` at ``start`` in ``data``, as pypdf reads it; None to leave it to pypdf."""
    header = _HEADER.match(data, start)
    if header is None or (int(header[1]), int(header[2])) != (idnum, generation):
        return None
    return _value(pdf, data, header.end(), streams=True)


def _value(pdf: Any, data: bytes, pos: int, streams: bool) -> Any:
    """The value at ``pos`` in ``data`` (with ``streams``, a stream too), or None."""
    stack: list[Any] = []  # open containers: [kind, items]
    # pypdf's limits on a container's entries, checked as they come: a file of a few
    # megabytes could otherwise hold millions of them.
    most = {
        b"[": _limit("array_maximum_element_count"),
        b"<<": _limit("dictionary_maximum_element_count"),
    }
    while True:
        token = _TOKEN.match(data, pos)
        if token is None:
            return None
        pos = token.end()
        kind = token.lastgroup
        if kind == "open":
            if len(stack) >= _DEPTH:
                return None  # pypdf's parser recurses: its own limits and errors
            stack.append([token["open"], []])
            continue
        if kind == "ref":
            if token.end() - token.start("ref") >= _PEEK:
                return None
            value: Any = IndirectObject(int(token["num_"]), int(token["gen"]), pdf)
        elif kind == "num":
            value = _number(token["num"])
            if value is None:
                return None  # a comma, or not a number: pypdf's rules
        elif kind == "name":
            name = token["name"]
            if b"#" in name or not name.isascii():
                return None  # escapes and other encodings: pypdf's rules
            value = NameObject(name.decode())
        elif kind == "word":
            word = token["word"]
            value = NullObject() if word == b"null" else BooleanObject(word == b"true")
        elif kind == "close":
            if not stack or (stack[-1][0] == b"[") != (token["close"] == b"]"):
                return None
            opened, items = stack.pop()
            value = ArrayObject(items) if opened == b"[" else _dictionary(items)
            if value is None:
                return None
        else:
            return None  # "stream" out of place (it is read after a dictionary, below)
        if stack:
            opened, items = stack[-1]
            items.append(value)
            limit = most[opened]
            if limit is not None and len(items) > limit * (2 if opened == b"<<" else 1):
                return None
            continue
        if isinstance(value, DictionaryObject):
            after = _TOKEN.match(data, pos)
            if after is not None and after.lastgroup == "stream":
                return _stream(pdf, data, after.end(), value) if streams else None
        return value


def _at(data: bytes, start: int) -> io.BytesIO:
    """``data`` to read from its first non-blank byte at or after ``start``, as pypdf does."""
    stream = io.BytesIO(data)
    stream.seek(start)
    read_non_whitespace(stream)
    stream.seek(-1, 1)
    return stream


def _object_stream(stream: Any) -> tuple[bytes, dict[int, int]] | None:
    """An object stream's data and where each of its objects starts in it; None where pypdf
    would warn or refuse (a header out of order or out of bounds, a number twice)."""
    n, first = stream.get("/N"), stream.get("/First")
    if stream.get("/Type") != "/ObjStm" or type(n) is not NumberObject:
        return None
    if type(first) is not NumberObject:
        return None
    data = stream.get_data()
    if n < 0 or not 0 <= first <= len(data) or n > len(data) // 3:
        return None
    starts: dict[int, int] = {}
    pos, last = 0, -1
    for _ in range(n):
        pair = _PAIR.match(data, pos)
        if pair is None:
            return None
        number, offset = int(pair[1]), int(pair[2])
        if offset <= last or first + offset > len(data) or number in starts:
            return None
        starts[number], pos, last = first + offset, pair.end(), offset
    return data, starts


def _number(text: bytes) -> Any:
    if b"," in text:
        return None
    try:
        return FloatObject(text) if b"." in text else NumberObject(text)
    except ValueError:
        return None


def _limit(name: str) -> int | None:
    """pypdf's limit ``name``, where the installed pypdf has it (6.20 has fewer)."""
    found = getattr(get_configuration(), name, None)
    return None if found is None else int(found)


def _dictionary(items: list[Any]) -> Any:
    if len(items) % 2:
        return None
    keys = items[0::2]
    if not all(type(key) is NameObject for key in keys) or len(set(keys)) != len(keys):
        return None  # pypdf warns, or drops entries: its rules
    found = DictionaryObject()
    found.update(zip(keys, items[1::2], strict=True))
    return found


def _stream(pdf: Any, data: bytes, pos: int, dictionary: DictionaryObject) -> Any:
    """The stream whose dictionary is ``dictionary`` and whose keyword ends at ``pos``."""
    eol = _STREAM_START.match(data, pos)
    if eol is None:
        return None
    length = dictionary.get("/Length")
    if isinstance(length, IndirectObject):
        length = pdf.get_object(length)
    most = _limit("maximum_declared_stream_length")
    if type(length) is not NumberObject or length < 0 or (most is not None and length > most):
        return None
    begin = eol.end()
    end = begin + int(length)
    if _ENDSTREAM.match(data, end) is None:
        return None
    made: StreamObject = StreamObject.initialize_from_dictionary(
        {**dictionary, "__streamdata__": data[begin:end]}
    )
    return made
