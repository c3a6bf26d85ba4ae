"""handbill.toml: each bad input gives a line naming the file, the line and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write
from handbill.errors import ConfigError, KitError
from handbill.kit.config import load_config
from handbill.kit.links import link_label


def config_text(kit_dir: Path) -> str:
    return (kit_dir / "handbill.toml").read_text(encoding="utf-8")


def test_reads_fixture_config(kit_dir: Path) -> None:
    config = load_config(kit_dir)
    assert config.name == "Test Campaign"
    assert config.links["case"].url == "https://example.org/case"
    assert config.links["case"].label == "example.org/case"
    assert config.links["donate"].label == "example.org/give"
    assert config.brand.colours["primary"] == "#c00000"
    assert config.brand.colours["accent"] == "#e9b44c"  # the neutral default kept
    assert (config.paper.width_mm, config.paper.height_mm) == (210, 297)
    assert config.imprint.complete
    # No-break spaces inside each part of an address: a line never ends in "1" or "TE1".
    assert config.imprint.line == (
        "Promoted by Test Campaign, 1\u00a0Test\u00a0Street, Testtown\u00a0TE1\u00a01ST. "
        "Printed by Test Printers, 2\u00a0Test\u00a0Road, Testtown\u00a0TE2\u00a02ND."
    )
    assert config.imprint.for_mode("press").line == config.imprint.line
    # Home copies are not printed by the shop: they never say so.
    assert config.imprint.for_mode("home").line == (
        "Promoted by Test Campaign, 1\u00a0Test\u00a0Street, Testtown\u00a0TE1\u00a01ST. "
        "Printed at home by a\u00a0supporter."
    )


def test_missing_config_says_how_to_start(tmp_path: Path) -> None:
    with pytest.raises(KitError, match=r"No handbill.toml in .*handbill new DIR"):
        load_config(tmp_path)


def test_toml_syntax_error_names_file_and_line(kit_dir: Path) -> None:
    write(kit_dir / "handbill.toml", '[campaign]\nname = "X"\n\n[links]\ncase = "https://a.org\n')
    with pytest.raises(KitError) as info:
        load_config(kit_dir)
    message = info.value.format_message()
    assert message.startswith(str(kit_dir / "handbill.toml") + ":5: TOML syntax error")
    assert "Check the quotes" in message


def test_misspelt_setting_suggests_the_right_one(kit_dir: Path) -> None:
    text = config_text(kit_dir).replace("hashtag =", "hashtagg =")
    write(kit_dir / "handbill.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(kit_dir)
    assert ":4: Config value 'campaign.hashtagg': unknown setting. Did you mean 'hashtag'?" in (
        info.value.format_message()
    )


def test_every_problem_is_reported_at_once(kit_dir: Path) -> None:
    text = (
        config_text(kit_dir)
        .replace('"https://example.org/case"', '"example.org/case"')
        .replace('"#c00000"', '"red"')
        .replace('paper = "A4"', 'paper = "A9"')
        .replace("[imprint]", "[imprnt]")
    )
    write(kit_dir / "handbill.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(kit_dir)
    lines = info.value.format_message().splitlines()
    assert len(info.value.problems) == 4
    assert any(
        "Config value 'links.case': 'example.org/case' is not a web address" in s for s in lines
    )
    assert any("Config value 'brand.colours.primary': 'red' is not a colour" in s for s in lines)
    assert any("Config value 'defaults.paper': unknown paper size 'A9'" in s for s in lines)
    assert any("Unknown section [imprnt]. Did you mean 'imprint'?" in s for s in lines)
    assert lines[-1].startswith("Fix the 4 problems above")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("javascript:alert(1)", "is not a web address"),
        ("ftp://example.org/x", "is not a web address"),
        ("https://example.org/a b", "contains a space"),
    ],
)
def test_links_must_be_web_addresses(kit_dir: Path, url: str, expected: str) -> None:
    text = config_text(kit_dir).replace('"https://example.org/petition"', f'"{url}"')
    write(kit_dir / "handbill.toml", text)
    with pytest.raises(ConfigError, match=expected):
        load_config(kit_dir)


def test_missing_campaign_name(kit_dir: Path) -> None:
    write(kit_dir / "handbill.toml", config_text(kit_dir).replace('name = "Test Campaign"\n', ""))
    with pytest.raises(ConfigError, match=r"Config value 'campaign.name': missing"):
        load_config(kit_dir)


def test_missing_logo_is_named(kit_dir: Path) -> None:
    text = config_text(kit_dir).replace(
        "[brand.colours]", '[brand]\nlogo = "assets/img/nope.svg"\n\n[brand.colours]'
    )
    write(kit_dir / "handbill.toml", text)
    with pytest.raises(
        ConfigError, match=r"'brand.logo': no file 'assets/img/nope.svg' in the kit"
    ):
        load_config(kit_dir)


def test_incomplete_imprint_lists_what_is_missing(kit_dir: Path) -> None:
    text = config_text(kit_dir).replace('printer_address = "2 Test Road, Testtown TE2 2ND"', "")
    write(kit_dir / "handbill.toml", text)
    imprint = load_config(kit_dir).imprint
    assert not imprint.complete
    assert imprint.missing == ["printer_address"]


def test_link_label_is_short() -> None:
    assert link_label("https://www.example.org/case/") == "example.org/case"
    assert link_label("http://example.org") == "example.org"


def test_a_colour_without_its_hash_is_told_to_add_one(kit_dir: Path) -> None:
    write(kit_dir / "handbill.toml", config_text(kit_dir).replace('"#c00000"', '"1b5e20"'))
    with pytest.raises(ConfigError) as info:
        load_config(kit_dir)
    assert (
        "Config value 'brand.colours.primary': '1b5e20' needs a '#': write \"#1b5e20\""
        in info.value.format_message()
    )
