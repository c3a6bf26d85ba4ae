"""Templates' declared vocabulary, and the mistakes it catches early: each with its exact line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import write
from handbill.cli import cli
from handbill.kit.boundary import stock_dir
from handbill.kit.loader import load_kit, stock_templates
from handbill.kit.vocabcheck import vocabulary_of
from handbill.kit.vocabulary import COMMON_VARS
from pdftools import page_texts

POSTER = (
    "---\ntemplate: event-poster\ntitle: Events\nper: events\noutput: ev-{n}\n"
    "vars:\n  where_label: Venue\n---\nAll welcome.\n"
)
EVENTS = "date,time,title,venue\n2030-05-01,7pm,Rally,Town Hall\n2030-05-08,,March,Park\n"


@pytest.fixture
def kit(kit_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture kit, as the working directory, so messages name files as a user sees them."""
    monkeypatch.chdir(kit_dir)
    return kit_dir


def build(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, ["build", "--kit", ".", *args])


def errors(result: Result) -> list[str]:
    return [line.removeprefix("Error: ") for line in result.stderr.strip().splitlines()]


def test_every_stock_template_declares_what_it_reads() -> None:
    """Each ``vars.NAME`` a stock template reads is declared, and each declared one is read."""
    import re

    root = stock_dir()
    for name in stock_templates():
        vocabulary = vocabulary_of(root / "templates" / f"{name}.html", root)
        assert vocabulary is not None, name
        sources = [root / "templates" / f"{name}.html", root / "templates" / "_event.html"]
        text = "".join(p.read_text() for p in sources if "event" in name or p.stem == name)
        used = set(re.findall(r"""vars(?:\.get\(["']|\.)([a-z_]+)""", text)) - {"get"}
        used |= set(re.findall(r'\("(contact_[a-z]+)"', text))
        # ``logo`` is read by the shared _logo.html include, and accepted with every template.
        assert used - COMMON_VARS == set(vocabulary.vars), name


def test_unknown_vars_key_at_the_materials_line(runner: CliRunner, kit: Path) -> None:
    write(kit / "data" / "events.csv", EVENTS)
    write(kit / "materials" / "poster.md", POSTER.replace("where_label", "booking_headng"))
    write(
        kit / "materials" / "sheet.md",
        "---\ntemplate: faq\ntitle: T\nvars:\n  link_heading: Read more\n---\nText\n",
    )
    result = build(runner)
    assert result.exit_code == 1
    assert errors(result) == [
        "materials/poster.md:7: vars key 'booking_headng' is not used by template "
        "'event-poster'; did you mean 'booking_heading'?",
        "materials/sheet.md:5: vars key 'link_heading' is not used by template 'faq'; "
        "did you mean 'links_heading'?",
        "Fix the 2 problems above and run again.",
    ]


def test_unknown_vars_key_without_a_close_one_lists_the_known(runner: CliRunner, kit: Path) -> None:
    write(kit / "materials" / "sheet.md", "---\ntemplate: faq\ntitle: T\nvars: {zzz: 1}\n---\n")
    assert errors(build(runner)) == [
        "materials/sheet.md:4: vars key 'zzz' is not used by template 'faq'; it uses: "
        "links_heading, qr_size, qr_titles."
    ]


def test_vars_of_the_wrong_type(runner: CliRunner, kit: Path) -> None:
    write(
        kit / "materials" / "sheet.md",
        "---\ntemplate: faq\ntitle: T\nvars:\n  qr_titles: Read more\n---\n",
    )
    assert errors(build(runner)) == [
        "materials/sheet.md:5: vars key 'qr_titles': must be a mapping of names to values, "
        "e.g. {case: Read about the case}."
    ]


def test_a_kit_template_without_a_declaration_is_not_checked(runner: CliRunner, kit: Path) -> None:
    write(
        kit / "materials" / "card.md",
        "---\ntemplate: card\ntitle: T\npaper: A6\nvars:\n  slogan: Hi\n  anything: x\n---\n",
    )
    assert build(runner, "card").exit_code == 0


