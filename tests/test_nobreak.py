"""No-break spaces inside dates, times, sums and measures, wherever text reaches a page."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, write
from handbill.engine.layout import render, write_pdf
from handbill.kit.loader import load_kit, rows_of
from handbill.kit.nobreak import heading_last_words_together, keep_together, last_words_together
from handbill.render.running import long_date
from handbill.render.templating import render_html


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("heard in Leeds on 24 April 2018.", "heard in Leeds on 24\u00a0April 2018."),
        ("from 7 pm, or 6.30 p.m. on Fridays", "from 7\u00a0pm, or 6.30\u00a0p.m. on Fridays"),
        ("tickets £ 10 each", "tickets £\u00a010 each"),
        ("a £6 billion contract", "a £6\u00a0billion contract"),
        ("April 24, 2018", "April\u00a024, 2018"),
        ("ar 24 Ebrill", "ar 24\u00a0Ebrill"),
        ("24 kwietnia 2018", "24\u00a0kwietnia 2018"),
        (
            "\u0633\u0645\u0627\u0639\u062a 24 \u0627\u067e\u0631\u06cc\u0644",
            "\u0633\u0645\u0627\u0639\u062a 24\u00a0\u0627\u067e\u0631\u06cc\u0644",
        ),
        ("walk 3 miles in 40 minutes", "walk 3\u00a0miles in 40\u00a0minutes"),
        # A range stays on one line: "10am to / 4pm" broke on the event's square image.
        ("Saturday, 10am to 4pm", "Saturday, 10am\u00a0to\u00a04pm"),
        ("6 to 8pm", "6\u00a0to\u00a08pm"),
    ],
)
def test_dates_times_and_sums_keep_together(typed: str, kept: str) -> None:
    assert keep_together(typed) == kept


# Urdu words of a time: baje (o'clock), sarhe (half past), sawa (quarter past), paune
# (quarter to); sham (evening), subah (morning), dopahar (afternoon), raat (night).
BAJE, SARHE, SAWA, PAUNE = (
    "\u0628\u062c\u06d2",
    "\u0633\u0627\u0691\u06be\u06d2",
    "\u0633\u0648\u0627",
    "\u067e\u0648\u0646\u06d2",
)
SHAM, SUBAH, DOPAHAR, RAAT = (
    "\u0634\u0627\u0645",
    "\u0635\u0628\u062d",
    "\u062f\u0648\u067e\u06c1\u0631",
    "\u0631\u0627\u062a",
)
ON_WEDNESDAY = "\u0628\u062f\u06be \u06a9\u0648"  # "budh ko", words that may break
NB = "\u00a0"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        # The Barnsley group's meeting: "on Wednesday, evening half past 6" in ASCII digits,
        # Extended Arabic-Indic (U+06F6, as Urdu prints them) and Arabic-Indic (U+0666).
        (
            f"{ON_WEDNESDAY} {SHAM} {SARHE} 6 {BAJE}",
            f"{ON_WEDNESDAY} {SHAM}{NB}{SARHE}{NB}6{NB}{BAJE}",
        ),
        (
            f"{ON_WEDNESDAY} {SHAM} {SARHE} \u06f6 {BAJE}",
            f"{ON_WEDNESDAY} {SHAM}{NB}{SARHE}{NB}\u06f6{NB}{BAJE}",
        ),
        (f"{SHAM} {SARHE} \u0666 {BAJE}", f"{SHAM}{NB}{SARHE}{NB}\u0666{NB}{BAJE}"),
        (f"{SUBAH} {SAWA} 9 {BAJE}", f"{SUBAH}{NB}{SAWA}{NB}9{NB}{BAJE}"),
        (f"{RAAT} {PAUNE} \u06f8 {BAJE}", f"{RAAT}{NB}{PAUNE}{NB}\u06f8{NB}{BAJE}"),
        (f"{DOPAHAR} 2 {BAJE}", f"{DOPAHAR}{NB}2{NB}{BAJE}"),
        (f"{SHAM} \u06f7:\u06f3\u06f0 {BAJE}", f"{SHAM}{NB}\u06f7:\u06f3\u06f0{NB}{BAJE}"),
        (f"7 {BAJE} {SHAM} {ON_WEDNESDAY}", f"7{NB}{BAJE} {SHAM} {ON_WEDNESDAY}"),
        # Welsh: "7 yh" (pm) and "7 o'r gloch" (o'clock), straight or typographic apostrophe.
        ("am 7 yh", f"am 7{NB}yh"),
        ("am 6.30 y.h.", f"am 6.30{NB}y.h."),
        ("am 7 o'r gloch", f"am 7{NB}o'r{NB}gloch"),
        ("am 7 o\u2019r gloch", f"am 7{NB}o\u2019r{NB}gloch"),
        # Polish: "o 19:00" (one letter never ends a line), "godz. 19", "o godz. 19".
        (
            "w drug\u0105 \u015brod\u0119 miesi\u0105ca o 18:30",
            f"w drug\u0105 \u015brod\u0119 miesi\u0105ca o{NB}18:30",
        ),
        ("spotkanie o godz. 19", f"spotkanie o{NB}godz.{NB}19"),
        ("Godz. 19 w ratuszu", f"Godz.{NB}19 w ratuszu"),
    ],
)
def test_urdu_welsh_and_polish_times_keep_together(typed: str, kept: str) -> None:
    assert keep_together(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        f"{SHAM} \u06a9\u0648 \u0645\u0644\u06cc\u06ba",  # "in the evening, meet": no time
        f"{SHAM} {SARHE} {ON_WEDNESDAY}",  # no number
        "o rany",  # Polish "o" before a word
        "a 7 yard walk",  # English, not Welsh "yh"
    ],
)
def test_words_near_a_time_that_is_not_there_still_break(typed: str) -> None:
    assert keep_together(typed) == typed


@pytest.mark.parametrize(
    "typed",
    [
        "an A5 leaflet of 2 pages",
        "in April 2018 we went",
        "Act 2012 says",
        "I am here",
        "sign up",
        "go to 10 Downing Street",
    ],
)
def test_other_spaces_still_break(typed: str) -> None:
    assert keep_together(typed) == typed


def test_long_date_keeps_day_and_month_together() -> None:
    assert long_date("2018-10-26") == "Friday 26\u00a0October 2018"


def test_every_path_to_the_page_keeps_dates_together(kit_dir: Path) -> None:
    write(
        kit_dir / "data" / "groups.csv",
        """
        id,group,meets,page
        leeds,Leeds group,on 3 May at 7 pm,https://example.org/leeds
        """,
    )
    write(
        kit_dir / "templates" / "dated.html",
        """
        {% extends "_base.html" %}
        {% block body %}
        <h1>{{ material.title }}</h1><p class="cta">{{ vars.call }}</p>
        <p class="cell">{{ row.meets }}</p>{{ content }}
        {% endblock %}
        """,
    )
    write(
        kit_dir / "materials" / "dated.md",
        """
        ---
        template: dated
        title: Rally on 24 April
        per: groups
        output: dated-{id}
        vars: {call: "Doors open 6.30 pm, entry £ 3"}
        ---
        We meet [[meets]]; the hearing is on *24 April 2018*, `at 10 am` as code.
        """,
    )
    kit = load_kit(kit_dir)
    html = render_html(kit, kit.materials["dated"], kit.data["groups"][0], 1).html
    assert "<h1>Rally on 24\u00a0April</h1>" in html
    assert '<p class="cta">Doors open 6.30\u00a0pm, entry £\u00a03</p>' in html
    assert '<p class="cell">on 3\u00a0May at 7\u00a0pm</p>' in html
    assert 'data-field="meets">on 3\u00a0May at 7\u00a0pm</span>' in html
    assert "<em>24\u00a0April 2018</em>" in html
    assert "<code>at 10 am</code>" in html  # code is printed as typed


def test_last_word_of_an_imprint_is_not_left_alone() -> None:
    home = "Printed at home by a supporter."
    assert last_words_together(home) == "Printed at home by a\u00a0supporter."
    # An address part is not one word alone, and a long last word may go on a line of its own.
    for kept in ("By B, Leeds\u00a0LS1\u00a01AA.", "See example.org/imprint-details", "One."):
        assert last_words_together(kept) == kept


def test_a_heading_binds_its_last_words_only_when_it_has_four() -> None:
    """In a three-word title the binding would leave the first word alone on its line."""
    assert heading_last_words_together("Social care conference") == "Social care conference"
    assert (
        heading_last_words_together("Health for All: Patients, Not Passports")
        == "Health for All: Patients, Not\u00a0Passports"
    )


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Kitty Worthing (Docs Not Cops), John", "Kitty Worthing (Docs\u00a0Not\u00a0Cops), John"),
        ("Rayah Feldman (Maternity Action)", "Rayah Feldman (Maternity\u00a0Action)"),
        ("(SYMAAG) and (a much longer aside that may break)", None),
    ],
)
def test_a_short_name_in_brackets_stays_on_one_line(typed: str, kept: str | None) -> None:
    """The poster broke "(Docs Not" / "Cops)" across two lines."""
    assert keep_together(typed) == (kept or typed)


def test_an_event_title_keeps_its_last_two_words_together() -> None:
    kit = load_kit(REPO)
    material = kit.materials["event-poster"]
    row = next(r for r in rows_of(kit, material) if r["title"].endswith("Not Passports"))
    html = render_html(kit, material, row, 1).html
    assert "Patients, Not\u00a0Passports</h1>" in html


# "We meet on the second Wednesday of the month at half past 6 in the evening", as the Barnsley
# group's Urdu leaflet says it.
MEETING = f"ہم ہر مہینے کے دوسرے {ON_WEDNESDAY} {SHAM} {SARHE} 6 {BAJE} ملتے ہیں"


def line_of_each_word(kit_dir: Path) -> dict[str, list[float]]:
    """Where each word of the Urdu material's box was laid out: the tops of its copies, in
    pt, as poppler reads the glyphs' positions (pdftotext -bbox)."""
    kit = load_kit(kit_dir)
    material = kit.materials["meet"]
    document, _ = render(kit, render_html(kit, material, rows_of(kit, material)[0], 1))
    path = write(kit_dir / "meet.pdf", "")
    path.write_bytes(write_pdf(document, "Meet", "ur"))
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    tops: dict[str, list[float]] = {}
    for top, word in re.findall(r'<word xMin="[^"]*" yMin="([^"]*)"[^>]*>([^<]*)</word>', boxes):
        # poppler gives a right-to-left word's letters in the order they are drawn.
        tops.setdefault(word[::-1], []).append(round(float(top)))
        tops.setdefault(word, []).append(round(float(top)))
    return tops


