"""Mail merge: one letter per row, in order, bad rows reported by number, safe split file names."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from conftest import REPO, write
from handbill.cli import cli
from handbill.errors import BuildError, KitError
from handbill.kit.loader import load_kit
from handbill.merge.merge import merge
from pdftools import assert_nothing_names, page_texts

HEADER = ["name", "address", "constituency"]


def table(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def letter_kit(kit_dir: Path) -> Path:
    """The fixture kit with a one-page letter, fields name and address, and constituencies."""
    write(
        kit_dir / "materials" / "note.md",
        """
        ---
        template: letter
        title: A note
        pages: 1
        published: false
        fields:
          name: your name
          address: your address
        merge:
          known: {constituency: constituencies}
        vars:
          recipient: ["[[name]]", "[[address]]"]
        ---
        Dear [[name]],

        Thank you for signing.
        """,
    )
    (kit_dir / "data").mkdir()
    table(
        kit_dir / "data" / "constituencies.csv",
        [["Leeds East"], ["Cardiff East"]],
        ["constituency"],
    )
    return kit_dir


def test_fifty_rows_make_fifty_letters_in_order(tmp_path: Path) -> None:
    """The example letter to MPs, merged over 50 rows: one page each, each with its own name."""
    with (REPO / "data" / "supporters.csv").open(encoding="utf-8") as handle:
        examples = list(csv.DictReader(handle))
    rows = []
    for number in range(50):
        row = dict(examples[number % len(examples)])
        row["name"] = f"Supporter Number{number + 1:02d}"
        rows.append([row[k] for k in examples[0]])
    source = table(tmp_path / "supporters.csv", rows, list(examples[0]))
    kit = load_kit(REPO)
    report = merge(kit, kit.materials["letter-to-mp"], source, tmp_path / "out", jobs=2)
    path = tmp_path / "out-private" / "letter-to-mp.merge.pdf"
    texts = page_texts(path)
    assert report.entry["letters"] == 50 and len(texts) == 50
    for number, text in enumerate(texts, start=1):
        names = re.findall(r"Number(\d\d)", text)
        assert set(names) == {f"{number:02d}"}, (number, names)
    assert [r["first_page"] for r in report.entry["rows"]] == list(range(1, 51))
    assert [r["row"] for r in report.entry["rows"]] == list(range(2, 52))
    # The MP's name from each row is in the salutation of its own letter.
    assert f"Dear {examples[0]['mp_name']}," in texts[0]


def test_bad_rows_are_reported_by_number_and_nothing_is_written(
    letter_kit: Path, tmp_path: Path
) -> None:
    source = table(
        tmp_path / "s.csv",
        [
            ["Ann", "1 Road", "Leeds East"],
            ["Bob", "", "Leeds East"],
            ["", "3 Road", "Cardiff East"],
            ["Cat", "4 Road", "Atlantis"],
        ],
    )
    kit = load_kit(letter_kit)
    with pytest.raises(BuildError) as caught:
        merge(kit, kit.materials["note"], source, tmp_path / "out")
    assert caught.value.format_message().splitlines() == [
        f"{source} row 3: 'address' is empty",
        f"{source} row 4: 'name' is empty",
        f"{source} row 5: constituency 'Atlantis' is not in data/constituencies.csv",
        "3 rows cannot be merged: fix them, or pass --on-bad-row skip to leave them out",
    ]
    assert not (tmp_path / "out").exists() and not (tmp_path / "out-private").exists()


def test_skipping_bad_rows_builds_the_others(letter_kit: Path, tmp_path: Path) -> None:
    source = table(
        tmp_path / "s.csv",
        [["Ann", "1 Road", "leeds east"], ["Bob", "", "Leeds East"], ["Cat", "3 Road", "Cardiff"]],
    )
    kit = load_kit(letter_kit)
    report = merge(kit, kit.materials["note"], source, tmp_path / "out", skip_bad_rows=True)
    assert report.entry["letters"] == 1 and report.entry["skipped_rows"] == [3, 4]
    assert "Did you mean 'Cardiff East'?" in report.skipped[1]
    assert "2 rows skipped" in report.summary
    assert "Ann" in page_texts(tmp_path / "out-private" / "note.merge.pdf")[0]


def test_split_names_are_unique_and_safe(letter_kit: Path, tmp_path: Path) -> None:
    names = ["O'Brien / Smith", "Zoë", "Zoë", "../../etc", "", "CON", "名前"]
    # Two supporters called Zoë, at two addresses.
    rows = [[n or "x", f"{i} Road", "Leeds East"] for i, n in enumerate(names, 1)]
    source = table(tmp_path / "s.csv", rows)
    kit = load_kit(letter_kit)
    report = merge(
        kit, kit.materials["note"], source, tmp_path / "out", split=True, skip_bad_rows=True
    )
    assert report.skipped == [
        f"{source} row 8: no font in the kit has the character '名' (U+540D CJK UNIFIED "
        "IDEOGRAPH-540D) (in 'name')"
    ]
    folder = tmp_path / "out-private" / "note.merge"
    files = sorted(p.name for p in folder.iterdir())
    assert files == [
        "00002-o-brien-smith.pdf",
        "00003-zoë.pdf",
        "00004-zoë.pdf",
        "00005-etc.pdf",
        "00006-x.pdf",
        "00007-con.pdf",
    ]
    assert [r["path"] for r in report.entry["rows"]] == [f"private/note.merge/{f}" for f in files]
    assert "Zoë" in page_texts(folder / "00003-zoë.pdf")[0]
    assert all(len(PdfReader(folder / f).pages) == 1 for f in files)


def test_two_sided_letters_start_on_a_front(letter_kit: Path, tmp_path: Path) -> None:
    note = letter_kit / "materials" / "note.md"
    note.write_text(note.read_text().replace("pages: 1", "pages: 1\nduplex: true"))
    source = table(tmp_path / "s.csv", [[n, "1 Road", "Leeds East"] for n in ("Ann", "Bob", "Cy")])
    kit = load_kit(letter_kit)
    report = merge(kit, kit.materials["note"], source, tmp_path / "out", jobs=1)
    texts = page_texts(tmp_path / "out-private" / "note.merge.pdf")
    assert len(texts) == 6 and [t.strip() == "" for t in texts[1::2]] == [True] * 3
    assert [r["first_page"] for r in report.entry["rows"]] == [1, 3, 5]


def test_a_missing_column_is_one_error_for_the_file(letter_kit: Path, tmp_path: Path) -> None:
    source = table(tmp_path / "s.csv", [["Ann", "Leeds East"]], ["name", "constituency"])
    kit = load_kit(letter_kit)
    with pytest.raises(KitError, match="has no column 'address', which note fills in"):
        merge(kit, kit.materials["note"], source, tmp_path / "out")


def test_cli_merge_and_its_usage_errors(
    letter_kit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(letter_kit)  # the summary line names the folders from here
    source = table(tmp_path / "s.csv", [["Philippa Quennell", "7 Wexcombe Row", "Leeds East"]])
    runner = CliRunner()
    args = ["build", "--kit", str(letter_kit), "--merge", str(source)]
    done = runner.invoke(cli, [*args[:1], "note", *args[1:], "--split"])
    assert done.exit_code == 0, done.output
    assert re.fullmatch(
        r"Merged 1 letter \(1 page\) into note\.merge\.pdf, and one PDF each in note\.merge/ "
        r"in \d+\.\d s -> private \(supporters' details, not for publishing\): dist-private/\n",
        done.output,
    )
    dist, private = letter_kit / "dist", letter_kit / "dist-private"
    assert sorted(str(p.relative_to(private)) for p in private.rglob("*") if p.is_file()) == [
        "manifest.json",
        "note.merge.pdf",
        "note.merge/00002-philippa-quennell.pdf",
    ]
    manifest = json.loads((private / "manifest.json").read_text())
    assert [e["path"] for e in manifest["outputs"]] == ["note.merge.pdf"]
    assert manifest["outputs"][0]["merge"] == "s.csv"  # outside the kit: its name alone
    assert manifest["outputs"][0]["rows"][0]["path"] == "note.merge/00002-philippa-quennell.pdf"
    # Letters carry supporters' names and addresses: never on the download page, nor in its
    # thumbnails; check leaves them out (their material's own PDF is checked).
    site = runner.invoke(cli, ["site", "--kit", str(letter_kit)])
    assert site.exit_code == 0, site.output
    page = (dist / "index.html").read_text()
    assert "note.pdf" in page and "merge" not in page
    thumbs = sorted(p.name for p in (dist / "thumbs").iterdir())
    assert thumbs == ["card.png", "note.png", "sheet.png"]
    public = json.loads((dist / "manifest.json").read_text())["outputs"]
    assert all("merge" not in e["path"] and "private" not in e["path"] for e in public)
    # Nothing in the output folder (PDFs' text too) names the supporter, their address or
    # the merge, so the folder can be published whole.
    assert_nothing_names(dist, ["Quennell", "Wexcombe", "note.merge", "private"])
    checked = runner.invoke(cli, ["check", "--kit", str(letter_kit)])
    assert checked.exception is None or isinstance(checked.exception, SystemExit)
    assert "note.merge" not in checked.output
    two = runner.invoke(cli, [*args[:1], "note", "card", *args[1:]])
    assert two.exit_code == 2 and "--merge needs the one material to merge" in two.output
    alone = runner.invoke(cli, ["build", "--kit", str(letter_kit), "--split"])
    assert alone.exit_code == 2 and "--split only works with --merge CSV" in alone.output


def test_a_heading_with_a_stray_space_or_capital_is_named(letter_kit: Path, tmp_path: Path) -> None:
    source = table(
        tmp_path / "s.csv", [["Ann", "1 Road", "Leeds East"]], ["name", "Address ", "constituency"]
    )
    kit = load_kit(letter_kit)
    with pytest.raises(KitError) as caught:
        merge(kit, kit.materials["note"], source, tmp_path / "out")
    assert caught.value.format_message() == (
        f"{source}:1: column 'Address': did you mean 'address'? Correct the header row: note "
        "fills [[address]] from the column of that name."
    )


def test_set_may_not_replace_a_column_of_the_table(letter_kit: Path, tmp_path: Path) -> None:
    """Every letter would be signed with the one name, and the empty-name check passed."""
    source = table(
        tmp_path / "s.csv", [["Ann", "1 Road", "Leeds East"], ["", "2 Road", "Leeds East"]]
    )
    kit = load_kit(letter_kit)
    with pytest.raises(KitError) as caught:
        merge(kit, kit.materials["note"], source, tmp_path / "out", overrides={"name": "Someone"})
    assert caught.value.format_message() == (
        f"{source}:1: has a column 'name', which --set would replace in every letter; each "
        "letter takes its own from the table: leave 'name' out of --set (or, to give every "
        "letter the same value, take the column out of the table)"
    )
    # A value the table does not hold is for every letter alike.
    report = merge(
        kit,
        kit.materials["note"],
        table(tmp_path / "t.csv", [["Ann", "1 Road", "Leeds East"]]),
        tmp_path / "out",
        overrides={"date": "2026-12-10"},
    )
    assert report.entry["letters"] == 1


def test_lang_merges_the_materials_version_in_that_language(
    letter_kit: Path, tmp_path: Path
) -> None:
    """--lang cy with --merge merges the Welsh letter, as it builds the Welsh version alone."""
    write(
        letter_kit / "materials" / "note.cy.md",
        """
        ---
        title: Nodyn
        ---
        Annwyl [[name]],

        Diolch am lofnodi.
        """,
    )
    source = table(tmp_path / "s.csv", [["Siân", "1 Heol", "Cardiff East"]])
    result = CliRunner().invoke(
        cli,
        ["build", "note", "--kit", str(letter_kit), "--merge", str(source), "--lang", "cy"],
    )
    assert result.exit_code == 0, result.output
    merged = letter_kit / "dist-private" / "note.cy.merge.pdf"
    assert "Diolch am lofnodi." in page_texts(merged)[0]
    manifest = json.loads((letter_kit / "dist-private" / "manifest.json").read_text())
    assert [o["language"] for o in manifest["outputs"] if o.get("merge")] == ["cy"]


def test_the_same_supporter_twice_is_a_bad_row(letter_kit: Path, tmp_path: Path) -> None:
    """Signed up twice, or pasted twice: the second would be a second, identical letter.
    Case and spacing do not make two supporters."""
    rows = [["Ann Lee", "1 Road", "Leeds East"], ["Bob", "2 Road", "Leeds East"]]
    rows.append(["ann  lee", "1 road", "Leeds East"])
    source = table(tmp_path / "s.csv", rows)
    kit = load_kit(letter_kit)
    report = merge(kit, kit.materials["note"], source, tmp_path / "out", skip_bad_rows=True)
    assert report.skipped == [
        f"{source} row 4: the same letter as row 2 (every field alike): one supporter twice? "
        "Remove one of the rows"
    ]
    assert report.entry["letters"] == 2
