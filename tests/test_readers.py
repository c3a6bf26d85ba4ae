"""Materials: front matter errors name the file and line; Markdown never passes raw HTML."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write
from handbill.errors import KitError
from handbill.kit.config import load_config
from handbill.kit.readers import read_markdown


def read(kit_dir: Path, text: str):  # type: ignore[no-untyped-def]
    path = write(kit_dir / "materials" / "sheet.md", text)
    return read_markdown(path, load_config(kit_dir))


def error_of(kit_dir: Path, text: str) -> str:
    with pytest.raises(KitError) as info:
        read(kit_dir, text)
    return info.value.format_message()


def test_reads_fields_and_body(kit_dir: Path) -> None:
    material = read_markdown(kit_dir / "materials" / "card.md", load_config(kit_dir))
    assert material.name == "card"
    assert material.template == "card"
    assert (material.paper.width_mm, material.paper.height_mm) == (148, 105)
    assert material.qr == ("petition",)
    assert material.vars == {"slogan": "Sign today"}
    assert material.body_html == "<p>A card made with the kit\u2019s own template.</p>\n"
    assert material.output_name == "card.pdf"


def test_no_front_matter(kit_dir: Path) -> None:
    message = error_of(kit_dir, "# Just a heading\n")
    assert message.endswith(
        "sheet.md:1: no front matter. Start the file with a '---' line, "
        "then fields such as 'template: faq' and 'title: ...', then another "
        "'---' line."
    )


def test_unclosed_front_matter(kit_dir: Path) -> None:
    assert "front matter is not closed; add a '---' line" in error_of(
        kit_dir, "---\ntemplate: faq\ntitle: T\n"
    )


def test_misspelt_field_suggests_the_right_one(kit_dir: Path) -> None:
    message = error_of(kit_dir, "---\ntemplate: faq\ntitel: Hello\n---\nBody\n")
    assert message.endswith("sheet.md:3: unknown field 'titel'. Did you mean 'title'?")


def test_missing_required_field(kit_dir: Path) -> None:
    assert "missing field 'title': the material's title." in error_of(
        kit_dir, "---\ntemplate: faq\n---\nBody\n"
    )


def test_tab_in_front_matter(kit_dir: Path) -> None:
    message = error_of(kit_dir, "---\ntemplate: faq\ntitle: T\nvars:\n\tslogan: x\n---\n")
    assert "sheet.md:5: front matter:" in message
    assert "tab" in message


def test_duplicate_key_is_an_error(kit_dir: Path) -> None:
    message = error_of(kit_dir, "---\ntemplate: faq\ntitle: One\ntitle: Two\n---\n")
    assert "sheet.md:4: front matter:" in message
    assert "duplicate key" in message and "keep only one of them" in message


def test_yes_no_and_times_stay_text(kit_dir: Path) -> None:
    material = read(
        kit_dir, "---\ntemplate: faq\ntitle: T\nvars:\n  country: NO\n  time: 12:30\n---\n"
    )
    assert material.vars == {"country": "NO", "time": "12:30"}


def test_unknown_qr_link_lists_the_links(kit_dir: Path) -> None:
    message = error_of(kit_dir, "---\ntemplate: faq\ntitle: T\nqr: [case, donat]\n---\n")
    assert message.endswith(
        "sheet.md:4: field 'qr': no link named 'donat' in handbill.toml [links] "
        "(case, donate, petition). Did you mean 'donate'?"
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("paper: A9", "field 'paper': unknown paper size 'A9'"),
        ("pages: two", "field 'pages': must be a whole number of pages"),
        ("duplex: maybe", "field 'duplex': must be true or false"),
        ("audience: everyone", "field 'audience': must be one of organisers, speakers, volunteers"),
        ("output: ../escape", "field 'output': use letters, digits"),
        ("title: [a, b]", "field 'title': must be text, not list"),
        ("language: english!", "field 'language': 'english!' is not a language tag"),
    ],
)
def test_wrong_types_and_values(kit_dir: Path, line: str, expected: str) -> None:
    text = "---\ntemplate: faq\n" + ("" if line.startswith("title") else "title: T\n") + line
    message = error_of(kit_dir, text + "\n---\n")
    assert expected in message
    assert f"sheet.md:{3 if line.startswith('title') else 4}: " in message


def test_raw_html_in_markdown_is_shown_as_text(kit_dir: Path) -> None:
    material = read(
        kit_dir,
        '---\ntemplate: faq\ntitle: T\n---\n<script>alert(1)</script>\n\n<img src="x.png">\n',
    )
    assert "<script>" not in material.body_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in material.body_html
    assert "&lt;img src=" in material.body_html
    assert "<img" not in material.body_html


def test_markdown_drops_file_and_javascript_links(kit_dir: Path) -> None:
    material = read(
        kit_dir, "---\ntemplate: faq\ntitle: T\n---\n![a](file:///etc/passwd) [b](javascript:x)\n"
    )
    assert "<img" not in material.body_html and "<a" not in material.body_html
    assert "![a](file:///etc/passwd)" in material.body_html


def test_not_utf8(kit_dir: Path) -> None:
    path = kit_dir / "materials" / "sheet.md"
    path.write_bytes("---\ntemplate: faq\ntitle: Caf\xe9\n---\n".encode("cp1252"))
    with pytest.raises(KitError, match=r"sheet.md:3: not UTF-8 text .* save it as UTF-8"):
        read_markdown(path, load_config(kit_dir))


def test_huge_content_is_refused(kit_dir: Path) -> None:
    message = error_of(kit_dir, "---\ntemplate: faq\ntitle: T\n---\n" + "word " * 80_000)
    assert "400,031 characters is far more than printed material holds (at most 300,000)" in message


def test_control_character_is_named_with_its_line(kit_dir: Path) -> None:
    message = error_of(kit_dir, "---\ntemplate: faq\ntitle: T\n---\nPasted \x1b[0m text\n")
    assert message.endswith(
        "sheet.md:5: the control character U+001B cannot be printed (often pasted in by "
        "accident); delete it."
    )
