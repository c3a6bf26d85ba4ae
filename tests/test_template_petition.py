"""The petition sheet: one A4 landscape page, the demand, numbered rows to sign, a QR code."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from handbill.build.runner import build
from handbill.engine.inspect import spilled_text
from handbill.engine.layout import render, write_pdf
from handbill.kit.loader import Kit, load_kit
from handbill.render.templating import render_html
from pdftools import decode_qr_codes, page_sizes_mm, page_texts

PX_PER_MM = 96 / 25.4
DEMAND = (
    "We call on the Secretary of State for Health and Social Care to scrap all ICP and ACO "
    "contracts and keep our NHS publicly provided, publicly run and open to everyone who "
    "needs care."
)


@pytest.fixture(scope="module")
def kit() -> Kit:
    return load_kit(REPO)


@pytest.fixture(scope="module")
def out(kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("petition")
    report = build(kit, ["petition"], out_dir=folder, jobs=1)
    assert not report.failures, report.failures
    assert not report.warnings, report.warnings
    return folder


@pytest.fixture(scope="module")
def document(kit: Kit) -> Any:
    return render(kit, render_html(kit, kit.materials["petition"]))[0]


def entry(out: Path) -> dict[str, Any]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    found: dict[str, Any] = next(e for e in manifest["outputs"] if e["material"] == "petition")
    return found


def flat(text: str) -> str:
    return " ".join(text.split())


def boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes(child)


def signature_rows(document: Any) -> list[Any]:
    """The table rows people sign in (not the column headings)."""
    page = document.pages[0]._page_box
    return [
        b
        for b in boxes(page)
        if type(b).__name__ == "TableRowBox"
        and b.element is not None
        and b.element.find("td") is not None
    ]


def test_petition_is_one_a4_landscape_page(out: Path) -> None:
    sizes = page_sizes_mm(out / "petition.pdf")
    assert len(sizes) == 1
    assert abs(sizes[0][0] - 297) <= 0.5 and abs(sizes[0][1] - 210) <= 0.5
    assert entry(out)["pages"] == entry(out)["expected_pages"] == 1


def test_petition_qr_code_decodes_to_the_online_petition(out: Path) -> None:
    codes = entry(out)["qr_codes"]
    assert [(q["link"], q["target"]) for q in codes] == [
        (
            "petition",
            "https://weownit.org.uk/ICP-petition-NHS?utm_source=handbill&utm_medium=print"
            "&utm_campaign=justice4nhs&utm_content=petition",
        )
    ]
    assert codes[0]["width_mm"] >= 25
    assert decode_qr_codes(out / "petition.pdf") == [(q["page"], q["url"]) for q in codes]


def test_petition_says_what_it_must(out: Path) -> None:
    text = flat(" ".join(page_texts(out / "petition.pdf")))
    for phrase in (
        DEMAND,
        "add your name to tell the government",
        "No.",
        "Name",
        "Postcode",
        "Email",
        "Keep me updated",
        "Sheet no.",
        "Your details are held by 999 Call for the NHS",
        "if you tick the consent box",
        entry(out)["qr_codes"][0]["label"],  # the code's short address
        "Promoted by 999 Call for the NHS",
    ):
        assert phrase in text, phrase


def test_petition_rows_are_numbered_and_tall_enough_to_write_in(
    kit: Kit, out: Path, document: Any
) -> None:
    rows = signature_rows(document)
    assert 12 <= len(rows) <= 15
    assert all(row.height >= 9 * PX_PER_MM for row in rows)
    numbers = re.findall(r"^\s*(\d+)\s*$", page_texts(out / "petition.pdf")[0], flags=re.MULTILINE)
    assert [int(n) for n in numbers] == list(range(1, len(rows) + 1))
    # One empty consent box per row.
    html = render_html(kit, kit.materials["petition"]).html
    assert html.count('<span class="tick-box"></span>') == len(rows)


def test_petition_fits_one_page_without_spilling(document: Any) -> None:
    assert len(document.pages) == 1
    assert spilled_text(document) == []


def test_petition_sheets_are_numbered(kit: Kit, tmp_path: Path) -> None:
    material = kit.materials["petition"]
    three = dataclasses.replace(material, vars={**material.vars, "sheets": 3, "rows": 10})
    rendered = render_html(kit, three)
    document = render(kit, rendered)[0]
    assert len(document.pages) == 3
    assert spilled_text(document) == []
    assert [q.link for q in rendered.qr_codes] == ["petition"] * 3
    pdf = tmp_path / "three.pdf"
    pdf.write_bytes(write_pdf(document, three.title, three.language))
    texts = [flat(t) for t in page_texts(pdf)]
    for number, text in enumerate(texts, start=1):
        assert f"Sheet {number} of 3" in text
        assert "10" in text.split() and "11" not in text.split()
