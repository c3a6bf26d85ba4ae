"""handbill check: each check caught on a deliberately broken kit; the example kit passes clean."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from conftest import REPO, write
from handbill.check.findings import Finding
from handbill.check.preflight import _press_boxes, check, imprint_printed
from handbill.check.pressdesk import press_run_blank_findings
from handbill.cli import cli
from handbill.kit.loader import load_kit
from handbill.render.templating import render_html


def findings(kit_dir: Path, *names: str) -> list[Finding]:
    return check(load_kit(kit_dir), names, out_dir=kit_dir / "dist", jobs=1).findings


def card_template(kit_dir: Path, body: str, style: str = "") -> None:
    # On A4 the card is printed as it is (no extra A4 sheets), so each finding appears once.
    write(
        kit_dir / "materials" / "card.md", "---\ntemplate: card\ntitle: Test card\npaper: A4\n---\n"
    )
    write(
        kit_dir / "templates" / "card.html",
        '{% extends "_base.html" %}{% block stylesheets %}<style>' + style + "</style>"
        "{% endblock %}{% block body %}" + body + "{% endblock %}",
    )


def test_fixture_kit_is_clean(kit_dir: Path) -> None:
    assert findings(kit_dir) == []


def test_example_kit_is_clean(example_out: Path) -> None:
    report = check(load_kit(REPO), out_dir=example_out)
    assert report.findings == []
    # 34 PDFs (the A5 leaflet for each of 4 local groups, in English, Welsh, Polish and Urdu),
    # and the A4 sheets made for the 16 A5 leaflets, the four A6 flyers, the A3 placard and
    # the DL leaflet (1-up, with its flip note), whose QR codes must still decode after
    # imposition and tiling.
    assert report.checked == 56
    assert report.summary.startswith("Checked 56 PDFs: clean (")


def test_overflowing_faq(kit_dir: Path) -> None:
    answers = "\n\n".join(
        f"## Question {n}?\n\n" + "An answer that goes on. " * 12 for n in range(12)
    )
    write(
        kit_dir / "materials" / "sheet.md",
        f"---\ntemplate: faq\ntitle: T\npages: 1\n---\nLead.\n\n{answers}\n",
    )
    found = [f for f in findings(kit_dir, "sheet") if f.check == "fit"]
    assert len(found) == 1
    assert found[0].severity == "error" and found[0].page == 2
    assert found[0].line.startswith("sheet p.2: error: fit: 2 pages, expected 1 (about ")
    assert found[0].message.endswith(
        "lines over); shorten the text, or change 'pages:' in materials/sheet.md if the extra "
        "page is wanted"
    )


def test_qr_code_printed_at_12_mm(kit_dir: Path) -> None:
    # The template asks for a legal size, but its CSS shrinks the code on the page.
    card_template(kit_dir, "{{ qr('petition', 25) }}", "svg.qr-code { width: 12mm; height: 12mm }")
    found = [f for f in findings(kit_dir, "card") if f.check == "qr"]
    assert [f.line for f in found] == [
        "card p.1: error: qr: the QR code for 'petition' is 12 mm wide; make it at least 20 mm so "
        "phones can scan it"
    ]


def overlapped(kit_dir: Path, left_mm: float, width_mm: float) -> list[Finding]:
    # The code is 30 mm wide: 29 modules plus a 4-module (3.2 mm) quiet zone on each side.
    card_template(
        kit_dir,
        "<div style='position: relative; width: 30mm'>{{ qr('petition', 30) }}"
        f"<img src='assets/img/dot.png' style='position: absolute; left: {left_mm}mm; top: 8mm; "
        f"width: {width_mm}mm; height: 10mm'></div>",
    )
    return [f for f in findings(kit_dir, "card") if f.check == "qr"]


def test_image_in_the_quiet_zone(kit_dir: Path) -> None:
    found = overlapped(kit_dir, left_mm=27.4, width_mm=1.8)
    assert [f.line for f in found] == [
        "card p.1: error: qr: something is printed inside the quiet zone of the QR code for "
        "'petition' (it needs 4 modules, 3.2 mm, of blank paper on every side); move it away"
    ]


def test_image_over_the_code(kit_dir: Path) -> None:
    found = overlapped(kit_dir, left_mm=12, width_mm=8)
    assert [f.line for f in found] == [
        "card p.1: error: qr: the QR code for 'petition' could not be read from the printed page "
        "(found nothing); make it larger or move what covers it"
    ]


def test_font_lacking_a_character(kit_dir: Path) -> None:
    write(kit_dir / "materials" / "sheet.md", "---\ntemplate: faq\ntitle: T\n---\nΚαλώς ήρθατε\n")
    found = [f for f in findings(kit_dir) if f.check == "build"]
    assert [f.message for f in found] == [
        "sheet: no font in the kit has the character 'Κ' (U+039A GREEK CAPITAL LETTER KAPPA) "
        "on page 1; remove it, or add a font that has it under [[fonts]] in handbill.toml"
    ]


def test_blank_imprint(kit_dir: Path) -> None:
    text = (kit_dir / "handbill.toml").read_text()
    write(kit_dir / "handbill.toml", text[: text.index("[imprint]")])
    found = [f.line for f in findings(kit_dir) if f.check == "imprint"]
    assert found == [
        "card: error: imprint: the imprint is incomplete (missing promoter, promoter_address, "
        "printer, printer_address); complete [imprint] in handbill.toml",
        "sheet: error: imprint: the imprint is incomplete (missing promoter, promoter_address, "
        "printer, printer_address); complete [imprint] in handbill.toml",
    ]


def test_grey_on_red_text(kit_dir: Path) -> None:
    card_template(kit_dir, "<p style='color: #999; background: #c00'>Sign today</p>")
    found = [f.line for f in findings(kit_dir, "card") if f.check == "legibility"]
    assert found == [
        "card p.1: error: legibility: text in #999999 on #cc0000 has a contrast of 2.1:1, under "
        "the 4.5:1 that WCAG AA asks for ('Sign today'); darken the text or lighten the "
        "background in [brand.colours] or the template's CSS"
    ]


def test_body_text_under_the_templates_minimum(kit_dir: Path) -> None:
    card_template(
        kit_dir,
        "<p>" + "Words for the speaker to read. " * 20 + "</p>",
        "p { font-size: 12pt }",
    )
    template = (kit_dir / "templates" / "card.html").read_text()
    write(
        kit_dir / "templates" / "card.html",
        template.replace(
            "{% block stylesheets %}",
            '{% block stylesheets %}<meta name="handbill-min-font-size" content="16">',
        ),
    )
    found = [f.line for f in findings(kit_dir, "card") if f.check == "legibility"]
    assert found == [
        "card: error: legibility: body text is 12 pt; the card template asks for at least 16 pt; "
        "make the text larger (or shorter, so it fits at that size)"
    ]


def test_javascript_link(runner: CliRunner, kit_dir: Path) -> None:
    text = (
        (kit_dir / "handbill.toml")
        .read_text()
        .replace('"https://example.org/petition"', '"javascript:alert(1)"')
    )
    write(kit_dir / "handbill.toml", text)
    result = runner.invoke(cli, ["check", "--kit", str(kit_dir)])
    assert result.exit_code == 1
    assert (
        "handbill.toml:9: Config value 'links.petition': 'javascript:alert(1)' is not a web "
        in (result.stderr)
    )


def test_press_pdf_without_bleed(kit_dir: Path) -> None:
    findings(kit_dir, "card")  # builds dist/card.pdf: trimmed at the paper's edge, no bleed
    reader = PdfReader(kit_dir / "dist" / "card.pdf")
    found = _press_boxes({"mode": "press", "bleed_mm": 3}, "card", reader)
    assert [f.line for f in found] == [
        "card p.1: error: pdf: the bleed is 0.0 mm, the kit asks for 3 mm; build it again with "
        "--mode press"
    ]
    del reader.pages[0]["/TrimBox"]
    found = _press_boxes({"mode": "press", "bleed_mm": 3}, "card", reader)
    assert [f.line for f in found] == [
        "card p.1: error: pdf: a press PDF needs a TrimBox and a BleedBox; build it again with "
        "--mode press"
    ]


def test_cli_lines_json_and_exit_status(runner: CliRunner, kit_dir: Path) -> None:
    card_template(kit_dir, "<p style='color: #999; background: #c00'>Sign today</p>")
    result = runner.invoke(cli, ["check", "--kit", str(kit_dir)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("card p.1: error: legibility: text in #999999 on #cc0000")
    assert lines[1].startswith("Checked 2 PDFs: 1 error, 0 warnings (")
    assert result.stderr.endswith("Error: 1 error found; fix them before printing\n")
    as_json = runner.invoke(cli, ["check", "--kit", str(kit_dir), "--json"])
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout) == [
        {
            "severity": "error",
            "material": "card",
            "check": "legibility",
            "message": lines[0].split("legibility: ", 1)[1],
            "page": 1,
        }
    ]


def test_build_check_fails_the_build(runner: CliRunner, kit_dir: Path) -> None:
    card_template(kit_dir, "<p style='color: #999; background: #c00'>Sign today</p>")
    result = runner.invoke(cli, ["build", "--check", "--kit", str(kit_dir), "-j", "1"])
    assert result.exit_code == 1
    assert result.output.startswith("Built 2 PDFs, 2 pages in ")
    assert "card p.1: error: legibility:" in result.output
    clean = runner.invoke(cli, ["build", "sheet", "--check", "--kit", str(kit_dir), "-j", "1"])
    assert clean.exit_code == 0, clean.output
    assert "Checked 1 PDF: clean" in clean.output


def test_text_pushed_out_of_a_fixed_box(kit_dir: Path) -> None:
    card_template(
        kit_dir,
        "<div style='width: 60mm; height: 12mm; font-size: 14pt'>I support the campaign because "
        "it matters to me and to my town</div>",
    )
    found = [f.line for f in findings(kit_dir, "card") if f.check == "fit"]
    assert found == [
        "card p.1: error: fit: 'because it matters to me' spills out of its box (and 1 more); "
        "shorten the text or make the box larger"
    ]


def test_imprint_not_printed(kit_dir: Path) -> None:
    card_template(kit_dir, "<p>Sign today</p>{% endblock %}{% block footer %}")
    found = [f.line for f in findings(kit_dir, "card") if f.check == "imprint"]
    assert found == [
        "card: error: imprint: the imprint line is not printed on the material; its template must "
        "show {{ imprint.line }} (the stock page footer does)"
    ]


def test_an_imprint_broken_at_a_hyphen_is_still_found() -> None:
    line = "Promoted by Stop banner-making campaigners, 1 Example Street."
    broken_at_its_hyphen = "Promoted by Stop banner-\nmaking campaigners, 1 Example\nStreet."
    hyphenated_by_layout = "Promoted by Stop banner-making campaign-\ners, 1 Example Street."
    assert imprint_printed(line, broken_at_its_hyphen)
    assert imprint_printed(line, hyphenated_by_layout)
    assert not imprint_printed(line, "Promoted by Stop banner-making, 1 Example Street.")


def test_one_page_short_is_said_in_the_singular(kit_dir: Path) -> None:
    sheet = kit_dir / "materials" / "sheet.md"
    sheet.write_text(sheet.read_text().replace("pages: 1", "pages: 2"))
    found = [f.line for f in findings(kit_dir, "sheet") if f.check == "fit"]
    assert found == [
        "sheet: warning: fit: 1 page, expected 2: add content, or change 'pages:' in "
        "materials/sheet.md"
    ]


def test_a_press_run_with_a_blank_to_fill_in_by_hand_is_a_warning() -> None:
    kit = load_kit(REPO)
    letter = kit.materials["letter-to-mp"]
    html = render_html(kit, letter, mode="press").html
    # A letter is filled in by the one person who sends it: no warning.
    assert press_run_blank_findings({"mode": "press"}, "letter-to-mp", letter, html) == []
    handed_out = dataclasses.replace(letter, published=True)
    assert press_run_blank_findings({"mode": "home"}, "letter-to-mp", handed_out, html) == []
    found = press_run_blank_findings({"mode": "press"}, "letter-to-mp", handed_out, html)
    assert [f.line for f in found] == [
        "letter-to-mp: warning: blank: printed by a print shop with 9 blanks to fill in by "
        "hand on every copy (mp_name, address, date, town, constituency, hospital, name): "
        "give the value "
        "under [fields] in handbill.toml or with --set NAME=VALUE, or reword "
        "materials/letter-to-mp.md without it"
    ]


def test_the_dl_leaflet_leaves_nothing_to_write_in() -> None:
    """It asked readers to join a group "in ____ (YOUR TOWN)"; it now points to a page of
    local groups and events, a link in the text."""
    kit = load_kit(REPO)
    html = render_html(kit, kit.materials["leaflet-dl"], mode="press").html
    assert 'class="field blank' not in html
    assert f'<a href="{kit.config.links["events"].url}">' in html
