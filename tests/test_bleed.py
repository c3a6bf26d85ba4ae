"""Press mode: designs run into the bleed, folds are marked outside it, check reads both."""

from __future__ import annotations

import itertools
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from conftest import write
from handbill.build.jobs import Options
from handbill.build.runner import build
from handbill.check.bleed import press_findings
from handbill.kit.loader import load_kit
from handbill.pages.printing import with_bleed

REPO = Path(__file__).resolve().parent.parent
DPI = 100
PX_PER_MM = DPI / 25.4
PT_PER_MM = 72 / 25.4
WHITE = (255, 255, 255)
MATERIALS = ["placard-a4", "event-flyer", "event-poster", "faq", "leaflet-a5", "leaflet-dl"]
MATERIALS += ["letter-to-mp", "petition"]


class Page:
    """One page rendered by poppler at 100 dpi, whole (slug, bleed and all); positions in mm
    from the trim's top left, read from the page's TrimBox."""

    def __init__(self, path: Path, number: int, tmp: Path) -> None:
        stem = tmp / f"{path.stem}-{number}"
        subprocess.run(
            [
                *("pdftoppm", "-png", "-r", str(DPI), "-f", str(number), "-l", str(number)),
                *("-singlefile", str(path), str(stem)),
            ],
            check=True,
        )
        self.image = Image.open(f"{stem}.png").convert("RGB")
        page = PdfReader(path).pages[number - 1]
        media, trim = page.mediabox, page.trimbox
        self.left = (float(trim.left) - float(media.left)) / PT_PER_MM
        self.top = (float(media.top) - float(trim.top)) / PT_PER_MM
        self.width = float(trim.width) / PT_PER_MM
        self.height = float(trim.height) / PT_PER_MM

    def at(self, x_mm: float, y_mm: float) -> tuple[int, int, int]:
        x, y = (self.left + x_mm) * PX_PER_MM, (self.top + y_mm) * PX_PER_MM
        pixel: tuple[int, int, int] = self.image.getpixel((int(x), int(y)))  # type: ignore[assignment]
        return pixel


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return (int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16))


def near(colour: tuple[int, int, int], wanted: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 3 for a, b in zip(colour, wanted, strict=True))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, Path]]:
    """The example kit's materials with bands, for a print shop and for home printers.

    The press PDFs here stay RGB (``pdf_x="none"``) so that pixels can be compared with the
    brand's screen colours; tests/test_pdfx.py checks the CMYK ones reach the bleed too."""
    press = tmp_path_factory.mktemp("press")
    home = tmp_path_factory.mktemp("home")
    kit = load_kit(REPO)
    for out, mode in ((press, "press"), (home, "home")):
        report = build(kit, MATERIALS, out_dir=out, jobs=2, options=Options(mode, pdf_x="none"))
        assert not report.failures, report.failures
    yield press, home, tmp_path_factory.mktemp("png")


# (file, page, side, a point in mm along that edge, the brand colour of the band there)
BANDS = [
    ("placard-a4", 1, "top", 148.5, "secondary"),
    ("placard-a4", 1, "left", 20.0, "secondary"),
    ("placard-a4", 1, "right", 20.0, "secondary"),
    ("event-flyer-2018-10-26", 1, "top", 52.5, "secondary"),
    ("event-flyer-2018-10-26", 1, "left", 40.0, "primary"),  # the hero
    ("event-flyer-2018-10-26", 1, "right", 40.0, "primary"),
    ("event-poster-2018-10-26", 1, "top", 105.0, "secondary"),
    ("event-poster-2018-10-26", 1, "left", 100.0, "primary"),
    ("faq", 1, "top", 105.0, "secondary"),
    ("faq", 1, "left", 14.0, "secondary"),
    ("leaflet-a5-leeds", 1, "bottom", 74.0, "primary"),  # the call to action
    ("leaflet-a5-leeds", 1, "left", 200.0, "primary"),
    ("leaflet-dl", 1, "top", 250.0, "secondary"),  # the cover band, on the front cover
    ("leaflet-dl", 1, "right", 14.0, "secondary"),
    ("petition", 1, "top", 60.0, "secondary"),
]


