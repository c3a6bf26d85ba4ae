"""``handbill new``: a kit that builds as it is, with one material per stock template."""

from __future__ import annotations

import re
import subprocess  # nosec B404: poppler's pdftoppm, to look at a page
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from conftest import write
from handbill.cli import cli
from handbill.kit.config import load_config
from handbill.kit.loader import load_kit, stock_templates


def test_new_kit_builds_cleanly(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "leeds"
    result = runner.invoke(cli, ["new", str(target), "--name", 'Leeds "Save Our NHS"'])
    assert result.exit_code == 0, result.output
    assert f"Created a kit with {len(stock_templates())} material" in result.output
    assert load_config(target).name == 'Leeds "Save Our NHS"'
    assert sorted(load_kit(target).materials) == stock_templates()
    built = runner.invoke(cli, ["build", "--kit", str(target)])
    assert built.exit_code == 0, built.output
    assert built.stderr == ""  # no warnings either
    assert (target / "dist" / "faq.pdf").is_file()
    # The build's state, its outputs and supporters' lists stay out of the kit's git history.
    lines = (target / ".gitignore").read_text().splitlines()
    assert [line for line in lines if not line.startswith("#")] == [
        ".handbill/",
        "/dist/",
        "/dist-private/",
        "*-private/",
        "/private/",
        "data/supporters*.csv",
        "*.private.csv",
    ]
    assert (target / ".handbill").is_dir()


def test_every_stock_template_has_a_starter_material() -> None:
    starter = Path(__file__).parents[1] / "src" / "handbill" / "starter" / "materials"
    assert sorted(p.stem for p in starter.glob("*.md")) == stock_templates()


def test_new_refuses_a_folder_with_content(runner: CliRunner, tmp_path: Path) -> None:
    write(tmp_path / "kit" / "notes.txt", "mine")
    result = runner.invoke(cli, ["new", str(tmp_path / "kit")])
    assert result.exit_code == 1
    assert "already exists and is not empty; choose a new folder name" in result.stderr
    assert sorted(p.name for p in (tmp_path / "kit").iterdir()) == ["notes.txt"]


def test_git_leaves_supporters_lists_out(runner: CliRunner, tmp_path: Path) -> None:
    import subprocess  # nosec B404: git, to ask what it would leave out

    target = tmp_path / "kit"
    assert runner.invoke(cli, ["new", str(target)]).exit_code == 0
    subprocess.run(["git", "init", "-q", str(target)], check=True)  # nosec B603 B607
    paths = [
        "private/supporters.csv",
        "data/supporters.csv",
        "data/supporters-march.csv",
        "data/doorstep.private.csv",
        "print-private/letter.merge.pdf",
        "dist/faq.pdf",
        "data/events.csv",
        "data/groups.csv",
        "materials/faq.md",
    ]
    for path in paths:
        write(target / path, "x\n")
    ignored = subprocess.run(  # nosec B603 B607
        ["git", "-C", str(target), "check-ignore", *paths], capture_output=True, text=True
    ).stdout.split()
    assert ignored == paths[:6]


def test_new_kit_carries_none_of_the_example_campaigns_imagery(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "library"
    assert runner.invoke(cli, ["new", str(target)]).exit_code == 0
    text = "\n".join(p.read_text(encoding="utf-8") for p in target.rglob("*") if p.is_file())
    for leftover in ("leaflet-a5-cover", "Scales weighing", "NHS", "image:"):
        assert leftover not in text.replace("# and write image:", "")
    materials = load_kit(target).materials
    for leaflet in ("leaflet-a5", "leaflet-dl"):
        assert materials[leaflet].vars["cover_art"] is True
        assert "image" not in materials[leaflet].vars


def test_scaffold_leaflet_front_shows_the_brands_colours(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "library"
    assert runner.invoke(cli, ["new", str(target)]).exit_code == 0
    config = target / "handbill.toml"
    # Colours no stock design uses, so that each one seen is the kit's own.
    colours = {"primary": "#1a5e9a", "accent": "#f28c28", "secondary": "#5b2a86"}
    table = "".join(f'{name} = "{value}"\n' for name, value in colours.items())
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"\[brand\.colours\]\n(?:[a-z]+ = .*\n)*", "", text), encoding="utf-8")
    with config.open("a", encoding="utf-8") as file:
        file.write(f"\n[brand.colours]\n{table}")
    assert runner.invoke(cli, ["build", "--kit", str(target), "leaflet-a5"]).exit_code == 0
    prefix = tmp_path / "front"
    subprocess.run(  # nosec B603 B607: poppler, to look at the page as a reader would
        [
            "pdftoppm",
            "-png",
            "-r",
            "30",
            "-f",
            "1",
            "-l",
            "1",
            str(target / "dist" / "leaflet-a5.pdf"),
            str(prefix),
        ],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("front*.png"))).convert("RGB")
    width, height = image.size
    # The art fills the middle of the front, between the headline and the lead text.
    art = image.crop((0, int(height * 0.25), width, int(height * 0.6)))
    counts = {colour: n for n, colour in art.getcolors(maxcolors=1 << 16) or []}
    for name, value in colours.items():
        rgb = tuple(int(value[i : i + 2], 16) for i in (1, 3, 5))
        share = sum(
            n
            for c, n in counts.items()
            if max(abs(a - b) for a, b in zip(c, rgb, strict=True)) <= 3
        )
        assert share > art.width * art.height * 0.04, name  # a sizeable area of each colour
