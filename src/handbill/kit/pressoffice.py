"""The ``[press]`` table of handbill.toml: the media contact and the people quoted in releases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handbill.kit.checker import Checker
from handbill.kit.fields import split_sections

KEYS = {"contact_name", "email", "phone", "spokespeople"}
# What each contact detail is called in a message, and the key that gives it.
CONTACT = (("contact_name", "the contact's name"), ("email", "email"), ("phone", "phone"))


@dataclass(frozen=True)
class PressOffice:
    """Who journalists call about a release, and who may be quoted in it."""

    contact_name: str = ""
    email: str = ""
    phone: str = ""
    # "Name, role" as it credits a quote, e.g. "Dr Sam Rowe, chair of the group".
    spokespeople: tuple[str, ...] = ()

    @property
    def missing(self) -> list[str]:
        """The contact details not given, by key."""
        return [key for key, _ in CONTACT if not getattr(self, key).strip()]


RELEASE = "press-release"  # the stock template whose materials need the [press] details
# Each contact detail's [press] key, the material var that may give it instead, and an example.
DETAILS = (
    ("contact_name", "contact_name", '"Alex Smith"'),
    ("email", "contact_email", '"press@your-group.org"'),
    ("phone", "contact_phone", '"07700 900123"'),
)


def release_gaps(press: PressOffice, material_vars: dict[str, Any], content_html: str) -> list[str]:
    """What a press release lacks, one line each naming the [press] key to add: a contact
    detail neither [press] nor the material gives, or fewer spokespeople than quotes."""
    gaps = [
        f"no media contact {key.replace('contact_', '')}: journalists need it to reach you; "
        f"add {key} = {example} under [press] in handbill.toml"
        for key, var, example in DETAILS
        if not getattr(press, key).strip() and not material_vars.get(var)
    ]
    if material_vars.get("credit_quotes", True) is False:
        return gaps
    quotes = sum(
        str(section.html).count("<p>")
        for section in split_sections(content_html)
        if section.title.lower() == "quotes"
    )
    people = len(press.spokespeople)
    if quotes > people:
        said = f"{quotes} quote{'s' if quotes != 1 else ''} but " + (
            "no spokesperson"
            if not people
            else f"only {people} spokes{'person' if people == 1 else 'people'}"
        )
        gaps.append(
            f"{said}: a quote is credited to a named person; add spokespeople = "
            '["Name, their role", ...] under [press] in handbill.toml'
        )
    return gaps


def read_press(data: dict[str, Any], check: Checker) -> PressOffice:
    """The [press] table, every problem added to ``check``."""
    values = {key: check.string(data, "press", key) for key, _ in CONTACT}
    if values["email"] and "@" not in values["email"]:
        check.add("press", "email", f"'{values['email']}' is not an email address")
    people = data.get("spokespeople", [])
    if not isinstance(people, list) or not all(isinstance(p, str) and p.strip() for p in people):
        check.add(
            "press",
            "spokespeople",
            'must be a list of names, each with their role, e.g. ["Dr Sam Rowe, chair of the '
            'group", "Ann Lee, a supporter"]',
        )
        people = []
    return PressOffice(spokespeople=tuple(p.strip() for p in people), **values)
