"""``handbill new``: a kit that builds as it is, with one material per stock template."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conftest import write
from handbill.cli import cli
from handbill.kit.config import load_config
from handbill.kit.loader import load_kit, stock_templates


def test_new_kit_builds_cleanly(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "leeds"
    result = runner.invoke(cli, ["new", str(target), "--name", 'Leeds "Save Our NHS"'])
    assert result.exit_code == 0, result.output
    assert f"Created a kit with {len(stock_templates())} material" in result.output
    assert load_config(target).name == 'Leeds "Save Our NHS"'
    assert sorted(load_kit(target).materials) == stock_templates()
    built = runner.invoke(cli, ["build", "--kit", str(target)])
    assert built.exit_code == 0, built.output
    assert built.stderr == ""  # no warnings either
    assert (target / "dist" / "faq.pdf").is_file()
    # The build's state, its outputs and supporters' lists stay out of the kit's git history.
    lines = (target / ".gitignore").read_text().splitlines()
    assert [line for line in lines if not line.startswith("#")] == [
        ".handbill/",
        "/dist/",
        "/dist-private/",
        "*-private/",
        "/private/",
        "data/supporters*.csv",
        "*.private.csv",
    ]
    assert (target / ".handbill").is_dir()


def test_every_stock_template_has_a_starter_material() -> None:
    starter = Path(__file__).parents[1] / "src" / "handbill" / "starter" / "materials"
    assert sorted(p.stem for p in starter.glob("*.md")) == stock_templates()


def test_new_refuses_a_folder_with_content(runner: CliRunner, tmp_path: Path) -> None:
    write(tmp_path / "kit" / "notes.txt", "mine")
    result = runner.invoke(cli, ["new", str(tmp_path / "kit")])
    assert result.exit_code == 1
    assert "already exists and is not empty; choose a new folder name" in result.stderr
    assert sorted(p.name for p in (tmp_path / "kit").iterdir()) == ["notes.txt"]


def test_git_leaves_supporters_lists_out(runner: CliRunner, tmp_path: Path) -> None:
    import subprocess  # nosec B404: git, to ask what it would leave out

    target = tmp_path / "kit"
    assert runner.invoke(cli, ["new", str(target)]).exit_code == 0
    subprocess.run(["git", "init", "-q", str(target)], check=True)  # nosec B603 B607
    paths = [
        "private/supporters.csv",
        "data/supporters.csv",
        "data/supporters-march.csv",
        "data/doorstep.private.csv",
        "print-private/letter.merge.pdf",
        "dist/faq.pdf",
        "data/events.csv",
        "data/groups.csv",
        "materials/faq.md",
    ]
    for path in paths:
        write(target / path, "x\n")
    ignored = subprocess.run(  # nosec B603 B607
        ["git", "-C", str(target), "check-ignore", *paths], capture_output=True, text=True
    ).stdout.split()
    assert ignored == paths[:6]
