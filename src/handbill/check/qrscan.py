"""Read a built PDF's QR codes back as a phone would: rasterised, decoded, measured."""

from __future__ import annotations

import itertools
import math
import re
import statistics
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import zxingcpp

from handbill.check.findings import Finding
from handbill.kit.links import url_problem
from handbill.render.qr import MIN_WIDTH_MM, QUIET_ZONE, qr_matrix

QR_FORMAT: Any = zxingcpp.BarcodeFormat.QRCode
RASTER_DPI = 200
# The module size rule: a phone decodes a code when each module covers about three pixels of
# its camera's preview (1920 pixels across a field of view of about 66 degrees, 1.3 times the
# distance wide), so a module must be at least 1/500 of the distance it is scanned from:
# 0.5 mm for a handout held at 25 cm (the default), 2 mm for a poster read from 1 m.
DISTANCE_PER_MODULE = 500
HANDHELD_DISTANCE_M = 0.25
FINDER = (1, 1, 3, 1, 1)  # a line through a finder pattern's centre, in modules


def qr_findings(
    path: Path, entry: dict[str, Any], label: str, variables: dict[str, Any]
) -> list[Finding]:
    """Every QR code the manifest records for the PDF at ``path``, read from its printed page:
    decoded (it must give its URL), measured (wide enough to scan) and its quiet zone blank."""
    import pypdfium2 as pdfium  # imported here: only checks need the rasteriser and decoder

    codes = entry.get("qr_codes", [])
    if not codes:
        return []
    findings: list[tuple[str, int, Finding]] = []
    scale = RASTER_DPI / 72
    px_per_mm = RASTER_DPI / 25.4
    document = pdfium.PdfDocument(str(path))
    try:
        for page_number in sorted({code["page"] for code in codes}):
            image = document[page_number - 1].render(scale=scale).to_pil().convert("L")
            found = zxingcpp.read_barcodes(image, formats=QR_FORMAT)
            on_page = [c for c in codes if c["page"] == page_number]
            copies = Counter(str(c["link"]) for c in on_page)
            for code in on_page:
                link = str(code["link"])
                findings += [
                    (link, copies[link], finding)
                    for finding in _one_qr(code, found, image, px_per_mm, label, variables)
                ]
    finally:
        document.close()
    return _once(findings, "on the sheet" if entry.get("imposition") else "on the page")


def _once(findings: list[tuple[str, int, Finding]], where: str) -> list[Finding]:
    """Each code's finding once, saying how many of its copies it is true of: an A4 sheet of
    two leaflets has each code twice, each copy read on its own, whose findings differ at
    most in a measurement's last digit. Two different codes are never folded together."""
    same: dict[tuple[str, str, str, int | None, str], list[tuple[int, Finding]]] = {}
    for link, total, finding in findings:
        shape = re.sub(r"[0-9.]+", "#", finding.message)
        key = (link, finding.severity, finding.check, finding.page, shape)
        same.setdefault(key, []).append((total, finding))
    folded = []
    for group in same.values():
        total, first = group[0]
        if total == 1:
            folded += [finding for _, finding in group]
            continue
        count = len(group)
        said = "both copies" if count == total == 2 else f"all {total} copies"
        if count < total:
            said = f"{count} of the {total} copies"
        folded.append(replace(first, message=f"{first.message} ({said} {where})"))
    return folded