def point(page: Page, side: str, along: float, depth: float) -> tuple[float, float]:
    """``depth`` mm in from the trim on ``side`` (negative: out in the bleed)."""
    return {
        "top": (along, depth),
        "bottom": (along, page.height - depth),
        "left": (depth, along),
        "right": (page.width - depth, along),
    }[side]


@pytest.mark.parametrize(("stem", "number", "side", "along", "colour"), BANDS)
def test_bands_reach_the_bleed_edge_in_press_mode_only(
    built: tuple[Path, Path, Path], stem: str, number: int, side: str, along: float, colour: str
) -> None:
    press, home, png = built
    wanted = rgb(load_kit(REPO).config.brand.palette[colour])
    page = Page(press / f"{stem}.press.pdf", number, png)
    assert page.left > 3  # the picture holds the slug: the bleed is inside it
    # Just inside the trim, in the middle of the bleed and at its outer edge: the band.
    for depth in (1.0, -1.5, -2.8):
        assert near(page.at(*point(page, side, along, depth)), wanted), (side, depth)
    # At home the same edge is white paper: home printers cannot print to the edge.
    finished = Page(home / f"{stem}.pdf", number, png)
    assert finished.left == 0 and finished.at(*point(finished, side, along, 1.0)) == WHITE


def test_text_stays_where_it_was_at_home(built: tuple[Path, Path, Path]) -> None:
    """Running into the bleed moves a band's edges, never its words: each page's text is
    laid out at the same places in both modes, as far in from the trim as at home. (The A5
    leaflet's call to action is the exception: its accent stripe moves to its top edge.)"""
    press, home, _ = built
    stems = ("placard-a4", "event-poster-2018-10-26", "event-flyer-2018-10-26", "faq")
    for stem in (*stems, "letter-to-mp", "petition"):
        placed = []
        for path in (press / f"{stem}.press.pdf", home / f"{stem}.pdf"):
            page = PdfReader(path).pages[0]
            origin = (float(page.trimbox.left), float(page.trimbox.top))
            spots: list[tuple[str, int, int]] = []

            def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
                if text.strip():  # where the text starts on the page: tm, then cm
                    x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4] - origin[0]  # noqa: B023
                    y = origin[1] - (tm[4] * cm[1] + tm[5] * cm[3] + cm[5])  # noqa: B023
                    spots.append((text.strip(), round(x), round(y)))  # noqa: B023

            page.extract_text(visitor_text=visit)
            # The imprint, at the foot, names the print shop only on what the shop prints: its
            # words (and so its lines) differ, so the comparison stops there.
            starts = [i for i, spot in enumerate(spots) if spot[0].startswith("Promoted by")]
            placed.append(spots[: starts[0]] if starts else spots)
        # Within a point: sums of millimetres in another order round differently.
        assert [text for text, *_ in placed[0]] == [text for text, *_ in placed[1]], stem
        for (text, x, y), (_, x_home, y_home) in zip(*placed, strict=True):
            assert abs(x - x_home) <= 1 and abs(y - y_home) <= 1, (stem, text)


def fold_mark_columns(page: Page) -> list[float]:
    """Where dark marks cross the slug above the trim, in mm from the trim's left edge."""
    found: list[float] = []
    for x_px in range(page.image.width):
        x_mm = x_px / PX_PER_MM - page.left
        column = [
            page.image.getpixel((x_px, int((page.top + y) * PX_PER_MM)))
            for y in (-6.0, -6.5, -7.0, -7.5, -8.0)
        ]
        if any(sum(c) < 500 for c in column):  # type: ignore[arg-type]
            if found and x_mm - found[-1] < 1:
                continue  # the same mark, a pixel on
            found.append(x_mm)
    return found


