"""docs/kit-format.md matches the code: its examples load, and it names every field and setting."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO, write
from handbill.kit.config import COLOUR_NAMES, SECTIONS
from handbill.kit.loader import load_kit, stock_templates
from handbill.kit.paper import SIZES_MM
from handbill.kit.readers import FIELDS

DOC = (REPO / "docs" / "kit-format.md").read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, flags=re.DOTALL)


def test_documented_examples_make_a_valid_kit(tmp_path: Path) -> None:
    toml, material = code_blocks("toml")[0], code_blocks("markdown")[0]
    write(tmp_path / "handbill.toml", toml)
    write(tmp_path / "assets" / "img" / "logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    font = REPO / "assets" / "fonts" / "atkinson-hyperlegible" / "AtkinsonHyperlegible-Regular.ttf"
    (tmp_path / "assets" / "fonts").mkdir(parents=True)
    (tmp_path / "assets" / "fonts" / "Anton-Regular.ttf").write_bytes(font.read_bytes())
    write(tmp_path / "materials" / "faq.md", material)
    kit = load_kit(tmp_path)
    faq = kit.materials["faq"]
    assert faq.qr == ("case", "donate")
    assert kit.config.links["donate"].label == "crowdjustice.com/999"
    assert kit.config.fonts[0].family == "Anton"


def test_every_front_matter_field_is_documented() -> None:
    for field in FIELDS:
        assert f"| `{field}` |" in DOC, field


def test_every_setting_is_documented() -> None:
    for section, keys in SECTIONS.items():
        assert f"[{section}]" in DOC or f"[[{section}]]" in DOC, section
        for key in keys or ():
            assert f"`{key}`" in DOC, f"{section}.{key}"
    for colour in COLOUR_NAMES:
        assert f"`{colour}`" in DOC, colour


def test_every_stock_template_and_paper_size_is_documented() -> None:
    for template in stock_templates():
        assert f"| `{template}` |" in DOC, template
    for size in SIZES_MM:
        assert f"`{size if size != 'LETTER' else 'Letter'}`" in DOC, size


def test_every_declared_var_and_column_is_documented() -> None:
    """Each stock template's page names every vars key, column and field it declares."""
    from handbill.kit.boundary import stock_dir
    from handbill.kit.loader import stock_templates
    from handbill.kit.vocabcheck import vocabulary_of

    root = stock_dir()
    for name in stock_templates():
        vocabulary = vocabulary_of(root / "templates" / f"{name}.html", root)
        assert vocabulary is not None, f"templates/{name}.html declares no vocabulary"
        page = (REPO / "docs" / "templates" / f"{name}.md").read_text()
        if name == "event-flyer":  # the flyer's page refers to the poster's for the details
            page += (REPO / "docs" / "templates" / "event-poster.md").read_text()
        for key in [*vocabulary.vars, *vocabulary.columns, *vocabulary.fields]:
            assert f"`{key}`" in page or f"`vars.{key}`" in page, f"{name}: {key}"
