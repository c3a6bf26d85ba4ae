"""Draw a QR code's module path straight into the PDF: the same operators, without the parser.

WeasyPrint draws an SVG ``<path>`` by tokenising its ``d`` attribute with regular expressions
and resolving every number as a CSS length: general, and about 10 ms for one QR code of a few
hundred module runs, which added up to a tenth of a build. The paths qr.py writes use one
shape only ("M x y.5h n", a run of dark modules along a row), so while ``drawing_qr_paths`` is
active those paths (marked ``class="qr-modules"``) go to the stream as the very operators
WeasyPrint would have written; any other path, or one that does not match, takes WeasyPrint's
own way. tests/test_qrdraw.py checks that the PDFs are byte-identical either way.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from weasyprint import svg as weasyprint_svg

from handbill.render.qr import MODULES_CLASS

_RUN = re.compile(r"M(\d+) (\d+)\.5h(\d+)")
_draw_path = weasyprint_svg.TAGS["path"]
_local = threading.local()


def _operators(d: str) -> bytes | None:
    """``d`` as PDF path operators, or None when it is not made of module runs only."""
    runs = _RUN.findall(d)
    if not runs or sum(len(x) + len(y) + len(n) + 5 for x, y, n in runs) != len(d):
        return None
    # WeasyPrint starts every path with a move to the origin, then writes each "M x y" as
    # "x y m" and each "h n" as a line to (x + n, y); whole numbers are written without ".0".
    parts = [b"0 0 m"]
    for x, y, n in runs:
        parts.append(f"{int(x)} {int(y)}.5 m".encode())
        parts.append(f"{int(x) + int(n)} {int(y)}.5 l".encode())
    return b"\n".join(parts)


def _path(svg: Any, node: Any, font_size: float) -> None:
    if getattr(_local, "active", False) and MODULES_CLASS in (node.get("class") or "").split():
        operators = _operators(node.get("d", ""))
        if operators is not None:
            # Marker vertices are not recorded: the module path never has markers.
            svg.stream.stream.append(operators)
            return
    _draw_path(svg, node, font_size)


weasyprint_svg.TAGS["path"] = _path


@contextmanager
def drawing_qr_paths() -> Iterator[None]:
    """Draw QR module paths the quick way for the duration of the block (in this thread)."""
    _local.active = True
    try:
        yield
    finally:
        _local.active = False
