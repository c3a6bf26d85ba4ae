"""The CLI through Click's runner: help, version, build, list, errors without tracebacks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write
from handbill import __version__
from handbill.cli import cli


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"handbill, version {__version__}\n"


@pytest.mark.parametrize("command", [[], ["build"], ["list"], ["new"]])
def test_help_has_an_example(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(cli, [*command, "-h"])
    assert result.exit_code == 0
    assert "Example: handbill" in result.output


def test_build_prints_one_summary_line(runner: CliRunner, kit_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["build", "--kit", str(kit_dir), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        r"Built 2 PDFs, 2 pages in \d+\.\d s; 1 also as A4 sheets for home printers -> .*/o/\n",
        result.output,
    )


def test_build_named_material_only(runner: CliRunner, kit_dir: Path) -> None:
    result = runner.invoke(cli, ["build", "card", "--kit", str(kit_dir), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Built 1 PDF, 1 page in ")
    # The A6 card, and four copies of it on an A4 sheet for a home printer.
    assert sorted(p.name for p in (kit_dir / "dist").iterdir()) == [
        "card.home.pdf",
        "card.pdf",
        "manifest.json",
    ]
    # What went into each output, so unchanged ones are not rebuilt, and the file times of the
    # last build, for a quick no-op rebuild: in the kit, never in the folder to publish.
    state = sorted(p.name for p in (kit_dir / ".handbill").iterdir())
    assert [name.split("-")[0] for name in state] == ["cache", "snapshot"]


def test_build_warns_on_page_count(runner: CliRunner, kit_dir: Path) -> None:
    text = (kit_dir / "materials" / "card.md").read_text().replace("pages: 1", "pages: 4")
    write(kit_dir / "materials" / "card.md", text)
    result = runner.invoke(cli, ["build", "card", "--kit", str(kit_dir)])
    assert result.exit_code == 0
    assert (
        "Warning: card: 1 page, expected 4: add content, or change 'pages:' in materials/card.md"
        in result.stderr
    )


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (("handbill.toml", "[campaign\n"), "handbill.toml:1: TOML syntax error"),
        (
            ("materials/card.md", "---\ntemplate: card\ntitle: T\nqr: [nope]\n---\n"),
            "card.md:4: field 'qr': no link named 'nope'",
        ),
        (
            ("materials/card.md", "---\ntemplate: crad\ntitle: T\n---\n"),
            "card.md:2: field 'template': no template named 'crad'. Did you mean 'card'?",
        ),
        (
            ("templates/card.html", "{{ asset('img/missing.png') }}"),
            "card: asset 'img/missing.png' not found",
        ),
    ],
)
def test_user_errors_are_one_clear_line(
    runner: CliRunner, kit_dir: Path, breakage: tuple[str, str], expected: str
) -> None:
    write(kit_dir / breakage[0], breakage[1])
    result = runner.invoke(cli, ["build", "--kit", str(kit_dir)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("Error: ")
    assert expected in result.stderr


def test_unknown_material(runner: CliRunner, kit_dir: Path) -> None:
    result = runner.invoke(cli, ["build", "shet", "--kit", str(kit_dir)])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: No material named 'shet'. Did you mean 'sheet'? "
        "Materials in this kit: card, sheet.\n"
    )
    assert not (kit_dir / "dist").exists()


def test_kit_without_materials(runner: CliRunner, kit_dir: Path) -> None:
    for path in (kit_dir / "materials").iterdir():
        path.unlink()
    result = runner.invoke(cli, ["build", "--kit", str(kit_dir)])
    assert result.exit_code == 1
    assert "No materials to build in" in result.stderr
    assert "add one such as materials/faq.md" in result.stderr


def test_not_a_kit(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["list", "--kit", str(tmp_path)])
    assert result.exit_code == 1
    assert "No handbill.toml in" in result.stderr and "handbill new DIR" in result.stderr


def test_list(runner: CliRunner, kit_dir: Path) -> None:
    result = runner.invoke(cli, ["list", "--kit", str(kit_dir)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["NAME", "TEMPLATE", "PAPER", "PAGES", "OUTPUT", "TITLE"]
    assert lines[1].split() == ["card", "card", "A6", "landscape", "1", "card.pdf", "Test", "card"]
    assert lines[2].split() == ["sheet", "faq", "A4", "1", "sheet.pdf", "Test", "sheet"]


def test_set_fills_fields(runner: CliRunner, kit_dir: Path) -> None:
    write(
        kit_dir / "materials" / "card.md",
        "---\ntemplate: card\ntitle: T\nexports: [txt]\nvars: {slogan: x}\n"
        "fields:\n  speaker: your name\n"
        "  town: your town\n---\nI am [[speaker]] from [[town]].\n",
    )
    result = runner.invoke(
        cli,
        [
            "build",
            "card",
            "--kit",
            str(kit_dir),
            "--set",
            "speaker=Asha Patel",
            "--set",
            "town=Leeds",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "I am Asha Patel from Leeds." in (kit_dir / "dist" / "card.txt").read_text()


def test_set_needs_field_equals_value(runner: CliRunner, kit_dir: Path) -> None:
    result = runner.invoke(cli, ["build", "--kit", str(kit_dir), "--set", "Leeds"])
    assert result.exit_code == 2
    assert "'Leeds' is not FIELD=VALUE; write e.g. --set town=Leeds" in result.stderr
