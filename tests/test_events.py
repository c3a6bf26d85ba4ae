"""Event rows read for calendars: times as organisers write them, and the kit's time zone."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from handbill.cli import cli
from handbill.kit.events import parse_times

T = datetime.time


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("7pm", T(19), None),
        ("12.30pm", T(12, 30), None),
        ("7:30 p.m.", T(19, 30), None),
        ("19:00", T(19), None),
        ("noon", T(12), None),
        ("10am to 4pm", T(10), T(16)),
        ("6-8pm", T(18), T(20)),
        ("11-1pm", T(11), T(13)),
        ("7.30\u20139pm", T(19, 30), T(21)),
        ("18:30 until 20:00", T(18, 30), T(20)),
    ],
)
def test_times_as_organisers_write_them(text: str, start: T, end: T | None) -> None:
    assert parse_times(text) == (start, end)


@pytest.mark.parametrize("text", ["7", "sevenish", "13pm", "25:00", "7pm to late"])
def test_times_a_calendar_cannot_read(text: str) -> None:
    assert parse_times(text) is None


def test_a_misspelt_time_zone_is_reported_with_its_line(runner: CliRunner, kit_dir: Path) -> None:
    toml = kit_dir / "handbill.toml"
    toml.write_text(
        toml.read_text().replace(
            'language = "en-GB"', 'language = "en-GB"\ntimezone = "Europe/Londn"'
        )
    )
    result = runner.invoke(cli, ["build", "--kit", str(kit_dir)])
    first = result.output.splitlines()[0].removeprefix("Error: ")
    assert (result.exit_code, first) == (
        1,
        f"{toml}:17: Config value 'defaults.timezone': 'Europe/Londn' is not a time zone "
        "name such as Europe/London or Europe/Dublin. Did you mean 'Europe/London'?",
    )
