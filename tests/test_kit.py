"""Loading a whole kit: templates found (kit before stock), names unique, data files read."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write
from handbill.errors import KitError
from handbill.kit.boundary import stock_dir
from handbill.kit.data import read_csv
from handbill.kit.loader import find_template, load_kit, stock_templates


def test_loads_materials_in_name_order(kit_dir: Path) -> None:
    kit = load_kit(kit_dir)
    assert list(kit.materials) == ["card", "sheet"]
    assert kit.select(["sheet"])[0].title == "Test sheet"


def test_kit_template_overrides_stock(kit_dir: Path) -> None:
    kit = load_kit(kit_dir)
    assert find_template(kit, "faq") == stock_dir() / "templates" / "faq.html"
    write(kit_dir / "templates" / "faq.html", "{{ material.title }}")
    assert find_template(kit, "faq") == kit_dir / "templates" / "faq.html"


def test_unknown_template_lists_available(kit_dir: Path) -> None:
    write(kit_dir / "materials" / "x.md", "---\ntemplate: fqa\ntitle: X\n---\n")
    with pytest.raises(KitError) as info:
        load_kit(kit_dir)
    message = info.value.format_message()
    assert "x.md:2: field 'template': no template named 'fqa'. Did you mean 'faq'?" in message
    assert "Templates available: card, event-flyer, event-poster, faq, " in message


def test_unknown_material_name(kit_dir: Path) -> None:
    with pytest.raises(KitError, match=r"No material named 'shet'. Did you mean 'sheet'\?"):
        load_kit(kit_dir).select(["shet"])


def test_two_materials_with_one_output(kit_dir: Path) -> None:
    write(kit_dir / "materials" / "copy.md", "---\ntemplate: faq\ntitle: X\noutput: sheet\n---\n")
    with pytest.raises(KitError, match=r"'sheet.pdf' is also written by"):
        load_kit(kit_dir)


def test_missing_kit_folder(tmp_path: Path) -> None:
    with pytest.raises(KitError, match="does not exist"):
        load_kit(tmp_path / "nowhere")


def test_stock_templates_listed() -> None:
    assert "faq" in stock_templates()
    assert "_base" not in stock_templates()


def test_csv_rows_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "groups.csv"
    path.write_bytes('\ufeffname,town\nLeeds KONP,Leeds\n\n"Zoë, O\'Brien","Bury"\n'.encode())
    assert read_csv(path) == [
        {"name": "Leeds KONP", "town": "Leeds"},
        {"name": "Zoë, O'Brien", "town": "Bury"},
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", r"groups.csv:1: the file is empty"),
        (b"name,town\nLeeds\n", r"groups.csv:2: row 2 has 1 cells but the header has 2"),
        (b"name,town\nCaf\xe9,Leeds\n", r"groups.csv:2: not UTF-8 text .*'CSV UTF-8'"),
    ],
)
def test_bad_csv(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "groups.csv"
    path.write_bytes(content)
    with pytest.raises(KitError, match=message):
        read_csv(path)


def test_data_available_to_kit(kit_dir: Path) -> None:
    write(kit_dir / "data" / "groups.csv", "name,town\nLeeds KONP,Leeds\n")
    assert load_kit(kit_dir).data == {"groups": [{"name": "Leeds KONP", "town": "Leeds"}]}


def test_csv_quoted_newlines_and_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text('name,address\n"Ann","1 High St\nLeeds"\nBob\n', encoding="utf-8")
    with pytest.raises(KitError, match=r"people.csv:4: row 3 has 1 cells but the header has 2"):
        read_csv(path)
    path.write_text('name,address\n"Ann","1 High St\nLeeds"\n', encoding="utf-8")
    assert read_csv(path) == [{"name": "Ann", "address": "1 High St\nLeeds"}]
    path.write_text("name\nA\x07nn\n", encoding="utf-8")
    with pytest.raises(
        KitError, match=r"people.csv:2: the control character U\+0007 cannot be printed; delete it"
    ):
        read_csv(path)
