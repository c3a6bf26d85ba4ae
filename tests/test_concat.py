"""Joining PDFs page after page: order, text, fonts and links survive; the result is valid."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader
from weasyprint import HTML

from handbill.pages.concat import Source, concatenate
from pdftools import embedded_font_names, page_texts


def made(tmp_path: Path, name: str, pages: list[str]) -> Path:
    body = "".join(
        f'<p id="{name}-{n}" style="break-before: page">{text}</p>' for n, text in enumerate(pages)
    )
    link = f'<a href="#{name}-{len(pages) - 1}">to the last page</a>'
    path = tmp_path / f"{name}.pdf"
    HTML(string=f"<html><body>{link}{body}</body></html>").write_pdf(path)
    return path


def test_pages_come_in_order_with_their_text_and_fonts(tmp_path: Path) -> None:
    first = made(tmp_path, "a", ["Alpha one", "Alpha two"])
    second = made(tmp_path, "b", ["Beta one"])
    joined = tmp_path / "joined.pdf"
    joined.write_bytes(concatenate_bytes([first, second], "Joined letters", "en-GB"))
    texts = [" ".join(t.split()) for t in page_texts(joined)]
    # Each input starts with its link on a page of its own, then one page per paragraph.
    assert [t.replace("to the last page", "").strip() for t in texts] == [
        "",
        "Alpha one",
        "Alpha two",
        "",
        "Beta one",
    ]
    reader = PdfReader(joined, strict=True)
    assert reader.metadata is not None and reader.metadata.title == "Joined letters"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    # Every font is still embedded, as in the inputs.
    assert embedded_font_names(joined) == embedded_font_names(first) | embedded_font_names(second)
    document = pdfium.PdfDocument(str(joined))
    assert len(document) == 5
    document.close()


def test_an_internal_link_still_points_at_its_own_page(tmp_path: Path) -> None:
    first = made(tmp_path, "a", ["Alpha one", "Alpha two"])
    second = made(tmp_path, "b", ["Beta one", "Beta two"])
    (tmp_path / "j.pdf").write_bytes(concatenate_bytes([first, second]))
    reader = PdfReader(tmp_path / "j.pdf", strict=True)
    pages = [page.indirect_reference.idnum for page in reader.pages]
    for start in (0, 3):  # the link is on the first page of each input
        annotation = reader.pages[start]["/Annots"][0].get_object()
        target = annotation["/Dest"][0] if "/Dest" in annotation else annotation["/A"]["/D"][0]
        assert target.idnum == pages[start + 2]  # its own last page, not the other input's


def concatenate_bytes(paths: Iterable[Path], title: str = "", language: str = "") -> bytes:
    """``concatenate`` into memory."""
    out = io.BytesIO()
    concatenate(paths, out, title, language)
    return out.getvalue()


def made_tagged(tmp_path: Path, name: str, pages: list[str]) -> Path:
    """A tagged PDF (as single builds are: PDF/UA-1), one heading and paragraph a page."""
    body = "".join(
        f'<h1 style="break-before: page">{name} {n}</h1><p>{text}</p>'
        for n, text in enumerate(pages)
    )
    path = tmp_path / f"{name}.pdf"
    page = f'<html lang="en-GB"><head><title>{name}</title></head><body>{body}</body></html>'
    HTML(string=page).write_pdf(path, pdf_variant="pdf/ua-1")
    return path


def structure(reader: PdfReader) -> list[tuple[str, int | None]]:
    """Every element of the structure tree, depth first: its type and its page (0-based)."""
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    found: list[tuple[str, int | None]] = []

    def walk(element: object, page: int | None) -> None:
        element = element.get_object()  # type: ignore[attr-defined]
        if "/Pg" in element:
            page = pages[element.raw_get("/Pg").idnum]
        kids = element.get("/K")
        kids = kids if isinstance(kids, list) else [kids]
        found.append((str(element["/S"]), page))
        for kid in kids:
            target = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(target, dict) and "/S" in target:
                walk(kid, page)

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"], None)
    return found


def parent_tree(reader: PdfReader) -> dict[int, object]:
    numbers = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    return {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}


def test_tagged_inputs_bring_their_structure_trees(tmp_path: Path) -> None:
    first = made_tagged(tmp_path, "Alpha", ["one", "two"])
    second = made_tagged(tmp_path, "Beta", ["three"])
    (tmp_path / "j.pdf").write_bytes(concatenate_bytes([first, second], "Both", "en-GB"))
    reader = PdfReader(tmp_path / "j.pdf", strict=True)
    found = structure(reader)
    # One /Document, the inputs' headings in order, each on its own page.
    assert found[0] == ("/Document", None)
    assert [page for kind, page in found if kind == "/H1"] == [0, 1, 2]
    assert [page for kind, page in found if kind == "/P"] == [0, 1, 2]
    # Each page's marked content leads back to elements on that page.
    tree = parent_tree(reader)
    for page in reader.pages:
        elements = [e.get_object() for e in tree[int(page["/StructParents"])]]
        assert elements and all(
            e.raw_get("/Pg").idnum == page.indirect_reference.idnum for e in elements if "/Pg" in e
        )
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] and catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert "Both" in catalog["/Metadata"].get_data().decode()
    assert "<rdf:li>en-GB</rdf:li>" in catalog["/Metadata"].get_data().decode()


def test_some_pages_bring_only_their_part_of_the_tree(tmp_path: Path) -> None:
    """Pages two, then one, then three of one source read once, as a chunk's letters are."""
    source = Source(made_tagged(tmp_path, "Alpha", ["one", "two", "three"]))
    for index, text in [(1, "two"), (0, "one"), (2, "three")]:
        out = io.BytesIO()
        assert concatenate([source], out, "One page", "en-GB", range(index, index + 1)) == 1
        reader = PdfReader(io.BytesIO(out.getvalue()), strict=True)
        found = structure(reader)
        assert [kind for kind, _ in found if kind in ("/H1", "/P")] == ["/H1", "/P"]
        assert {page for _, page in found} <= {None, 0}
        assert " ".join(page_texts_of(reader)[0].split()) == f"Alpha {index} {text}"
        # Nothing of the other pages came along: one page, one parent tree entry.
        assert len(reader.trailer["/Root"]["/Pages"]["/Kids"]) == 1
        assert list(parent_tree(reader)) == [0]
        assert reader.pages[0]["/StructParents"] == 0


