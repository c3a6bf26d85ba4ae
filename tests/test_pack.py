"""handbill pack: quantities rounded up to whole sheets, one PDF per stock, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write
from handbill.cli import cli
from pdftools import page_sizes_mm, pdftotext


def run_file(kit_dir: Path, text: str) -> Path:
    return write(kit_dir / "run.toml", text)


def packed(runner: CliRunner, kit_dir: Path, text: str) -> Path:
    """The pack folder of the run ``text``, made in the kit's dist/."""
    result = runner.invoke(cli, ["pack", str(run_file(kit_dir, text)), "--kit", str(kit_dir)])
    assert result.exit_code == 0, result.output
    return kit_dir / "dist" / "packs" / "run"


def test_pack_counts_sheets_exactly(runner: CliRunner, kit_dir: Path) -> None:
    run = run_file(
        kit_dir,
        'name = "Stall"\n\n[[item]]\nmaterial = "card"\ncopies = 7\n\n'
        '[[item]]\nmaterial = "sheet"\ncopies = 3\n\n'
        '[[item]]\nmaterial = "sheet"\nmode = "press"\ncopies = 2\n',
    )
    result = runner.invoke(cli, ["pack", str(run), "--kit", str(kit_dir)])
    assert result.exit_code == 0, result.output
    folder = kit_dir / "dist" / "packs" / "run"
    listing = json.loads((folder / "packing-list.json").read_text())
    items = {(i["output"], i["mode"]): i for i in listing["items"]}
    card = items[("card", "home")]
    # 7 A6 cards, 4 to an A4 sheet: 2 sheets, 8 cards, on landscape sheets: a file of their own.
    assert (card["copies_made"], card["per_sheet"], card["sheets"], card["file"]) == (
        8,
        4,
        2,
        "A4-home-landscape.pdf",
    )
    assert items[("sheet", "home")]["sheets"] == 3
    assert items[("sheet", "press")]["file"] == "A4-press.pdf"
    assert listing["sheets_per_file"] == {
        "A4-home-landscape.pdf": 2,
        "A4-home.pdf": 3,
        "A4-press.pdf": 2,
    }
    # One-sided items get no blank backs, and portrait and landscape sheets are separate jobs.
    assert page_sizes_mm(folder / "A4-home-landscape.pdf") == [(297.0, 210.0)] * 2
    assert page_sizes_mm(folder / "A4-home.pdf") == [(210.0, 297.0)] * 3
    assert page_sizes_mm(folder / "A4-press.pdf") == [(226.0, 313.0)] * 2  # A4 + bleed + marks
    text = (folder / "packing-list.txt").read_text()
    assert (
        "[ ] Test card: 8 copies: home print (asked 7, rounded up), 4 per sheet, 2 sheets "
        "one-sided; A4-home-landscape.pdf pages 1–2\n"
    ) in text
    assert "(card)" not in text and "(sheet)" not in text  # no output names, only titles
    assert "[ ] Questions and answers: 3 copies: “Test sheet”; home print, 3 sheets" in text
    assert "[ ] A4-home-landscape.pdf: 2 sheets, print one-sided" in text
    assert "Quantities are rounded up to whole sheets." in text
    assert "\n- " not in text
    cover = pdf_text(folder / "cover.pdf")
    assert "Test card: 8 copies" in cover
    assert "- " not in cover  # tick boxes, not typed dashes
    assert "card (home)" not in cover
    assert cover_boxes(folder / "cover.pdf") == 3 + 3  # a tick box per item and per file


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() or "" for page in PdfReader(path).pages)


