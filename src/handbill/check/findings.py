"""What `handbill check` reports: one problem, where it is and what to change."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Finding:
    """One problem: where it is, how bad, what is wrong and what to change."""

    severity: str  # "error" or "warning"
    material: str
    check: str  # fit, qr, fonts, imprint, legibility, links, pdf, bleed
    message: str
    page: int | None = None

    @property
    def line(self) -> str:
        where = self.material + (f" p.{self.page}" if self.page else "")
        return f"{where}: {self.severity}: {self.check}: {self.message}"