def test_untagged_pages_get_an_element_each(tmp_path: Path) -> None:
    first = made(tmp_path, "a", ["Alpha one", "Alpha two"])
    (tmp_path / "j.pdf").write_bytes(concatenate_bytes([first], "Untagged", "cy"))
    reader = PdfReader(tmp_path / "j.pdf", strict=True)
    assert structure(reader) == [("/Document", None), *[("/Div", n) for n in range(3)]]
    for page in reader.pages:
        data = page.get_contents().get_data()
        assert data.startswith(b"/Div <</MCID 0>> BDC") and data.rstrip().endswith(b"EMC")
    assert reader.trailer["/Root"]["/Lang"] == "cy"


def page_texts_of(reader: PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def test_objects_are_written_as_pypdf_writes_them() -> None:
    """The joiner's own writing of objects gives pypdf's bytes, escapes and /Length included."""
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NullObject,
        NumberObject,
        StreamObject,
        TextStringObject,
    )

    from handbill.pages.concat import _dump, _Ref

    stream = StreamObject()
    stream._data = b"q 1 0 0 1 0 -12.5 cm /P0 Do Q"
    stream[NameObject("/Length")] = NumberObject(3)  # stale: written as the data's length
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    bare = StreamObject()
    bare._data = b"\x00\xff binary"
    value = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Page"),
            NameObject("/A b#(c)é"): NameObject("/Name with space/and#hash"),
            NameObject("/Kids"): ArrayObject([_Ref(12, 0, None), NumberObject(-3), NullObject()]),
            NameObject("/Box"): ArrayObject([FloatObject("595.275591"), FloatObject("0.5")]),
            NameObject("/Flag"): BooleanObject(True),
            NameObject("/Text"): TextStringObject("Siân (1 0 R) \\ ) ("),
            NameObject("/%skipped%"): NumberObject(1),
            NameObject("/Inner"): DictionaryObject({NameObject("/S"): stream}),
        }
    )
    for obj in (value, stream, bare, ArrayObject()):
        out: list[bytes] = []
        _dump(obj, out, {})
        expected = io.BytesIO()
        obj.write_to_stream(expected)  # after: pypdf takes a stream's /Length out once written
        assert b"".join(out) == expected.getvalue()