def test_a_kit_template_can_declare_its_vars(runner: CliRunner, kit: Path) -> None:
    card = kit / "templates" / "card.html"
    card.write_text(
        "{#- vocabulary\nvars:\n  slogan: {type: text, about: the big words}\n-#}\n"
        + card.read_text()
    )
    write(
        kit / "materials" / "card.md",
        "---\ntemplate: card\ntitle: T\npaper: A6\nvars:\n  slogan: Hi\n  slogn: x\n---\n",
    )
    assert errors(build(runner, "card")) == [
        "materials/card.md:7: vars key 'slogn' is not used by template 'card'; "
        "did you mean 'slogan'?"
    ]


@pytest.mark.parametrize("section", ["vars: [slogan, colour]", "columns: 5"])
def test_a_malformed_vocabulary_block_is_one_line(
    runner: CliRunner, kit: Path, section: str
) -> None:
    card = kit / "templates" / "card.html"
    card.write_text(f"{{#- vocabulary\n{section}\n-#}}\n" + card.read_text())
    name = section.split(":")[0]
    assert errors(build(runner, "card")) == [
        f"templates/card.html:2: vocabulary block: '{name}:' must hold one name per line "
        "(name: {type: text, about: ...}), not a list or a single value."
    ]


def test_unknown_set_field_lists_the_known_ones(runner: CliRunner, kit: Path) -> None:
    write(
        kit / "materials" / "talk.md",
        "---\ntemplate: speech\ntitle: T\nfields:\n  speaker: your name\n---\nI am [[speaker]].\n",
    )
    result = build(runner, "talk", "--set", "speker=Jo")
    assert result.exit_code == 1
    assert errors(result) == [
        "--set speker: no material being built (talk) has a field 'speker'. Did you mean "
        "'speaker'? Fields they use: speaker."
    ]
    assert build(runner, "talk", "--set", "speaker=Jo").exit_code == 0


def test_letter_date_can_be_set(runner: CliRunner, kit: Path) -> None:
    write(kit / "materials" / "note.md", "---\ntemplate: letter\ntitle: T\n---\nDear all,\n")
    result = build(runner, "note", "--set", "date=2030-05-01")
    assert result.exit_code == 0, result.output
    assert "Wednesday 1\u00a0May 2030" in page_texts(kit / "dist" / "note.pdf")[0]


def test_misspelt_header_and_missing_column(runner: CliRunner, kit: Path) -> None:
    write(kit / "data" / "events.csv", "date,time,tittle,where\n2030-05-01,7pm,Rally,Hall\n")
    write(kit / "materials" / "poster.md", POSTER)
    result = build(runner)
    assert result.exit_code == 1
    assert errors(result)[:2] == [
        "data/events.csv:1: column 'tittle': did you mean 'title'?",
        "data/events.csv: no column 'venue', which event-poster needs",
    ]
    # The table fails only the material that uses it.
    assert result.stderr.strip().endswith("; 1 failed")
    assert (kit / "dist" / "sheet.pdf").is_file()
    assert not list((kit / "dist").glob("ev-*.pdf"))


def test_empty_required_cell_is_an_error_and_a_missing_time_a_warning(
    runner: CliRunner, kit: Path
) -> None:
    write(
        kit / "data" / "events.csv",
        EVENTS + "2030-05-15,8pm,Vigil,\n",
    )
    write(kit / "materials" / "poster.md", POSTER)
    result = build(runner, "poster")
    assert result.exit_code == 1
    assert errors(result)[0] == (
        "data/events.csv row 4: column 'venue' is empty, which event-poster needs; fill it in"
    )
    assert errors(result)[1].endswith("; 1 failed")
    write(kit / "data" / "events.csv", EVENTS)
    result = build(runner, "poster")
    assert result.exit_code == 0, result.output
    assert (
        "Warning: data/events.csv row 3: column 'time' is empty while other rows have one, so "
        "event-poster prints none for this row"
    ) in result.stderr


def test_a_vars_value_stands_in_for_a_missing_column(runner: CliRunner, kit: Path) -> None:
    write(kit / "data" / "events.csv", "date,title\n2030-05-01,Rally\n")
    write(kit / "materials" / "poster.md", POSTER.replace("where_label: Venue", "venue: Hall"))
    result = build(runner, "poster")
    assert result.exit_code == 0, result.output
    assert "Hall" in page_texts(kit / "dist" / "ev-1.pdf")[0]


