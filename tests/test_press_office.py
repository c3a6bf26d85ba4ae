"""[press] in handbill.toml: read and checked, and required by `check` for a published release."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conftest import REPO, write
from handbill.check.pressdesk import imprint_wanted, press_release_findings
from handbill.errors import ConfigError
from handbill.kit.config import load_config
from handbill.kit.loader import Kit, load_kit
from handbill.kit.pressoffice import PressOffice


@pytest.fixture(scope="module")
def kit() -> Kit:
    return load_kit(REPO)


def with_press(kit_dir: Path, table: str) -> Path:
    text = (kit_dir / "handbill.toml").read_text(encoding="utf-8")
    write(kit_dir / "handbill.toml", text + "\n[press]\n" + table)
    return kit_dir


def test_press_table_is_read(kit_dir: Path) -> None:
    with_press(
        kit_dir,
        'contact_name = "Ann Lee"\nemail = "press@x.org"\nphone = "0113 496 0000"\n'
        'spokespeople = ["Bo Rae, chair", " Cy Dee, nurse "]\n',
    )
    assert load_config(kit_dir).press == PressOffice(
        "Ann Lee", "press@x.org", "0113 496 0000", ("Bo Rae, chair", "Cy Dee, nurse")
    )


def test_bad_press_values_are_one_line_each(kit_dir: Path) -> None:
    with_press(kit_dir, 'email = "press at x"\nspokespeople = "Bo Rae"\nfax = "1"\n')
    with pytest.raises(ConfigError) as info:
        load_config(kit_dir)
    message = info.value.format_message()
    assert "Config value 'press.email': 'press at x' is not an email address" in message
    assert "Config value 'press.spokespeople': must be a list of names, each with their role" in (
        message
    )
    assert "Config value 'press.fax': unknown setting." in message


def test_example_release_is_complete(kit: Kit) -> None:
    assert press_release_findings(kit, list(kit.materials.values())) == []


def test_a_published_release_without_press_details_is_an_error(kit: Kit) -> None:
    bare = dataclasses.replace(
        kit, config=dataclasses.replace(kit.config, press=PressOffice(phone="0113 496 0000"))
    )
    lines = [f.line for f in press_release_findings(bare, list(kit.materials.values()))]
    assert lines == [
        "press-release: error: press: no media contact name: journalists need it to reach you; "
        'add contact_name = "Alex Smith" under [press] in handbill.toml',
        "press-release: error: press: no media contact email: journalists need it to reach you; "
        'add email = "press@your-group.org" under [press] in handbill.toml',
        "press-release: error: press: 2 quotes but 0 spokespeople: a quote is credited to a "
        'named person; add spokespeople = ["Name, their role", ...] under [press] in '
        "handbill.toml",
    ]
    draft = dataclasses.replace(kit.materials["press-release"], published=False)
    assert press_release_findings(bare, [draft]) == []


def test_releases_print_no_imprint_unless_asked(kit: Kit) -> None:
    release = kit.materials["press-release"]
    assert not imprint_wanted(kit, release)
    assert imprint_wanted(kit, dataclasses.replace(release, vars={"imprint": True}))
    assert imprint_wanted(kit, kit.materials["leaflet-a5"])
