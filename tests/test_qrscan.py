"""Reading QR codes back: each copy on a sheet read on its own, its findings said once."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner

from handbill.check.findings import Finding
from handbill.check.qrscan import _copy_at, _once
from handbill.cli import cli


def finding(mm: str, page: int = 1, link: str = "events") -> Finding:
    return Finding(
        "warning",
        "event-flyer row 1",
        "qr",
        f"the QR code for '{link}' has 25 modules across {mm} mm; print it at least 13 mm wide",
        page=page,
    )


def test_four_copies_of_a_code_on_a_sheet_are_one_finding() -> None:
    copies = [("events", 4, finding(mm)) for mm in ("11.9", "11.9", "12.0", "11.9")]
    assert [f.line for f in _once(copies, "on the sheet")] == [
        "event-flyer row 1 p.1: warning: qr: the QR code for 'events' has 25 modules across "
        "11.9 mm; print it at least 13 mm wide (all 4 copies on the sheet)"
    ]


def test_two_codes_on_a_sheet_of_two_leaflets_are_each_said() -> None:
    # Links whose names differ only in a digit are two codes, never folded into one line.
    found = [(link, 2, finding("11.9", link=link)) for link in ("step1", "step2", "step1")]
    said = "has 25 modules across 11.9 mm; print it at least 13 mm wide"
    assert [f.message for f in _once(found, "on the sheet")] == [
        f"the QR code for 'step1' {said} (both copies on the sheet)",
        f"the QR code for 'step2' {said} (1 of the 2 copies on the sheet)",
    ]


def test_findings_on_other_pages_or_of_other_kinds_stay_apart() -> None:
    other = Finding("error", "event-flyer row 1", "qr", "something is printed inside", page=1)
    found = _once(
        [("events", 1, finding("11.9")), ("events", 1, finding("11.9", page=2)), ("e", 1, other)],
        "on the page",
    )
    assert [(f.page, f.message.endswith("wide")) for f in found] == [
        (1, True),
        (2, True),
        (1, False),
    ]


def symbol(x_px: float, y_px: float, size: float = 100) -> Any:
    corner = SimpleNamespace
    return SimpleNamespace(
        position=SimpleNamespace(
            top_left=corner(x=x_px, y=y_px), bottom_right=corner(x=x_px + size, y=y_px + size)
        )
    )


def test_each_copy_is_matched_to_the_symbol_printed_where_it_was_placed() -> None:
    px_per_mm = 10.0
    left, right = symbol(365, 1580, 170), symbol(1845, 1580, 170)  # 148 mm apart
    code = {"link": "case", "width_mm": 20.0, "x_mm": 183.0, "y_mm": 156.4}
    assert _copy_at(code, [left, right], px_per_mm) is right
    assert _copy_at({**code, "x_mm": 35.0}, [left, right], px_per_mm) is left
    # The copy on the right unreadable: it is not taken for the one on the left.
    assert _copy_at(code, [left], px_per_mm) is None
    # An older manifest without positions: the first copy found.
    assert _copy_at({"link": "case"}, [right, left], px_per_mm) is right


def test_a_leaflets_home_sheet_reports_each_code_as_its_own_page_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["new", "kit"]).exit_code == 0
    leaflet = tmp_path / "kit" / "materials" / "leaflet-a5.md"
    text = leaflet.read_text(encoding="utf-8")
    leaflet.write_text(text.replace("vars:\n", "vars:\n  qr_size: 20\n", 1), encoding="utf-8")
    assert runner.invoke(cli, ["build", "--kit", "kit", "leaflet-a5"]).exit_code == 0
    checked = runner.invoke(cli, ["check", "--kit", "kit", "leaflet-a5"])
    lines = [line for line in checked.output.splitlines() if ": qr: " in line]
    said = [
        (line.split(" p.")[0], line.split("'")[1], "(both copies on the sheet)" in line)
        for line in lines
    ]
    # 17 mm of symbol for a long address: each code too fine, on the A5 page and on both
    # copies on the A4 sheet, one line a code.
    assert sorted(said) == [
        ("leaflet-a5", "case", False),
        ("leaflet-a5", "donate", False),
        ("leaflet-a5 (A4 sheets)", "case", True),
        ("leaflet-a5 (A4 sheets)", "donate", True),
    ]
