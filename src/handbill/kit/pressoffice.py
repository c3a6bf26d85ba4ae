"""The ``[press]`` table of handbill.toml: the media contact and the people quoted in releases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handbill.kit.checker import Checker

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
