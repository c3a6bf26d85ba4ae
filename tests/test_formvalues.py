"""--from-form: a filled-in form's values come back into the build; a wrong form is one line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from conftest import write
from handbill.cli import cli

TALK = """
---
template: speech
title: Talk
paper: A5
exports: [txt]
fields: {speaker: your name, town: your town}
---
My name is [[speaker]] and I live in [[town]].
"""


@pytest.fixture
def talk_form(runner: CliRunner, kit_dir: Path) -> Path:
    write(kit_dir / "materials" / "talk.md", TALK)
    write(kit_dir / "materials" / "other.md", TALK.replace("Talk", "Other"))
    result = runner.invoke(cli, ["build", "talk", "--kit", str(kit_dir), "-q"])
    assert result.exit_code == 0, result.output
    return kit_dir / "dist" / "talk.form.pdf"


def filled(form: Path, values: dict[str, str], target: Path, rename: str = "") -> Path:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(form))
    writer.update_page_form_field_values(writer.pages[0], values, auto_regenerate=False)
    if rename:  # a field the material does not have
        widget = writer.pages[0]["/Annots"][0].get_object()
        widget[NameObject("/T")] = TextStringObject(rename)
    buffer = io.BytesIO()
    writer.write(buffer)
    target.write_bytes(buffer.getvalue())
    return target


def run(runner: CliRunner, kit_dir: Path, name: str, form: Path) -> tuple[int, str]:
    result = runner.invoke(cli, ["build", name, "--kit", str(kit_dir), "--from-form", str(form)])
    return result.exit_code, result.output


def test_filled_values_come_back_into_the_build(
    runner: CliRunner, kit_dir: Path, talk_form: Path, tmp_path: Path
) -> None:
    form = filled(talk_form, {"speaker": "Asha Patel", "town": "Leeds"}, tmp_path / "f.pdf")
    published = {p.name: p.read_bytes() for p in (kit_dir / "dist").iterdir()}
    code, output = run(runner, kit_dir, "talk", form)
    assert code == 0, output
    # The speaker's copy goes in the private folder; the published blank and form stay.
    filled_dir = kit_dir / "dist-private" / "filled"
    assert output.rstrip().endswith("/dist-private/filled/"), output
    assert (filled_dir / "talk.txt").read_text() == (
        "Talk\n\nSpeaking time: about 15 seconds at 130 words a minute\n\n"
        "My name is Asha Patel and I live in Leeds.\n"
    )
    manifest = json.loads((filled_dir / "manifest.json").read_text())
    entry = next(e for e in manifest["outputs"] if e["path"] == "talk.pdf")
    assert entry["fields"] == {"speaker": "Asha Patel", "town": "Leeds"}
    assert {p.name: p.read_bytes() for p in (kit_dir / "dist").iterdir()} == published


def test_set_wins_over_the_form_and_an_empty_field_stays_blank(
    runner: CliRunner, kit_dir: Path, talk_form: Path, tmp_path: Path
) -> None:
    form = filled(talk_form, {"speaker": "Asha Patel"}, tmp_path / "f.pdf")
    result = runner.invoke(
        cli,
        ["build", "talk", "--kit", str(kit_dir), "--from-form", str(form), "--set", "speaker=Jo"],
    )
    assert result.exit_code == 0, result.output
    assert (
        (kit_dir / "dist-private" / "filled" / "talk.txt")
        .read_text()
        .endswith("My name is Jo and I live in [your town].\n")
    )


def test_a_form_of_another_material_is_one_line(
    runner: CliRunner, kit_dir: Path, talk_form: Path
) -> None:
    code, output = run(runner, kit_dir, "other", talk_form)
    assert (code, output) == (
        1,
        "Error: --from-form: talk.form.pdf is the form of 'talk', not of 'other'; fill in "
        "other.form.pdf from the output folder\n",
    )


def test_an_unknown_field_is_one_line(
    runner: CliRunner, kit_dir: Path, talk_form: Path, tmp_path: Path
) -> None:
    form = filled(talk_form, {"speaker": "Asha"}, tmp_path / "f.pdf", rename="spekaer_name")
    code, output = run(runner, kit_dir, "talk", form)
    assert (code, output) == (
        1,
        "Error: --from-form: f.pdf has a field 'spekaer_name' that talk does not use. Did you "
        "mean 'speaker'? "
        "Fields it uses: speaker, town.\n",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a pdf at all", "f.pdf is not a PDF handbill can read"),
        (b"%PDF-1.4\n%%EOF\n", "f.pdf is not a PDF handbill can read"),
    ],
)
def test_a_file_that_is_no_form_is_one_line(
    runner: CliRunner, kit_dir: Path, talk_form: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    (tmp_path / "f.pdf").write_bytes(content)
    code, output = run(runner, kit_dir, "talk", tmp_path / "f.pdf")
    assert (code, output) == (1, f"Error: --from-form: {message}\n")


def test_a_pdf_handbill_did_not_write_is_refused(
    runner: CliRunner, kit_dir: Path, talk_form: Path, tmp_path: Path
) -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(100, 100)
    writer.write(tmp_path / "f.pdf")
    code, output = run(runner, kit_dir, "talk", tmp_path / "f.pdf")
    assert output == (
        "Error: --from-form: f.pdf is not a fillable form of 'talk' written by handbill; fill in "
        "talk.form.pdf from the output folder\n"
    )
    assert code == 1


def test_scripts_control_characters_and_size_are_refused(
    runner: CliRunner, kit_dir: Path, talk_form: Path, tmp_path: Path
) -> None:
    form = filled(talk_form, {"speaker": "Asha\x07"}, tmp_path / "bell.pdf")
    assert run(runner, kit_dir, "talk", form)[1] == (
        "Error: --from-form: bell.pdf: field 'speaker' holds a character that cannot be "
        "printed; type it again\n"
    )
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(talk_form))
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")}
    )
    writer.write(tmp_path / "script.pdf")
    assert run(runner, kit_dir, "talk", tmp_path / "script.pdf")[1].startswith(
        "Error: --from-form: script.pdf contains scripts; handbill reads only the text"
    )
    big = tmp_path / "big.pdf"
    big.write_bytes(talk_form.read_bytes() + b"%" * (21 * 1024 * 1024))
    assert run(runner, kit_dir, "talk", big) == (
        1,
        "Error: --from-form: big.pdf is 21 MB; a filled form is at most 20 MB. Fill in the "
        "talk.form.pdf that handbill wrote.\n",
    )
