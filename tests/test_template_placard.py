"""The selfie placard: one A4 or A3 landscape page, a huge hashtag, a write-in box, a QR code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from handbill.build.runner import build
from handbill.engine.fitting import render_fitted
from handbill.engine.inspect import spilled_text
from handbill.kit.loader import Kit, load_kit
from handbill.render.templating import render_html
from pdftools import decode_qr_codes, page_sizes_mm, page_texts

# Material name: (paper width, height in mm, smallest hashtag cap height and QR code width in mm).
PLACARDS = {"placard-a4": (297, 210, 25, 45), "placard-a3": (420, 297, 35, 63)}
PX_PER_MM = 96 / 25.4
CAP_HEIGHT = 0.668  # Atkinson Hyperlegible's cap height, in em


@pytest.fixture(scope="module")
def kit() -> Kit:
    return load_kit(REPO)


@pytest.fixture(scope="module")
def out(kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("placard")
    report = build(kit, list(PLACARDS), out_dir=folder, jobs=1)
    assert not report.failures, report.failures
    assert not report.warnings, report.warnings
    return folder


@pytest.fixture(scope="module")
def documents(kit: Kit) -> dict[str, Any]:
    """Each placard rendered with WeasyPrint, for checks on its boxes."""
    return {
        name: render_fitted(kit, render_html(kit, kit.materials[name])).document
        for name in PLACARDS
    }


def entry(out: Path, material: str) -> dict[str, Any]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    found: dict[str, Any] = next(
        e for e in manifest["outputs"] if e["material"] == material and not e.get("imposition")
    )
    return found


def boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes(child)


def text_boxes(document: Any, text: str) -> list[Any]:
    page = document.pages[0]._page_box
    return [b for b in boxes(page) if type(b).__name__ == "TextBox" and b.text.strip() == text]


@pytest.mark.parametrize("name", PLACARDS)
def test_placard_is_one_landscape_page(out: Path, name: str) -> None:
    width, height, _, _ = PLACARDS[name]
    sizes = page_sizes_mm(out / f"{name}.pdf")
    assert len(sizes) == 1
    assert abs(sizes[0][0] - width) <= 0.5 and abs(sizes[0][1] - height) <= 0.5
    assert entry(out, name)["pages"] == entry(out, name)["expected_pages"] == 1


@pytest.mark.parametrize("name", PLACARDS)
def test_placard_qr_code_is_big_and_decodes_to_the_case_page(out: Path, name: str) -> None:
    codes = entry(out, name)["qr_codes"]
    assert [q["link"] for q in codes] == ["case"]
    assert codes[0]["width_mm"] >= PLACARDS[name][3]
    assert decode_qr_codes(out / f"{name}.pdf") == [(q["page"], q["url"]) for q in codes]


@pytest.mark.parametrize("name", PLACARDS)
def test_placard_says_what_it_must(out: Path, name: str) -> None:
    text = " ".join(" ".join(page_texts(out / f"{name}.pdf")).split())
    for phrase in (
        "#Justice4NHS",
        "I support #Justice4NHS because",
        "Read about our case",
        "@999CallforNHS",
        "999CallfortheNHS",
        "take a selfie holding this sign",
        "Promoted by 999 Call for the NHS",
    ):
        assert phrase in text, phrase
    # The QR code's label: its short address, on one line.
    assert entry(out, name)["qr_codes"][0]["label"] + " " in text


@pytest.mark.parametrize("name", PLACARDS)
def test_placard_hashtag_reads_from_three_metres(documents: dict[str, Any], name: str) -> None:
    tag = max(text_boxes(documents[name], "#Justice4NHS"), key=lambda b: b.style["font_size"])
    cap_mm = tag.style["font_size"] * CAP_HEIGHT / PX_PER_MM
    assert cap_mm >= PLACARDS[name][2], cap_mm
    page_width = documents[name].pages[0]._page_box.margin_width()
    assert tag.width > 0.8 * (page_width - 20 * PX_PER_MM)  # across the top of the sheet


@pytest.mark.parametrize("name", PLACARDS)
def test_placard_write_in_box_is_mostly_empty(documents: dict[str, Any], name: str) -> None:
    page = documents[name].pages[0]._page_box
    (box,) = [
        b
        for b in boxes(page)
        if getattr(b, "element", None) is not None and "write-in" in (b.element.get("class") or "")
    ]
    (prompt,) = box.children
    # Half the sheet, less a little when the hashtag is at its largest size; never below the
    # box's data-min-mm (60 mm on A4), which check reports.
    assert box.height > 0.45 * page.margin_height()
    assert box.height >= float(box.element.get("data-min-mm")) * PX_PER_MM
    assert prompt.margin_height() < 0.2 * box.height


@pytest.mark.parametrize("name", PLACARDS)
def test_placard_fits_one_page_without_spilling(documents: dict[str, Any], name: str) -> None:
    assert len(documents[name].pages) == 1
    assert spilled_text(documents[name]) == []


def test_placard_hashtag_and_prompt_come_from_the_kit(tmp_path: Path) -> None:
    config = (REPO / "handbill.toml").read_text(encoding="utf-8")
    (tmp_path / "handbill.toml").write_text(
        config.replace('hashtag = "#Justice4NHS"', 'hashtag = "#SaveOurNHS"'), encoding="utf-8"
    )
    (tmp_path / "materials").mkdir()
    material = (REPO / "materials" / "placard-a4.md").read_text(encoding="utf-8")
    (tmp_path / "materials" / "placard.md").write_text(
        material.replace('prompt: "I support {hashtag} because ..."', 'prompt: "{hashtag}: <yes>"'),
        encoding="utf-8",
    )
    kit = load_kit(tmp_path)
    html = render_html(kit, kit.materials["placard"]).html.split("<body", 1)[1]
    assert (
        '<p class="tag" data-fit="hashtag" style="font-size: 40rem; ' in html
        and ">#SaveOurNHS</p>" in html
    )
    assert '<strong class="prompt-tag">#SaveOurNHS</strong>: &lt;yes&gt;' in html
    assert html.count("Justice4NHS") == 1  # only in the small print, which is content


@pytest.mark.parametrize("name", PLACARDS)
def test_the_code_title_never_leaves_its_last_word_alone(
    documents: dict[str, Any], name: str
) -> None:
    """ "Read about our / case": the title's last two words now share its last line."""
    lines = [
        "".join(t.text for t in boxes(line) if type(t).__name__ == "TextBox")
        for box in boxes(documents[name].pages[0]._page_box)
        if type(box).__name__ == "BlockBox"
        and "qr-title" in (box.element.get("class") or "").split()
        for line in box.children
    ]
    assert len(lines) == 2, lines  # the title wraps in the placard's narrow side column
    assert lines[-1].strip() == "our\u00a0case", lines


