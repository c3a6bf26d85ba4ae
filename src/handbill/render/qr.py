"""QR codes as inline vector SVG: error correction M, a 4-module quiet zone, at least 20 mm wide."""

from __future__ import annotations

import itertools
import re
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
    target: str = ""  # with a short code in ``url``: the tracked address it redirects to


def qr_matrix(url: str) -> list[list[bool]]:
    """The module matrix for ``url``, quiet zone included: exactly what ``qrcode`` makes."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, box_size=1)
    code.add_data(url)
    code.best_fit()
    pattern, rows = best_mask(code)
    # The symbol with the chosen mask, without laying it out again: its rows, then the real
    # format (and version) information over the blanks left for choosing the mask.
    size = code.modules_count
    code.modules = [[bool(row >> (size - 1 - c) & 1) for c in range(size)] for row in rows]
    code.setup_type_info(False, pattern)
    if code.version >= 7:
        code.setup_type_number(False)
    return [list(row) for row in code.get_matrix()]


def best_mask(code: qrcode.QRCode) -> tuple[int, list[int]]:
    """The mask ``qrcode`` would choose (lowest penalty, first on a tie), found faster, and the
    symbol's rows (as integers) with it, before its format information is written.

    ``qrcode`` lays out the whole symbol once per mask and scores it module by module, about
    25 ms a code. A mask only flips data modules, so here the symbol is laid out once with
    mask 0, each other mask is that layout XOR a precomputed flip pattern, and each candidate
    is scored on rows and columns held as bit strings and integers, with the same four rules.
    """
    code.makeImpl(True, 0)
    size = code.modules_count
    rows, columns = bit_lines(code.modules)
    data_rows, data_columns, masks = _mask_layout(code.version)
    best: tuple[int, int, list[int]] | None = None
    for pattern in range(8):
        flip_rows, flip_columns = masks[pattern]
        masked = [r ^ (f & d) for r, f, d in zip(rows, flip_rows, data_rows, strict=True)]
        score = _penalty(
            masked,
            [c ^ (f & d) for c, f, d in zip(columns, flip_columns, data_columns, strict=True)],
            size,
        )
        if best is None or score < best[0]:
            best = (score, pattern, masked)
    assert best is not None
    return best[1], best[2]


@lru_cache(maxsize=64)
def _mask_layout(
    version: int,
) -> tuple[list[int], list[int], list[tuple[list[int], list[int]]]]:
    """For one version: its data modules, by row and by column, and each mask's flips from mask 0.

    The data modules are those ``qrcode`` leaves empty before placing the data (with the test
    format information it uses while choosing a mask).
    """
    code = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M)
    code.modules_count = size = version * 4 + 17
    code.modules = [[None] * size for _ in range(size)]
    for row, col in ((0, 0), (size - 7, 0), (0, size - 7)):
        code.setup_position_probe_pattern(row, col)
    code.setup_position_adjust_pattern()
    code.setup_timing_pattern()
    code.setup_type_info(True, 0)
    if version >= 7:
        code.setup_type_number(True)
    data = [[m is None for m in row] for row in code.modules]
    first = qrcode.util.mask_func(0)
    flips = []
    for pattern in range(8):
        other = qrcode.util.mask_func(pattern)
        cells = [[first(r, c) != other(r, c) for c in range(size)] for r in range(size)]
        flips.append(bit_lines(cells))
    return (*bit_lines(data), flips)


def bit_lines(cells: list[list[bool]]) -> tuple[list[int], list[int]]:
    """A square matrix's rows and columns as integers, the first module the highest bit."""
    size = len(cells)
    rows = [int("".join("1" if m else "0" for m in row), 2) for row in cells]
    columns = [int("".join("1" if row[c] else "0" for row in cells), 2) for c in range(size)]
    return rows, columns


_RUN = re.compile(r"0{5,}|1{5,}")
_FINDER_LIKE = ("10111010000", "00001011101")  # 1:1:3:1:1 with four light modules either side


def _penalty(rows: list[int], columns: list[int], size: int) -> int:
    """ISO/IEC 18004 mask penalty, computed as ``qrcode.util.lost_point`` computes it."""
    full = (1 << size) - 1
    # Every row and column in one string: runs and patterns cannot cross the separators.
    lines = " ".join(format(line, f"0{size}b") for line in rows + columns)
    score = sum(len(run) - 2 for run in _RUN.findall(lines))  # runs of 5 or more
    score += 40 * sum(lines.count(pattern) for pattern in _FINDER_LIKE)
    for upper, lower in itertools.pairwise(rows):  # 2x2 blocks of one colour
        dark, light = upper & lower, ~(upper | lower) & full
        score += 3 * ((dark & dark >> 1).bit_count() + (light & light >> 1).bit_count())
    dark_share = float(sum(row.bit_count() for row in rows)) / size**2
    return score + 10 * int(abs(dark_share * 100 - 50) / 5)


# Making a code takes several milliseconds (see best_mask), and every output's tracked URL is
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
    # Numbers and escaped text only: the path is made of numbers, url and link are escaped.
    return Markup(  # nosec B704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qr-code" data-link="{escape(link)}" '
        f'viewBox="0 0 {size} {size}" width="{width_mm:g}mm" height="{width_mm:g}mm" '
        f'role="img" aria-label="QR code: {escape(url)}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path class="{MODULES_CLASS}" fill="none" stroke="#000" stroke-width="1" d="{path}"/>'
        "</svg>"
    )
