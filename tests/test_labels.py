"""Human names for outputs (download page, pack cover): kind, variant, language."""

from __future__ import annotations

import pytest

from conftest import REPO
from handbill.kit.loader import load_kit
from handbill.publish.labels import kind, language_name, lead_line, output_title, row_words


@pytest.mark.parametrize(
    ("row", "words"),
    [
        # A local group: its town, not the group's long name.
        ({"id": "leeds", "group": "999 Call Leeds", "town": "Leeds"}, ["Leeds"]),
        # An event: what, where and when, the date in words.
        (
            {"date": "2018-10-26", "title": "Rally", "venue": "Old Palace Yard", "time": ""},
            ["Rally", "Old Palace Yard", "Fri 26 Oct 2018"],
        ),
        # A date that is not ISO is shown as written; a place the name holds is not repeated.
        (
            {"name": "Leeds stall", "town": "Leeds", "date": "next Saturday"},
            ["Leeds stall", "next Saturday"],
        ),
        # No column handbill knows: the id, else the first value.
        ({"id": "north", "colour": "red"}, ["north"]),
        ({"colour": "red", "size": "big"}, ["red"]),
    ],
)
def test_row_words(row: dict[str, str], words: list[str]) -> None:
    assert row_words(row, group_name=True) == words


def test_example_outputs_are_named_in_words() -> None:
    kit = load_kit(REPO)
    welsh = kit.materials["leaflet-a5.cy"]
    assert output_title(kit, welsh, {"row": 1}).startswith("A5 leaflet - ")
    assert output_title(kit, welsh, {"row": 1}).endswith(" (Welsh)")
    flyer = kit.materials["event-flyer"]
    assert output_title(kit, flyer, {"row": 1}) == (
        "Event flyer - Scrap the ICP contract: rally and petition hand-in - Old Palace Yard - "
        "Fri 26 Oct 2018"
    )
    assert kind(kit.materials["placard-a3"]) == "Placard (A3)"
    assert output_title(kit, kit.materials["faq"], {}) == "Questions and answers"
    assert (language_name("ur"), language_name("pt-BR"), language_name("xx")) == (
        "Urdu",
        "Portuguese",
        "xx",
    )


@pytest.mark.parametrize(
    ("tagline", "count", "line"),
    [
        (
            "No to the 9% rent rise. Fix our homes first.",
            7,
            "No to the 9% rent rise. Fix our homes first. 7 materials to download and print.",
        ),
        ("Hands off our buses!", 1, "Hands off our buses! 1 material to download and print."),
        ("Save our buses", 3, "Save our buses: 3 materials to download and print."),
        ("Save our buses:", 3, "Save our buses: 3 materials to download and print."),
        ("", 2, "Campaign materials: 2 materials to download and print."),
    ],
)
def test_the_lead_line_never_doubles_its_punctuation(tagline: str, count: int, line: str) -> None:
    assert lead_line(tagline, count) == line
