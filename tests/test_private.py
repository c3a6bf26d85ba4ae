"""Private outputs go beside the output folder, never in it; odd places are refused in one line."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write
from handbill.build.places import located, private_folder
from handbill.cli import cli
from handbill.errors import HandbillError
from pdftools import assert_nothing_names, page_texts

CONTACTS = "---\ntemplate: faq\ntitle: Phone tree\nprivate: true\n---\nOlwen Tregarthen 0113\n"


@pytest.fixture
def private_kit(kit_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture kit with a private material, as the working folder (messages name it)."""
    write(kit_dir / "materials" / "contacts.md", CONTACTS)
    monkeypatch.chdir(kit_dir)
    return kit_dir


def test_the_private_folder_is_named_after_the_output_folder() -> None:
    assert private_folder(Path("/campaign/dist")) == Path("/campaign/dist-private")
    assert private_folder(Path("/campaign/print")) == Path("/campaign/print-private")
    assert located(Path("/k/dist"), "private/a.merge/1.pdf") == Path(
        "/k/dist-private/a.merge/1.pdf"
    )
    assert located(Path("/k/dist"), "faq.pdf") == Path("/k/dist/faq.pdf")
    with pytest.raises(HandbillError) as error:
        private_folder(Path("/"))
    assert error.value.format_message() == (
        "cannot build into /: private outputs (supporters' details, not for publishing) go in "
        "a folder beside the output folder, named after it, and this folder has no name. Choose "
        "a named folder with --out, e.g. --out print"
    )


def test_a_build_with_out_names_its_private_folder(private_kit: Path, runner: CliRunner) -> None:
    said = runner.invoke(cli, ["build", "--out", "print"])
    assert said.exit_code == 0, said.output
    assert said.output.endswith(
        " -> print/; private (supporters' details, not for publishing): print-private/\n"
    )
    assert page_texts(private_kit / "print-private" / "contacts.pdf")[0].count("Tregarthen") == 1
    assert_nothing_names(private_kit / "print", ["Tregarthen", "contacts"])
    # A kit without private outputs makes no private folder, and says nothing of one.
    (private_kit / "materials" / "contacts.md").unlink()
    said = runner.invoke(cli, ["build", "--out", "other"])
    assert said.output.endswith(" -> other/\n") and not (private_kit / "other-private").exists()


def test_a_private_folder_that_is_a_link_is_refused(private_kit: Path, runner: CliRunner) -> None:
    elsewhere = private_kit / "published"
    elsewhere.mkdir()
    (private_kit / "dist-private").symlink_to(elsewhere)
    said = runner.invoke(cli, ["build"])
    assert said.exit_code == 1
    assert said.output == (
        f"Error: dist-private is a link to {elsewhere}; handbill writes private outputs "
        "(supporters' details, not for publishing) only into a real folder beside dist. Remove "
        "the link, or choose another output folder with --out.\n"
    )
    assert list(elsewhere.iterdir()) == [] and not (private_kit / "dist").exists()


def test_a_file_in_place_of_the_private_folder_is_refused(
    private_kit: Path, runner: CliRunner
) -> None:
    (private_kit / "dist-private").write_text("notes")
    said = runner.invoke(cli, ["build"])
    assert said.exit_code == 1
    assert said.output == (
        "Error: dist-private is a file, but handbill keeps private outputs (supporters' details, "
        "not for publishing) in a folder of that name beside dist. Move or rename the file, or "
        "choose another output folder with --out.\n"
    )
    assert (private_kit / "dist-private").read_text() == "notes"


def test_building_into_the_root_is_refused(private_kit: Path, runner: CliRunner) -> None:
    said = runner.invoke(cli, ["build", "--out", "/"])
    assert said.exit_code == 1
    assert said.output.startswith("Error: cannot build into /: private outputs")
    assert "Traceback" not in said.output


def _old_private_folder(out: Path) -> Path:
    """OUT/private/ as an earlier handbill left it: a private output, a merge with one letter
    per row, its manifest, and a file of the user's own."""
    old = out / "private"
    letters = {"contacts.pdf": b"%PDF old", "note.merge.pdf": b"%PDF merged"}
    letters["note.merge/00002-ann.pdf"] = b"%PDF Ann"
    for name, data in letters.items():
        (old / name).parent.mkdir(parents=True, exist_ok=True)
        (old / name).write_bytes(data)
    sha = {name: hashlib.sha256(data).hexdigest() for name, data in letters.items()}
    row = {"path": "note.merge/00002-ann.pdf", "sha256": sha["note.merge/00002-ann.pdf"]}
    outputs = [
        {
            "material": "contacts",
            "kind": "pdf",
            "path": "contacts.pdf",
            "sha256": sha["contacts.pdf"],
        },
        {
            "material": "note",
            "kind": "pdf",
            "merge": "s.csv",
            "path": "note.merge.pdf",
            "sha256": sha["note.merge.pdf"],
            "split_folder": "note.merge",
            "rows": [row],
        },
    ]
    (old / "manifest.json").write_text(json.dumps({"outputs": outputs}))
    return old


def test_an_earlier_private_folder_in_the_output_folder_is_cleared(
    private_kit: Path, runner: CliRunner
) -> None:
    old = _old_private_folder(private_kit / "dist")
    said = runner.invoke(cli, ["build"])
    assert said.exit_code == 0, said.output
    assert said.output.splitlines()[0] == (
        "removed 3 private outputs of an earlier build from dist/private/ (private outputs now "
        "go in dist-private/)"
    )
    assert not old.exists()
    assert sorted(os.listdir(private_kit / "dist-private")) == ["contacts.pdf", "manifest.json"]


def test_what_handbill_did_not_write_there_is_named(private_kit: Path, runner: CliRunner) -> None:
    old = _old_private_folder(private_kit / "dist")
    (old / "contacts.pdf").write_bytes(b"%PDF changed by hand")
    (old / "my-list.txt").write_text("mine")
    said = runner.invoke(cli, ["build"])
    assert said.exit_code == 0, said.output
    assert said.output.splitlines()[0] == (
        "removed 2 private outputs of an earlier build from dist/private/ (private outputs now "
        "go in dist-private/); dist/private/ still holds 2 files handbill did not write or that "
        "changed since (contacts.pdf, my-list.txt): move them out of dist/ before publishing it"
    )
    assert sorted(os.listdir(old)) == ["contacts.pdf", "my-list.txt"]
    # Told once: the old manifest is gone, so the next build says nothing of it.
    again = runner.invoke(cli, ["build", "--no-cache"])
    assert "dist/private" not in again.output


def test_a_pack_of_a_private_material_is_private(private_kit: Path, runner: CliRunner) -> None:
    run = write(
        private_kit / "run.toml",
        'name = "Ring round"\n\n[[item]]\nmaterial = "contacts"\ncopies = 2\n\n'
        '[[item]]\nmaterial = "card"\ncopies = 1\n',
    )
    said = runner.invoke(cli, ["pack", str(run)])
    assert said.exit_code == 0, said.output
    folder = private_kit / "dist-private" / "packs" / "run"
    assert sorted(os.listdir(folder)) == [
        "A4-home-landscape.pdf",  # the A6 card, 4-up on landscape sheets
        "A4-home.pdf",
        "cover.pdf",
        "packing-list.json",
        "packing-list.txt",
    ]
    assert not (private_kit / "dist" / "packs").exists()
    assert_nothing_names(private_kit / "dist", ["Tregarthen", "contacts"])
