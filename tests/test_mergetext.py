"""Merged letters' text layer: each letter reads back as its own row, in every script and form."""

from __future__ import annotations

import csv
import html
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

import handbill.merge.shared
from conftest import REPO
from handbill.kit.loader import load_kit
from handbill.kit.markdown import smart_text
from handbill.merge.merge import MergeReport, merge
from pdftools import DIRECTION_MARKS, pdftotext_pages

TABLE = Path(__file__).parent / "fixtures" / "merge-adversarial.csv"


def exact(text: str) -> str:
    """The characters as read, without whitespace or direction marks, and not normalised:
    an NFC name must read back as NFC, an NFD one as NFD."""
    return "".join(text.translate(DIRECTION_MARKS).split())


def printed(cell: str) -> str:
    """A cell as the letter prints it: with typographic quotes (St James\u2019s)."""
    return exact(smart_text(cell))


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> tuple[MergeReport, Path]:
    out = tmp_path_factory.mktemp("mergetext") / "out"
    kit = load_kit(REPO)
    report = merge(kit, kit.materials["letter-to-mp"], TABLE, out, split=True, jobs=2)
    return report, out.with_name("out-private")


@pytest.fixture(scope="module")
def merged_in_full(tmp_path_factory: pytest.TempPathFactory) -> tuple[MergeReport, Path]:
    """The same table with every letter laid out in full, as for a template the shared
    layouts cannot take: the letters' text and tags come from WeasyPrint's own PDFs."""
    out = tmp_path_factory.mktemp("mergetext-full") / "out"
    kit = load_kit(REPO)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(handbill.merge.shared, "shared_plan", lambda *args: None)
        report = merge(kit, kit.materials["letter-to-mp"], TABLE, out, jobs=2)
    return report, out.with_name("out-private")


def rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_table_is_adversarial() -> None:
    """The fixture holds what it claims: both forms of one name, right-to-left names."""
    table = rows()
    names = {row["name"] for row in table}
    assert len(table) == 121
    assert "Siân Llwyd" in names and unicodedata.normalize("NFD", "Siân Llwyd") in names
    assert "محمد عبد الله" in names and "فاطمہ بیگم" in names
    assert "نادیہ اختر" in {row["mp_name"] for row in table}


def test_every_letter_reads_back_as_its_own_row(merged: tuple[MergeReport, Path]) -> None:
    report, private = merged
    letters = report.entry["rows"]
    # Both ways of making a letter are in this one run: shared layouts for the seven groups of
    # the first 120 rows, and in full the last row (a group of its own) and row 62, whose long
    # address runs its letter onto a second page.
    assert report.entry["laid_out_in_full"] == 2 and len(letters) == 121
    assert [r["row"] for r in letters if r["pages"] == 2] == [62]
    pages = pdftotext_pages(private / "letter-to-mp.merge.pdf")
    wrong = []
    for row, letter in zip(rows(), letters, strict=True):
        first = letter["first_page"] - 1
        text = exact("".join(pages[first : first + letter["pages"]]))
        wrong += [(letter["row"], k, v) for k, v in row.items() if printed(v) not in text]
    assert wrong == []


def test_split_letters_read_back_as_their_rows(merged: tuple[MergeReport, Path]) -> None:
    report, private = merged
    for row, letter in list(zip(rows(), report.entry["rows"], strict=True))[:28]:
        text = exact(
            "".join(
                pdftotext_pages(private.parent / letter["path"].replace("private", private.name, 1))
            )
        )
        assert [v for v in row.values() if printed(v) not in text] == [], letter["row"]


def tagging(path: Path) -> dict[str, object]:
    """What a screen reader and a PDF viewer look for, read back with pypdf."""
    reader = PdfReader(path, strict=True)
    catalog = reader.trailer["/Root"]
    root = catalog["/StructTreeRoot"]
    parents = root["/ParentTree"]["/Nums"]
    keys = {int(parents[i]) for i in range(0, len(parents), 2)}
    xmp = catalog["/Metadata"].get_data().decode()
    return {
        "marked": bool(catalog["/MarkInfo"]["/Marked"]),
        "document": root["/K"]["/S"],
        "elements": len(root["/K"]["/K"]),
        # Every page's marked content leads back to its structure elements.
        "pages_in_parent_tree": all(int(p["/StructParents"]) in keys for p in reader.pages),
        "title": reader.metadata.title if reader.metadata else None,
        "xmp_title": '<rdf:li xml:lang="x-default">' in xmp and TITLE in html.unescape(xmp),
        "display_title": bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"]),
        "lang": catalog["/Lang"],
    }


TITLE = "Letter to your MP about ACO and ICP contracts - 999 Call for the NHS"
TAGGED = {
    "marked": True,
    "document": "/Document",
    "pages_in_parent_tree": True,
    "title": TITLE,
    "xmp_title": True,
    "display_title": True,
    "lang": "en-GB",
}


def test_merged_pdf_is_tagged_titled_and_in_its_language(merged: tuple[MergeReport, Path]) -> None:
    report, private = merged
    found = tagging(private / "letter-to-mp.merge.pdf")
    assert found.pop("elements") >= report.entry["pages"]
    assert found == TAGGED


def test_split_letters_are_tagged_titled_and_in_their_language(
    merged: tuple[MergeReport, Path],
) -> None:
    report, private = merged
    letters = report.entry["rows"]
    in_full = next(r for r in letters if r["pages"] == 2)  # its part of its chunk's tree
    for letter in [letters[0], letters[1], in_full]:
        path = private.parent / letter["path"].replace("private", private.name, 1)
        found = tagging(path)
        assert found.pop("elements") >= 1
        assert found == TAGGED
        assert len(PdfReader(path).pages) == letter["pages"]


def test_letters_laid_out_in_full_read_back_and_are_tagged(
    merged_in_full: tuple[MergeReport, Path],
) -> None:
    report, private = merged_in_full
    assert report.entry["laid_out_in_full"] == 121
    pages = pdftotext_pages(private / "letter-to-mp.merge.pdf")
    wrong = []
    for row, letter in zip(rows(), report.entry["rows"], strict=True):
        first = letter["first_page"] - 1
        text = exact("".join(pages[first : first + letter["pages"]]))
        wrong += [(letter["row"], k, v) for k, v in row.items() if printed(v) not in text]
    assert wrong == []
    found = tagging(private / "letter-to-mp.merge.pdf")
    assert found.pop("elements") >= 121
    assert found == TAGGED
    # The chunks' own trees, carried: each letter's paragraphs (a single build has 13), not
    # one element a page.
    kinds = element_kinds(private / "letter-to-mp.merge.pdf")
    assert kinds["/Document"] == 1 and kinds["/P"] >= 121 * 10


def element_kinds(path: Path) -> Counter[str]:
    """How many elements of each type the structure tree holds."""
    found: Counter[str] = Counter()
    todo = [PdfReader(path).trailer["/Root"]["/StructTreeRoot"]["/K"]]
    while todo:
        element = todo.pop().get_object()
        if isinstance(element, list):  # the root's /K may be an array
            todo += element
            continue
        found[str(element["/S"])] += 1
        kids = element.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            target = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(target, dict) and "/S" in target:
                todo.append(kid)
    return found
