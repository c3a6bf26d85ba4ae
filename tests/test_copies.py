"""Editable copies as each template orders them: a press release's .txt and .docx, letters'
and speeches' .txt ready to paste into an email, listed in the manifest and on the page."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import docx
import pytest

from conftest import REPO, write
from handbill.build.runner import build
from handbill.kit.loader import load_kit
from handbill.publish.site import write_site
from handbill.render.docxlook import DocLook
from pdftools import pdftotext

RELEASE = "press-release"
LETTERS = ("letter-to-mp", "letter-to-editor")
SPEECH = "speech-3min"
BLANK = re.compile(r"\[[^\]]*\]")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("copies")
    report = build(load_kit(REPO), [RELEASE, *LETTERS, SPEECH], out_dir=target, jobs=1)
    assert not report.failures, report.failures
    return target


def paragraphs(path: Path) -> list[str]:
    """The .txt's paragraphs (runs of lines between blank lines), as written."""
    return path.read_text(encoding="utf-8").strip().split("\n\n")


def squash(text: str) -> str:
    """Text compared modulo whitespace, case and the colon after a label ("Email: ...")."""
    return re.sub(r"[\s:]+", "", text).lower()


def test_a_press_release_gets_both_copies_unless_it_says_otherwise(tmp_path: Path) -> None:
    assert load_kit(REPO).materials[RELEASE].exports == ("docx", "txt")
    (tmp_path / "handbill.toml").write_text((REPO / "handbill.toml").read_text())
    write(tmp_path / "materials" / "a.md", "---\ntemplate: press-release\ntitle: A\n---\nText.\n")
    write(
        tmp_path / "materials" / "b.md",
        "---\ntemplate: press-release\ntitle: B\nexports: []\n---\nText.\n",
    )
    write(tmp_path / "materials" / "c.md", "---\ntemplate: faq\ntitle: C\n---\nText.\n")
    kit = load_kit(tmp_path)
    assert [kit.materials[name].exports for name in "abc"] == [("docx", "txt"), (), ()]


def test_press_release_txt_reads_as_the_email_a_newsroom_expects(out: Path) -> None:
    raw = (out / f"{RELEASE}.txt").read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") > 30  # CRLF throughout
    parts = paragraphs(out / f"{RELEASE}.txt")
    assert parts[:3] == [
        "Leeds judge hears campaigners\u2019 challenge to NHS fixed-budget contract",
        "FOR IMMEDIATE RELEASE",
        "Tuesday 24 April 2018",
    ]
    assert parts[3].startswith("Campaign group 999 Call for the NHS has asked the High Court")
    assert parts[4].startswith("The judicial review was heard by Mr Justice Kerr")
    quote = parts.index("\u2014 Dr Sam Example, co-founder of 999 Call for the NHS")
    assert parts[quote - 1].startswith("\u201cWe believe a fixed budget")
    assert parts[quote + 2] == "\u2014 Jo Example, campaign organiser at 999 Call for the NHS"
    assert parts[quote + 3 : quote + 5] == ["ENDS", "Notes to editors"]
    notes = parts[quote + 5].split("\n")
    assert [note[:3] for note in notes] == ["1. ", "2. ", "3. ", "4. "]
    assert "https://999callfornhs.org.uk/our-judicial-review," in notes[0]
    assert parts[quote + 6 :] == [
        "Media contact",
        "Name: Alex Example",
        "Email: press@example.org",
        "Phone: 07700 900123",
        # The QR code's address as the campaign wrote it, not its short form.
        "Online: https://999callfornhs.org.uk/our-judicial-review",
    ]
    assert "999call.uk" not in raw.decode()


@pytest.mark.parametrize("name", [RELEASE, *LETTERS])
def test_txt_paragraphs_are_the_pdfs_on_one_line_each(out: Path, name: str) -> None:
    text = (out / f"{name}.txt").read_text(encoding="utf-8")
    assert "====" not in text and "----" not in text
    pdf = squash(pdftotext(out / f"{name}.pdf"))
    # A blank is "[your town]" in the .txt and a line with its label under it in the PDF,
    # which pdftotext gives out of the sentence's order: compared without them.
    for label in load_kit(REPO).materials[name].fields.values():
        pdf = pdf.replace(squash(label), "")
    parts = paragraphs(out / f"{name}.txt")
    body = [part for part in parts if len(part) > 100 and not part.startswith("1. ")]
    assert len(body) >= 4
    # Never hard-wrapped: a long paragraph is one line, however long (a list's items are
    # a line each).
    assert all("\n" not in part for part in body)
    for part in parts:
        if part.startswith("Online: "):
            continue  # the PDF prints the code, and its short address under it
        for line in part.split("\n"):
            # A blank is "[your town]" here and a line with its label under it in the PDF.
            for piece in BLANK.split(re.sub(r"^\d+\. ", "", line)):
                assert squash(piece) in pdf, piece


