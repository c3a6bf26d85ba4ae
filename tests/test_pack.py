"""handbill pack: quantities rounded up to whole sheets, one PDF per stock, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write
from handbill.cli import cli
from pdftools import page_sizes_mm


def run_file(kit_dir: Path, text: str) -> Path:
    return write(kit_dir / "run.toml", text)


def test_pack_counts_sheets_exactly(runner: CliRunner, kit_dir: Path) -> None:
    run = run_file(
        kit_dir,
        'name = "Stall"\n\n[[item]]\nmaterial = "card"\ncopies = 7\n\n'
        '[[item]]\nmaterial = "sheet"\ncopies = 3\n\n'
        '[[item]]\nmaterial = "sheet"\nmode = "press"\ncopies = 2\n',
    )
    result = runner.invoke(cli, ["pack", str(run), "--kit", str(kit_dir)])
    assert result.exit_code == 0, result.output
    folder = kit_dir / "dist" / "packs" / "run"
    listing = json.loads((folder / "packing-list.json").read_text())
    items = {(i["output"], i["mode"]): i for i in listing["items"]}
    card = items[("card", "home")]
    # 7 A6 cards, 4 to an A4 sheet: 2 sheets, 8 cards.
    assert (card["copies_made"], card["per_sheet"], card["sheets"], card["file"]) == (
        8,
        4,
        2,
        "A4-home.pdf",
    )
    assert items[("sheet", "home")]["sheets"] == 3
    assert items[("sheet", "press")]["file"] == "A4-press.pdf"
    assert listing["sheets_per_file"] == {"A4-home.pdf": 5, "A4-press.pdf": 2}
    assert len(page_sizes_mm(folder / "A4-home.pdf")) == 5  # all one-sided: no blank backs
    assert page_sizes_mm(folder / "A4-press.pdf") == [(226.0, 313.0)] * 2  # A4 + bleed + marks
    text = (folder / "packing-list.txt").read_text()
    assert "- card (home): 8 copies (asked 7, rounded up), 4 per sheet, 2 sheets one-sided" in text
    assert "Quantities are rounded up to whole sheets." in text
    assert (folder / "cover.pdf").is_file()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[item]]\nmaterial = "crad"\ncopies = 5\n',
            "run.toml:1: no material or output named 'crad'. Did you mean 'card'?",
        ),
        (
            '[[item]]\nmaterial = "card"\ncopies = -5\n',
            "run.toml:1: copies = -5 for card: give a whole number from 1 to 10,000",
        ),
        (
            '[[item]]\nmaterial = "card"\ncopies = 999999\n',
            "run.toml:1: copies = 999999 for card: give a whole number",
        ),
        (
            '[[item]]\nmaterial = "card"\ncopies = 5\nstock = "A7"\n',
            "run.toml:1: unknown stock 'A7'",
        ),
        (
            '[[item]]\nmaterial = "card"\ncopies = 5\n\n[[item]]\nmaterial = "card"\ncopies = 2\n',
            "run.toml:5: card (home) is listed twice (also on line 1); add the copies up",
        ),
    ],
)
def test_bad_run_files(runner: CliRunner, kit_dir: Path, text: str, message: str) -> None:
    run = run_file(kit_dir, text)
    result = runner.invoke(cli, ["pack", str(run), "--kit", str(kit_dir)])
    assert result.exit_code == 1
    assert message in result.stderr
    assert not (kit_dir / "dist").exists()  # nothing written


def test_example_run_file_is_valid() -> None:
    from conftest import REPO
    from handbill.kit.loader import load_kit
    from handbill.publish.pack import read_run

    title, items = read_run(REPO / "runs" / "stall-day.toml", load_kit(REPO))
    assert title == "Saturday stall"
    assert [(i.output, i.copies) for i in items] == [
        ("leaflet-a5-leeds", 50),
        ("faq", 20),
        ("placard-a3", 5),
        ("petition", 10),
        ("event-flyer-2018-11-17", 40),
    ]
