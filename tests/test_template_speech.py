"""The speech template: large print, timed sections, marked pauses, fields and editable copies."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner

from conftest import REPO
from handbill.build.runner import build
from handbill.cli import cli
from handbill.engine.inspect import spilled_text
from handbill.engine.layout import render
from handbill.kit.fields import split_sections
from handbill.kit.loader import Kit, load_kit
from handbill.render.copies import speech_timing
from handbill.render.exporters import blocks_of
from handbill.render.templating import render_html
from pdftools import decode_qr_codes, page_sizes_mm, page_texts

SPEECHES = {"speech-3min": 3, "speech-5min": 5}
TOTALS = {"speech-3min": "about 3 minutes", "speech-5min": "about 5 minutes"}
PX_PER_PT = 96 / 72
MIN_BODY_PT = 16


@pytest.fixture(scope="module")
def kit() -> Kit:
    return load_kit(REPO)


@pytest.fixture(scope="module")
def out(kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("speech")
    report = build(kit, list(SPEECHES), out_dir=folder, jobs=1)
    assert not report.failures, report.failures
    return folder


@pytest.fixture(scope="module")
def documents(kit: Kit) -> dict[str, Any]:
    """Each speech rendered with WeasyPrint, for checks on its boxes."""
    return {name: render(kit, render_html(kit, kit.materials[name]))[0] for name in SPEECHES}


def flat(text: str) -> str:
    return " ".join(text.split())


def squash(text: str) -> str:
    """Text without spaces and hyphens: a line may break after any hyphen in a PDF."""
    return re.sub(r"[\s-]", "", text)


def pdf_text(path: Path) -> str:
    return flat(" ".join(page_texts(path)))


def walk(box: Any, ancestors: tuple[Any, ...] = ()) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    yield box, ancestors
    for child in getattr(box, "children", ()):
        yield from walk(child, (*ancestors, box))


def classes(box: Any) -> set[str]:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


def tag(box: Any) -> str:
    return getattr(box, "element_tag", "") or ""


def test_speeches_are_a4_with_the_declared_page_count(kit: Kit, out: Path) -> None:
    for name, pages in SPEECHES.items():
        assert kit.materials[name].pages == pages
        sizes = page_sizes_mm(out / f"{name}.pdf")
        assert len(sizes) == pages, name
        assert all(abs(w - 210) <= 0.5 and abs(h - 297) <= 0.5 for w, h in sizes), sizes


def test_manifest_and_qr_codes_agree(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text())
    for name in SPEECHES:
        entry = next(e for e in manifest["outputs"] if e["material"] == name and e["kind"] == "pdf")
        assert entry["pages"] == entry["expected_pages"] == SPEECHES[name]
        recorded = sorted((q["page"], q["url"]) for q in entry["qr_codes"])
        assert decode_qr_codes(out / f"{name}.pdf") == recorded
        kinds = {e["kind"] for e in manifest["outputs"] if e["material"] == name}
        assert kinds == {"pdf", "form", "docx", "txt"}  # a form: the speaker's blanks


def test_speeches_say_what_they_must(out: Path) -> None:
    three, five = pdf_text(out / "speech-3min.pdf"), pdf_text(out / "speech-5min.pdf")
    for phrase in (
        "Why we took the NHS contract to court",
        "Template speech: amend it as you see fit.",
        "about 3 minutes",
        "PAUSE",
        "Leigh Day",
        "Mr Justice Kerr",
        "Care gets rationed. The budget decides, not the doctor.",
        "Sign our petition before you go home.",
        "YOUR LOCAL HOSPITAL",
        "1 / 3",
    ):
        assert phrase in three, phrase
    for phrase in (
        "Our NHS is not a fixed budget",
        "about 5 minutes",
        "The legal argument",
        "23 May 2018",
        "Sign the petition on your way out.",
        "5 / 5",
    ):
        assert phrase in five, phrase
    # Not published: no imprint.
    assert "Promoted by" not in three + five


def test_every_section_heading_shows_its_time(kit: Kit, out: Path) -> None:
    for name in SPEECHES:
        text = pdf_text(out / f"{name}.pdf")
        rendered = render_html(kit, kit.materials[name])
        sections = split_sections(rendered.content)
        assert len(sections) >= 4 and all(s.title for s in sections)
        for section in sections:
            assert f"{section.title} about {section.duration}" in text, section.title
        # The total is the sum of the sections, to the nearest half minute.
        total = sum(s.seconds for s in sections)
        assert abs(total - 60 * int(TOTALS[name].split()[1])) <= 15
        assert f"SPEAKING TIME {TOTALS[name]}" in text


def test_body_text_is_large_print(documents: dict[str, Any]) -> None:
    for name, document in documents.items():
        sizes = [
            box.style["font_size"]
            for page in document.pages
            for box, ancestors in walk(page._page_box)
            if type(box).__name__ == "TextBox"
            and box.text.strip()
            and any(tag(a) == "p" and "pause" not in classes(a) for a in ancestors)
            and any("speech-body" in classes(a) for a in ancestors)
            and not any(classes(a) & {"blank-label", "pause"} for a in ancestors)
        ]
        assert len(sizes) > 30, name
        assert min(sizes) >= MIN_BODY_PT * PX_PER_PT, (name, min(sizes) / PX_PER_PT)


def test_no_heading_is_left_at_the_foot_of_a_page(documents: dict[str, Any]) -> None:
    for name, document in documents.items():
        for number, page in enumerate(document.pages, start=1):
            kinds = [
                "h2" if any(tag(a) == "h2" for a in ancestors) else "text"
                for box, ancestors in walk(page._page_box)
                if type(box).__name__ == "TextBox"
                and box.text.strip()
                and any("speech-body" in classes(a) for a in ancestors)
            ]
            assert kinds and kinds[-1] != "h2", f"{name} page {number}"


def test_every_section_is_on_one_page(documents: dict[str, Any]) -> None:
    """A speaker turns the page only between sections, never in the middle of one (each
    section of the example fits on a page)."""
    for name, document in documents.items():
        pages_of: dict[int, set[int]] = {}
        for number, page in enumerate(document.pages, start=1):
            for box, ancestors in walk(page._page_box):
                if type(box).__name__ != "LineBox":
                    continue
                section = next((a for a in ancestors if "speech-section" in classes(a)), None)
                if section is not None:
                    pages_of.setdefault(id(section.element), set()).add(number)
        assert len(pages_of) >= 4, name
        split = [sorted(pages) for pages in pages_of.values() if len(pages) > 1]
        assert split == [], name


def test_a_page_never_starts_with_a_pause_and_the_closing_section_is_whole(
    kit: Kit, out: Path
) -> None:
    for name in SPEECHES:
        pages = [flat(text) for text in page_texts(out / f"{name}.pdf")]
        assert not any(text.startswith("PAUSE") for text in pages[1:]), name
        last = split_sections(render_html(kit, kit.materials[name]).content)[-1]
        said = [b.text for b in blocks_of(last.html) if b.kind != "pause" and "[" not in b.text]
        page = next(i for i, text in enumerate(pages) if f"{last.title} about" in text)
        after = squash(pages[page].split(f"{last.title} about", 1)[1])
        assert all(squash(block) in after for block in said), name


def test_a_pause_comes_before_every_section_but_the_first(kit: Kit, out: Path) -> None:
    for name in SPEECHES:
        sections = split_sections(render_html(kit, kit.materials[name]).content)
        for before, section in pairwise(sections):
            kinds = [b.kind for b in blocks_of(before.html)]
            assert kinds[-1] == "pause", (name, section.title)
        # And the PDF shows each: a PAUSE line per section after the first, or more.
        assert pdf_text(out / f"{name}.pdf").count("PAUSE") >= len(sections) - 1


def test_no_text_spills(documents: dict[str, Any]) -> None:
    for name, document in documents.items():
        assert spilled_text(document) == [], name


def test_docx_has_the_same_paragraphs_as_the_pdf(kit: Kit, out: Path) -> None:
    for name in SPEECHES:
        material = kit.materials[name]
        rendered = render_html(kit, material)
        blocks = [block.text for block in blocks_of(rendered.content)]
        document = docx.Document(str(out / f"{name}.docx"))
        paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
        # With the speaking time under the title and each section's time after its heading,
        # as the PDF prints them.
        timing = speech_timing(rendered.content)
        timed = [f"{b} ({timing.sections[b]})" if b in timing.sections else b for b in blocks]
        assert paragraphs == [material.title, material.subtitle, timing.total, *timed]
        # The PDF prints "SPEAKING TIME / about 3 minutes / at 130 words a minute".
        spoken = timing.total.removeprefix("Speaking time: ")
        assert flat(spoken) in flat(pdf_text(out / f"{name}.pdf")), spoken
        assert "(pause)" in paragraphs
        normal = document.styles["Normal"].font.size
        assert normal is not None and normal.pt == 16
        # The same sentences are in the PDF.
        text = pdf_text(out / f"{name}.pdf")
        sentences = [b for b in blocks if "[" not in b and "-" not in b and b != "(pause)"]
        assert len(sentences) > 10
        for sentence in sentences:
            assert flat(sentence) in text, sentence


def test_set_fills_fields_in_pdf_docx_and_txt(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "speech-3min",
            "--kit",
            str(REPO),
            "--set",
            "speaker=Asha Patel",
            "--set",
            "town=Leeds",
            # handbill.toml may give the group a name for the whole kit; an empty value
            # leaves the field blank for the speaker to fill in.
            "--set",
            "group=",
            "--out",
            str(tmp_path),
            "-j",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    pdf = pdf_text(tmp_path / "speech-3min.pdf")
    words = flat(
        " ".join(p.text for p in docx.Document(str(tmp_path / "speech-3min.docx")).paragraphs)
    )
    txt = flat((tmp_path / "speech-3min.txt").read_text(encoding="utf-8"))
    for text in (pdf, words, txt):
        assert "My name is Asha Patel" in text
        assert "Leeds" in text
    for text in (words, txt):
        assert "[your group]" in text
        assert "[your local hospital]" in text
        assert "(pause)" in text
    assert "YOUR GROUP" in pdf and "YOUR LOCAL HOSPITAL" in pdf
    assert "YOUR NAME" not in pdf and "YOUR TOWN" not in pdf


def test_a_short_speech_says_its_seconds_in_pdf_and_copies(kit_dir: Path) -> None:
    # 55 words: 25 seconds at 130 words a minute, which no speaker calls "about 1 minute".
    words = " ".join(["word"] * 54) + " end."
    (kit_dir / "materials" / "toast.md").write_text(
        f"---\ntemplate: speech\ntitle: A toast\n---\n## Thanks\n\n{words}\n", encoding="utf-8"
    )
    kit = load_kit(kit_dir)
    rendered = render_html(kit, kit.materials["toast"])
    assert "<strong>about 30 seconds</strong>" in rendered.html
    timing = speech_timing(rendered.content)
    assert timing.total == "Speaking time: about 30 seconds at 130 words a minute"
    assert timing.sections == {"Thanks": "about 25 seconds"}
