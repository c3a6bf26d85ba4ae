"""Merged letters' text layer: each letter reads back as its own row, in every script and form."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest

from conftest import REPO
from handbill.kit.loader import load_kit
from handbill.merge.merge import MergeReport, merge
from pdftools import DIRECTION_MARKS, pdftotext_pages

TABLE = Path(__file__).parent / "fixtures" / "merge-adversarial.csv"


def exact(text: str) -> str:
    """The characters as read, without whitespace or direction marks, and not normalised:
    an NFC name must read back as NFC, an NFD one as NFD."""
    return "".join(text.translate(DIRECTION_MARKS).split())


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> tuple[MergeReport, Path]:
    out = tmp_path_factory.mktemp("mergetext") / "out"
    kit = load_kit(REPO)
    report = merge(kit, kit.materials["letter-to-mp"], TABLE, out, split=True, jobs=2)
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
    # Both ways of making a letter are in this one run: shared layouts and one in full.
    assert report.entry["laid_out_in_full"] == 1 and len(letters) == 121
    pages = pdftotext_pages(private / "letter-to-mp.merge.pdf")
    wrong = []
    for row, letter in zip(rows(), letters, strict=True):
        first = letter["first_page"] - 1
        text = exact("".join(pages[first : first + letter["pages"]]))
        wrong += [(letter["row"], k, v) for k, v in row.items() if exact(v) not in text]
    assert wrong == []


def test_split_letters_read_back_as_their_rows(merged: tuple[MergeReport, Path]) -> None:
    report, private = merged
    for row, letter in list(zip(rows(), report.entry["rows"], strict=True))[:28]:
        text = exact(
            "".join(
                pdftotext_pages(private.parent / letter["path"].replace("private", private.name, 1))
            )
        )
        assert [v for v in row.values() if exact(v) not in text] == [], letter["row"]