def test_qr_as_comma_separated_text(runner: CliRunner, kit: Path) -> None:
    write(kit / "materials" / "sheet.md", "---\ntemplate: faq\ntitle: T\nqr: case, donate\n---\n")
    assert load_kit(kit).materials["sheet"].qr == ("case", "donate")
    write(kit / "materials" / "sheet.md", "---\ntemplate: faq\ntitle: T\nqr: case, donat\n---\n")
    assert errors(build(runner)) == [
        "materials/sheet.md:4: field 'qr': no link named 'donat' in handbill.toml [links] "
        "(case, donate, petition). Did you mean 'donate'?"
    ]


def test_hash_in_an_unquoted_value(runner: CliRunner, kit: Path) -> None:
    write(
        kit / "materials" / "sheet.md",
        "---\ntemplate: faq\ntitle: Join us #SaveOurNHS\n---\n",
    )
    assert errors(build(runner)) == [
        "materials/sheet.md:3: front matter: the text after ' #' is left out, because YAML "
        "reads ' #' as the start of a comment; put the value in double quotes: "
        'title: "Join us #SaveOurNHS".'
    ]


def test_a_value_starting_with_a_hashtag(runner: CliRunner, kit: Path) -> None:
    write(kit / "materials" / "sheet.md", "---\ntemplate: faq\ntitle: #SaveOurLibrary now\n---\n")
    assert errors(build(runner)) == [
        "materials/sheet.md:3: front matter: 'title' is left empty, because YAML reads a value "
        "starting with '#' as a comment; put the value in double quotes: "
        'title: "#SaveOurLibrary now".'
    ]


def test_link_names_separated_by_spaces(runner: CliRunner, kit: Path) -> None:
    write(kit / "materials" / "sheet.md", "---\ntemplate: faq\ntitle: T\nqr: case donate\n---\n")
    assert errors(build(runner)) == [
        "materials/sheet.md:4: field 'qr': no link named 'case donate' in handbill.toml [links] "
        "(case, donate, petition). Separate link names with commas: qr: [case, donate]."
    ]


def test_a_comment_after_a_value_is_still_a_comment(kit: Path) -> None:
    write(
        kit / "materials" / "sheet.md",
        "---\ntemplate: faq\ntitle: Join us   # a note to ourselves\n---\n",
    )
    assert load_kit(kit).materials["sheet"].title == "Join us"


def test_colon_in_an_unquoted_value(runner: CliRunner, kit: Path) -> None:
    write(kit / "materials" / "sheet.md", "---\ntemplate: faq\ntitle: Rent: no\n---\n")
    assert errors(build(runner)) == [
        "materials/sheet.md:3: front matter: a ': ' inside a value; put the value in double "
        'quotes: title: "Rent: no".'
    ]


LEAFLET = "---\ntemplate: leaflet-a5\ntitle: T\npaper: A5\nvars:\n  image: {image}\n---\nHi\n"


def test_missing_image_is_reported_once_at_the_materials_line(runner: CliRunner, kit: Path) -> None:
    write(kit / "materials" / "leaflet.md", LEAFLET.format(image="assets/img/cover.png"))
    assert errors(build(runner)) == [
        "materials/leaflet.md:6: vars key 'image': no file 'assets/img/cover.png' in the kit; "
        "give its path from the kit folder, e.g. assets/img/cover.svg."
    ]


def test_image_paths_are_from_the_kit_folder(runner: CliRunner, kit: Path) -> None:
    (kit / "pictures").mkdir()
    (kit / "pictures" / "cover.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    )
    write(kit / "materials" / "leaflet.md", LEAFLET.format(image="pictures/cover.svg"))
    result = build(runner, "leaflet")
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.stderr
    write(kit / "materials" / "leaflet.md", LEAFLET.format(image="img/leaflet-a5-cover.svg"))
    result = build(runner, "leaflet")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "Warning: materials/leaflet.md:6: vars key 'image': 'img/leaflet-a5-cover.svg' is read "
        "from the assets/ folder; write assets/img/leaflet-a5-cover.svg (every path in a kit "
        "is given from the kit folder)"
    )