def test_dl_folds_are_marked_in_the_slug_and_mirrored(built: tuple[Path, Path, Path]) -> None:
    press, _, png = built
    path = press / "leaflet-dl.press.pdf"
    widths = []
    for number in (1, 2):
        marks = [round(x) for x in fold_mark_columns(Page(path, number, png))]
        # The crop marks at the trim's edges (0 and 297 mm), the fold marks between them.
        assert marks[0] == 0 and marks[-1] == 297, marks
        widths.append([b - a for a, b in itertools.pairwise(marks)])
    assert widths == [[97, 100, 100], [100, 100, 97]]  # the outside mirrors the inside
    entry = next(e for e in build_entries(press) if e["path"] == "leaflet-dl.press.pdf")
    assert entry["folds"] == [
        {"x_mm": [97.0, 197.0], "y_mm": []},
        {"x_mm": [100.0, 200.0], "y_mm": []},
    ]


def build_entries(out: Path) -> list[dict[str, object]]:
    import json

    outputs: list[dict[str, object]] = json.loads((out / "manifest.json").read_text())["outputs"]
    return outputs


def test_no_fold_guide_inside_the_trim_in_press_mode(built: tuple[Path, Path, Path]) -> None:
    press, home, png = built
    for number, folds in ((1, (97, 197)), (2, (100, 200))):
        page = Page(press / "leaflet-dl.press.pdf", number, png)
        finished = Page(home / "leaflet-dl.pdf", number, png)
        for fold in folds:
            column = [page.at(fold + dx, y / 4) for dx in (-0.3, 0, 0.3) for y in range(0, 210 * 4)]
            assert set(column) == {WHITE}, (number, fold)
            # At home the guides are drawn, at the top and foot of the sheet.
            guide = [finished.at(fold + dx, y / 4) for dx in (-0.3, 0, 0.3) for y in range(16, 40)]
            assert any(pixel != WHITE for pixel in guide), (number, fold)


def test_press_html_says_press_and_the_bleed() -> None:
    assert with_bleed('<html lang="en"><head></head>', 3) == (
        '<html class="press" lang="en"><head><style>@page { bleed: 3mm; marks: none } '
        ":root { --bleed: 3mm }</style></head>"
    )
    assert with_bleed("<HTML class='x y'><head></head>", 2.5).startswith("<HTML class='x y press'>")
    assert with_bleed("<html class=''><head></head>", 3).startswith("<html class='press'>")


BAND_TEMPLATE = """{% extends "_base.html" %}
{% block stylesheets %}<style>
@page { margin: 0 }
.band { background: #336699; color: #fff; padding: 12mm; """


def band_kit(kit_dir: Path, classes: str, extra_css: str = "") -> Path:
    write(
        kit_dir / "templates" / "band.html",
        BAND_TEMPLATE
        + "}\n"
        + ":root { --page-margin-top: 0mm; --page-margin-left: 0mm; --page-margin-right: 0mm }"
        + extra_css
        + "</style>{% endblock %}\n{% block body %}"
        + f'<div class="band {classes}">{{{{ material.title }}}}</div>{{{{ content }}}}'
        + "{% endblock %}\n",
    )
    write(
        kit_dir / "materials" / "band.md",
        "---\ntemplate: band\ntitle: Band\npaper: A5\n---\nWords.\n",
    )
    return kit_dir


def press_check(kit_dir: Path, tmp_path: Path, name: str) -> list[str]:
    report = build(load_kit(kit_dir), [name], out_dir=tmp_path, jobs=1, options=Options("press"))
    entry = report.entries[0]
    return [f.line for f in press_findings(tmp_path / entry["path"], entry, name)]


def test_check_finds_a_band_that_stops_at_the_trim(kit_dir: Path, tmp_path: Path) -> None:
    band_kit(kit_dir, "")
    lines = press_check(kit_dir, tmp_path / "stops", "band")
    assert [line.split(" (")[0] for line in lines] == [
        "band p.1: error: bleed: the colour at the top edge stops at the trim",
        "band p.1: error: bleed: the colour at the left edge stops at the trim",
        "band p.1: error: bleed: the colour at the right edge stops at the trim",
    ]
    assert lines[0].endswith(
        "so a cut a little out shows white paper; run it into the bleed (class bleed-top, "
        "see docs/printing.md)"
    )
    band_kit(kit_dir, "bleed-top bleed-left bleed-right")
    assert press_check(kit_dir, tmp_path / "runs", "band") == []


