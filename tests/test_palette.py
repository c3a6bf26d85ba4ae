"""The palette: colours derived from [brand.colours], text on colour always legible."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write
from handbill.check import legibility
from handbill.errors import did_you_mean
from handbill.kit import palette
from handbill.kit.config import COLOUR_NAMES, DEFAULT_COLOURS, load_config
from handbill.kit.palette import contrast, derive, legible, mix, rgb, text_on

EXAMPLE = {
    "primary": "#005eb8",
    "secondary": "#003087",
    "accent": "#ffb81c",
    "text": "#1d1d1b",
    "background": "#ffffff",
    "muted": "#425563",
}

hex_colours = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")
palettes = st.fixed_dictionaries({name: hex_colours for name in COLOUR_NAMES})


def test_example_palette_gives_back_the_colours_stock_css_was_drawn_with() -> None:
    derived = derive(EXAMPLE)
    assert derived == {
        **EXAMPLE,
        "tint": "#eef4fa",  # was #eef4fb
        "tint-strong": "#d6e5f4",
        "stripe": "#f3f7fc",  # was #f3f7fc
        "rule": "#c8ced2",  # was #c8d3dc
        "rule-strong": "#9da7ae",  # was #9aa8b4
        "on-primary": "#ffffff",
        "on-secondary": "#ffffff",
        "on-accent": "#000000",
        # The example's blues read well as text, so its inks are the blues themselves; its
        # yellow on the blue band (3.8:1) is taken lighter for the event time.
        "primary-ink": "#005eb8",
        "secondary-ink": "#003087",
        "accent-on-primary": "#ffd477",
        "accent-on-secondary": "#ffb81c",
        "proof": "#b00020",
        "proof-mark": "rgba(176, 0, 32, 0.28)",
    }


def test_tints_follow_the_kit_colours() -> None:
    derived = derive({**EXAMPLE, "primary": "#c8102e", "muted": "#5a5a5a"})
    assert derived["tint"] == "#fbeff1"
    assert derived["stripe"] == "#fcf4f5"
    assert derived["rule"] == "#cfcfcf"
    # On a dark background the tints are the background lightened towards the brand colour.
    dark = derive({**EXAMPLE, "primary": "#c8102e", "background": "#000000"})
    assert dark["tint"] == mix("#c8102e", "#000000", 0.067) == "#0d0103"


@given(palettes)
def test_text_on_each_brand_colour_reaches_wcag_aa(colours: dict[str, str]) -> None:
    derived = derive(colours)
    for name in ("primary", "secondary", "accent"):
        ratio = contrast(rgb(derived[f"on-{name}"]), rgb(colours[name]))
        assert ratio >= 4.5, (name, colours[name], derived[f"on-{name}"], ratio)
        candidates = (colours["text"], colours["background"], "#ffffff", "#000000")
        assert derived[f"on-{name}"] in candidates


@given(palettes)
def test_every_derived_colour_is_a_colour(colours: dict[str, str]) -> None:
    for name, value in derive(colours).items():
        if name != "proof-mark":
            assert len(value) == 7 and value.startswith("#"), (name, value)
            rgb(value)


def test_text_on_picks_the_best_contrast() -> None:
    assert text_on("#003087", text="#1d1d1b", background="#ffffff") == "#ffffff"
    # Black beats the brand's near-black text on yellow.
    assert text_on("#ffb81c", text="#1d1d1b", background="#ffffff") == "#000000"
    # A dark page: its light text colour is best on the dark secondary.
    assert text_on("#1b2a4a", text="#ffffff", background="#101010") == "#ffffff"
    # Off-white text on mid grey loses to black.
    assert text_on("#999999", text="#f0f0f0", background="#202020") == "#000000"


def test_contrast_is_wcag() -> None:
    assert round(contrast(rgb("#000"), rgb("#fff")), 6) == 21
    assert contrast(rgb("#777777"), rgb("#777")) == 1
    assert round(contrast(rgb("#005eb8"), rgb("#ffffff")), 2) == 6.38


def test_legibility_check_uses_the_palette_contrast() -> None:
    assert legibility.contrast is palette.contrast


def test_brand_palette_is_worked_out_once_from_the_kit(kit_dir: Path) -> None:
    text = (kit_dir / "handbill.toml").read_text()
    write(kit_dir / "handbill.toml", text.replace('"#c00000"', '"#1b2a4a"'))
    brand = load_config(kit_dir).brand
    assert brand.palette is brand.palette
    assert brand.palette["primary"] == "#1b2a4a"
    assert brand.palette["on-primary"] == "#ffffff"
    assert brand.palette["muted"] == DEFAULT_COLOURS["muted"]


def test_did_you_mean_can_ignore_letter_case() -> None:
    families = ["Atkinson Hyperlegible", "Noto Nastaliq Urdu"]
    assert did_you_mean("ATKINSON HYPERLEGIBEL", families) == ""
    assert (
        did_you_mean("ATKINSON HYPERLEGIBEL", families, ignore_case=True)
        == " Did you mean 'Atkinson Hyperlegible'?"
    )


def test_inks_read_on_the_page_and_stay_close_to_the_brand() -> None:
    pale = derive({**EXAMPLE, "primary": "#ffe14d", "accent": "#f28c28", "secondary": "#00775a"})
    page = rgb(pale["background"])
    assert pale["primary"] == "#ffe14d"  # bands keep the kit's exact colour
    assert contrast(rgb(pale["primary-ink"]), page) >= 4.5
    assert contrast(rgb(pale["primary-ink"]), rgb(pale["tint"])) >= 4.5
    # orange on green (2.3:1) is taken lighter until it reads on the green band
    assert contrast(rgb("#f28c28"), rgb("#00775a")) < 3
    assert contrast(rgb(pale["accent-on-secondary"]), rgb("#00775a")) >= 4.5
    assert legible("#ffe14d", ("#ffffff",)) == pale["primary-ink"]


HEX = st.from_regex(r"#[0-9a-f]{6}", fullmatch=True)
# A page is light or dark: on a mid-grey page no colour reads at 4.5:1 on both it and a tint.
PAGE = st.one_of(
    st.from_regex(r"#[c-f][0-9a-f][c-f][0-9a-f][c-f][0-9a-f]", fullmatch=True),
    st.from_regex(r"#[0-2][0-9a-f][0-2][0-9a-f][0-2][0-9a-f]", fullmatch=True),
)


@settings(max_examples=200)
@given(colours=st.lists(HEX, min_size=5, max_size=5), page=PAGE)
def test_every_ink_reads_at_4_5_for_any_palette(colours: list[str], page: str) -> None:
    names = ("primary", "secondary", "accent", "text", "muted")
    palette = {**dict(zip(names, colours, strict=True)), "background": page}
    derived = derive(palette)
    grounds = [derived["background"], derived["tint"], derived["stripe"]]
    for name in ("primary-ink", "secondary-ink", "text", "muted"):
        assert all(contrast(rgb(derived[name]), rgb(g)) >= 4.5 for g in grounds), name
    for band in ("primary", "secondary"):
        assert contrast(rgb(derived[f"accent-on-{band}"]), rgb(palette[band])) >= 4.5
