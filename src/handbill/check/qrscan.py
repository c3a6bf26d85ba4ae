"""Read a built PDF's QR codes back as a phone would: rasterised, decoded, measured."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import zxingcpp

from handbill.check.findings import Finding
from handbill.kit.links import url_problem
from handbill.render.qr import MIN_WIDTH_MM, QUIET_ZONE, qr_matrix

QR_FORMAT: Any = zxingcpp.BarcodeFormat.QRCode
RASTER_DPI = 200


def qr_findings(
    path: Path, entry: dict[str, Any], label: str, variables: dict[str, Any]
) -> list[Finding]:
    """Every QR code the manifest records for the PDF at ``path``, read from its printed page:
    decoded (it must give its URL), measured (wide enough to scan) and its quiet zone blank."""
    import pypdfium2 as pdfium  # imported here: only checks need the rasteriser and decoder

    codes = entry.get("qr_codes", [])
    if not codes:
        return []
    findings = []
    scale = RASTER_DPI / 72
    px_per_mm = RASTER_DPI / 25.4
    document = pdfium.PdfDocument(str(path))
    try:
        for page_number in sorted({code["page"] for code in codes}):
            image = document[page_number - 1].render(scale=scale).to_pil().convert("L")
            found = zxingcpp.read_barcodes(image, formats=QR_FORMAT)
            for code in (c for c in codes if c["page"] == page_number):
                findings += _one_qr(code, found, image, px_per_mm, label, variables)
    finally:
        document.close()
    return findings


def _one_qr(
    code: dict[str, Any],
    found: list[Any],
    image: Any,
    px_per_mm: float,
    label: str,
    variables: dict[str, Any],
) -> list[Finding]:
    page, link, url = code["page"], code["link"], code["url"]
    problem = url_problem(url)
    if problem or not url.lower().startswith(("http://", "https://")):
        return [
            Finding(
                "error",
                label,
                "links",
                f"QR code '{link}' encodes {url!r}: only http(s) addresses belong in a QR code",
                page=page,
            )
        ]
    matches = [c for c in found if c.text == url]
    if not matches:
        others = ", ".join(repr(c.text) for c in found) or "nothing"
        return [
            Finding(
                "error",
                label,
                "qr",
                f"the QR code for '{link}' could not be read from the "
                f"printed page (found {others}); make it larger or move what covers it",
                page=page,
            )
        ]
    symbol = matches[0]
    where = symbol.position
    corners = (where.top_left, where.top_right, where.bottom_right, where.bottom_left)
    xs = [corner.x for corner in corners]
    ys = [corner.y for corner in corners]
    modules = len(qr_matrix(url)) - 2 * QUIET_ZONE
    module_px = (max(xs) - min(xs)) / modules
    width_mm = (max(xs) - min(xs) + 2 * QUIET_ZONE * module_px) / px_per_mm
    findings = []
    if width_mm < MIN_WIDTH_MM - 0.5:
        findings.append(
            Finding(
                "error",
                label,
                "qr",
                f"the QR code for '{link}' is {width_mm:.0f} mm wide; "
                f"make it at least {MIN_WIDTH_MM:.0f} mm so phones can scan it",
                page=page,
            )
        )
    distance = float(variables.get("scan_distance_m", 0) or 0)
    if distance and width_mm < distance * 100:
        findings.append(
            Finding(
                "warning",
                label,
                "qr",
                f"the QR code for '{link}' is {width_mm:.0f} mm wide; "
                f"read from {distance:g} m it should be about {distance * 100:.0f} mm",
                page=page,
            )
        )
    # The quiet zone: four modules of blank paper around the symbol.
    zone = QUIET_ZONE * module_px
    left, top, right, bottom = min(xs), min(ys), max(xs), max(ys)
    # The ring between the symbol's edge and the quiet zone's edge, as four strips (a pixel
    # of margin on each side allows for antialiasing at the symbol's edge).
    outer = (left - zone + 1, top - zone + 1, right + zone - 1, bottom + zone - 1)
    inner = (left - 2, top - 2, right + 2, bottom + 2)
    strips = [
        (outer[0], outer[1], outer[2], inner[1]),
        (outer[0], inner[3], outer[2], outer[3]),
        (outer[0], inner[1], inner[0], inner[3]),
        (inner[2], inner[1], outer[2], inner[3]),
    ]
    inked = sum(sum(image.crop(tuple(int(v) for v in strip)).histogram()[:128]) for strip in strips)
    if inked > max(4, module_px * module_px):
        findings.append(
            Finding(
                "error",
                label,
                "qr",
                f"something is printed inside the quiet zone of the QR "
                f"code for '{link}' (it needs {QUIET_ZONE} modules, "
                f"{zone / px_per_mm:.1f} mm, of blank paper on every side); move it away",
                page=page,
            )
        )
    return findings
