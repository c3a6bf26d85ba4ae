"""Shared-layout merges: the same pages as letters laid out in full, and full layout as fallback."""

from __future__ import annotations

import csv
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

import handbill.merge.shared
from conftest import REPO, write
from handbill.kit.loader import load_kit
from handbill.merge.merge import merge
from pdftools import page_texts

NAMES = ["Amira Khan", "O'Brien / Smith", "Zoë Hughes", "Tom Whitaker", "Ann Lee", "Bo"]


def supporters(path: Path, names: list[str], address: str = "", at: int = 2) -> Path:
    """Rows from the first three example supporters, with these names (and row ``at`` maybe
    with this address)."""
    with (REPO / "data" / "supporters.csv").open(encoding="utf-8") as handle:
        examples = list(csv.DictReader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(examples[0]))
        writer.writeheader()
        for number, name in enumerate(names):
            row = {**examples[number % 3], "name": name}
            if address and number == at:
                row["address"] = address
            writer.writerow(row)
    return path


def pictures(path: Path) -> list[bytes]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [page.render(scale=50 / 72).to_pil().tobytes() for page in document]
    finally:
        document.close()


def test_shared_layouts_give_the_same_pages_as_full_layouts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example letter over rows from three constituencies, one with a two-line address."""
    long = "Flat 4, 22 Cathedral Road, Pontcanna, Cardiff CF11 9LJ, " * 3
    source = supporters(tmp_path / "s.csv", NAMES, long.strip(", "))
    kit = load_kit(REPO)
    shared = merge(kit, kit.materials["letter-to-mp"], source, tmp_path / "shared", jobs=2)
    monkeypatch.setattr(handbill.merge.shared, "shared_plan", lambda *args: None)
    full = merge(kit, kit.materials["letter-to-mp"], source, tmp_path / "full", jobs=1)
    assert shared.entry["laid_out_in_full"] == 0 and full.entry["laid_out_in_full"] == 6
    made = pictures(tmp_path / "shared-private" / "letter-to-mp.merge.pdf")
    assert len(made) == 6 and made == pictures(tmp_path / "full-private" / "letter-to-mp.merge.pdf")
    texts = page_texts(tmp_path / "shared-private" / "letter-to-mp.merge.pdf")
    for name, text in zip(NAMES, texts, strict=True):
        others = [n for n in NAMES if n != name and n not in name]
        assert name in text and not any(f"\n{n}\n" in text for n in others)
    assert "Pontcanna, Cardiff CF11 9LJ" in texts[2]


def test_a_sign_off_too_long_for_its_page_is_laid_out_in_full(tmp_path: Path) -> None:
    """Rows 2 and 5 share a base (as do 3 and 6, 4 and 7); row 5's name (the sign-off) would
    run off its page."""
    names = [*NAMES[:3], "A very long name line, " * 60, *NAMES[4:]]
    source = supporters(tmp_path / "s.csv", names)
    kit = load_kit(REPO)
    report = merge(kit, kit.materials["letter-to-mp"], source, tmp_path / "out", jobs=1)
    assert report.entry["laid_out_in_full"] == 1
    assert [r["pages"] for r in report.entry["rows"]] == [1, 1, 1, 2, 1, 1]
    assert [r["first_page"] for r in report.entry["rows"]] == [1, 2, 3, 4, 6, 7]
    assert report.warnings == [
        "letter-to-mp row 5: 2 pages, expected 1; shorten the row's text or the letter"
    ]
    texts = page_texts(tmp_path / "out-private" / "letter-to-mp.merge.pdf")
    assert NAMES[2] in texts[2] and "A very long name line" in texts[3]
    assert "very long name line" in texts[4] and "Dear" not in texts[4]


def test_split_letters_from_shared_layouts(tmp_path: Path) -> None:
    source = supporters(tmp_path / "s.csv", NAMES[:3])
    kit = load_kit(REPO)
    report = merge(kit, kit.materials["letter-to-mp"], source, tmp_path / "out", split=True, jobs=1)
    folder = tmp_path / "out-private" / "letter-to-mp.merge"
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["00002-amira-khan.pdf", "00003-o-brien-smith.pdf", "00004-zoë-hughes.pdf"]
    assert [r["path"] for r in report.entry["rows"]] == [
        f"private/letter-to-mp.merge/{f}" for f in files
    ]
    for name, file in zip(NAMES, files, strict=False):
        assert len(PdfReader(folder / file).pages) == 1
        assert name in page_texts(folder / file)[0]


def test_two_sided_shared_letters_start_on_a_front(kit_dir: Path, tmp_path: Path) -> None:
    write(
        kit_dir / "materials" / "appeal.md",
        """
        ---
        template: letter
        title: An appeal
        pages: 1
        duplex: true
        published: false
        fields: {name: your name, town: your town}
        ---
        Dear friend in [[town]],

        Please come to the meeting.

        [[name]]
        """,
    )
    rows = tmp_path / "rows.csv"
    rows.write_text("name,town\nAnn,Leeds\nBob,Leeds\nCy,York\nDi,York\n", encoding="utf-8")
    kit = load_kit(kit_dir)
    report = merge(kit, kit.materials["appeal"], rows, tmp_path / "out", jobs=1)
    assert report.entry["laid_out_in_full"] == 0
    assert [r["first_page"] for r in report.entry["rows"]] == [1, 3, 5, 7]
    texts = page_texts(tmp_path / "out-private" / "appeal.merge.pdf")
    assert len(texts) == 8 and [t.strip() for t in texts[1::2]] == ["", "", "", ""]
    assert "Ann" in texts[0] and "Bob" in texts[2] and "York" in texts[4] and "Di" in texts[6]


def test_rows_that_differ_only_in_their_sign_off_share_one_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every supporter has an address of their own: in a merge it is printed under their name,
    in the sign-off, so that rows from one constituency share one laid-out letter (at the top of
    the page it would make each row a letter of its own, many times slower)."""
    with (REPO / "data" / "supporters.csv").open(encoding="utf-8") as handle:
        example = next(csv.DictReader(handle))
    source = tmp_path / "s.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(example))
        writer.writeheader()
        for number, name in enumerate(NAMES, 1):
            writer.writerow({**example, "name": name, "address": f"{number} Mill Lane, Otley"})
    laid_out: list[int] = []
    real = handbill.merge.shared.lay_out_bases

    def counted(kit: object, material: object, plan: object, rows: list[object], *rest: object):  # type: ignore[no-untyped-def]
        laid_out.append(len(rows))
        return real(kit, material, plan, rows, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(handbill.merge.shared, "lay_out_bases", counted)
    kit = load_kit(REPO)
    made = merge(kit, kit.materials["letter-to-mp"], source, tmp_path / "out", jobs=1)
    assert made.entry["laid_out_in_full"] == 0 and sum(laid_out) == 1
    texts = page_texts(tmp_path / "out-private" / "letter-to-mp.merge.pdf")
    for number, (name, text) in enumerate(zip(NAMES, texts, strict=True), 1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[lines.index(name) + 1] == f"{number} Mill Lane, Otley", lines[-4:]
