"""The merge table read as a stream: checked in a first pass, read again without the bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from handbill.errors import BuildError, KitError
from handbill.kit.loader import load_kit
from handbill.merge.rows import scan_rows

HEADER = "name,address,town,constituency,mp_name,hospital\n"
GOOD = "{name},1 Road,Leeds,Leeds East,Ruth Marsden,St James's\n"


def test_the_first_pass_counts_good_rows_and_the_next_skips_bad_ones(tmp_path: Path) -> None:
    table = tmp_path / "s.csv"
    table.write_text(
        HEADER + GOOD.format(name="Ann") + ",2 Road,Leeds,Leeds East,Ruth Marsden,St James's\n"
        "\n" + GOOD.format(name="Cy"),
        encoding="utf-8",
    )
    kit = load_kit(REPO)
    scan = scan_rows(kit, kit.materials["letter-to-mp"], table, {})
    assert scan.good == 2 and scan.first is not None and scan.first.number == 2
    assert scan.bad == [(3, f"{table} row 3: 'name' is empty")]
    assert [(row.number, row.cells["name"]) for row in scan.rows()] == [(2, "Ann"), (5, "Cy")]
    assert scan.columns == HEADER.strip().split(",")


def test_a_table_changed_while_it_is_merged_stops_the_merge(tmp_path: Path) -> None:
    table = tmp_path / "s.csv"
    table.write_text(HEADER + GOOD.format(name="Ann"), encoding="utf-8")
    kit = load_kit(REPO)
    scan = scan_rows(kit, kit.materials["letter-to-mp"], table, {})
    table.write_text(HEADER + GOOD.format(name="Ann") + GOOD.format(name="Bo"), encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        list(scan.rows())
    assert caught.value.format_message() == (
        f"{table} changed while it was being merged; merge it again"
    )


def test_a_control_character_is_found_on_its_line_as_the_table_streams(tmp_path: Path) -> None:
    table = tmp_path / "s.csv"
    table.write_text(HEADER + GOOD.format(name="Ann") + GOOD.format(name="B\x07o"), "utf-8")
    kit = load_kit(REPO)
    with pytest.raises(KitError) as caught:
        scan_rows(kit, kit.materials["letter-to-mp"], table, {})
    assert caught.value.format_message().startswith(f"{table}:3: ")
    assert caught.value.format_message().endswith("cannot be printed; delete it.")
