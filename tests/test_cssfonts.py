"""Font families in a kit's own CSS must be fonts the kit has, never the computer's."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conftest import write
from handbill.cli import cli
from handbill.kit.cssfonts import css_font_problems

BUNDLED = "Atkinson Hyperlegible, Atkinson Hyperlegible Next, Noto Nastaliq Urdu, Noto Naskh Arabic"


def test_an_installed_font_named_in_kit_css_stops_the_build(
    runner: CliRunner, kit_dir: Path
) -> None:
    write(
        kit_dir / "assets" / "css" / "extra.css",
        """
        /* font-family: Commented Out */
        h1 { font-family: "DejaVu Sans", sans-serif; }
        p { font: italic 700 12pt/1.2 Arial, var(--font-body); }
        """,
    )
    result = runner.invoke(cli, ["build", "--kit", str(kit_dir), "--out", str(kit_dir / "o")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {kit_dir}/assets/css/extra.css:2: font-family: 'DejaVu Sans' is not a font the "
        f"kit has. Use a bundled font ({BUNDLED}), or add the font's file under [[fonts]] with "
        'family = "DejaVu Sans"',
        f"Error: {kit_dir}/assets/css/extra.css:3: font-family: 'Arial' is not a font the kit "
        f"has. Use a bundled font ({BUNDLED}), or add the font's file under [[fonts]] with "
        'family = "Arial"',
        "Fix the 2 problems above and run again.",
    ]
    assert not (kit_dir / "o").exists()


def test_a_typo_gets_did_you_mean_and_template_styles_are_read(kit_dir: Path) -> None:
    write(
        kit_dir / "templates" / "card.html",
        """
        <style>
        .big { font-family: 'atkinson hyperlegibel'; }
        </style>
        """,
    )
    problems = css_font_problems(kit_dir, [], "Atkinson Hyperlegible")
    assert [(p.name, line, text.split(".")[0]) for p, line, text in problems] == [
        ("card.html", 2, "font-family: 'atkinson hyperlegibel' is not a font the kit has")
    ]
    assert "Did you mean 'Atkinson Hyperlegible'?" in problems[0][2]


def test_kit_fonts_generic_families_and_variables_are_accepted(kit_dir: Path) -> None:
    write(
        kit_dir / "assets" / "css" / "ok.css",
        """
        @font-face { font-family: "Own Face"; src: url(../fonts/own.ttf); }
        h1 { font-family: "Own Face", "Brought Along", serif; }
        h2 { font-family: var(--font-heading), monospace; }
        p { font: 11pt/1.4 "ATKINSON HYPERLEGIBLE"; }
        em { font: inherit; }
        code { font-family: inherit; }
        """,
    )
    assert css_font_problems(kit_dir, ["Brought Along"], "Brought Along") == []


def test_a_generic_family_first_stops_the_build(runner: CliRunner, kit_dir: Path) -> None:
    """``sans-serif`` alone (or first) prints in the computer's own font for it: DejaVu Sans
    on one machine, Liberation or Arial on the next. A fallback after a kit font is fine, with
    !important too; what comments hold is not read."""
    write(
        kit_dir / "assets" / "css" / "extra.css",
        """
        h1 { font-family: sans-serif !important; }
        .note { font: italic 9pt/1.2 Monospace, var(--font-body); }
        p { font-family: "Atkinson Hyperlegible", serif !important; }
        """,
    )
    write(
        kit_dir / "templates" / "old.html",
        """
        {# was: <style>p { font-family: serif }</style> #}
        <!-- and before that: font-family: cursive; -->
        """,
    )
    result = runner.invoke(cli, ["build", "--kit", str(kit_dir), "--out", str(kit_dir / "o")])
    assert result.exit_code == 1

    def line(number: int, generic: str) -> str:
        return (
            f"Error: {kit_dir}/assets/css/extra.css:{number}: font-family: this list starts "
            f"with '{generic}', which prints in whatever font the computer running the build "
            "has for it (another computer may pick another); put one of the kit's fonts "
            f'first, e.g. font-family: "Atkinson Hyperlegible", {generic} (or add a {generic} '
            "font under [[fonts]] and name it first)"
        )

    assert result.stderr.splitlines() == [
        line(1, "sans-serif"),
        line(2, "monospace"),
        "Fix the 2 problems above and run again.",
    ]
    assert not (kit_dir / "o").exists()


def test_the_stock_font_variables_are_checked_as_font_lists(kit_dir: Path) -> None:
    """``--font-body``, ``--font-heading`` and ``--font-latin`` are what the stock stylesheets
    set text in: a kit setting them is naming fonts. Other custom properties are not."""
    write(
        kit_dir / "assets" / "css" / "kit.css",
        """
        :root { --font-heading: sans-serif; --font-size: 12pt; --font-weight-bold: 700;
                --font-body: "Comic Sans MS", serif; --font-latin: "Atkinson Hyperlegible"; }
        """,
    )
    problems = css_font_problems(kit_dir, [], "Atkinson Hyperlegible")
    assert [(line, text.split(",")[0].split(".")[0]) for _, line, text in problems] == [
        (2, "font-family: 'Comic Sans MS' is not a font the kit has"),
        (1, "font-family: this list starts with 'sans-serif'"),
    ]


def test_lists_come_by_kind_then_place_even_where_a_semicolon_is_missing() -> None:
    """Each kind of declaration is read on its own: the font-family lists first, then the
    stock variables', then the shorthands', each with its own line; one that runs on into
    another for want of a semicolon hides neither."""
    from handbill.kit.cssfonts import _values

    assert _values(":root{--font-body: Unknown A}\np{font-family: Unknown B}") == [
        (2, "Unknown B"),
        (1, "Unknown A"),
    ]
    assert _values("p{font: 12px A\n font-family: sans-serif}") == [(2, "sans-serif")]
    assert _values("p{--font-heading: A\n  font-family: serif; }") == [
        (2, "serif"),
        (1, "A\n  font-family: serif"),
    ]
