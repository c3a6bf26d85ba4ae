"""The kit's time zone: unknown names answered by meaning, fixed clocks warned about."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbill.build.runner import build
from handbill.kit.loader import load_kit
from handbill.kit.timezones import check_timezone, summer_time_warning


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("Europe/Cardiff", "Europe/London"),
        ("BST", "Europe/London"),
        ("Edinburgh", "Europe/London"),
        ("Europe/Belfst", "Europe/Belfast"),  # a spelling slip: the closest name
        ("UK", "Europe/London"),
        ("IST", "Europe/Dublin"),
        ("Cork", "Europe/Dublin"),
        ("CEST", "Europe/Berlin"),
        ("UTC+1", "Europe/Berlin"),
        ("Europe/Londn", "Europe/London"),
    ],
)
def test_an_unknown_zone_is_answered_by_what_it_means(name: str, meant: str) -> None:
    assert check_timezone(name) == (
        f"'{name}' is not a time zone name such as Europe/London or Europe/Dublin. "
        f"Did you mean '{meant}'?"
    )


@pytest.mark.parametrize("name", ["Europe/London", "Europe/Dublin", "Asia/Tokyo", "CET"])
def test_a_place_or_a_clock_that_changes_is_right_as_it_is(name: str) -> None:
    assert check_timezone(name) == ""
    assert summer_time_warning(name, 2026) == ""  # Tokyo keeps one clock: that is its place's


@pytest.mark.parametrize(
    ("name", "advice"),
    [
        ("GMT+0", 'write timezone = "Europe/London" (Europe/Dublin in Ireland)'),
        ("UTC", 'write timezone = "Europe/London" (Europe/Dublin in Ireland)'),
        ("Etc/GMT-1", 'write timezone = "Europe/Berlin"'),  # POSIX sign: one hour east
        ("EST", 'write timezone = "America/New_York"'),
        ("Etc/GMT+3", 'write the zone of the events\' place as Area/City, e.g. "Europe/London"'),
    ],
)
def test_a_fixed_clock_is_a_warning_naming_the_zone_with_summer_time(
    name: str, advice: str
) -> None:
    assert summer_time_warning(name, 2026) == (
        f"handbill.toml: [defaults] timezone '{name}' is a fixed clock with no summer time, so "
        f"events in summer would be an hour out in the calendar files; {advice}, unless the "
        "events really keep that clock all year"
    )


def test_build_warns_about_a_fixed_clock(kit_dir: Path, tmp_path: Path) -> None:
    toml = kit_dir / "handbill.toml"
    toml.write_text(
        toml.read_text().replace('language = "en-GB"', 'language = "en-GB"\ntimezone = "GMT+0"')
    )
    report = build(load_kit(kit_dir), ["card"], out_dir=tmp_path, jobs=1)
    assert report.warnings[0].startswith(
        "handbill.toml: [defaults] timezone 'GMT+0' is a fixed clock with no summer time"
    )
