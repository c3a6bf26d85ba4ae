"""Which WeasyPrint versions the speed work on WeasyPrint's internals was tested with.

The speed-ups (remembered lines and widths, parsed stylesheets kept, C bindings from tables,
QR codes drawn directly, fonts shared between documents, elements alike cascaded once, merges
over shared layouts) reach into names WeasyPrint does not promise to keep. They are switched on
only when the installed WeasyPrint lies in ``SPEEDUPS_TESTED``; on any other version handbill
builds with WeasyPrint's public API alone: slower, with the same pages, and it says so once.

To try a new WeasyPrint: install it, run ``make test`` (which builds the example kit both ways
and compares the pages), then widen the range here and the bound in pyproject.toml.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from functools import cache
from pathlib import Path

# [lowest, highest): the WeasyPrint versions the speed-ups were tested with.
SPEEDUPS_TESTED = ((70, 0), (71, 0))
# Set to "0" to build with the public API alone on a tested version too (the tests do, to
# compare the two ways).
SWITCH = "HANDBILL_WEASYPRINT_SPEEDUPS"


@cache
def weasyprint_version() -> tuple[int, ...] | None:
    """The installed WeasyPrint's version, read without importing it (that takes 0.3 s)."""
    spec = importlib.util.find_spec("weasyprint")
    if spec is None or not spec.origin:
        return None
    site = Path(spec.origin).parent.parent
    for info in sorted(site.glob("weasyprint-*.dist-info")):
        text = info.name.removeprefix("weasyprint-").removesuffix(".dist-info")
        try:
            return tuple(int(part) for part in text.split("."))
        except ValueError:
            return None
    return None


def version_text() -> str:
    found = weasyprint_version()
    return ".".join(map(str, found)) if found else "unknown"


def speedups_on() -> bool:
    """Whether the speed-ups may reach into WeasyPrint's internals in this process."""
    if os.environ.get(SWITCH, "1") == "0":
        return False
    found = weasyprint_version()
    return found is not None and SPEEDUPS_TESTED[0] <= found < SPEEDUPS_TESTED[1]


def notice() -> str:
    """The one line said when the speed-ups are off (empty when they are on)."""
    if speedups_on() or os.environ.get(SWITCH, "1") == "0":
        return ""
    low, high = (".".join(map(str, v)) for v in SPEEDUPS_TESTED)
    return (
        f"WeasyPrint {version_text()} is outside the versions handbill's speed-ups were tested "
        f"with ({low} up to {high}); building with WeasyPrint's public API alone (slower, same "
        "pages)"
    )


_told = False


def tell_once() -> None:
    """Print ``notice()`` once per process that builds, on standard error."""
    global _told
    text = notice()
    if text and not _told:
        _told = True
        print(f"Note: {text}", file=sys.stderr)
