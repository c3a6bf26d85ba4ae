"""Every character drawn is in a bundled or kit font: checked on the laid-out boxes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from weasyprint.document import Document

from handbill.errors import HandbillError
from handbill.kit.characters import describe, needs_glyph
from handbill.kit.fonts import coverage
from handbill.kit.loader import Kit


class MissingGlyphError(HandbillError):
    """A character in a material is in none of the kit's fonts."""


def _text_boxes(box: Any) -> Iterator[Any]:
    if type(box).__name__ == "TextBox":
        yield box
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child)


def check_glyphs(kit: Kit, document: Document, material: str) -> None:
    """Raise MissingGlyphError naming the first character no font can draw, and its page.

    Without this, WeasyPrint would draw it with whatever font the computer has (or a box), so
    the output would depend on the machine.
    """
    covered = coverage(kit.font_paths)
    for number, page in enumerate(document.pages, start=1):
        for box in _text_boxes(page._page_box):
            for character in box.text:
                if needs_glyph(character) and ord(character) not in covered:
                    raise MissingGlyphError(
                        f"{material}: no font in the kit has {describe(character)} on page "
                        f"{number}; remove it, or add a font that has it under [[fonts]] in "
                        "handbill.toml"
                    )
