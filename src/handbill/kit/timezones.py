"""The kit's time zone: unknown names answered by what they mean, clocks without summer time."""

from __future__ import annotations

import datetime
import re
import zoneinfo

from handbill.errors import did_you_mean

DEFAULT_TIMEZONE = "Europe/London"

# What people write for a place's clock, by the zone they mean: an abbreviation, a country or
# a town without a zone of its own (the tz database names one city per clock).
_MEANT = {
    "Europe/London": (
        "bst gmt uk gb britain greatbritain unitedkingdom england scotland wales "
        "northernireland british london cardiff edinburgh belfast glasgow manchester "
        "birmingham leeds bristol liverpool newcastle sheffield nottingham swansea aberdeen "
        "dundee inverness derry plymouth norwich"
    ),
    "Europe/Dublin": "ist ireland irish eire dublin cork galway limerick waterford",
    "Europe/Berlin": "cet cest mez mesz centraleurope germany",
    "Europe/Paris": "france",
    "Europe/Lisbon": "wet west portugal",
    "Europe/Athens": "eet eest greece",
    "Europe/Warsaw": "poland krakow cracow gdansk wroclaw",
    "America/New_York": "est edt eastern",
    "America/Chicago": "cst cdt central",
    "America/Denver": "mst mdt mountain",
    "America/Los_Angeles": "pst pdt pacific",
}
MEANT = {word: zone for zone, words in _MEANT.items() for word in words.split()}
# A fixed UTC offset's usual zone with summer time, for the suggestion (hours east of UTC).
BY_OFFSET = {
    0: "Europe/London",
    1: "Europe/Berlin",
    2: "Europe/Athens",
    -5: "America/New_York",
    -6: "America/Chicago",
    -7: "America/Denver",
    -8: "America/Los_Angeles",
}
_OFFSET = re.compile(r"^(?:etc/)?(?:utc|gmt|ut|z)\s*([+-])\s*(\d{1,2})(?::?00)?$")


def _by_word(name: str) -> str:
    """The zone a place or abbreviation means ("Europe/Cardiff", "BST": Europe/London), or ""."""
    return MEANT.get(re.sub(r"[\s_.'-]", "", name.rsplit("/", 1)[-1].casefold()), "")


def meant(name: str) -> str:
    """The zone an unknown name most likely means, by its place, abbreviation or offset."""
    if _by_word(name):
        return _by_word(name)
    offset = _OFFSET.match(name.strip().casefold())
    if offset:  # "UTC+1" as people write it: one hour ahead of UTC
        hours = int(offset[2]) * (1 if offset[1] == "+" else -1)
        return BY_OFFSET.get(hours, "")
    return ""


def check_timezone(name: str) -> str:
    """ "" when ``name`` is a time zone the computer knows (IANA, e.g. Europe/London), else why."""
    if name in zoneinfo.available_timezones():
        return ""
    hint = (
        f" Did you mean '{meant(name)}'?"
        if meant(name)
        else did_you_mean(name, sorted(zoneinfo.available_timezones()), ignore_case=True)
    )
    return f"'{name}' is not a time zone name such as Europe/London or Europe/Dublin.{hint}"


def _is_place(name: str) -> bool:
    """An Area/City zone (Asia/Tokyo): the clock of a real place, summer time or not."""
    return "/" in name and not name.startswith("Etc/")


def summer_time_warning(name: str, year: int) -> str:
    """A warning when ``name`` is a fixed clock (GMT+0, UTC, Etc/GMT-1, EST) rather than a
    place's: where clocks change, its events from spring to autumn would be an hour out."""
    if _is_place(name) or name not in zoneinfo.available_timezones():
        return ""
    zone = zoneinfo.ZoneInfo(name)
    winter = datetime.datetime(year, 1, 15, 12, tzinfo=zone).utcoffset()
    summer = datetime.datetime(year, 7, 15, 12, tzinfo=zone).utcoffset()
    if winter is None or winter != summer:
        return ""  # its clocks change (CET, CST6CDT): right as it is
    hours = winter.total_seconds() / 3600
    right = _by_word(name) or (BY_OFFSET.get(int(hours), "") if hours.is_integer() else "")
    advice = (
        f'write timezone = "{right}"' + (" (Europe/Dublin in Ireland)" if hours == 0 else "")
        if right
        else 'write the zone of the events\' place as Area/City, e.g. "Europe/London"'
    )
    return (
        f"handbill.toml: [defaults] timezone '{name}' is a fixed clock with no summer time, so "
        f"events in summer would be an hour out in the calendar files; {advice}, unless the "
        "events really keep that clock all year"
    )
