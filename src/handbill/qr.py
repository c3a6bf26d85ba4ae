"""QR codes as inline vector SVG: error correction M, a 4-module quiet zone, at least 20 mm wide."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import qrcode
from markupsafe import Markup, escape
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4  # modules of blank margin on every side (ISO/IEC 18004)
MIN_WIDTH_MM = 20.0


@dataclass(frozen=True)
class QRCode:
    """A QR code placed in a material: which link, the exact URL encoded, its printed width."""

    link: str
    url: str
    width_mm: float
    label: str = ""


def qr_matrix(url: str) -> list[list[bool]]:
    """The module matrix for ``url``, quiet zone included."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, box_size=1)
    code.add_data(url)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


@lru_cache(maxsize=4096)
def _path_for(url: str) -> tuple[int, str]:
    # Choosing the best of eight masks takes about 25 ms a code; the same links recur on
    # every material and every data row, so each is computed once per process.
    matrix = qr_matrix(url)
    return len(matrix), svg_path(matrix)


def svg_path(matrix: list[list[bool]]) -> str:
    """One SVG path drawing every dark module, joining runs along each row."""
    commands = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                commands.append(f"M{start} {y}h{x - start}v1h{start - x}z")
            else:
                x += 1
    return "".join(commands)


def qr_svg(url: str, width_mm: float, link: str) -> Markup:
    """An inline ``<svg>`` of the code, ``width_mm`` wide, tagged with its link name."""
    size, path = _path_for(url)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qr-code" data-link="{escape(link)}" '
        f'viewBox="0 0 {size} {size}" width="{width_mm:g}mm" height="{width_mm:g}mm" '
        f'role="img" aria-label="QR code: {escape(url)}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{path}"/></svg>'
    )
