"""Warnings for a language without a face chosen for its script or without a strings table."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write
from handbill.cli import cli
from handbill.errors import KitError
from handbill.kit.loader import load_kit
from handbill.kit.scripts import language_warnings


def translation(kit_dir: Path, language: str, title: str) -> Path:
    return write(kit_dir / "materials" / f"sheet.{language}.md", f"---\ntitle: {title}\n---\n")


def warnings_for(kit_dir: Path, name: str) -> list[str]:
    kit = load_kit(kit_dir)
    return language_warnings(kit.materials[name], kit.template_dirs, kit.root)


def test_arabic_has_its_face_and_its_strings_so_nothing_to_say(kit_dir: Path) -> None:
    translation(kit_dir, "ar", "ورقة الاختبار")
    assert warnings_for(kit_dir, "sheet.ar") == []
    assert warnings_for(kit_dir, "sheet") == []  # English: the templates' own language


def test_a_language_without_a_strings_table_names_the_file_to_add(kit_dir: Path) -> None:
    path = translation(kit_dir, "fa", "برگه آزمایشی")
    assert warnings_for(kit_dir, "sheet.fa") == [
        f"{path}: no strings table for 'fa', so the template's own words (such as \"Turn over "
        'to find out how", "Twitter", "PROOF - NOT FOR PRINT") stay in English; add '
        "templates/strings/fa.toml to the kit with their translations (see "
        'docs/kit-format.md, "Template strings")'
    ]
    # The kit's own table (the primary subtag serves fa-IR too) silences it.
    write(kit_dir / "templates" / "strings" / "fa.toml", '"Twitter" = "توییتر"\n')
    assert warnings_for(kit_dir, "sheet.fa") == []


def test_a_right_to_left_language_without_a_face_says_how_to_add_one(kit_dir: Path) -> None:
    path = translation(kit_dir, "he", "דף ניסיון")
    found = warnings_for(kit_dir, "sheet.he")
    assert found[0] == (
        f"{path}: 'he' is written right to left, and no bundled font is chosen for it, so its "
        "letters are drawn from whichever font has them; add a font for it under [[fonts]] in "
        'handbill.toml and a rule such as html:lang(he) { --font-body: "Font Name"; } in the '
        "kit's assets/css/languages.css (see docs/kit-format.md, \"Fonts and writing "
        'direction")'
    )
    assert "no strings table for 'he'" in found[1] and len(found) == 2
    # A kit that sets Hebrew in its own languages.css has chosen its face (one it has: the kit
    # check refuses a family it lacks).
    write(
        kit_dir / "assets" / "css" / "languages.css",
        '@font-face { font-family: "Hebrew Face"; src: url("../fonts/hebrew.ttf"); }\n'
        'html:lang(he) { direction: rtl; --font-body: "Hebrew Face"; }\n',
    )
    assert [w for w in warnings_for(kit_dir, "sheet.he") if "right to left" in w] == []


@pytest.mark.parametrize("language", ["ur", "cy", "pl", "ar-EG"])
def test_bundled_languages_need_no_warning(kit_dir: Path, language: str) -> None:
    translation(kit_dir, language, "Title")
    assert warnings_for(kit_dir, f"sheet.{language}") == []


def test_build_and_check_print_the_warning(kit_dir: Path, tmp_path: Path) -> None:
    translation(kit_dir, "fa", "برگه آزمایشی")
    out = tmp_path / "dist"
    runner = CliRunner()
    built = runner.invoke(cli, ["build", "sheet.fa", "--kit", str(kit_dir), "--out", str(out)])
    assert built.exit_code == 0, built.output
    lines = [line for line in built.output.splitlines() if "no strings table" in line]
    assert len(lines) == 1 and lines[0].startswith("Warning: ")
    assert lines[0].endswith(
        "sheet.fa.md: no strings table for 'fa', so the template's own "
        'words (such as "Turn over to find out how", "Twitter", "PROOF - '
        'NOT FOR PRINT") stay in English; add templates/strings/fa.toml to '
        "the kit with their translations (see docs/kit-format.md, "
        '"Template strings")'
    )
    checked = runner.invoke(cli, ["check", "sheet.fa", "--kit", str(kit_dir), "--out", str(out)])
    found = [line for line in checked.output.splitlines() if "no strings table" in line]
    assert len(found) == 1 and found[0].startswith("sheet.fa: warning: language: "), found


def test_a_kit_style_sheet_outside_the_kit_is_refused(kit_dir: Path, tmp_path: Path) -> None:
    outside = write(tmp_path / "elsewhere.css", "html:lang(he) { direction: rtl; }\n")
    (kit_dir / "assets" / "css").mkdir(parents=True, exist_ok=True)
    (kit_dir / "assets" / "css" / "languages.css").symlink_to(outside)
    translation(kit_dir, "he", "דף ניסיון")
    with pytest.raises(KitError) as error:
        warnings_for(kit_dir, "sheet.he")
    assert "languages.css" in error.value.format_message()