def test_check_finds_a_fold_guide_inside_the_trim(kit_dir: Path, tmp_path: Path) -> None:
    stock = (REPO / "templates" / "leaflet-dl.html").read_text()
    write(kit_dir / "templates" / "folded.html", stock.replace("leaflet-dl.css", "folded.css"))
    css = (REPO / "assets" / "css" / "leaflet-dl.css").read_text()
    # A kit's copy that forgot to leave its guides out under .press.
    write(kit_dir / "assets" / "css" / "folded.css", css.replace("content: none", "content: ''"))
    write(
        kit_dir / "materials" / "folded.md",
        "---\ntemplate: folded\ntitle: Folded\npaper: A4\norientation: landscape\n---\n"
        + "".join(f"## Panel {n}\n\nText.\n\n" for n in range(1, 7)),
    )
    lines = press_check(kit_dir, tmp_path, "folded")
    assert lines == [
        f"folded p.{page}: error: bleed: a line is drawn along the fold {fold} mm from the left "
        "edge, inside the trim, and would print on every copy; the fold is marked outside the "
        "bleed, so draw the guide at home only (not under .press)"
        for page, folds in ((1, (97, 197)), (2, (100, 200)))
        for fold in folds
    ]


def test_a_horizontal_fold_is_marked_beside_the_sheet(kit_dir: Path, tmp_path: Path) -> None:
    """A zero-height data-fold element is a fold along its top edge: marked left and right."""
    write(
        kit_dir / "templates" / "card-fold.html",
        '{% extends "_base.html" %}{% block stylesheets %}<style>@page { margin: 0 }'
        " .half { height: 74mm } .fold { height: 0 } .off { position: absolute; top: -40mm;"
        " width: 10mm; height: 0 }</style>{% endblock %}{% block body %}<div class='half'>"
        "{{ content }}</div><div class='fold' data-fold></div><div class='off' data-fold></div>"
        "{% endblock %}\n",
    )
    write(
        kit_dir / "materials" / "card-fold.md",
        "---\ntemplate: card-fold\ntitle: Folded card\npaper: A5\n---\nWords.\n",
    )
    report = build(
        load_kit(kit_dir), ["card-fold"], out_dir=tmp_path, jobs=1, options=Options("press")
    )
    entry = report.entries[0]
    assert entry["folds"] == [{"x_mm": [], "y_mm": [74.0]}]  # not the one off the sheet
    page = Page(tmp_path / "card-fold.press.pdf", 1, tmp_path)
    # Dashes at 74 mm beside the sheet, in the slug (3 to 8 mm out), and nowhere else.
    for x in (-5.5, page.width + 5.5):
        strip = [page.at(x + dx / 4, 74.0 + dy / 10) for dx in range(-8, 9) for dy in range(-5, 6)]
        assert any(sum(pixel) < 500 for pixel in strip), x
    assert page.at(-5.5, 20.0) == WHITE
    assert press_findings(tmp_path / "card-fold.press.pdf", entry, "card-fold") == []


@pytest.mark.parametrize("folds", ["junk", [None, {"x_mm": "97"}], [{"x_mm": [True, "x"]}]])
def test_check_reads_only_the_folds_it_understands(
    kit_dir: Path, tmp_path: Path, folds: object
) -> None:
    """A manifest that came with the folder from elsewhere may say anything about folds."""
    report = build(load_kit(kit_dir), ["card"], out_dir=tmp_path, jobs=1, options=Options("press"))
    entry = {**report.entries[0], "folds": folds}
    assert press_findings(tmp_path / "card.press.pdf", entry, "card") == []
