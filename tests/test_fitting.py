"""Measured fitting: titles, headlines and hashtags laid out at the largest size that fits."""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, counting_layouts
from handbill.build.runner import build
from handbill.check.preflight import check
from handbill.engine.fitting import render_fitted
from handbill.engine.layout import boxes_in, render
from handbill.engine.measure import measure, too_big
from handbill.kit.loader import Kit, load_kit, rows_of
from handbill.render.fitmarks import STEP, read_marks, with_steps
from handbill.render.templating import render_html

PX_PER_MM = 96 / 25.4
LONG_TITLE = (
    "Everyone is welcome at our big open public meeting about the future of local hospital "
    "services and what we can all do together to save"
)


def example_kit(folder: Path, materials: list[str]) -> Path:
    """A copy of the example kit with only the named materials."""
    shutil.copy(REPO / "handbill.toml", folder / "handbill.toml")
    shutil.copytree(REPO / "data", folder / "data")
    (folder / "materials").mkdir()
    for name in materials:
        shutil.copy(REPO / "materials" / f"{name}.md", folder / "materials" / f"{name}.md")
    return folder


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> tuple[Kit, Path, Any]:
    """Posters for two rows of the example events with ordinary titles, and one 25-word title."""
    folder = example_kit(tmp_path_factory.mktemp("fit-events"), ["event-poster"])
    with (REPO / "data" / "events.csv").open(encoding="utf-8", newline="") as table:
        rows = list(csv.DictReader(table))
    # Rows whose details are long enough that these titles, at the largest size, pushed the
    # QR panel onto a second page.
    chosen = [
        {**rows[0], "title": "Banner-making afternoon"},
        {**rows[3], "title": "Public meeting: stop the 18% rent rise", "date": "2018-11-18"},
        {**rows[1], "title": LONG_TITLE, "date": "2018-11-19"},
    ]
    with (folder / "data" / "events.csv").open("w", encoding="utf-8", newline="") as table:
        writer = csv.DictWriter(table, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(chosen)
    kit = load_kit(folder)
    report = build(kit, ["event-poster"], out_dir=folder / "dist", jobs=1)
    assert not report.failures, report.failures
    return kit, folder / "dist", report


def test_ordinary_titles_fit_with_the_qr_panel_on_the_first_page(events: Any) -> None:
    kit, out, _ = events
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    posters = {
        e["row"]: e for e in manifest["outputs"] if e["kind"] == "pdf" and not e.get("imposition")
    }
    for row in (1, 2):
        assert posters[row]["pages"] == 1
        assert [code["page"] for code in posters[row]["qr_codes"]] == [1]
    material = kit.materials["event-poster"]
    for number, title in ((1, "Banner-making afternoon"), (2, "Public meeting")):
        rendered = render_html(kit, material, rows_of(kit, material)[number - 1], number)
        fitted = render_fitted(kit, rendered)
        assert fitted.problems == []
        # Smaller than the largest size (7.2em), as large as the page allows.
        assert 'data-fit="title" style="font-size: 7.2em' in rendered.html
        assert 'data-fit="title" style="font-size: 7.2em' not in fitted.html, title


def test_a_poster_that_does_not_fit_is_laid_out_once_more_at_the_largest_sizes_that_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The example events: long titles take too many lines, and one row's details push the QR
    # panel onto a second page, so the sizes for both are predicted from the first layout.
    kit = load_kit(REPO)
    layouts = counting_layouts(monkeypatch)
    shrunk = 0
    for name in ("event-poster", "event-flyer"):
        material = kit.materials[name]
        for number, row in enumerate(rows_of(kit, material), start=1):
            rendered = render_html(kit, material, row, number)
            fitted = render_fitted(kit, rendered)
            assert fitted.problems == [] and len(fitted.document.pages) == 1
            assert layouts.count(rendered.stem) <= 2, rendered.stem
            # Two steps larger (10 %), for every box made smaller, does not fit: the predictions
            # aim a little under the size that would just fit, at most a step.
            steps = {m.id: round(_step_of(m, fitted.html)) for m in read_marks(fitted.html)}
            if not any(steps.values()):
                continue
            shrunk += 1
            larger = with_steps(rendered.html, {k: max(v - 2, 0) for k, v in steps.items()})
            document, _ = render(kit, replace_html(rendered, larger))
            found = measure(document)
            bigger = any(too_big(m, found.boxes.get(m.id)) for m in read_marks(larger))
            assert bigger or not found.pages_fit(material.pages), rendered.stem
    assert shrunk >= 4  # the example kit's events do need fitting


def _step_of(mark: Any, html: str) -> float:
    """Which step the mark's box is at in ``html``."""
    size = float(html.split(f"/*fit:{mark.id}:")[0].rsplit("font-size: ", 1)[1].split(mark.unit)[0])
    return math.log(size / mark.largest) / math.log(STEP)


def replace_html(rendered: Any, html: str) -> Any:
    return dataclasses.replace(rendered, html=html)


def test_a_25_word_title_is_one_warning_and_a_check_error(events: Any) -> None:
    assert len(LONG_TITLE.split()) == 25
    kit, out, report = events
    warnings = [w for output in report.outputs for w in output.warnings]
    assert warnings == [
        "event-poster row 3: title does not fit in 3 lines even at 3.1em (needs 5); shorten "
        "it or raise lines=",
        # The row's square social image has the same title, and says so about itself.
        "event-poster row 3: event-poster-2018-11-19.social.square.png: title does not fit in 3 "
        "lines even at 40px (needs 4); shorten it or raise lines=",
    ]
    found = check(kit, ["event-poster"], out, jobs=1)
    fit = [(f.severity, f.material, f.message) for f in found.findings if f.check == "fit"]
    assert fit == [
        (
            "error",
            "event-poster row 3",
            "title does not fit in 3 lines even at 3.1em (needs 5); shorten it or raise lines=",
        )
    ]


def test_a_title_too_long_to_fit_is_one_warning_even_when_it_pushes_the_page_over(
    tmp_path: Path,
) -> None:
    folder = example_kit(tmp_path, ["event-poster"])
    with (folder / "data" / "events.csv").open(encoding="utf-8", newline="") as table:
        rows = list(csv.DictReader(table))
    title = " ".join(["Everyone is welcome at our big open public meeting"] * 6)
    with (folder / "data" / "events.csv").open("w", encoding="utf-8", newline="") as table:
        writer = csv.DictWriter(table, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow({**rows[1], "title": title})
    report = build(load_kit(folder), ["event-poster"], out_dir=folder / "dist", jobs=1)
    (output,) = report.outputs
    assert output.entries[0]["pages"] == 2  # the title, at 3.1em, pushed the QR panel over
    assert output.warnings[0] == (
        "event-poster row 1: title does not fit in 3 lines even at 3.1em (needs 10); shorten it "
        "or raise lines="
    )
    # Then one line for each of the row's social images (square and story), naming it.
    social = [w.split(": ")[1] for w in output.warnings[1:]]
    assert social == [
        "event-poster-2018-10-27.social.square.png",
        "event-poster-2018-10-27.social.story.png",
    ], output.warnings


def test_a_long_placard_hashtag_is_set_smaller_on_one_line(tmp_path: Path) -> None:
    folder = example_kit(tmp_path, ["placard-a4"])
    config = (folder / "handbill.toml").read_text(encoding="utf-8")
    tag = "#KeepOurHospitalsPublicAndFreeForEveryone"
    (folder / "handbill.toml").write_text(
        config.replace('hashtag = "#Justice4NHS"', f'hashtag = "{tag}"'), encoding="utf-8"
    )
    kit = load_kit(folder)
    fitted = render_fitted(kit, render_html(kit, kit.materials["placard-a4"]))
    assert fitted.problems == [] and len(fitted.document.pages) == 1
    page = fitted.document.pages[0]._page_box
    (box,) = [
        b
        for b in boxes_in(page)
        if type(b).__name__ == "TextBox" and b.element.get("data-fit") == "hashtag"
    ]
    assert box.text == tag
    # 40 rem is 40 mm on A4: the measured size is smaller, and the line stays on the page.
    assert box.style["font_size"] < 0.5 * 40 * PX_PER_MM
    assert box.position_x + box.width <= page.content_box_x() + page.width


def test_a_long_a5_front_that_squeezes_the_picture_is_a_check_error(tmp_path: Path) -> None:
    folder = example_kit(tmp_path, ["leaflet-a5"])
    groups = (folder / "data" / "groups.csv").read_text(encoding="utf-8").splitlines()
    (folder / "data" / "groups.csv").write_text("\n".join(groups[:2]) + "\n", encoding="utf-8")
    material = folder / "materials" / "leaflet-a5.md"
    text = material.read_text(encoding="utf-8")
    lead = "We will not stop until every hospital in the county is safe. " * 14
    material.write_text(text.replace("## Front\n", f"## Front\n\n{lead}\n\n", 1), encoding="utf-8")
    kit = load_kit(folder)
    found = check(kit, ["leaflet-a5"], folder / "dist", jobs=1)
    fit = [f.message for f in found.findings if f.check == "fit"]
    assert fit == [
        "cover-image is 18 mm tall, less than its 40 mm minimum; shorten the text on its page"
    ]
