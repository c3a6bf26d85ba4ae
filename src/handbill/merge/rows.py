"""The merge table read as a stream: every row checked in a first pass, then read again as needed.

A supporters' table can hold 100,000 rows; held in memory whole (and in every worker process
that inherited it) it made a merge's memory grow with its rows. Instead the table is read row
by row, once to check every row and count them, and again for each later step, which keeps
only what it needs of each row.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from handbill.errors import BuildError, KitError, did_you_mean, display_path
from handbill.kit.characters import describe, needs_glyph
from handbill.kit.data import table_rows
from handbill.kit.fonts import coverage
from handbill.kit.loader import Kit
from handbill.kit.material import Material
from handbill.kit.vocabcheck import closest
from handbill.merge.chunks import Row


@dataclass
class Scan:
    """What the first pass found: the good rows' count and first row, and the bad rows."""

    table: Path
    good: int = 0
    first: Row | None = None
    columns: list[str] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)  # (row number, the line to show)
    stamp: tuple[int, int] = (0, 0)  # the file's size and time of change when it was checked

    def rows(self) -> Iterator[Row]:
        """The good rows, read again from the file, which must not have changed meanwhile."""
        skipped = {number for number, _ in self.bad}
        self._unchanged()
        for number, _, cells in table_rows(self.table):
            if number not in skipped:
                yield Row(number, cells)
        self._unchanged()

    def _unchanged(self) -> None:
        if _stamp(self.table) != self.stamp:
            raise BuildError(
                f"{display_path(self.table)} changed while it was being merged; merge it again"
            )


def _stamp(path: Path) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns


def scan_rows(kit: Kit, material: Material, table: Path, overrides: dict[str, str]) -> Scan:
    """Read ``table`` through once: its good rows counted, one line for each bad row.

    A row is bad when a field the letter uses would print as a blank (empty cell, and no value
    in handbill.toml or --set), when a character of a field is in none of the kit's fonts, or
    when a column listed under ``merge: known:`` holds a value missing from that data table.
    """
    scan = Scan(table, stamp=_stamp(table))
    where = display_path(table)
    given = {k for k, v in {**kit.config.fields, **overrides}.items() if v.strip()}
    required = [name for name in material.fields if name not in given]
    known = {
        column: _known_values(kit, material, column, name)
        for column, name in material.merge_known.items()
    }
    covered = coverage(kit.font_paths)
    seen: dict[int, int] = {}  # each letter's fields, hashed -> the first row with them
    for number, _, cells in table_rows(table):
        if not scan.columns:
            scan.columns = list(cells)
            _no_set_column(overrides, scan.columns, table)
            missing = [name for name in required if name not in cells]
            # A heading with a capital ("Address"; spaces are stripped): named, as in a per: table.
            near = [
                (heading, name)
                for heading in cells
                if heading not in required
                and (name := closest(heading.strip().casefold(), missing)) is not None
            ]
            if near:
                raise KitError(
                    "; ".join(f"column '{h}': did you mean '{n}'?" for h, n in near)
                    + f" Correct the header row: {material.name} fills "
                    + ", ".join(f"[[{n}]]" for _, n in near)
                    + " from the column of that name.",
                    table,
                    1,
                )
            if missing:
                raise KitError(
                    f"has no column {', '.join(repr(m) for m in missing)}, which "
                    f"{material.name} fills in; add {'it' if len(missing) == 1 else 'them'} to "
                    "the header row.",
                    table,
                    1,
                )
        problems = [f"'{name}' is empty" for name in required if not cells.get(name, "").strip()]
        # A character no font has would print as an empty box ("tofu") in that letter only.
        for name in material.fields:
            lacking = [c for c in cells.get(name, "") if ord(c) not in covered and needs_glyph(c)]
            if lacking:
                problems.append(f"no font in the kit has {describe(lacking[0])} (in '{name}')")
        for column, (values, source) in known.items():
            value = cells.get(column, "").strip()
            if value and value.casefold() not in values:
                hint = did_you_mean(value, list(values.values()))
                problems.append(f"{column} '{value}' is not in {source}.{hint}".rstrip("."))
        # The same supporter twice (signed up twice, pasted twice) would send two letters.
        # Kept as a hash a row: a 50,000-row table must not be held whole (see Scan).
        same = hash(tuple(" ".join(cells.get(n, "").split()).casefold() for n in material.fields))
        if not problems and same in seen:
            problems.append(
                f"the same letter as row {seen[same]} (every field alike): one supporter twice? "
                "Remove one of the rows"
            )
        seen.setdefault(same, number)
        if problems:
            scan.bad.append((number, f"{where} row {number}: {'; '.join(problems)}"))
        else:
            scan.good += 1
            scan.first = scan.first or Row(number, cells)
    if not scan.columns:
        raise KitError("has no rows to merge; add one row per letter under the header.", table)
    return scan


def _no_set_column(overrides: dict[str, str], columns: list[str], table: Path) -> None:
    """--set gives every letter the same value: for a column of the table, whose cells give
    each letter its own, that would print the same name or ward on every letter, unchecked."""
    clashing = [name for name in overrides if name in columns]
    if clashing:
        names = ", ".join(f"'{name}'" for name in clashing)
        raise KitError(
            f"has a column {names}, which --set would replace in every letter; each letter takes "
            f"its own from the table: leave {names} out of --set (or, to give every letter the "
            "same value, take the column out of the table)",
            table,
            1,
        )


def _known_values(
    kit: Kit, material: Material, column: str, table: str
) -> tuple[dict[str, str], str]:
    rows = kit.data.get(table)
    if not isinstance(rows, list) or (rows and column not in rows[0]):
        raise KitError(
            f"field 'merge': data/{table}.csv with a '{column}' column is needed to check "
            f"'{column}'; add it, or remove '{column}' from merge: known:.",
            material.path,
        )
    return {r[column].strip().casefold(): r[column].strip() for r in rows}, f"data/{table}.csv"
