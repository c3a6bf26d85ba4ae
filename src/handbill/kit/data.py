"""Data tables: data/*.csv and data/*.json, and supporters' tables, read within limits."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from handbill.errors import KitError, unreadable_value
from handbill.kit.boundary import open_bytes, read_text, roots_of
from handbill.kit.characters import control_character, describe
from handbill.kit.markdown import smart_text


class TableRow(dict[str, str]):
    """A row of a data table, with its number as a spreadsheet shows it (the header is 1).

    Its cells are as written: file names, web addresses, QR codes and calendar times are made
    from them. ``printed`` is the same row as every page, image and label shows it.
    """

    def __init__(self, cells: dict[str, str], number: int):
        super().__init__(cells)
        self.number = number
        self._printed: dict[str, str] | None = None

    @property
    def printed(self) -> dict[str, str]:
        """The cells as printed ("St Bede\u2019s", "Don\u2019t stop \u2013 it\u2019s ..."),
        typeset once for every template, image and label that shows the row."""
        if self._printed is None:
            self._printed = {column: smart_text(cell) for column, cell in self.items()}
        return self._printed

    def __reduce__(self) -> tuple[Any, ...]:  # to worker processes, number and all
        return (TableRow, (dict(self), self.number))


class BrokenTable:
    """A data table that could not be read: only the materials that use it fail, with its
    one-line message; the others build."""

    def __init__(self, message: str):
        self.message = message

    def error(self) -> KitError:
        return KitError(self.message)


def printed_cells(cells: Mapping[str, str] | None) -> dict[str, str]:
    """``cells`` as printed: typographic quotes and dashes, dates and times kept together
    (kit/markdown.py ``smart_text``); their web and e-mail addresses and handles as written.
    A table's row is typeset once, when first shown."""
    if cells is None:
        return {}
    if isinstance(cells, TableRow):
        return cells.printed
    return {column: smart_text(cell) for column, cell in cells.items()}


def load_data(folder: Path) -> dict[str, Any]:
    """Read ``data/*.csv`` (as lists of rows) and ``data/*.json`` into a mapping by file stem;
    a table that cannot be read is kept as a ``BrokenTable``."""
    data: dict[str, Any] = {}
    if not folder.is_dir():
        return data
    roots = roots_of(folder.parent)
    for path in sorted(folder.iterdir()):
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".json"):
            continue
        try:
            if suffix == ".csv":
                rows = numbered_rows(path, roots)
                data[path.stem] = [cells for _, cells in rows]
            else:
                data[path.stem] = _read_json(path, roots)
        except KitError as exc:
            data[path.stem] = BrokenTable(exc.format_message())
    return data


def _read_json(path: Path, roots: tuple[Path, ...]) -> Any:
    text = read_text(path, "data table", roots)
    try:
        value = json.loads(text, object_hook=_counted(path), parse_int=_counted_int(path))
    except json.JSONDecodeError as exc:
        raise KitError(f"not valid JSON: {exc.msg}.", path, exc.lineno) from exc
    except ValueError as exc:  # a number of thousands of digits
        raise KitError(f"a value JSON cannot read: {unreadable_value(exc)}.", path) from exc
    except RecursionError as exc:
        raise KitError(
            "the JSON is nested too deeply to read (lists or objects inside each other "
            "hundreds of times); a data table needs a list of rows, one level deep.",
            path,
        ) from exc
    if _depth(value) > MAX_JSON_DEPTH:
        raise KitError(
            f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep. Keep data tables to "
            "a list of rows, or a few levels of objects.",
            path,
        )
    if isinstance(value, list) and all(isinstance(row, dict) for row in value):
        return [
            TableRow(_json_row(path, number, row), number) for number, row in enumerate(value, 1)
        ]
    return value


MAX_JSON_DEPTH = 20
MAX_JSON_VALUES = 500_000  # objects and numbers in one JSON table


def _counted(path: Path) -> Any:
    """A json ``object_hook`` that stops reading past MAX_JSON_VALUES objects: twenty
    megabytes of ``{}`` would otherwise be ten million objects in memory."""
    count = [0]

    def hook(value: dict[str, Any]) -> dict[str, Any]:
        count[0] += 1
        if count[0] > MAX_JSON_VALUES:
            raise KitError(
                f"more than {MAX_JSON_VALUES:,} objects; a data table needs far fewer.", path
            )
        return value

    return hook


def _counted_int(path: Path) -> Any:
    count = [0]

    def parse(text: str) -> int:
        count[0] += 1
        if count[0] > MAX_JSON_VALUES:
            raise KitError(
                f"more than {MAX_JSON_VALUES:,} numbers; a data table needs far fewer.", path
            )
        return int(text)

    return parse


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (without recursion: it may be deep)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if level <= MAX_JSON_DEPTH:
            stack.extend((child, level + 1) for child in children)
    return deepest