def cover_boxes(path: Path) -> int:
    """The 5 mm squares drawn on the cover (the tick boxes), found on the rendered page: a dark
    horizontal run about 5 mm long whose left end starts a dark vertical run as long."""
    import pypdfium2 as pdfium

    dpi = 150
    image = pdfium.PdfDocument(str(path))[0].render(scale=dpi / 72).to_pil().convert("L")
    width, height = image.size
    pixels = image.load()
    assert pixels is not None
    dark = [[int(pixels[x, y]) < 100 for x in range(width)] for y in range(height)]
    side = 5 * dpi / 25.4
    corners: list[tuple[int, int]] = []
    for y in range(1, height):
        x = 0
        while x < width:
            if not dark[y][x]:
                x += 1
                continue
            end = x
            while end < width and dark[y][end]:
                end += 1
            down = y
            while down < height and dark[down][x]:
                down += 1
            square = abs(end - x - side) < 4 and abs(down - y - side) < 4
            # An antialiased corner can start a run one pixel off: one box, one corner.
            if square and all(abs(x - a) + abs(y - b) > 4 for a, b in corners):
                corners.append((x, y))
            x = end
    return len(corners)


def test_two_sided_landscape_file_says_which_edge(runner: CliRunner, kit_dir: Path) -> None:
    from handbill.publish.pack import _how

    assert _how("A4-home-landscape-two-sided.pdf", 4, "short") == (
        "4 sheets, print double-sided, flip on short edge"
    )
    assert _how("A4-home-landscape-two-sided.pdf", 4, "long").endswith("flip on long edge")
    assert _how("A4-home-two-sided.pdf", 1, "short").endswith("flip on long edge")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[item]]\nmaterial = "crad"\ncopies = 5\n',
            "run.toml:1: no material or output named 'crad'. Did you mean 'card'?",
        ),
        (
            '[[item]]\nmaterial = "card"\ncopies = -5\n',
            "run.toml:1: copies = -5 for card: give a whole number from 1 to 10,000",
        ),
        (
            '[[item]]\nmaterial = "card"\ncopies = 999999\n',
            "run.toml:1: copies = 999999 for card: give a whole number",
        ),
        (
            '[[item]]\nmaterial = "card"\ncopies = 5\nstock = "A7"\n',
            "run.toml:1: unknown stock 'A7'",
        ),
        (
            '[[item]]\nmaterial = "card"\ncopies = 5\n\n[[item]]\nmaterial = "card"\ncopies = 2\n',
            "run.toml:5: card (home) is listed twice (also on line 1); add the copies up",
        ),
    ],
)
def test_bad_run_files(runner: CliRunner, kit_dir: Path, text: str, message: str) -> None:
    run = run_file(kit_dir, text)
    result = runner.invoke(cli, ["pack", str(run), "--kit", str(kit_dir)])
    assert result.exit_code == 1
    assert message in result.stderr
    assert not (kit_dir / "dist").exists()  # nothing written


def test_example_run_file_is_valid() -> None:
    from conftest import REPO
    from handbill.kit.loader import load_kit
    from handbill.publish.pack import read_run

    title, items = read_run(REPO / "runs" / "stall-day.toml", load_kit(REPO))
    assert title == "Saturday stall"
    assert [(i.output, i.copies) for i in items] == [
        ("leaflet-a5-leeds", 50),
        ("faq", 20),
        ("placard-a3", 5),
        ("petition", 10),
        ("event-flyer-2018-11-17", 40),
    ]


def test_home_copies_do_not_name_the_print_shop(runner: CliRunner, kit_dir: Path) -> None:
    """The imprint on what volunteers print at home names no print shop; the press PDF does."""
    folder = packed(
        runner,
        kit_dir,
        '[[item]]\nmaterial = "sheet"\ncopies = 1\n\n'
        '[[item]]\nmaterial = "sheet"\nmode = "press"\ncopies = 1\n',
    )
    home = " ".join(pdf_text(folder / "A4-home.pdf").split())
    press = " ".join(pdf_text(folder / "A4-press.pdf").split())
    assert "Printed at home by a supporter." in home and "Test Printers" not in home
    assert "Printed by Test Printers, 2 Test Road" in press
    checked = runner.invoke(cli, ["check", "--kit", str(kit_dir)])
    assert "imprint" not in checked.output, checked.output


