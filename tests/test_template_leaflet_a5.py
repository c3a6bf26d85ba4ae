"""The A5 leaflet: two A5 pages, a headline and picture on the front, QR codes on the back."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from handbill.build.runner import build
from handbill.engine.inspect import spilled_text
from handbill.engine.layout import render
from handbill.kit.loader import Kit, load_kit, rows_of
from handbill.render.templating import RenderedHTML, render_html
from pdftools import decode_qr_codes, page_sizes_mm, page_texts

NAME = "leaflet-a5"
PDF = "leaflet-a5-leeds.pdf"  # one leaflet per local group: the Leeds group's (data/groups.csv)


@pytest.fixture(scope="module")
def kit() -> Kit:
    return load_kit(REPO)


@pytest.fixture(scope="module")
def out(kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("leaflet-a5")
    report = build(kit, [NAME], out_dir=folder, jobs=1, group="leeds")
    assert not report.failures, report.failures
    assert not report.warnings, report.warnings
    return folder


def leeds(kit: Kit) -> RenderedHTML:
    material = kit.materials[NAME]
    return render_html(kit, material, rows_of(kit, material)[0], 1)


@pytest.fixture(scope="module")
def rendered(kit: Kit) -> RenderedHTML:
    return leeds(kit)


def entry(out: Path) -> dict[str, Any]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    found: dict[str, Any] = next(
        e for e in manifest["outputs"] if e["material"] == NAME and not e.get("imposition")
    )
    return found


def texts(out: Path) -> list[str]:
    return [" ".join(t.split()) for t in page_texts(out / PDF)]


def test_leaflet_a5_is_two_a5_pages(out: Path) -> None:
    sizes = page_sizes_mm(out / PDF)
    assert len(sizes) == 2
    assert all(abs(w - 148) <= 0.5 and abs(h - 210) <= 0.5 for w, h in sizes)
    info = entry(out)
    assert info["pages"] == info["expected_pages"] == 2 and info["duplex"] is True


def test_leaflet_a5_qr_codes_are_on_the_back_and_decode(out: Path) -> None:
    codes = entry(out)["qr_codes"]
    # The front says "Turn over to find out how" to tell your MP: the first code finds them.
    assert [q["link"] for q in codes] == ["find-your-mp", "petition", "page"]
    assert codes[0]["target"].startswith("https://www.theyworkforyou.com/?utm_")
    assert all(q["page"] == 2 and q["width_mm"] >= 20 for q in codes)
    assert decode_qr_codes(out / PDF) == sorted((q["page"], q["url"]) for q in codes)
    # The third code goes to the group's own page, from its row of data/groups.csv.
    assert codes[2]["target"].startswith("https://999callfornhs.org.uk/local/leeds?utm_")


def test_leaflet_a5_front_has_headline_text_and_call_to_action(out: Path) -> None:
    front, back = texts(out)
    for phrase in (
        "Don’t let a budget decide your care",
        "999 CALL FOR THE NHS",
        "We believe that means rationing.",
        "Tell your MP to oppose ACO and ICP contracts today.",
        "Turn over to find out how",
    ):
        assert phrase in front, phrase
    # The ## Front and ## Back headings only split the content; they are not printed.
    assert "Front" not in front and "Back" not in back
    assert "The case in short" not in front and "Promoted by" not in front


def test_leaflet_a5_front_shows_the_cover_picture(rendered: RenderedHTML) -> None:
    assert '<div class="cover-image" data-min-mm="40"><img src="file://' in rendered.html
    assert "/assets/img/leaflet-a5-cover.svg" in rendered.html


def test_leaflet_a5_back_has_the_case_help_codes_and_imprint(out: Path) -> None:
    # Under three codes side by side, a long address wraps after a '-' or '/'.
    back = re.sub(r"(?<=[-/]) (?=[a-z])", "", texts(out)[1])
    for phrase in (
        "The case in short",
        "Leigh Day",
        "Health and Social Care Act 2012",
        "24 April 2018",
        "How you can help",
        "Sign our petition to scrap ICP and ACO contracts.",
        "Find your MP",
        "Sign the petition",
        "Your local group",
        "Join 999 Call for the NHS Leeds: we meet on the first Tuesday of the month at 7 pm",
        "#Justice4NHS",
        "Promoted by 999 Call for the NHS",
        "Printed at home by a supporter.",  # a home copy: the shop did not print it
    ):
        assert phrase in back, phrase
    assert "Printed by" not in back
    # Under each code its short address, on one line.
    for code in entry(out)["qr_codes"]:
        assert code["label"] in texts(out)[1], code["label"]


def test_leaflet_a5_no_text_spills_and_each_side_is_one_page(
    kit: Kit, rendered: RenderedHTML
) -> None:
    document, warnings = render(kit, rendered)
    assert warnings == []
    assert len(document.pages) == 2
    assert spilled_text(document) == []


def test_leaflet_a5_proof_note_fits_on_the_back(tmp_path: Path) -> None:
    """While the imprint is incomplete, the PROOF note is printed with it on the back page."""
    config = (REPO / "handbill.toml").read_text(encoding="utf-8")
    (tmp_path / "handbill.toml").write_text(
        re.sub(r'(?m)^printer = ".*"$', 'printer = ""', config), encoding="utf-8"
    )
    (tmp_path / "materials").mkdir()
    shutil.copy(REPO / "materials" / f"{NAME}.md", tmp_path / "materials")
    shutil.copytree(REPO / "data", tmp_path / "data")
    proof_kit = load_kit(tmp_path)
    rendered = leeds(proof_kit)
    assert rendered.proof
    assert "PROOF - NOT FOR PRINT: the imprint is incomplete (add printer to" in rendered.html
    document, _ = render(proof_kit, rendered)
    assert len(document.pages) == 2
    assert spilled_text(document) == []


# The health service of each nation of the UK, as groups.csv's health_service column names it.
HEALTH_SERVICES = {"NHS England", "NHS Wales", "NHS Scotland", "HSC"}


def test_each_group_names_its_own_nations_health_service(kit: Kit) -> None:
    """Cardiff is served by NHS Wales: its leaflets said "NHS England" wherever care was local."""
    rows = {row["id"]: row for row in kit.data["groups"]}
    assert {row["health_service"] for row in rows.values()} <= HEALTH_SERVICES
    assert rows["cardiff"]["health_service"] == "NHS Wales"
    assert {rows[g]["health_service"] for g in ("leeds", "barnsley", "huddersfield")} == {
        "NHS England"
    }
    material = kit.materials[NAME]
    for number, row in enumerate(rows_of(kit, material), 1):
        html = render_html(kit, material, row, number).html
        service = row["health_service"]
        assert f'data-field="health_service">{service}</span>' in html, row["id"]
        # NHS England is named only as the body whose plan went to court, in England.
        assert "run local care in England" in html


def test_cardiff_welsh_leaflet_names_gig_cymru(kit: Kit) -> None:
    material = kit.materials[f"{NAME}.cy"]
    cardiff = next(n for n, r in enumerate(rows_of(kit, material), 1) if r["id"] == "cardiff")
    html = render_html(kit, material, rows_of(kit, material)[cardiff - 1], cardiff).html
    assert 'data-field="health_service">GIG Cymru</span>' in html


def test_every_language_keeps_two_pages_for_the_print_shop(tmp_path: Path) -> None:
    """The print shop's imprint is longer than a home printer's ("Printed by ..., 2 Sample Road,
    Manchester M1 1AA." on two lines): the Welsh back once ran onto a third page with it."""
    from handbill.build.jobs import Options

    kit = load_kit(REPO)
    names = [name for name in kit.materials if name.split(".")[0] == NAME]
    report = build(kit, names, out_dir=tmp_path, jobs=2, options=Options(mode="press"))
    assert not report.failures, report.failures
    made = sorted(tmp_path.glob("*.press.pdf"))
    assert len(made) == 16
    assert {path.name: len(page_sizes_mm(path)) for path in made} == {path.name: 2 for path in made}
