"""Greyscale PDFs: every colour the pages paint (text, shapes, SVG, gradients, images) as a grey."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from pypdf import PdfReader, PdfWriter

from handbill.pages.colourops import RGB8
from handbill.pages.separation import convert_colours

# The weights Pillow's "L" mode uses (ITU-R 601 luma), so that a shape drawn as vectors and
# the same colour in a photograph turn into the same grey.
WEIGHTS = (0.299, 0.587, 0.114)


def grey_of(values: Sequence[float], space: str = "rgb") -> float:
    """The grey (0 black, 1 white) of a colour in an RGB, CMYK, grey or Lab space."""
    if space.startswith("lab"):
        return min(max(values[0] / 100, 0.0), 1.0)
    if len(values) == 4:  # CMYK, as a printer's naive conversion does
        c, m, y, k = values
        values = [(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)]
    if len(values) == 3:
        return min(max(sum(w * v for w, v in zip(WEIGHTS, values, strict=True)), 0.0), 1.0)
    return float(values[0])


class Grey:
    """Greys for a mono printer, and for soft masks (a ``colourops.Target``)."""

    space = "/DeviceGray"
    converts = frozenset({"rgb", "cmyk", "lab-d50", "lab-d65"})

    def prepare(self, colours: Iterable[RGB8]) -> None:
        """Nothing to get ready: a grey is arithmetic."""

    def colour(self, values: Sequence[float], kind: str) -> tuple[float, ...]:
        return (round(grey_of(values, kind), 4),)

    def picture(self, image: Any, profile: bytes | None) -> Any:
        # The pixels as an 8-bit grey image of the same size (a soft mask, the image's
        # transparency, is a separate grey image and stays as it is).
        return image.convert("RGB").convert("L") if image.mode == "CMYK" else image.convert("L")


def greyscale_pdf(data: bytes) -> bytes:
    """The same PDF with every colour painted as a grey, tags, links and metadata kept."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    convert_colours(writer, Grey(), Grey())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