def test_an_urdu_time_stays_on_one_line_of_a_narrow_box(
    kit_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(kit_dir / "data" / "groups.csv", f"id,meeting_time\nbarnsley,{MEETING}\n")
    write(
        kit_dir / "materials" / "meet.md",
        "---\ntemplate: meet\ntitle: Meet\nlanguage: ur\npaper: A6\nper: groups\n---\n",
    )
    # A box 50 mm wide: "sham" (evening) fits at the end of the first line, the rest of the
    # time not.
    write(
        kit_dir / "templates" / "meet.html",
        '{% extends "_base.html" %}{% block body %}<p style="width: 50mm; font-size: 11pt; '
        'line-height: 2.2">{{ row.meeting_time }}</p>{% endblock %}',
    )
    phrase = [SHAM, SARHE, "\u06f6", BAJE]  # the digit printed as Urdu prints it
    # Without the no-break spaces the line breaks inside the time: the test can fail.
    monkeypatch.setattr("handbill.kit.markdown.keep_together", lambda text: text)
    tops = line_of_each_word(kit_dir)
    assert len({tops[word][0] for word in phrase}) == 2
    monkeypatch.undo()
    tops = line_of_each_word(kit_dir)
    assert len({tops[word][0] for word in phrase}) == 1, tops
    # ... and the line before it ends earlier instead: "ko" (on) ends it.
    assert tops["\u06a9\u0648"][0] < tops[SHAM][0]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Temple of Peace, King Edward VII Avenue", "Temple of Peace, King Edward\u00a0VII Avenue"),
        ("Henry VIII and George IV", "Henry\u00a0VIII and George\u00a0IV"),
        ("When I arrived", "When I arrived"),  # the pronoun, not a number
        ("Vitamin C is in a PVC tube", "Vitamin C is in a PVC tube"),
    ],
)
def test_a_regnal_number_stays_with_its_name(typed: str, kept: str) -> None:
    assert keep_together(typed) == kept
