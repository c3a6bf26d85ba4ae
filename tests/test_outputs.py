"""The output folder follows the kit, and what is private stays out of what is published."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from conftest import REPO, write
from handbill.cli import cli
from pdftools import assert_nothing_names, page_texts


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def paths(folder: Path) -> list[str]:
    return sorted(e["path"] for e in json.loads((folder / "manifest.json").read_text())["outputs"])


def test_a_removed_material_leaves_the_manifest_the_page_and_the_folder(kit_dir: Path) -> None:
    out = kit_dir / "dist"
    invoke("build", "--kit", str(kit_dir))
    invoke("site", "--kit", str(kit_dir))
    (out / "notes.txt").write_text("the user's own file")  # never handbill's to delete
    assert "Test card" in (out / "index.html").read_text()
    (kit_dir / "materials" / "card.md").unlink()
    # Even a build of another material alone leaves a manifest of the kit as it is now.
    said = invoke("build", "sheet", "--kit", str(kit_dir), "--no-cache")
    assert said.splitlines()[0] == (
        "removed 2 outputs of materials or data rows no longer in the kit: card.home.pdf, card.pdf"
    )
    assert paths(out) == ["sheet.pdf"]
    invoke("site", "--kit", str(kit_dir))
    assert "Test card" not in (out / "index.html").read_text()
    assert sorted(p.name for p in out.iterdir()) == [
        "index.html",
        "manifest.json",
        "notes.txt",
        "sheet.pdf",
        "thumbs",
    ]
    assert sorted(p.name for p in (out / "thumbs").iterdir()) == ["sheet.png"]
    checked = CliRunner().invoke(cli, ["check", "--kit", str(kit_dir)])
    assert "Checked 1 PDF" in checked.output


def test_keep_stale_keeps_the_files_out_of_the_manifest(kit_dir: Path) -> None:
    out = kit_dir / "dist"
    invoke("build", "--kit", str(kit_dir))
    (kit_dir / "materials" / "card.md").unlink()
    said = invoke("build", "--kit", str(kit_dir), "--keep-stale")
    assert said.splitlines()[0] == (
        "kept 2 outputs of materials or data rows no longer in the kit (--keep-stale), left out of "
        "manifest.json: card.home.pdf, card.pdf"
    )
    assert (out / "card.pdf").is_file() and paths(out) == ["sheet.pdf"]


def test_a_removed_row_and_a_changed_file_name(kit_dir: Path) -> None:
    events = write(kit_dir / "data" / "events.csv", "town\nLeeds\nYork\n")
    write(
        kit_dir / "materials" / "flyer.md",
        "---\ntemplate: card\ntitle: F\nper: events\noutput: flyer-{town}\nvars:\n  slogan: S\n"
        "---\n",
    )
    out = kit_dir / "dist"
    invoke("build", "flyer", "--kit", str(kit_dir))
    events.write_text("town\nLeeds\nHull\n")
    said = invoke("build", "flyer", "--kit", str(kit_dir))
    assert said.splitlines()[0] == (
        "removed 1 output of materials or data rows no longer in the kit: flyer-york.pdf"
    )
    assert [p for p in paths(out) if p.startswith("flyer")] == ["flyer-hull.pdf", "flyer-leeds.pdf"]


def test_a_private_material_is_never_in_the_output_folder(
    kit_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(kit_dir)  # the summary line names the folders from here
    write(
        kit_dir / "materials" / "contacts.md",
        "---\ntemplate: faq\ntitle: Phone tree\nprivate: true\npublished: false\n---\nAnn 0113\n",
    )
    out, private = kit_dir / "dist", kit_dir / "dist-private"
    said = invoke("build", "--kit", str(kit_dir))
    assert said.endswith(
        " -> dist/; private (supporters' details, not for publishing): dist-private/\n"
    )
    invoke("site", "--kit", str(kit_dir))
    assert paths(private) == ["contacts.pdf"]
    assert sorted(p.name for p in private.iterdir()) == ["contacts.pdf", "manifest.json"]
    assert "Ann 0113" in page_texts(private / "contacts.pdf")[0]
    assert sorted(p.name for p in (out / "thumbs").iterdir()) == ["card.png", "sheet.png"]
    assert not (out / "private").exists()
    assert_nothing_names(out, ["contacts", "Phone tree", "Ann 0113"])
    # Built again with nothing changed, the line still says where the private outputs are.
    again = invoke("build", "--kit", str(kit_dir))
    assert again.startswith("Built 3 PDFs") and again.endswith(": dist-private/\n")


@pytest.fixture
def group_kit(kit_dir: Path) -> Path:
    write(kit_dir / "data" / "groups.csv", "id,town\nleeds,Leeds\nyork,York\n")
    write(
        kit_dir / "materials" / "leaflet-a5.md",
        "---\ntemplate: card\ntitle: L\npaper: A5\nper: groups\noutput: leaflet-a5-{id}\n"
        "vars:\n  slogan: S\n---\n",
    )
    return kit_dir


@pytest.mark.parametrize(
    ("item", "outputs"),
    [
        ("leaflet-a5", ["leaflet-a5-leeds", "leaflet-a5-york"]),  # every group's copy
        ("leaflet-a5:leeds", ["leaflet-a5-leeds"]),  # one group's, by its id
        ("leaflet-a5-york", ["leaflet-a5-york"]),  # one group's, by its output name
    ],
)
def test_pack_takes_a_per_row_material(group_kit: Path, item: str, outputs: list[str]) -> None:
    run = write(group_kit / "run.toml", f'[[item]]\nmaterial = "{item}"\ncopies = 4\n')
    invoke("pack", str(run), "--kit", str(group_kit))
    listing = json.loads((group_kit / "dist" / "packs" / "run" / "packing-list.json").read_text())
    assert [i["output"] for i in listing["items"]] == outputs
    assert [i["sheets"] for i in listing["items"]] == [2] * len(outputs)  # A5 2-up on A4


def test_pack_names_an_unknown_row(group_kit: Path) -> None:
    run = write(group_kit / "run.toml", '[[item]]\nmaterial = "leaflet-a5:leds"\ncopies = 4\n')
    result = CliRunner().invoke(cli, ["pack", str(run), "--kit", str(group_kit)])
    assert result.exit_code == 1
    assert result.output.strip().endswith(
        "run.toml:1: no row of data/groups.csv matches 'leds' for leaflet-a5. Did you mean "
        "'leeds'? Rows: leeds, york"
    )


def test_a_relative_link_is_refused_and_a_link_name_resolved(kit_dir: Path) -> None:
    sheet = kit_dir / "materials" / "sheet.md"
    text = sheet.read_text()
    sheet.write_text(text + "\nSee [the petition](petition) and\n[more](other.md).\n")
    line = len(text.splitlines()) + 3
    result = CliRunner().invoke(cli, ["build", "--kit", str(kit_dir)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.strip().endswith(
        f"/materials/sheet.md:{line}: link 'other.md' is not a web address; use a full "
        "https:// address or a link name from [links]"
    )
    sheet.write_text(text + "\nSee [the petition](petition).\n")
    invoke("build", "--kit", str(kit_dir))
    reader = PdfReader(kit_dir / "dist" / "sheet.pdf")
    uris = [a.get_object()["/A"].get("/URI") for a in reader.pages[0].get("/Annots", [])]
    assert "https://example.org/petition" in uris


def _all_text(path: Path) -> list[bytes]:
    """The raw bytes of a file and, for a PDF, its decompressed streams, text and links."""
    data = [path.read_bytes()]
    if path.suffix == ".pdf":
        reader = PdfReader(path)
        for page in reader.pages:
            data.append(page.extract_text().encode())
            contents = page.get_contents()
            data.append(contents.get_data() if contents else b"")
            for annot in page.get("/Annots", []):
                data.append(repr(annot.get_object()).encode())
        data.append(repr(reader.metadata).encode())
    return data


def test_nothing_in_the_output_folder_names_the_builders_folders(tmp_path: Path) -> None:
    kit = tmp_path / "the-builders-kit"
    shutil.copytree(REPO, kit, ignore=shutil.ignore_patterns("dist", ".*", "tests", "src"))
    out = tmp_path / "the-builders-output"
    invoke("build", "--kit", str(kit), "--out", str(out))
    table = kit / "data" / "supporters.csv"
    invoke("build", "letter-to-mp", "--kit", str(kit), "--out", str(out), "--merge", str(table))
    invoke("site", "--kit", str(kit), "--out", str(out))
    private = tmp_path / "the-builders-output-private"
    files = [p for folder in (out, private) for p in folder.rglob("*") if p.is_file()]
    assert len(files) > 60 and (private / "letter-to-mp.merge.pdf") in files
    for path in files:
        for data in _all_text(path):
            for secret in (str(kit), str(out), str(tmp_path), "file:"):
                assert secret.encode() not in data, (path, secret)
    merged = json.loads((private / "manifest.json").read_text())["outputs"][0]
    assert merged["merge"] == "data/supporters.csv"
    assert not any(p.name.startswith(".handbill") for p in files)


def test_split_names_keep_every_letter(tmp_path: Path) -> None:
    header = "name,address,town,constituency,mp_name,hospital\n"
    rows = [
        "Małgorzata Wiśniewska,1 Road,Leeds,Leeds East,R,H",
        "عائشہ خان,2 Road,Leeds,Leeds East,R,H",
        "ZOË HUGHES,3 Road,Leeds,Leeds East,R,H",
    ]
    table = write(tmp_path / "s.csv", header + "\n".join(rows) + "\n")
    out = tmp_path / "out"
    invoke("build", "letter-to-mp", "--kit", str(REPO), "--out", str(out), "--merge", str(table))
    invoke(
        "build", "letter-to-mp", "--kit", str(REPO), "--out", str(out), "--merge", str(table),
        "--split",
    )  # fmt: skip
    folder = tmp_path / "out-private" / "letter-to-mp.merge"
    assert sorted(p.name for p in folder.iterdir()) == [
        "00002-małgorzata-wiśniewska.pdf",
        "00003-عائشہ-خان.pdf",
        "00004-zoë-hughes.pdf",
    ]
    # A second merge of fewer rows leaves no letter of the first behind.
    write(tmp_path / "s.csv", header + rows[0] + "\n")
    invoke(
        "build", "letter-to-mp", "--kit", str(REPO), "--out", str(out), "--merge", str(table),
        "--split",
    )  # fmt: skip
    assert [p.name for p in folder.iterdir()] == ["00002-małgorzata-wiśniewska.pdf"]
