"""[press] in handbill.toml: read and checked, and required by `check` for a published release."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, write
from handbill.check.pressdesk import imprint_wanted, press_release_findings
from handbill.cli import cli
from handbill.errors import ConfigError
from handbill.kit.config import load_config
from handbill.kit.loader import Kit, load_kit
from handbill.kit.pressoffice import PressOffice, release_gaps


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
        "press-release: error: press: 2 quotes but no spokesperson: a quote is credited to a "
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


@pytest.mark.parametrize(
    ("quotes", "people", "said"),
    [
        (2, 1, "2 quotes but only 1 spokesperson"),
        (3, 2, "3 quotes but only 2 spokespeople"),
        (1, 0, "1 quote but no spokesperson"),
    ],
)
def test_too_few_spokespeople_is_said_as_a_person_would(
    quotes: int, people: int, said: str
) -> None:
    press = PressOffice("Ann Lee", "a@b.org", "01", tuple(f"P{n}, role" for n in range(people)))
    content = "<h2>Quotes</h2>" + "<p>Said.</p>" * quotes
    assert release_gaps(press, {}, content) == [
        f"{said}: a quote is credited to a named person; add spokespeople = "
        '["Name, their role", ...] under [press] in handbill.toml'
    ]
    assert release_gaps(press, {"credit_quotes": False}, content) == []


def test_build_warns_of_what_the_release_lacks(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["new", "kit"]).exit_code == 0
    config = tmp_path / "kit" / "handbill.toml"
    text = re.sub(r'\nemail = "[^"]*"', "", config.read_text(encoding="utf-8"))
    text = re.sub(r"\nspokespeople = \[.*\]", '\nspokespeople = ["Sam Rowe, chair"]', text)
    config.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["build", "--kit", "kit", "press-release"])
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert warnings == [
        "Warning: press-release: no media contact email: journalists need it to reach you; "
        'add email = "press@your-group.org" under [press] in handbill.toml',
        "Warning: press-release: 2 quotes but only 1 spokesperson: a quote is credited to a "
        'named person; add spokespeople = ["Name, their role", ...] under [press] in '
        "handbill.toml",
    ]