def test_letters_start_with_the_salutation_and_keep_blanks_visible(out: Path) -> None:
    mp = paragraphs(out / "letter-to-mp.txt")
    assert mp[0] == "Dear [your MP\u2019s name],"
    assert mp[1].startswith("I live in [your town], in the [your constituency] constituency")
    assert mp[-3:] == ["Yours sincerely,", "[your name]", "[your full postal address]"]
    editor = paragraphs(out / "letter-to-editor.txt")
    assert editor[0] == "Dear Editor,"
    # The remark under the sender's address in the PDF travels with it (it was left out).
    assert editor[-3:] == [
        "[your full postal address]",
        "[your daytime phone number]",
        "Address and phone: not for publication",
    ]


def test_speech_txt_keeps_headings_and_times_unwrapped(out: Path) -> None:
    parts = paragraphs(out / f"{SPEECH}.txt")
    assert parts[:4] == [
        "Why we took the NHS contract to court",
        "A three-minute speech for a public meeting or rally",
        "Speaking time: about 3 minutes at 130 words a minute",
        "Who I am and why I\u2019m here (about 40 seconds)",
    ]
    assert max(len(part) for part in parts) > 150
    assert all("\n" not in part for part in parts)


def test_press_release_docx_has_the_brand_styles_on_a4(out: Path) -> None:
    document = docx.Document(str(out / f"{RELEASE}.docx"))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert document.core_properties.language == "en-GB"
    assert document.core_properties.author == "999 Call for the NHS"
    styles = document.styles
    body = styles["Normal"].font.size.pt
    assert body == 12
    assert styles["Title"].font.size.pt > styles["Heading 2"].font.size.pt > body
    # The brand's heading font and colour, as in the speeches' copies.
    kit = load_kit(REPO)
    material = kit.materials[RELEASE]
    look = DocLook.of(material.paper, material.language, kit.config.brand)
    assert styles["Heading 2"].font.name == look.heading_font
    assert f"#{styles['Heading 2'].font.color.rgb}".lower() == look.heading.lower()
    shown = [(p.style.name, p.text) for p in document.paragraphs]
    assert shown[:3] == [
        ("Title", "Leeds judge hears campaigners\u2019 challenge to NHS fixed-budget contract"),
        ("Normal", "FOR IMMEDIATE RELEASE"),
        ("Normal", "Tuesday 24 April 2018"),
    ]
    assert ("Normal", "ENDS") in shown
    assert [text for style, text in shown if style == "Heading 2"] == [
        "Notes to editors",
        "Media contact",
    ]
    assert len([1 for style, _ in shown if style == "List Number"]) == 4
    ends = next(p for p in document.paragraphs if p.text == "ENDS")
    assert ends.runs[0].bold
    # The quotes in italics and their speakers in bold, as the PDF's pull quotes.
    quote = next(p for p in document.paragraphs if p.text.startswith("\u201cWe believe"))
    assert all(run.italic for run in quote.runs)
    credit = next(p for p in document.paragraphs if p.text.startswith("\u2014 Dr Sam"))
    assert credit.runs[0].bold


def entries(out: Path) -> list[dict[str, Any]]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = manifest["outputs"]
    return found


def test_manifest_and_download_page_list_the_press_releases_copies(out: Path) -> None:
    copies = {
        (e["kind"], e["path"])
        for e in entries(out)
        if e["material"] == RELEASE and e["kind"] in ("docx", "txt")
    }
    assert copies == {("docx", "press-release.docx"), ("txt", "press-release.txt")}
    page = write_site(load_kit(REPO), out).read_text(encoding="utf-8")
    for name in ("press-release.docx", "press-release.txt"):
        assert re.search(rf'<a [^>]*href="{re.escape(name)}"', page), name
