"""The [print] table's PDF/X settings and the brand's print mixes: each mistake is one line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from handbill.cli import cli
from handbill.errors import ConfigError
from handbill.kit.config import load_config
from handbill.kit.press import STOCK_PROFILE


def with_toml(kit_dir: Path, old: str, new: str) -> None:
    path = kit_dir / "handbill.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def problem(kit_dir: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(kit_dir)
    return caught.value.format_message()


@pytest.mark.parametrize(
    ("mix", "message"),
    [
        ("[100, 50, 0]", "cmyk must be four ink percentages (cyan, magenta, yellow, black)"),
        ('["100", 50, 0, 0]', "cmyk must be four numbers without quotes"),
        ("[120, 0, 0, 0]", "each ink in cmyk is a percentage from 0 to 100"),
        ("[0.85, 1, 0.2, 0.1]", "cmyk takes percentages, not fractions: write [85, 100, 20, 10]"),
        ("[100, 100, 100, 50]", "the inks add up to 350 %, more than the 300 % paper takes"),
    ],
)
def test_a_wrong_print_mix_says_which_rule_it_breaks(kit_dir: Path, mix: str, message: str) -> None:
    with_toml(kit_dir, 'primary = "#c00000"', f'primary = {{ rgb = "#c00000", cmyk = {mix} }}')
    text = problem(kit_dir)
    assert f"handbill.toml:12: Config value 'brand.colours.primary': {message}" in text


def test_a_print_mix_without_its_screen_colour_asks_for_it(kit_dir: Path) -> None:
    with_toml(kit_dir, 'primary = "#c00000"', "primary = { cmyk = [0, 100, 90, 5] }")
    assert "'brand.colours.primary': give the screen colour too" in problem(kit_dir)
    assert "None" not in problem(kit_dir)


def test_print_mix_is_read_as_fractions_of_ink(kit_dir: Path) -> None:
    with_toml(
        kit_dir, 'primary = "#c00000"', 'primary = { rgb = "#c00000", cmyk = [0, 100, 90, 5] }'
    )
    brand = load_config(kit_dir).brand
    assert brand.colours["primary"] == "#c00000"
    assert brand.cmyk == {"primary": (0.0, 1.0, 0.9, 0.05)}


def test_profile_must_be_a_cmyk_printer_profile(kit_dir: Path) -> None:
    (kit_dir / "assets/icc").mkdir(parents=True)
    stock = (REPO / STOCK_PROFILE).read_bytes()
    (kit_dir / "assets/icc/cut.icc").write_bytes(stock[:5000])
    (kit_dir / "assets/icc/shop.icc").write_bytes(stock)
    with_toml(kit_dir, "[tracking]", '[print]\nprofile = "assets/img/dot.png"\n\n[tracking]')
    assert (
        "Config value 'print.profile': 'assets/img/dot.png' is not an ICC colour profile, or is "
        "damaged; ask the print shop for the .icc file" in problem(kit_dir)
    )
    with_toml(kit_dir, "assets/img/dot.png", "assets/icc/cut.icc")
    assert "'assets/icc/cut.icc' is not an ICC colour profile, or is damaged" in problem(kit_dir)
    with_toml(kit_dir, "assets/icc/cut.icc", "assets/icc/shop.icc")
    printing = load_config(kit_dir).printing
    assert printing.profile_path == kit_dir / "assets/icc/shop.icc"
    assert printing.output_condition == "ISO Coated v2 300% (basICColor)"


def test_an_rgb_profile_is_named_as_such(kit_dir: Path, tmp_path: Path) -> None:
    from PIL import ImageCms

    (kit_dir / "assets/icc").mkdir(parents=True)
    ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    (kit_dir / "assets/icc/screen.icc").write_bytes(
        ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    )
    with_toml(kit_dir, "[tracking]", '[print]\nprofile = "assets/icc/screen.icc"\n\n[tracking]')
    assert "'assets/icc/screen.icc' is an RGB" in problem(kit_dir)
    assert "a print shop's profile is a CMYK printer profile" in problem(kit_dir)


def test_unknown_pdf_x_version_lists_the_choices(kit_dir: Path) -> None:
    with_toml(kit_dir, "[tracking]", '[print]\npdf_x = "3"\n\n[tracking]')
    assert (
        "Config value 'print.pdf_x': '3' is not a PDF/X version handbill writes; use \"4\""
        in problem(kit_dir)
    )


def test_pdf_x_without_press_mode_is_a_usage_error(kit_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--kit", str(kit_dir), "--pdf-x", "1a"])
    assert result.exit_code == 2
    assert "--pdf-x is for print-shop PDFs: add --mode press" in result.output


def test_changing_a_print_mix_rebuilds_the_press_pdfs(kit_dir: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    def fills() -> set[bytes]:
        page = PdfReader(out / "card.press.pdf").pages[0]
        return set(re.findall(rb"[0-9. ]+ k\n", page.get_contents().get_data()))

    out = tmp_path / "out"
    args = ["build", "card", "--kit", str(kit_dir), "--out", str(out), "--mode", "press"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    # The muted slate grey (#4c6272, chroma 13) is near enough grey to print in black alone.
    assert b"0 0 0 0.784 k\n" in fills()
    with_toml(
        kit_dir,
        "[defaults]",
        '[brand.colours.muted]\nrgb = "#4c6272"\ncmyk = [70, 40, 30, 20]\n\n[defaults]',
    )
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0 and "not rebuilt" not in result.output
    assert b"0.7 0.4 0.3 0.2 k\n" in fills()  # the kit's own mix, exactly


def test_pdf_x_1a_drops_invisible_paint_and_keeps_the_page(tmp_path: Path) -> None:
    """The stock A5 leaflet's arrow is a CSS border triangle whose clear sides are painted with
    no opacity: PDF/X-1a (which has none) leaves them out and keeps the arrow."""
    from pypdf import PdfReader

    from handbill.build.jobs import Options
    from handbill.build.runner import build
    from handbill.check.pdfx import pdfx_findings
    from handbill.kit.loader import load_kit

    kit = tmp_path / "kit"
    shutil.copytree(
        REPO, kit, ignore=shutil.ignore_patterns(".git", ".venv*", "dist*", "tests", ".handbill")
    )
    report = build(
        load_kit(kit),
        ["leaflet-a5"],
        tmp_path / "out",
        jobs=1,
        options=Options("press", pdf_x="1a"),
        group="leeds",
    )
    assert not report.failures, report.failures
    reader = PdfReader(tmp_path / "out/leaflet-a5-leeds.press.pdf")
    assert reader.metadata["/GTS_PDFXVersion"] == "PDF/X-1a:2003"
    for page in reader.pages:
        for state in page["/Resources"].get("/ExtGState", {}).values():
            assert float(state.get_object().get("/ca", 1)) == 1
    assert pdfx_findings({"mode": "press", "pdf_x": "1a"}, "leaflet", reader) == []


def test_unknown_poster_tiles_says_the_choices(kit_dir: Path) -> None:
    with_toml(kit_dir, "[tracking]", '[print]\nposter_tiles = "big"\n\n[tracking]')
    assert (
        "Config value 'print.poster_tiles': must be 'fewest' (a poster a little smaller on "
        "fewer A4 sheets) or 'full-size'" in problem(kit_dir)
    )
