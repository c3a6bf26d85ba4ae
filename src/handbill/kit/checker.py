"""Check handbill.toml's values while reading them: every problem collected with its line."""

from __future__ import annotations

import re
from typing import Any

from handbill.errors import did_you_mean


def _key_lines(text: str) -> dict[tuple[str, str], int]:
    """Map (table, key) to the line it is written on, so errors can point at it."""
    lines: dict[tuple[str, str], int] = {}
    table = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", line)
        if header:
            table = header[1].replace('"', "")
            lines.setdefault((table, ""), number)
            continue
        key = re.match(r'^"?([A-Za-z0-9_.-]+)"?\s*=', line)
        if key:
            lines.setdefault((table, key[1]), number)
    return lines


class Checker:
    """Collects problems as (line, text) pairs while values are read."""

    def __init__(self, text: str):
        self.lines = _key_lines(text)
        self.problems: list[tuple[int | None, str]] = []

    def line(self, table: str, key: str = "") -> int | None:
        return self.lines.get((table, key)) or self.lines.get((table, ""))

    def add(self, table: str, key: str, text: str) -> None:
        dotted = f"{table}.{key}" if key else table
        self.problems.append((self.line(table, key), f"Config value '{dotted}': {text}"))

    def string(self, data: dict[str, Any], table: str, key: str, default: str = "") -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            self.add(table, key, f"must be text in quotes, not {type(value).__name__}")
            return default
        return value.strip()

    def unknown_keys(self, data: dict[str, Any], table: str, allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or f" Allowed: {', '.join(sorted(allowed))}."
                self.add(table, key, f"unknown setting.{hint}")
