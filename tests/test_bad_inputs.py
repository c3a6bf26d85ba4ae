"""The catalogue of bad inputs: each gives one clear line naming the file and line (or row),
a non-zero exit, and nothing written for the bad material."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write
from handbill.cli import cli
from pdftools import page_texts

GOOD_SHEET = "---\ntemplate: faq\ntitle: T\n---\nBody\n"
EVENTS_MATERIAL = (
    "---\ntemplate: card\ntitle: Event\npaper: A6\nper: events\noutput: ev-{n}\n"
    "vars: {slogan: x}\n---\n[[title]] at [[venue]]\n"
)

CASES = {
    # name: (file, content as bytes or text, expected fragment of the error)
    "yaml tab": (
        "materials/sheet.md",
        "---\ntemplate: faq\n\ttitle: T\n---\n",
        "sheet.md:3: front matter:",
    ),
    "yaml bad indentation": (
        "materials/sheet.md",
        "---\ntemplate: faq\ntitle: T\nvars:\n    a: 1\n  b: 2\n---\n",
        "sheet.md:6: front matter:",
    ),
    "yaml duplicate key": (
        "materials/sheet.md",
        "---\ntemplate: faq\ntitle: T\ntitle: U\n---\n",
        'sheet.md:4: front matter: found duplicate key "title"',
    ),
    "yaml unknown key": (
        "materials/sheet.md",
        "---\ntemplate: faq\ntitle: T\nsubtitel: x\n---\n",
        "sheet.md:4: unknown field 'subtitel'. Did you mean 'subtitle'?",
    ),
    "yaml wrong type": (
        "materials/sheet.md",
        "---\ntemplate: faq\ntitle: T\npages: [1, 2]\n---\n",
        "sheet.md:4: field 'pages': must be a whole number of pages",
    ),
    "toml syntax": (
        "handbill.toml",
        '[campaign]\nname = "X\n',
        "handbill.toml:2: TOML syntax error",
    ),
    "toml missing name": (
        "handbill.toml",
        '[campaign]\nhashtag = "#x"\n[links]\ncase = "https://example.org/case"\n',
        "handbill.toml:1: Config value 'campaign.name': missing",
    ),
    "toml link not http": (
        "handbill.toml",
        '[campaign]\nname = "X"\n[links]\ncase = "www.example.org"\n',
        "handbill.toml:4: Config value 'links.case': 'www.example.org' is not a web address",
    ),
    "csv windows-1252": (
        "data/events.csv",
        "title,venue\nCaf\xe9 meeting,Hall\n".encode("cp1252"),
        "events.csv:2: not UTF-8 text (byte 15, it looks saved as Windows-1252 ('é')); "
        "save it as UTF-8: in your spreadsheet choose 'CSV UTF-8'",
    ),
    "csv ragged row": (
        "data/events.csv",
        "title,venue\nRally,Hall\nMeeting\n",
        "events.csv:3: row 3 has 1 cells but the header has 2",
    ),
    "csv empty": ("data/events.csv", "", "events.csv:1: the file is empty"),
    "csv missing column": (
        "data/events.csv",
        "title,place\nRally,Hall\n",
        "ev.md:9: the content uses [[venue]], which is not a field.",
    ),
    "content too long": (
        "materials/sheet.md",
        "---\ntemplate: faq\ntitle: T\n---\n" + "x" * 500_000 + "\n",
        "sheet.md: 500,032 characters is far more than printed material holds",
    ),
    "material file too large": (
        "materials/sheet.md",
        "---\ntemplate: faq\ntitle: T\n---\n" + "x" * 5_000_000 + "\n",
        "sheet.md: 4.8 MB is more than handbill reads from a material (at most 2.0 MB)",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_is_one_clear_line(runner: CliRunner, kit_dir: Path, case: str) -> None:
    name, content, expected = CASES[case]
    write(kit_dir / "data" / "events.csv", "title,venue\nRally,Hall\n")
    write(kit_dir / "materials" / "ev.md", EVENTS_MATERIAL)
    target = kit_dir / name
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        write(target, content) if content else target.write_text("")
    result = runner.invoke(cli, ["build", "--kit", str(kit_dir)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("Error: ") and expected in lines[0], lines
    if name.startswith("data/") and case != "csv missing column":
        # A table that cannot be read fails only the material that uses it; the others are
        # built. (A column missing for the content's [[field]] is the material's mistake.)
        assert len(lines) == 2 and lines[1].endswith("; 1 failed"), lines
        assert not list((kit_dir / "dist").glob("ev-*.pdf"))
        assert (kit_dir / "dist" / "sheet.pdf").is_file()
        return
    # A wrong value in handbill.toml adds "Fix the 1 problem above ..." (all are listed at once).
    assert len(lines) == (2 if "Config value" in expected else 1)
    assert not (kit_dir / "dist").exists()  # kit errors stop before anything is written


def test_csv_with_bom_and_quoted_newlines_builds(runner: CliRunner, kit_dir: Path) -> None:
    (kit_dir / "data").mkdir()
    (kit_dir / "data" / "events.csv").write_bytes(
        '\ufefftitle,venue\n"Rally","Town Hall,\nMain Street"\n'.encode()
    )
    write(kit_dir / "materials" / "ev.md", EVENTS_MATERIAL)
    result = runner.invoke(cli, ["build", "ev", "--kit", str(kit_dir)])
    assert result.exit_code == 0, result.output
    assert "Rally at Town Hall, Main Street" in " ".join(
        page_texts(kit_dir / "dist" / "ev-1.pdf")[0].split()
    )


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        # Markdown makes __class__ bold and curls the quotes; Jinja never evaluates it.
        ("{{ ''.__class__ }}", "{{ \u2018\u2019.class }}"),
        ('<img src="file:///etc/passwd">', "<img src=\u201cfile:///etc/passwd\u201d>"),
        (
            '<p style="background: url(http://127.0.0.1/)">styled</p>',
            "<p style=\u201cbackground: url(http://127.0.0.1/)\u201d>styled</p>",
        ),
    ],
)
def test_hostile_content_is_printed_as_text(
    runner: CliRunner, kit_dir: Path, no_network: list[object], body: str, shown: str
) -> None:
    write(kit_dir / "materials" / "sheet.md", f"---\ntemplate: faq\ntitle: T\n---\n{body}\n")
    result = runner.invoke(cli, ["build", "sheet", "--kit", str(kit_dir), "-j", "1"])
    assert result.exit_code == 0, result.output
    text = " ".join(page_texts(kit_dir / "dist" / "sheet.pdf")[0].split())
    assert shown in text
    assert no_network == []


def test_symlink_to_a_device_is_refused(runner: CliRunner, kit_dir: Path) -> None:
    os.symlink("/dev/urandom", kit_dir / "assets" / "img" / "noise.png")
    write(
        kit_dir / "materials" / "sheet.md",
        "---\ntemplate: faq\ntitle: T\n---\n![noise](assets/img/noise.png)\n",
    )
    result = runner.invoke(cli, ["build", "--kit", str(kit_dir), "-j", "1"])
    assert result.exit_code == 1
    assert "sheet: refused to fetch file://" in result.stderr
    assert "noise.png (file outside the kit" in result.stderr
    assert not (kit_dir / "dist" / "sheet.pdf").exists()
    assert (kit_dir / "dist" / "card.pdf").exists()  # the good material was still built
