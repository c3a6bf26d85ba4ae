"""Reading QR codes back: findings on a sheet of several copies are said once."""

from __future__ import annotations

from handbill.check.findings import Finding
from handbill.check.qrscan import _once


def finding(mm: str, page: int = 1) -> Finding:
    return Finding(
        "warning",
        "event-flyer row 1",
        "qr",
        f"the QR code for 'events' has 25 modules across {mm} mm; print it at least 13 mm wide",
        page=page,
    )


def test_four_copies_of_a_code_on_a_sheet_are_one_finding() -> None:
    copies = [finding("11.9"), finding("11.9"), finding("12.0"), finding("11.9")]
    assert [f.line for f in _once(copies, "on the sheet")] == [
        "event-flyer row 1 p.1: warning: qr: the QR code for 'events' has 25 modules across "
        "11.9 mm; print it at least 13 mm wide (4 copies on the sheet)"
    ]


def test_findings_on_other_pages_or_of_other_kinds_stay_apart() -> None:
    other = Finding("error", "event-flyer row 1", "qr", "something is printed inside", page=1)
    found = _once([finding("11.9"), finding("11.9", page=2), other], "on the page")
    assert [(f.page, f.message.endswith("wide")) for f in found] == [
        (1, True),
        (2, True),
        (1, False),
    ]
