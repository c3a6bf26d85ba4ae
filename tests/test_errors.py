"""Errors as the user sees them: every problem line prefixed alike, then the closing lines."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write
from handbill.cli import cli
from handbill.errors import BuildError, ConfigError, KitError, KitProblems


def shown(error: KitError | BuildError) -> str:
    out = io.StringIO()
    error.show(out)
    return out.getvalue()


def test_one_line_error_has_one_prefix() -> None:
    assert shown(KitError("no column 'venue'", "data/events.csv", 1)) == (
        "Error: data/events.csv:1: no column 'venue'\n"
    )


def test_every_failure_line_is_prefixed_and_the_summary_is_not() -> None:
    error = BuildError("a: broken\nb: broken too\nBuilt 1 PDF in 1.0 s; 2 failed", closing=1)
    assert shown(error) == (
        "Error: a: broken\nError: b: broken too\nBuilt 1 PDF in 1.0 s; 2 failed\n"
    )


def test_kit_problems_and_config_problems_read_alike() -> None:
    problems = KitProblems([(Path("materials/a.md"), 3, "x"), (Path("materials/b.md"), None, "y")])
    assert shown(problems) == (
        "Error: materials/a.md:3: x\nError: materials/b.md: y\n"
        "Fix the 2 problems above and run again.\n"
    )
    config = ConfigError(Path("handbill.toml"), [(4, "bad colour"), (9, "bad link")])
    assert shown(config) == (
        "Error: handbill.toml:4: bad colour\nError: handbill.toml:9: bad link\n"
        "Fix the 2 problems above in handbill.toml and run again.\n"
    )


def test_build_with_two_failed_materials(
    runner: CliRunner, kit_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(kit_dir)
    # Two materials made per row of a table that lacks a column their template needs.
    write(
        kit_dir / "templates" / "badge.html",
        "{#- vocabulary\ncolumns:\n  venue: {need: required, about: where}\n-#}\n"
        "{% extends '_base.html' %}{% block body %}{{ row.venue }}{% endblock %}\n",
    )
    write(kit_dir / "data" / "events.csv", "title\nA meeting\n")
    for name in ("one", "two"):
        write(
            kit_dir / "materials" / f"{name}.md",
            f"---\ntemplate: badge\ntitle: {name}\nper: events\n"
            f"output: {name}-{{title}}.pdf\n---\n",
        )
    result = runner.invoke(cli, ["build", "one", "two"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[:2] == [
        "Error: data/events.csv: no column 'venue', which badge needs",
        "Error: data/events.csv: no column 'venue', which badge needs",
    ]
    assert lines[2].startswith("Built 0 PDFs") and lines[2].endswith("; 2 failed")