def _json_row(path: Path, number: int, row: dict[str, Any]) -> dict[str, str]:
    """A row of a JSON table as text cells, like a CSV row: numbers become text."""
    cells = {}
    for key, value in row.items():
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise KitError(
                f"row {number}: '{key}' must be text or a number, not "
                f"{'true/false' if isinstance(value, bool) else type(value).__name__}; "
                "a data table's rows hold one value per column.",
                path,
            )
        cells[str(key)] = value.strip() if isinstance(value, str) else format(value, "g")
    return cells


def read_csv(path: Path, roots: tuple[Path, ...] | None = None) -> list[dict[str, str]]:
    """Rows of a CSV file as dicts keyed by its header; ragged rows are reported by row number."""
    return [record for _, record in numbered_rows(path, roots)]


MAX_TABLE_ROWS = 50_000  # a kit's own data table (events, groups, constituencies)
MAX_MERGE_TABLE_ROWS = 100_000  # a supporters' table for a mail merge
MAX_COLUMNS = 200
MAX_CELLS = 2_000_000  # rows x columns held in memory at once: about 200 MB


def numbered_rows(path: Path, roots: tuple[Path, ...] | None = None) -> list[tuple[int, TableRow]]:
    """The rows of a CSV file with their row numbers as a spreadsheet shows them (header: 1).

    ``roots`` are the folders a kit's data table must lie in; None for a supporters' table
    named on the command line. Rows are read one at a time, and reading stops at the first
    limit passed (rows, columns, cells), so a small file of empty rows cannot fill memory.
    """
    records: list[tuple[int, TableRow]] = []
    for number, line, cells in table_rows(path, roots):
        if len(records) * len(cells) > MAX_CELLS:
            raise KitError(
                f"more than {MAX_CELLS:,} cells (rows times columns); leave out the "
                "columns that are not needed, or split the table.",
                path,
                line,
            )
        records.append((number, cells))
    return records


def table_rows(
    path: Path, roots: tuple[Path, ...] | None = None
) -> Iterator[tuple[int, int, TableRow]]:
    """The rows of a CSV file, read as a stream: each row's number as a spreadsheet shows it,
    the line it ends on, and its cells (see ``numbered_rows``, which holds them all)."""
    kind = "data table" if roots is not None else "supporters' table"
    most = MAX_TABLE_ROWS if roots is not None else MAX_MERGE_TABLE_ROWS
    with open_bytes(path, kind, roots) as raw:
        text = io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8-sig", newline="")
        reader = csv.reader(_printable_lines(text, path))
        try:
            first = next(reader, None)
            if first is None:
                raise KitError("the file is empty; the first row must name the columns.", path, 1)
            header = _header(path, first)
            if len(header) == 1 and header[0].count(";") >= 1:
                raise KitError(
                    "the columns look separated by ';'; handbill reads commas: save as CSV "
                    "(comma delimited), or 'CSV UTF-8', in your spreadsheet.",
                    path,
                    1,
                )
            # Rows are numbered as a spreadsheet shows them (the header is row 1); the line
            # number differs when a quoted cell holds line breaks.
            for number, row in enumerate(reader, start=2):
                if number > most + 1:
                    raise KitError(
                        f"more than {most:,} rows; one {kind} holds at most that many. Split "
                        "it into several files.",
                        path,
                        reader.line_num,
                    )
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    raise KitError(
                        f"row {number} has {len(row)} cells but the header has {len(header)}; "
                        "check for a stray comma or a missing quote.",
                        path,
                        reader.line_num,
                    )
                cells = dict(zip(header, (c.strip() for c in row), strict=True))
                yield number, reader.line_num, TableRow(cells, number)
        except csv.Error as exc:
            raise KitError(
                f"not valid CSV: {exc}; check the quotes.", path, reader.line_num
            ) from exc
        except UnicodeDecodeError:
            read_text(path, kind, roots)  # reads it whole to say where: raises KitError
            raise


def _printable_lines(text: Iterator[str], path: Path) -> Iterator[str]:
    """The lines of ``text``; a control character (never printable) stops the reading."""
    for number, line in enumerate(text, start=1):
        control = control_character(line)
        if control:
            raise KitError(
                f"{describe(control[1])} cannot be printed; delete it.",
                path,
                number + control[0] - 1,
            )
        yield line


def _header(path: Path, row: list[str]) -> list[str]:
    header = [name.strip() for name in row]
    if len(header) > MAX_COLUMNS:
        raise KitError(
            f"{len(header):,} columns; a table holds at most {MAX_COLUMNS}. Leave out the "
            "columns that are not needed.",
            path,
            1,
        )
    if any(not name for name in header):
        raise KitError("a column has no name in the header row.", path, 1)
    if len(set(header)) != len(header):
        twice = next(name for name in header if header.count(name) > 1)
        raise KitError(f"the column '{twice}' appears twice in the header row.", path, 1)
    return header