def test_undefined_template_variable_in_the_authors_terms(runner: CliRunner, kit: Path) -> None:
    card = kit / "templates" / "card.html"
    card.write_text(card.read_text().replace("vars.slogan", "vars.qr_notes"))
    result = build(runner, "card")
    assert errors(result)[0] == (
        "templates/card.html:4: 'qr_notes' is not defined for this material. Add it under "
        "vars: in materials/card.md (and to the template's vocabulary block, if it has one), "
        "or use {{ vars.qr_notes | default('') }}"
    )


def test_semicolon_csv_gets_a_hint_and_blocks_only_its_users(runner: CliRunner, kit: Path) -> None:
    write(kit / "data" / "events.csv", "date;title;venue\n2030-05-01;Rally;Hall\n")
    write(kit / "materials" / "poster.md", POSTER)
    result = build(runner)
    assert result.exit_code == 1
    assert errors(result)[0] == (
        "data/events.csv:1: the columns look separated by ';'; handbill reads commas: save as "
        "CSV (comma delimited), or 'CSV UTF-8', in your spreadsheet."
    )
    assert (kit / "dist" / "sheet.pdf").is_file()
    assert build(runner, "sheet").exit_code == 0


def test_windows_1252_csv_blocks_only_its_users(runner: CliRunner, kit: Path) -> None:
    (kit / "data").mkdir()
    (kit / "data" / "events.csv").write_bytes(b"date,title,venue\n2030-05-01,Caf\xe9,Hall\n")
    write(kit / "materials" / "poster.md", POSTER)
    assert build(runner, "sheet").exit_code == 0
    result = build(runner, "poster")
    assert errors(result)[0] == (
        "data/events.csv:2: not UTF-8 text (byte 31, it looks saved as Windows-1252 ('é')); "
        "save it as UTF-8: in your spreadsheet choose 'CSV UTF-8' when saving."
    )
    assert runner.invoke(cli, ["list", "--kit", "."]).exit_code == 0


def test_a_kit_template_reading_a_broken_table_fails_alone(runner: CliRunner, kit: Path) -> None:
    write(kit / "data" / "events.csv", "date;title\n2030-05-01;Rally\n")
    card = kit / "templates" / "card.html"
    card.write_text(
        card.read_text().replace("{{ content }}", "{% for e in data.events %}x{% endfor %}")
    )
    result = build(runner)
    assert errors(result)[0] == (
        "data/events.csv:1: the columns look separated by ';'; handbill reads commas: save as "
        "CSV (comma delimited), or 'CSV UTF-8', in your spreadsheet."
    )
    assert (kit / "dist" / "sheet.pdf").is_file()


def test_a_near_miss_of_a_field_column_in_a_per_table(runner: CliRunner, kit: Path) -> None:
    write(kit / "data" / "groups.csv", "id,group,meeting-place\nleeds,Leeds group,Hall\n")
    write(
        kit / "materials" / "sheet.md",
        "---\ntemplate: faq\ntitle: T\nper: groups\noutput: sheet-{id}\n"
        "fields:\n  meeting_place: where you meet\n---\nWe meet at [[meeting_place]].\n",
    )
    result = build(runner, "sheet")
    assert result.exit_code == 1
    assert errors(result)[0] == (
        "data/groups.csv:1: column 'meeting-place': did you mean 'meeting_place'? "
        "(sheet fills [[meeting_place]] from it)"
    )


@pytest.mark.parametrize(
    ("description", "named"),
    [
        ("A card for each event in data/events.csv, to hand out.", "data/events.csv"),
        ("One card a row of towns.csv.", "towns.csv"),
        ("Made from materials/card.md", "materials/card.md"),
        ("A card to hand out, with a QR code to sign at example.org/sign.", None),
        ("An A6 card, four to an A4 sheet (3.5 mm margins).", None),
    ],
)
def test_a_description_naming_a_kit_file_is_warned_of(
    kit_dir: Path, description: str, named: str | None
) -> None:
    card = kit_dir / "materials" / "card.md"
    card.write_text(
        card.read_text().replace(
            "title: Test card\n", f"title: Test card\ndescription: {description}\n"
        )
    )
    warnings = load_kit(kit_dir).warnings.get("card", [])
    if named is None:
        assert warnings == []
    else:
        assert warnings == [
            f"{card}:4: the description names the kit file '{named}', which volunteers read on "
            "the download page: say what the material is and what it is for instead"
        ]
