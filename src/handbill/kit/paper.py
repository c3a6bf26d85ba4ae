"""Paper sizes in millimetres: names such as ``A4`` or ``DL``, or explicit ``210mm x 297mm``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from handbill.errors import did_you_mean

SIZES_MM: dict[str, tuple[float, float]] = {
    "A2": (420, 594),
    "A3": (297, 420),
    "A4": (210, 297),
    "A5": (148, 210),
    "A6": (105, 148),
    "DL": (99, 210),
    "LETTER": (215.9, 279.4),
}

_EXPLICIT = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*mm\s*[x\u00d7]\s*(\d+(?:\.\d+)?)\s*mm\s*$", re.IGNORECASE
)


@dataclass(frozen=True)
class Paper:
    """A page size, portrait or landscape, with its name for display and manifests."""

    name: str
    width_mm: float
    height_mm: float

    @property
    def landscape(self) -> bool:
        return self.width_mm > self.height_mm

    @property
    def css(self) -> str:
        """The value for CSS ``@page { size: ... }``."""
        return f"{_fmt(self.width_mm)}mm {_fmt(self.height_mm)}mm"

    @property
    def label(self) -> str:
        named = not self.name.endswith("mm")
        return f"{self.name} landscape" if named and self.landscape else self.name


def _fmt(value: float) -> str:
    return f"{value:g}"


def parse_paper(text: str, orientation: str | None = None) -> Paper:
    """Read ``A4``, ``a5 landscape`` or ``148mm x 210mm``; a ValueError says what to write."""
    words = str(text).split()
    if len(words) == 2 and words[1].lower() in ("portrait", "landscape"):
        text, orientation = words[0], orientation or words[1].lower()
    elif len(words) == 2 and words[0].upper() in SIZES_MM:
        hint = did_you_mean(words[1].lower(), ("portrait", "landscape"))
        raise ValueError(
            f"unknown orientation '{words[1]}' in '{text}': write '{words[0]} portrait' or "
            f"'{words[0]} landscape'.{hint}"
        )
    match = _EXPLICIT.match(str(text))
    if match:
        width, height = float(match[1]), float(match[2])
        name = f"{_fmt(width)}x{_fmt(height)}mm"
    elif str(text).upper() in SIZES_MM:
        width, height = SIZES_MM[str(text).upper()]
        name = "Letter" if str(text).upper() == "LETTER" else str(text).upper()
    else:
        known = ", ".join(n if n != "LETTER" else "Letter" for n in SIZES_MM)
        raise ValueError(
            f"unknown paper size '{text}'. Use one of {known}, or a size like '148mm x 210mm'"
        )
    if orientation not in (None, "portrait", "landscape"):
        raise ValueError(f"orientation must be 'portrait' or 'landscape', not '{orientation}'")
    short, long = sorted((width, height))
    if orientation == "landscape":
        width, height = long, short
    elif orientation == "portrait":
        width, height = short, long
    if not (20 <= width <= 2000 and 20 <= height <= 2000):
        raise ValueError(f"paper size {text} is out of range: each side must be 20-2000 mm")
    return Paper(name, width, height)
