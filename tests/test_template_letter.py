"""The letter template: one A4 personal letter, sender's address, date, recipient and fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import REPO, write
from handbill.build.runner import build
from handbill.cli import cli
from handbill.engine.inspect import spilled_text
from handbill.engine.layout import render
from handbill.kit.loader import Kit, load_kit
from handbill.render.exporters import blocks_of
from handbill.render.templating import render_html
from pdftools import decode_qr_codes, page_sizes_mm, page_texts, text_runs

LETTERS = ("letter-to-mp", "letter-to-editor")


@pytest.fixture(scope="module")
def kit() -> Kit:
    return load_kit(REPO)


@pytest.fixture(scope="module")
def out(kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("letter")
    report = build(kit, list(LETTERS), out_dir=folder, jobs=1)
    assert not report.failures, report.failures
    return folder


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(path: Path) -> str:
    return flat(" ".join(page_texts(path)))


def pdf_entry(out: Path, name: str) -> dict[str, Any]:
    manifest = json.loads((out / "manifest.json").read_text())
    return next(e for e in manifest["outputs"] if e["material"] == name and e["kind"] == "pdf")


def test_letters_are_one_a4_page(kit: Kit, out: Path) -> None:
    for name in LETTERS:
        assert kit.materials[name].pages == 1
        sizes = page_sizes_mm(out / f"{name}.pdf")
        assert len(sizes) == 1, name
        assert all(abs(w - 210) <= 0.5 and abs(h - 297) <= 0.5 for w, h in sizes), sizes
        assert pdf_entry(out, name)["pages"] == 1
        assert (out / f"{name}.txt").is_file()


def test_qr_codes_decode_to_the_manifest_urls(out: Path) -> None:
    for name in LETTERS:
        entry = pdf_entry(out, name)
        recorded = sorted((q["page"], q["url"]) for q in entry["qr_codes"])
        assert all(q["width_mm"] >= 20 for q in entry["qr_codes"])
        assert decode_qr_codes(out / f"{name}.pdf") == recorded
    assert [q["link"] for q in pdf_entry(out, "letter-to-mp")["qr_codes"]] == ["find-your-mp"]
    assert pdf_entry(out, "letter-to-editor")["qr_codes"] == []


def test_letter_to_mp_says_what_it_must(out: Path) -> None:
    text = pdf_text(out / "letter-to-mp.pdf")
    for phrase in (
        "MP House of Commons London SW1A 0AA",
        "YOUR FULL POSTAL ADDRESS",
        "DATE",
        "YOUR MP\u2019S NAME",
        "YOUR CONSTITUENCY",
        "Accountable Care Organisation and Integrated Care Provider contracts",
        "Dear",
        "Health and Social Care Act 2012",
        "I would be grateful for a reply setting out where you stand.",
        "Yours sincerely,",
        "How to send this letter",
        "theyworkforyou.com",
    ):
        assert phrase in text, phrase
    assert "Promoted by" not in text
    # The address is asked for once, at the top, though the .txt copy ends with it.
    assert text.count("YOUR FULL POSTAL ADDRESS") == 1


def test_letter_to_editor_says_what_it_must(out: Path) -> None:
    text = pdf_text(out / "letter-to-editor.pdf")
    for phrase in (
        "YOUR FULL POSTAL ADDRESS Phone: YOUR DAYTIME PHONE NUMBER Address and phone: not for "
        "publication",
        "The Editor",
        "NAME OF YOUR LOCAL PAPER",
        "DATE",
        "Dear Editor,",
        "Leigh Day",
        "So please, write to your MP.",
        "Yours faithfully,",
        "YOUR NAME",
        "YOUR TOWN",
    ):
        assert phrase in text, phrase
    assert "Promoted by" not in text
    # The phone number is asked for once, in the address block, though the .txt ends with it.
    assert text.count("YOUR DAYTIME PHONE NUMBER") == 1


def test_letter_to_editor_txt_ends_with_the_address_and_a_daytime_phone(tmp_path: Path) -> None:
    """Papers check a letter by ringing its writer: the copy sent by email needs the number."""
    blank = (REPO / "materials" / "letter-to-editor.md").read_text(encoding="utf-8")
    assert blank.rstrip().endswith("[[address]]\n\n[[phone]]")
    result = CliRunner().invoke(
        cli,
        [
            *("build", "letter-to-editor", "--kit", str(REPO), "--out", str(tmp_path), "-j", "1"),
            *("--set", "phone=0113 496 0000", "--set", "address=4 Mill Lane, Otley LS21 1AA"),
        ],
    )
    assert result.exit_code == 0, result.output
    txt = (tmp_path / "letter-to-editor.txt").read_text(encoding="utf-8")
    assert txt.rstrip().endswith(
        "4 Mill Lane, Otley LS21 1AA\n\n0113 496 0000\n\nAddress and phone: not for publication"
    )
    pdf = pdf_text(tmp_path / "letter-to-editor.pdf")
    assert "4 Mill Lane, Otley LS21 1AA Phone: 0113 496 0000" in pdf
    assert pdf.count("0113 496 0000") == 1  # in the address block, not again under the name


def test_txt_copy_is_the_letter_body(kit: Kit, out: Path) -> None:
    for name in LETTERS:
        rendered = render_html(kit, kit.materials[name])
        txt = flat((out / f"{name}.txt").read_text(encoding="utf-8"))
        for block in blocks_of(rendered.content):
            assert flat(block.text) in txt, block.text
    mp = (out / "letter-to-mp.txt").read_text(encoding="utf-8")
    assert "Dear [your MP\u2019s name]," in mp
    assert "[your full postal address]" in mp


def test_no_text_spills_and_nothing_overflows_the_page(kit: Kit) -> None:
    for name in LETTERS:
        document, _ = render(kit, render_html(kit, kit.materials[name]))
        assert len(document.pages) == 1, name
        assert spilled_text(document) == [], name


def test_set_fills_the_letter_and_its_address_block(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "letter-to-mp",
            "--kit",
            str(REPO),
            "--set",
            "mp_name=Rachel Example",
            "--set",
            "town=Leeds",
            "--set",
            "date=2018-10-26",
            "--out",
            str(tmp_path),
            "-j",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    pdf = pdf_text(tmp_path / "letter-to-mp.pdf")
    txt = flat((tmp_path / "letter-to-mp.txt").read_text(encoding="utf-8"))
    assert "Rachel Example MP House of Commons" in pdf
    assert "YOUR FULL POSTAL ADDRESS Friday 26 October 2018" in pdf
    assert "Dear Rachel Example," in pdf and "Dear Rachel Example," in txt
    assert "I live in Leeds" in pdf and "I live in Leeds" in txt
    assert "YOUR MP\u2019S NAME" not in pdf and "YOUR TOWN" not in pdf
    assert "YOUR CONSTITUENCY" in pdf
    assert "[your constituency]" in txt
    assert len(page_sizes_mm(tmp_path / "letter-to-mp.pdf")) == 1


def test_a_letter_too_long_for_the_page_is_reported(tmp_path: Path) -> None:
    (tmp_path / "handbill.toml").write_text((REPO / "handbill.toml").read_text())
    paragraph = "This paragraph repeats to make the letter far too long for one page. " * 6
    body = "\n\n".join([paragraph] * 12)
    write(
        tmp_path / "materials" / "long.md",
        """
        ---
        template: letter
        title: A long letter
        pages: 1
        published: false
        ---
        """,
    )
    with (tmp_path / "materials" / "long.md").open("a", encoding="utf-8") as file:
        file.write(body + "\n")
    report = build(load_kit(tmp_path), ["long"], out_dir=tmp_path / "dist", jobs=1)
    assert not report.failures, report.failures
    warnings = [w for output in report.outputs for w in output.warnings]
    assert any("expected 1" in w for w in warnings), warnings


def test_blank_labels_are_at_least_8pt(out: Path) -> None:
    """The labels under the blanks were 6 pt (0.55 em of the letter's 11 pt)."""
    for name in LETTERS:
        runs = text_runs(out / f"{name}.pdf")
        labels = [(text, size) for _, text, size, _, _ in runs if text.strip().isupper()]
        assert {"YOUR NAME", "YOUR FULL POSTAL ADDRESS", "DATE"} <= {t for t, _ in labels}
        assert all(size >= 8 for _, size in labels), labels


def blank_widths_mm(document: Any) -> dict[str, float]:
    """The width of each blank in the letter's text on the first page, in mm, by field name."""
    widths: dict[str, float] = {}

    def walk(box: Any, in_body: bool = False) -> None:
        element = getattr(box, "element", None)
        classes = (element.get("class") or "").split() if element is not None else []
        in_body = in_body or "letter-body" in classes
        if in_body and "blank" in classes:
            name = element.get("data-field")
            width = box.width * 25.4 / 96  # CSS px
            widths[name] = min(widths.get(name, width), width)
        for child in getattr(box, "children", ()):
            walk(child, in_body)

    walk(document.pages[0]._page_box)
    return widths


@pytest.mark.parametrize("name", LETTERS)
def test_blanks_for_names_of_people_and_places_take_a_long_name(kit: Kit, name: str) -> None:
    """ "Huddersfield Royal Infirmary" written by hand takes about 54 mm: every blank in the
    letter's text is at least 60 mm (the 38 mm of other materials was too short), and the
    letter still takes one page."""
    document, _ = render(kit, render_html(kit, kit.materials[name]))
    widths = blank_widths_mm(document)
    in_text = {"letter-to-mp": {"mp_name", "town", "hospital", "constituency"}}.get(
        name, {"town", "hospital"}
    )
    assert in_text <= set(widths), widths
    assert all(widths[field] >= 60 for field in in_text), widths
    assert len(document.pages) == 1
