"""QR codes as inline vector SVG: error correction M, a 4-module quiet zone, at least 20 mm wide."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import qrcode
from markupsafe import Markup, escape
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4  # modules of blank margin on every side (ISO/IEC 18004)
MIN_WIDTH_MM = 20.0
MODULES_CLASS = "qr-modules"  # the dark modules' path, which qrdraw.py draws the quick way


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


# Choosing the best of eight masks takes about 25 ms a code, and every output's tracked URL is
# its own code. Matrices are kept for the process, and the build cache stores them between
# builds (as hex), so a rebuild does not compute them again.
_MATRICES: dict[str, list[list[bool]]] = {}
_SAVED: dict[str, str] = {}  # matrices in their stored form, so they are not encoded again


def matrix_for(url: str) -> list[list[bool]]:
    if url not in _MATRICES:
        _MATRICES[url] = qr_matrix(url)
    return _MATRICES[url]


def known_matrices(urls: list[str]) -> dict[str, str]:
    """The matrices of ``urls`` computed so far, each as its size and its modules in hex."""
    found = {}
    for url in urls:
        matrix = _MATRICES.get(url)
        if matrix is not None and url not in _SAVED:
            bits = "".join("1" if on else "0" for row in matrix for on in row)
            _SAVED[url] = f"{len(matrix)}:{int('1' + bits, 2):x}"
        if url in _SAVED:
            found[url] = _SAVED[url]
    return found


def remember_matrices(saved: dict[str, str]) -> None:
    """Take back matrices stored by ``known_matrices`` (a damaged one is simply recomputed)."""
    for url, text in saved.items():
        try:
            size_text, hex_bits = text.split(":")
            size, bits = int(size_text), bin(int(hex_bits, 16))[3:]
        except ValueError:
            continue
        if len(bits) == size * size and url not in _MATRICES:
            rows = [bits[i : i + size] for i in range(0, size * size, size)]
            _MATRICES[url] = [[c == "1" for c in row] for row in rows]
            _SAVED[url] = text


@lru_cache(maxsize=4096)
def _path_for(url: str) -> tuple[int, str]:
    matrix = matrix_for(url)
    return len(matrix), svg_path(matrix)


def svg_path(matrix: list[list[bool]]) -> str:
    """One SVG path drawing every dark module: each run along a row is a line one module thick.

    A stroked line ("M x y.5 h n", stroke-width 1, butt ends) covers exactly the run's squares
    with three numbers where a filled rectangle takes five; WeasyPrint parses every number of
    the path when it draws the page, so a smaller path is a faster one.
    """
    commands = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                commands.append(f"M{start} {y}.5h{x - start}")
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
        f'<path class="{MODULES_CLASS}" fill="none" stroke="#000" stroke-width="1" d="{path}"/>'
        "</svg>"
    )
