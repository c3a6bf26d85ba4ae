"""Entry point for ``python -m handbill``."""

from __future__ import annotations

from handbill.cli import main

main(prog_name="handbill")
