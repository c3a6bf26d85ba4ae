"""QR codes: the matrix has its quiet zone, the SVG is vector and decodes to the URL."""

from __future__ import annotations

import random
import re

import qrcode
import zxingcpp
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

from handbill.render.qr import QUIET_ZONE, _penalty, bit_lines, qr_matrix, qr_svg, svg_path

URL = "https://example.org/case"


def test_quiet_zone_is_four_modules() -> None:
    matrix = qr_matrix(URL)
    size = len(matrix)
    for index in range(QUIET_ZONE):
        assert not any(matrix[index]) and not any(matrix[size - 1 - index])
        assert not any(row[index] or row[size - 1 - index] for row in matrix)
    assert any(matrix[QUIET_ZONE])


def test_path_draws_exactly_the_dark_modules() -> None:
    matrix = qr_matrix(URL)
    image = Image.new("L", (len(matrix), len(matrix)), 255)
    for x, y, width in (
        (int(a), int(b), int(c))
        for a, b, c in re.findall(r"M(\d+) (\d+)\.5h(\d+)", svg_path(matrix))
    ):
        for dx in range(width):
            image.putpixel((x + dx, y), 0)
    dark = {(x, y) for y, row in enumerate(matrix) for x, on in enumerate(row) if on}
    drawn = {
        (x, y)
        for y in range(image.height)
        for x in range(image.width)
        if image.getpixel((x, y)) == 0
    }
    assert drawn == dark
    decoded = zxingcpp.read_barcodes(
        image.resize((image.width * 8, image.height * 8), Image.NEAREST)
    )
    assert [code.text for code in decoded] == [URL]


def test_svg_is_sized_in_mm_and_labelled() -> None:
    svg = str(qr_svg(URL, 25, "case"))
    assert 'width="25mm" height="25mm"' in svg
    assert 'data-link="case"' in svg
    assert 'aria-label="QR code: https://example.org/case"' in svg
    assert "<image" not in svg  # vector, never a bitmap


def test_matrices_equal_qrcodes_own_across_versions() -> None:
    """The quicker mask choice picks qrcode's mask: the same matrix, from version 1 to 13."""
    rng = random.Random(1)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_/?=&"
    urls = ["https://a.b", "https://example.org/" + "x" * 280]
    urls += [
        "https://example.org/" + "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 300)))
        for _ in range(40)
    ]
    versions = set()
    for url in urls:
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, box_size=1)
        code.add_data(url)
        code.make(fit=True)
        assert qr_matrix(url) == [list(row) for row in code.get_matrix()], url
        versions.add(code.version)
    assert min(versions) <= 2 and max(versions) >= 10  # version information from 7 on


def test_penalties_equal_qrcodes_lost_points() -> None:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M)
    code.add_data("https://www.999callfornhs.org.uk/petition?utm_source=handbill")
    code.best_fit()
    for pattern in range(8):
        code.makeImpl(True, pattern)
        size = code.modules_count
        rows, columns = bit_lines(code.modules)
        assert _penalty(rows, columns, size) == qrcode.util.lost_point(code.modules), pattern
