"""Local groups: one output per row of data/groups.csv, its page as a QR link, --group for one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write
from handbill.build.runner import build
from handbill.cli import cli
from handbill.errors import KitError
from handbill.kit.loader import load_kit
from pdftools import decode_qr_codes, page_texts


@pytest.fixture
def group_kit(kit_dir: Path) -> Path:
    write(
        kit_dir / "data" / "groups.csv",
        """
        id,group,page
        leeds,Leeds group,https://example.org/local/leeds
        york,York group,https://example.org/local/york
        """,
    )
    write(
        kit_dir / "materials" / "local.md",
        """
        ---
        template: card
        title: Local
        paper: A6
        per: groups
        output: local-{id}
        qr: [page]
        vars: {slogan: Join us}
        ---
        Join [[group]].
        """,
    )
    return kit_dir


def test_group_rows_get_their_own_page_as_a_qr_link(group_kit: Path) -> None:
    report = build(load_kit(group_kit), ["local"], jobs=1, group="york")
    assert [e["path"] for e in report.pdfs if "imposition" not in e] == ["local-york.pdf"]
    path = group_kit / "dist" / "local-york.pdf"
    assert decode_qr_codes(path) == [(1, "https://example.org/local/york")]
    assert "Join York group." in page_texts(path)[0]


def test_every_group_gets_its_own_output(group_kit: Path) -> None:
    report = build(load_kit(group_kit), ["local"], jobs=1)
    paths = sorted(e["path"] for e in report.pdfs if "imposition" not in e)
    assert paths == ["local-leeds.pdf", "local-york.pdf"]
    leeds = group_kit / "dist" / "local-leeds.pdf"
    assert decode_qr_codes(leeds) == [(1, "https://example.org/local/leeds")]
    assert "Join Leeds group." in page_texts(leeds)[0]


def test_group_errors_say_what_to_do(group_kit: Path) -> None:
    runner = CliRunner()
    base = ["build", "--kit", str(group_kit), "--group"]
    unknown = runner.invoke(cli, [*base, "yrok"])
    assert unknown.exit_code == 1
    assert "no group 'yrok' in data/groups.csv. Did you mean 'york'? Groups: leeds, york." in (
        unknown.output
    )
    not_per_group = runner.invoke(cli, [*base, "leeds", "sheet"])
    assert "none of these materials is made per group" in not_per_group.output
    (group_kit / "data" / "groups.csv").write_text("group,page\nLeeds,https://example.org/l\n")
    local = group_kit / "materials" / "local.md"
    local.write_text(local.read_text().replace("local-{id}", "local-{n}"))
    with pytest.raises(KitError, match=re.escape("--group needs data/groups.csv with an 'id'")):
        build(load_kit(group_kit), ["local"], group="leeds")


def test_a_qr_name_that_is_neither_link_nor_column_is_an_error(group_kit: Path) -> None:
    local = group_kit / "materials" / "local.md"
    local.write_text(local.read_text().replace("qr: [page]", "qr: [pgae]"))
    with pytest.raises(KitError, match=re.escape("'pgae' is neither a link in handbill.toml")):
        load_kit(group_kit)