def _copy_at(code: dict[str, Any], matches: list[Any], px_per_mm: float) -> Any:
    """The decoded symbol printed where this copy of the code was placed: a sheet of two
    leaflets has each code twice, and each copy is read and measured on its own. None when
    no symbol with the code's address is there."""
    if not matches or "x_mm" not in code or "y_mm" not in code:
        return matches[0] if matches else None  # an older manifest: where is not known
    half = float(code.get("width_mm", 0) or 0) / 2
    centre = ((float(code["x_mm"]) + half) * px_per_mm, (float(code["y_mm"]) + half) * px_per_mm)

    def distance(symbol: Any) -> float:
        where = symbol.position
        x = (where.top_left.x + where.bottom_right.x) / 2
        y = (where.top_left.y + where.bottom_right.y) / 2
        return math.hypot(x - centre[0], y - centre[1])

    nearest = min(matches, key=distance)
    # Within the code's own box (or 10 mm): the copies of a code are a page width apart.
    return nearest if distance(nearest) <= max(half, 10) * px_per_mm else None


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
    symbol = _copy_at(code, matches, px_per_mm)
    if symbol is None and matches:
        return [
            Finding(
                "error",
                label,
                "qr",
                f"the QR code for '{link}' could not be read from the printed page "
                f"{float(code['x_mm']):.0f} mm from the left and {float(code['y_mm']):.0f} mm "
                "from the top, though another copy of it can; make it larger or move what "
                "covers it",
                page=page,
            )
        ]
    if symbol is None:
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
    where = symbol.position
    corners = (where.top_left, where.top_right, where.bottom_right, where.bottom_left)
    xs = [corner.x for corner in corners]
    ys = [corner.y for corner in corners]
    # Modules and width measured on the symbol as printed (what a phone sees), not worked out
    # from the URL.
    measured = symbol_modules(image, min(xs), min(ys), max(xs))
    modules = measured or len(qr_matrix(url)) - 2 * QUIET_ZONE
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
    else:  # a code under the smallest width has that said once, not its modules too
        findings += _module_size(code, variables, modules, module_px / px_per_mm, label)
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


def _module_size(
    code: dict[str, Any], variables: dict[str, Any], modules: int, module_mm: float, label: str
) -> list[Finding]:
    """A warning when the code's modules are smaller than its scanning distance needs."""
    distance = float(variables.get("scan_distance_m", 0) or HANDHELD_DISTANCE_M)
    needed = distance * 1000 / DISTANCE_PER_MODULE
    if module_mm >= needed * 0.98:  # 2 %: the measurement is good to about a pixel
        return []
    advice = (
        "give the link a short address ([links] short_base in handbill.toml) or print it"
        if code.get("url") == code.get("target") or not code.get("target")
        else "print it"
    )
    return [
        Finding(
            "warning",
            label,
            "qr",
            f"the QR code for '{code['link']}' has {modules} modules across "
            f"{modules * module_mm:.1f} mm ({module_mm:.2f} mm each); read from "
            f"{distance * 100:g} cm each needs {needed:.2f} mm: {advice} at least "
            f"{math.ceil(modules * needed)} mm wide without its margin",
            page=code["page"],
        )
    ]


def symbol_modules(image: Any, left: float, top: float, right: float) -> int | None:
    """How many modules a decoded symbol has across, measured on its picture: the lines
    through its top-left finder pattern run dark, light, dark, light, dark in 1:1:3:1:1
    modules, 7 in all. None when no such line is found (the caller then trusts the URL)."""
    width = right - left
    totals = []
    # The finder takes the top 7 of at least 21 rows: look through the top third.
    for y in range(int(top), int(top + width / 3)):
        row = image.crop((int(left) - 1, y, int(right) + 1, y + 1)).tobytes()
        runs = [(dark, len(list(group))) for dark, group in itertools.groupby(b < 128 for b in row)]
        if runs and not runs[0][0]:
            runs = runs[1:]  # the blank pixel before the symbol's edge
        if len(runs) < 5:
            continue
        lengths = [length for _, length in runs[:5]]
        unit = sum(lengths) / 7
        if all(
            abs(length - want * unit) <= 0.5 * unit
            for length, want in zip(lengths, FINDER, strict=True)
        ):
            totals.append(sum(lengths))
    if not totals:
        return None
    count = width / (statistics.median(totals) / 7)
    version = max(1, min(40, round((count - 17) / 4)))
    return 17 + 4 * version