def placard_with_handle(tmp_path: Path, handle: str) -> Any:
    """The A4 placard of the example kit with a Facebook handle of its own, laid out."""
    config = (REPO / "handbill.toml").read_text(encoding="utf-8")
    start = config.index("[campaign.social]")
    end = config.index("\n[", start + 1)
    social = f'[campaign.social]\ntwitter = "@999CallforNHS"\nfacebook = "{handle}"\n'
    (tmp_path / "handbill.toml").write_text(
        config[:start] + social + config[end:], encoding="utf-8"
    )
    (tmp_path / "materials").mkdir()
    material = (REPO / "materials" / "placard-a4.md").read_text(encoding="utf-8")
    (tmp_path / "materials" / "placard.md").write_text(material, encoding="utf-8")
    kit = load_kit(tmp_path)
    return render_fitted(kit, render_html(kit, kit.materials["placard"]))


def handle_lines(document: Any) -> list[Any]:
    """The Facebook handle's line boxes."""
    page = document.pages[0]._page_box
    (handle,) = [
        b
        for b in boxes(page)
        if getattr(b, "element", None) is not None
        and b.element.get("data-fit") == "handle-2"
        and type(b).__name__ == "BlockBox"
    ]
    return [b for b in boxes(handle) if type(b).__name__ == "LineBox"]


def text_of(line: Any) -> str:
    text = "".join(b.text for b in boxes(line) if type(b).__name__ == "TextBox")
    return text.replace("\u200b", "").strip()  # a <wbr> is a zero-width space


def font_pt(line: Any) -> float:
    (first, *_) = [b for b in boxes(line) if type(b).__name__ == "TextBox"]
    return float(first.style["font_size"]) * 72 / 96


def column(document: Any) -> Any:
    page = document.pages[0]._page_box
    return next(
        b
        for b in boxes(page)
        if getattr(b, "element", None) is not None and b.element.get("class") == "side"
    )


def test_placard_long_handle_shrinks_onto_one_line(
    tmp_path: Path, documents: dict[str, Any]
) -> None:
    fitted = placard_with_handle(tmp_path, "RiversideTenantsTogether")  # 24 characters
    assert fitted.problems == []
    assert spilled_text(fitted.document) == []
    (line,) = handle_lines(fitted.document)
    side = column(fitted.document)
    assert text_of(line) == "RiversideTenantsTogether"
    assert line.position_x + line.width <= side.content_box_x() + side.width + 1
    # Smaller than the 28 pt of a short handle, no smaller than the 17 pt floor.
    size_pt = font_pt(line)
    assert 17 <= size_pt < 28, size_pt
    # The rest of the placard keeps the sizes of the example kit's, whose handles are short.
    # The hashtag (at the top and in the prompt) keeps its size, 100 pt or more.
    mine = [b.style["font_size"] for b in text_boxes(fitted.document, "#Justice4NHS")]
    theirs = [b.style["font_size"] for b in text_boxes(documents["placard-a4"], "#Justice4NHS")]
    assert sorted(mine) == sorted(theirs) and max(mine) * 72 / 96 > 100


@pytest.mark.parametrize(
    ("handle", "expected"),
    [
        # Between CamelCase words, after the "/"...
        (
            "fb.com/RiversideTenantsTogetherForRepair",
            ["fb.com/RiversideTenantsTogether", "ForRepair"],
        ),
        # ... and inside a name only when it has no other place to break.
        (
            "riversidetenantstogetherforrepairsnow26",
            ["riversidetenantstogetherforrepairs", "now26"],
        ),
    ],
)
def test_placard_very_long_handle_breaks_as_last_resort(
    tmp_path: Path, handle: str, expected: list[str]
) -> None:
    assert len(handle) in (39, 40)
    fitted = placard_with_handle(tmp_path, handle)
    # Broken at its smallest size (17 pt on A4) is not a problem: nothing runs off the page.
    assert fitted.problems == []
    assert spilled_text(fitted.document) == []
    lines = handle_lines(fitted.document)
    assert [text_of(b) for b in lines] == expected
    side = column(fitted.document)
    for line in lines:
        assert line.position_x + line.width <= side.content_box_x() + side.width + 1
        assert round(font_pt(line)) == 17
