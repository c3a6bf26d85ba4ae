"""Another campaign's brand carries through every stock material: colours, logo and fonts."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from conftest import REPO, write
from handbill.build.runner import build
from handbill.errors import ConfigError
from handbill.kit.config import load_config
from handbill.kit.fonts import BUNDLED_FAMILIES, font_families, font_files
from handbill.kit.loader import load_kit, stock_templates
from handbill.kit.palette import BRAND_PROPERTIES, DERIVED_PROPERTIES
from handbill.publish.scaffold import new_kit
from handbill.publish.site import write_site
from handbill.render.templating import render_html

RED, NAVY, GOLD, GREY = "#c8102e", "#1b2a4a", "#f2a900", "#5a5a5a"
LOGO_GREEN = (46, 139, 87)
# The example kit's blues and the tints stock CSS used to hard-code.
# (#aab4be, the fold guides' grey, is left out: the stock leaflet picture's grey, smoothed at
# its edges, passes through it; test_stock_css_and_templates_hard_code_no_colour covers it.)
STOCK_BLUES = ["#005eb8", "#003087", "#eef4fb", "#f3f7fc", "#c8d3dc", "#9aa8b4"]
STOCK_CSS = sorted((REPO / "assets" / "css").glob("*.css"))
STOCK_HTML = sorted((REPO / "templates").glob("*.html"))
BRAND_DOC = (REPO / "docs" / "templates" / "brand.md").read_text(encoding="utf-8")
FONT_PROPERTIES = {"font-body", "font-heading", "font-latin"}
# Set by handbill.css on :root (and by stylesheets with other page margins), for the bleed-*
# classes of press mode; --bleed is set by handbill for press outputs.
PRESS_PROPERTIES = {"bleed", *(f"page-margin-{s}" for s in ("top", "right", "bottom", "left"))}


def rebrand(root: Path, logo: bool = True) -> None:
    """Give a new kit a red and navy brand, and a green logo (no stock colour is green)."""
    text = (root / "handbill.toml").read_text()
    text = re.sub(
        r"\[brand\.colours\]\n(.*\n)*?\n",
        f'[brand.colours]\nprimary = "{RED}"\nsecondary = "{NAVY}"\naccent = "{GOLD}"\n'
        f'muted = "{GREY}"\n\n',
        text,
    )
    if logo:
        (root / "assets").mkdir(exist_ok=True)
        Image.new("RGB", (240, 80), LOGO_GREEN).save(root / "assets" / "logo.png")
        text = text.replace(
            "[brand.colours]", '[brand]\nlogo = "assets/logo.png"\n\n[brand.colours]'
        )
    (root / "handbill.toml").write_text(text)


@pytest.fixture(scope="module")
def red_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tenants") / "kit"
    new_kit(root, "Tenants Together")
    rebrand(root)
    return root


# Materials without the campaign's branding: a personal letter reads as one person's own.
PERSONAL = ("letter",)


@pytest.fixture(scope="module")
def red_pages(red_kit: Path) -> dict[str, list[Image.Image]]:
    """Every PDF of the red kit, built and rasterised at 40 dpi, by file stem."""
    out = red_kit / "dist"
    report = build(load_kit(red_kit), out_dir=out, jobs=2)
    assert not report.failures, report.failures
    pages: dict[str, list[Image.Image]] = {}
    for pdf in sorted(out.glob("*.pdf")):
        if pdf.name.endswith((".home.pdf", ".form.pdf")):  # the same designs, imposed or fillable
            continue
        prefix = out / "png" / pdf.stem
        prefix.parent.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(prefix)], check=True)
        pngs = sorted(prefix.parent.glob(f"{pdf.stem}-*.png"))
        pages[pdf.stem] = [Image.open(p).convert("RGB") for p in pngs]
    return pages


def colours_on(images: list[Image.Image]) -> set[tuple[int, int, int]]:
    found: set[tuple[int, int, int]] = set()
    for image in images:
        found |= {colour for _, colour in image.getcolors(maxcolors=1 << 20) or []}
    return found


def near(colour: str, found: set[tuple[int, int, int]], within: int = 2) -> bool:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return any(
        abs(r - x) <= within and abs(g - y) <= within and abs(b - z) <= within for x, y, z in found
    )


def test_no_stock_blue_on_another_campaigns_materials(
    red_pages: dict[str, list[Image.Image]],
) -> None:
    assert len(red_pages) == len(stock_templates())
    every = colours_on([page for pages in red_pages.values() for page in pages])
    for blue in STOCK_BLUES:
        assert not near(blue, every), blue
    for template, pages in red_pages.items():
        found = colours_on(pages)
        assert not any(near(blue, found) for blue in STOCK_BLUES), template
        # A personal letter carries no campaign colours: it should not look mass-produced.
        branded = near(RED, found, 0) or near(NAVY, found, 0)
        assert branded == (template not in PERSONAL), template
    # The panels behind QR codes and quotes are a tint of the kit's red (#fbeff1).
    for template in ("faq", "press-release", "event-poster-2030-03-14", "speech", "leaflet-a5"):
        assert near("#fbeff1", colours_on(red_pages[template]), 1), template
    assert near("#fcf4f5", colours_on(red_pages["petition"]), 1)  # every other row


def test_logo_on_every_stock_material_but_letters(
    red_pages: dict[str, list[Image.Image]],
) -> None:
    for name, pages in red_pages.items():
        # On the first page: the front of the A5 leaflet, the cover side of the DL leaflet.
        counts = pages[0].getcolors(maxcolors=1 << 20) or []
        green = sum(n for n, c in counts if max(map(abs, (c[0] - 46, c[1] - 139, c[2] - 87))) <= 8)
        if name in PERSONAL:
            assert green == 0, name  # no letterhead on a personal letter
        else:
            assert green >= 40, (name, green)  # a logo at least 5 mm tall, 15 mm wide


def _logos(kit_dir: Path) -> dict[str, int]:
    kit = load_kit(kit_dir)
    found = {}
    for name, material in kit.materials.items():
        row = kit.data["events"][0] if material.per else None
        found[name] = render_html(kit, material, row, 1).html.count('<img class="logo"')
    return found


def test_logo_once_per_page_design(red_kit: Path) -> None:
    expected = dict.fromkeys(stock_templates(), 1) | dict.fromkeys(PERSONAL, 0)
    assert _logos(red_kit) == expected


def test_vars_logo_false_turns_the_logo_off(red_kit: Path, tmp_path: Path) -> None:
    root = tmp_path / "kit"
    new_kit(root, "Tenants Together")
    rebrand(root)
    for material in (root / "materials").glob("*.md"):
        text = material.read_text()
        if re.search(r"^vars:\n", text, flags=re.M):
            text = re.sub(r"^vars:\n", "vars:\n  logo: false\n", text, count=1, flags=re.M)
        else:
            text = "---\nvars: {logo: false}\n" + text.removeprefix("---\n")
        material.write_text(text)
    assert _logos(root) == dict.fromkeys(stock_templates(), 0)


def test_no_logo_leaves_no_trace(tmp_path: Path) -> None:
    root = tmp_path / "kit"
    new_kit(root, "Tenants Together")
    rebrand(root, logo=False)
    assert _logos(root) == dict.fromkeys(stock_templates(), 0)
    (root / "handbill.toml").write_text(
        (root / "handbill.toml")
        .read_text()
        .replace('hashtag = "#OurCampaign"', "")
        .replace('tagline = "What the campaign is about, in one line"', "")
    )
    kit = load_kit(root)
    html = render_html(kit, kit.materials["leaflet-dl"]).html
    assert "cover-foot" not in html  # no empty rule at the foot of the cover


def test_download_page_uses_the_kit_palette(red_kit: Path, red_pages: object) -> None:
    page = write_site(load_kit(red_kit), red_kit / "dist").read_text()
    style = page[page.index("<style>") : page.index("</style>")]
    assert f"--primary: {RED};" in style and "--on-secondary: #ffffff;" in style
    palette = load_config(red_kit).brand.palette
    assert set(re.findall(r"#[0-9a-f]{6}\b", style)) <= set(palette.values())
    assert "rgb" not in style.replace(palette["proof-mark"], "")


def test_every_custom_property_of_stock_css_is_defined_and_documented() -> None:
    used = set()
    for path in [*STOCK_CSS, *STOCK_HTML]:
        used |= set(re.findall(r"var\(--([a-z-]+)\)", path.read_text(encoding="utf-8")))
    defined = set(BRAND_PROPERTIES) | set(DERIVED_PROPERTIES)
    assert used <= defined | FONT_PROPERTIES | PRESS_PROPERTIES, used - defined
    assert used >= defined - {"tint-strong"}, defined - used  # tint-strong is for kits' own
    for name in defined | FONT_PROPERTIES | PRESS_PROPERTIES:
        assert f"`--{name}`" in BRAND_DOC, name
    documented = set(re.findall(r"^\| `--([a-z-]+)` \|", BRAND_DOC, flags=re.M))
    assert documented == defined | FONT_PROPERTIES | PRESS_PROPERTIES


def test_every_property_reaches_the_page(kit_dir: Path) -> None:
    write(kit_dir / "materials" / "sheet.md", "---\ntemplate: faq\ntitle: Sheet\n---\nText\n")
    kit = load_kit(kit_dir)
    html = render_html(kit, kit.materials["sheet"]).html
    for name, value in kit.config.brand.palette.items():
        assert f"--{name}: {value};" in html


COLOUR_VALUE = re.compile(
    r"#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\(|:\s*[^;{}]*\b(white|black|red|blue|navy|gr[ae]y|"
    r"green|yellow|orange|silver)\b(?!-)"
)


def test_stock_css_and_templates_hard_code_no_colour() -> None:
    for path in [*STOCK_CSS, *STOCK_HTML]:
        text = re.sub(r"/\*.*?\*/|\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        found = [m[0] for m in COLOUR_VALUE.finditer(text)]
        assert not found, (path.name, found)


def font_config(kit_dir: Path, fonts: str) -> str:
    text = (kit_dir / "handbill.toml").read_text().replace("[defaults]", f"{fonts}\n[defaults]")
    write(kit_dir / "handbill.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(kit_dir)
    return info.value.format_message()


def test_misspelt_brand_font_is_an_error_with_did_you_mean(kit_dir: Path) -> None:
    message = font_config(kit_dir, '[brand.fonts]\nheading = "atkinson hyperlegibel"\n')
    assert message.splitlines()[0].split("/kit/handbill.toml", 1)[1] == (
        ":15: Config value 'brand.fonts.heading': 'atkinson hyperlegibel' is not "
        "a font the kit has. Did you mean 'Atkinson Hyperlegible'? Use a bundled font (Atkinson "
        "Hyperlegible, Atkinson Hyperlegible Next, Noto Nastaliq Urdu, Noto Naskh Arabic), or add "
        'the font\'s file under [[fonts]] with family = "atkinson hyperlegibel"'
    )


def test_font_installed_on_the_computer_is_refused(kit_dir: Path) -> None:
    # DejaVu Sans is on most Linux systems; the build must not pick it up from there.
    message = font_config(kit_dir, '[brand.fonts]\nbody = "DejaVu Sans"\n')
    assert (
        "Config value 'brand.fonts.body': 'DejaVu Sans' is not a font the kit has. Use" in message
    )


def test_bundled_and_kit_fonts_are_accepted(kit_dir: Path) -> None:
    font = REPO / "assets" / "fonts" / "atkinson-hyperlegible" / "AtkinsonHyperlegible-Bold.ttf"
    (kit_dir / "assets" / "fonts").mkdir(parents=True)
    (kit_dir / "assets" / "fonts" / "Display.ttf").write_bytes(font.read_bytes())
    text = (
        (kit_dir / "handbill.toml")
        .read_text()
        .replace(
            "[defaults]",
            '[brand.fonts]\nbody = "atkinson hyperlegible next"\nheading = "Campaign Display"\n\n'
            '[[fonts]]\nfamily = "Campaign Display"\nfile = "assets/fonts/Display.ttf"\n\n'
            "[defaults]",
        )
    )
    write(kit_dir / "handbill.toml", text)
    brand = load_config(kit_dir).brand
    assert (brand.font_body, brand.font_heading) == (
        "Atkinson Hyperlegible Next",
        "Campaign Display",
    )


def test_bundled_families_are_the_stock_fonts(tmp_path: Path) -> None:
    assert font_families(font_files(tmp_path)) == set(BUNDLED_FAMILIES)
    css = "".join(path.read_text() for path in STOCK_CSS)
    assert set(re.findall(r'@font-face \{ font-family: "([^"]+)"', css)) == set(BUNDLED_FAMILIES)
