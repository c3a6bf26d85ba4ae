"""Fill-in fields, pauses and timed sections."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import write
from handbill.errors import KitError
from handbill.kit.fields import (
    field_names,
    fill_html,
    speech_length,
    split_sections,
    spoken_time,
)
from handbill.kit.loader import load_kit
from handbill.kit.markdown import markdown_renderer

BODY = markdown_renderer().render(
    "I am [[speaker]] from [[town]].\n\n[[pause]]\n\n## Why\n\n"
    + " ".join(["word"] * 130)
    + "\n\n## Ask\n\nJoin us in [[town]].\n"
)


def test_field_names_in_order_without_pause() -> None:
    assert field_names(BODY) == ["speaker", "town"]


def test_values_fill_and_blanks_are_labelled() -> None:
    html = fill_html(BODY, {"town": "Leeds & District"}, {"speaker": "your name"})
    assert '<span class="field filled" data-field="town">Leeds &amp; District</span>' in html
    assert (
        '<span class="field blank" data-field="speaker"><span class="blank-line"></span>'
        '<span class="blank-label">your name</span></span>'
    ) in html
    assert '<p class="pause" role="note">Pause</p>' in html
    assert "[[" not in html


def test_values_are_escaped() -> None:
    html = fill_html("<p>[[town]]</p>", {"town": "<script>x</script>"}, {})
    expected = '<span class="field filled" data-field="town">&lt;script&gt;x&lt;/script&gt;</span>'
    assert html == f"<p>{expected}</p>"


def test_sections_are_timed_at_130_words_a_minute() -> None:
    sections = split_sections(fill_html(BODY, {}, {}))
    assert [s.title for s in sections] == ["", "Why", "Ask"]
    # Blank labels and pause markers are not spoken: "I am from ." is 3 words.
    assert [s.words for s in sections] == [3, 130, 3]
    assert sections[1].seconds == 60 and sections[1].duration == "1 minute"
    assert sections[2].seconds == 5 and sections[2].duration == "5 seconds"


def test_undeclared_field_is_an_error_with_its_line(kit_dir: Path) -> None:
    write(
        kit_dir / "materials" / "sheet.md",
        "---\ntemplate: faq\ntitle: T\nfields:\n  town: your town\n---\nIntro.\n\nIn [[twon]] we\n",
    )
    with pytest.raises(KitError) as info:
        load_kit(kit_dir)
    assert info.value.format_message().endswith(
        "sheet.md:9: the content uses [[twon]], which is not a field. Did you mean 'town'? "
        "Declare it in the front matter, under fields: (twon: label for the blank)."
    )


def test_an_undeclared_field_in_the_front_matter_vars_is_an_error_too(kit_dir: Path) -> None:
    """A letter's recipient and subject are filled in as its content is: a typo there would
    print a blank in every letter of a merge."""
    write(
        kit_dir / "materials" / "note.md",
        "---\ntemplate: letter\ntitle: T\nfields:\n  councillor: name\nvars:\n"
        '  recipient:\n    - "Cllr [[councilor]]"\n  subject: Homes\n---\nDear [[councillor]],\n',
    )
    with pytest.raises(KitError) as info:
        load_kit(kit_dir)
    assert info.value.format_message().endswith(
        "note.md:8: vars 'recipient' uses [[councilor]], which is not a field. Did you mean "
        "'councillor'? Declare it in the front matter, under fields: (councilor: label for the "
        "blank)."
    )


def test_kit_fields_and_data_columns_count_as_declared(kit_dir: Path) -> None:
    text = (kit_dir / "handbill.toml").read_text() + '\n[fields]\ngroup = "Leeds KONP"\n'
    write(kit_dir / "handbill.toml", text)
    write(kit_dir / "data" / "events.csv", "date,title\n2030-01-02,Rally\n")
    write(
        kit_dir / "materials" / "ev.md",
        "---\ntemplate: card\ntitle: T\nper: events\noutput: ev-{date}\n---\n[[group]] [[title]]\n",
    )
    kit = load_kit(kit_dir)
    assert kit.config.fields == {"group": "Leeds KONP"}
    assert kit.materials["ev"].output_name == "ev-{date}.pdf"


@pytest.mark.parametrize(
    ("say", "seconds", "spoken"),
    [
        # A section's running time.
        (spoken_time, 45, "45 seconds"),
        (spoken_time, 60, "1 minute"),
        (spoken_time, 70, "1 minute"),
        (spoken_time, 75, "1½ minutes"),
        (spoken_time, 100, "1½ minutes"),
        (spoken_time, 105, "2 minutes"),
        (spoken_time, 150, "2½ minutes"),
        # A whole speech's: never "about 1 minute" for 25 seconds.
        (speech_length, 5, "about 15 seconds"),
        (speech_length, 25, "about 30 seconds"),
        (speech_length, 40, "about 45 seconds"),
        (speech_length, 50, "under a minute"),
        (speech_length, 65, "about 1 minute"),
        (speech_length, 160, "about 2½ minutes"),
    ],
)
def test_running_time_reads_as_a_speaker_says_it(
    say: Callable[[int], str], seconds: int, spoken: str
) -> None:
    assert say(seconds) == spoken