def test_cover_keeps_each_file_name_on_one_line(tmp_path: Path) -> None:
    """A file name that reaches the end of a line moves to the next one whole: never
    "leaflet-a5-" on one line and "leeds" on the next, read as two names."""
    from handbill.publish.pack import cover_pdf

    names = {"A4-home-landscape-two-sided.pdf", "pages 1–50", "event-flyer-2018-11-17"}
    # The same detail after ever longer lead-ins, so that each name meets the end of a line
    # at every point of itself in one row or another.
    items = [
        (
            f"Item {n}",
            "word " * n + "A4-home-landscape-two-sided.pdf pages 1–50 and event-flyer-2018-11-17",
        )
        for n in range(0, 34, 3)
    ]
    path = tmp_path / "cover.pdf"
    path.write_bytes(cover_pdf("Stall", items, [], names))
    lines = pdftotext(path).splitlines()
    for name in names:
        whole = sum(line.count(name) for line in lines)
        assert whole == len(items), (name, [line for line in lines if name[:8] in line])
    assert not any(line.rstrip().endswith(("-", "–")) for line in lines)


def test_cover_names_items_in_words_with_the_placards_real_size(
    runner: CliRunner, kit_dir: Path
) -> None:
    """No output names after the titles, an en dash between a title and its variant, and a
    tiled placard says at what size it comes out at home."""
    write(
        kit_dir / "materials" / "placard.md",
        "---\ntemplate: placard\ntitle: Street placard\npaper: A3 landscape\npages: 1\n"
        "qr: [case]\nvars:\n  prompt: I support {hashtag} because\n---\nPost it online.\n",
    )
    write(kit_dir / "data" / "towns.csv", "id,town\nleeds,Leeds\nyork,York\n")
    card = kit_dir / "materials" / "card.md"
    card.write_text(card.read_text().replace("pages: 1\n", "pages: 1\nper: towns\n"))
    folder = packed(
        runner,
        kit_dir,
        'name = "Stall"\n\n[[item]]\nmaterial = "placard"\ncopies = 2\n\n'
        '[[item]]\nmaterial = "card:leeds"\ncopies = 4\n',
    )
    listing = json.loads((folder / "packing-list.json").read_text())
    manifest = json.loads((kit_dir / "dist" / "manifest.json").read_text())
    tiles = next(o for o in manifest["outputs"] if o["path"] == "placard.home.pdf")
    width, height = tiles["joined_mm"]
    # The tiles make the poster at the scale the manifest records.
    assert (width / tiles["scale"], height / tiles["scale"]) == pytest.approx((420, 297), abs=0.1)
    placard = (
        f"A3 placard, printed at {tiles['scale'] * 100:.0f}% on {tiles['pages']} A4 sheets, "
        f"{width:.0f}\u00a0\u00d7\u00a0{height:.0f} mm when joined"
    )
    if tiles["scale"] == 1:
        placard = placard.replace("printed at 100%", "full size")
    else:  # the size the tiles print on themselves
        sheets = " ".join(pdftotext(kit_dir / "dist" / "placard.home.pdf").split())
        assert f"{width:.0f} \u00d7 {height:.0f} mm when joined" in sheets
    assert [item["title"] for item in listing["items"]] == [placard, "Test card\u00a0– Leeds"]
    text = (folder / "packing-list.txt").read_text()
    assert f"[ ] {placard}: 2 copies: “Street placard”; home print" in text
    card = "[ ] Test card\u00a0– Leeds: 4 copies: home print, 4 per sheet, 1 sheet one-sided; "
    assert card in text
    cover = " ".join(pdftotext(folder / "cover.pdf").split())
    assert " ".join(placard.split()) in cover and "Test card – Leeds: 4 copies" in cover
    for name in ("(placard)", "(card-leeds)", "card-leeds", " - "):
        assert name not in cover and name not in text, name
    assert "A4-home-landscape.pdf page 1\n" in text and "pages 1–1" not in text
