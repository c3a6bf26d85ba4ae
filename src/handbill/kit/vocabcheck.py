"""Check a material against its template's vocabulary: its ``vars`` keys and types, its
``vars`` files, and the columns and cells of its ``per:`` table."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from handbill.errors import KitError, display_path
from handbill.kit.boundary import read_text, regular_file, roots_of, stock_dir
from handbill.kit.material import Material
from handbill.kit.vocabulary import COMMON_VARS, Var, Vocabulary, declared

# (file, line, text) of one problem, reported with the others once all are found.
Problem = tuple[Path, int | None, str]


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``word``, or None when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def vocabulary_of(template: Path | None, kit_root: Path) -> Vocabulary | None:
    """The template's declared vocabulary (None for a template that declares none)."""
    if template is None:
        return None
    folders = (kit_root / "templates", stock_dir() / "templates")
    return declared(template, roots_of(kit_root), folders)


def vars_line(material: Material, key: str, roots: tuple[Path, ...]) -> tuple[Path, int | None]:
    """Where ``vars: key`` is written: the material's file, else the original it translates."""
    paths = [material.path]
    if material.translation_of:
        paths.append(material.path.with_name(material.translation_of + ".md"))
    for path in paths:
        lines = read_text(path, "material", roots).splitlines()
        start = next((i for i, line in enumerate(lines) if re.match(r"vars\s*:", line)), None)
        if start is None:
            continue
        inline = re.search(rf"[{{,]\s*{re.escape(key)}\s*:", lines[start])
        if inline:
            return path, start + 1
        for number in range(start + 1, len(lines)):
            line = lines[number]
            if line.strip() in ("---", "...") or (line and not line[0].isspace()):
                break
            if re.match(rf"\s+{re.escape(key)}\s*:", line):
                return path, number + 1
    return material.path, None


# A kit file named in a description ("for each event in data/events.csv"): the download page
# shows the description to volunteers, to whom a file in the kit means nothing.
KIT_FILE = re.compile(
    r"(?<![\w/])(?:data|materials|templates|assets)/[\w./-]*\w|(?<![\w/.-])[\w-]+\.(?:csv|md|toml)\b"
)


def description_warning(material: Material, roots: tuple[Path, ...]) -> str | None:
    """A warning when the material's description names a kit file; else None."""
    found = KIT_FILE.search(material.description)
    if found is None:
        return None
    lines = read_text(material.path, "material", roots).splitlines()
    line = next((n for n, text in enumerate(lines, 1) if text.startswith("description:")), None)
    where = display_path(material.path) + (f":{line}" if line else "")
    return (
        f"{where}: the description names the kit file '{found.group()}', which volunteers "
        "read on the download page: say what the material is and what it is for instead"
    )


def check_vars(
    material: Material, vocabulary: Vocabulary, kit_root: Path
) -> tuple[list[Problem], list[str]]:
    """Unknown ``vars`` keys, values of the wrong type, and files that are not there."""
    roots = roots_of(kit_root)
    problems: list[Problem] = []
    warnings: list[str] = []
    known = {**{name: None for name in COMMON_VARS}, **vocabulary.vars}
    for key, value in material.vars.items():
        path, line = vars_line(material, key, roots)
        spec = known.get(key, False)
        if spec is False:
            near = closest(key, known)
            hint = (
                f"did you mean '{near}'?"
                if near
                else "it uses: " + ", ".join(sorted(vocabulary.vars)) + "."
            )
            problems.append(
                (
                    path,
                    line,
                    f"vars key '{key}' is not used by template '{material.template}'; {hint}",
                )
            )
            continue
        if isinstance(spec, Var):
            wrong = _type_problem(spec, value)
            if wrong:
                problems.append((path, line, f"vars key '{key}': {wrong}"))
            elif spec.type == "file":
                problem, warning = file_problem(str(value), kit_root)
                if problem:
                    problems.append((path, line, f"vars key '{key}': {problem}"))
                if warning:
                    where = display_path(path) + (f":{line}" if line else "")
                    warnings.append(f"{where}: vars key '{key}': {warning}")
    return problems, warnings


_TYPE_WORDS = {
    "text": "text",
    "number": "a number, e.g. 30",
    "true/false": "true or false",
    "list": "a list, e.g. [one, two] or a '- item' on each line",
    "mapping": "a mapping of names to values, e.g. {case: Read about the case}",
    "file": "a path to a file in the kit, e.g. assets/img/cover.svg",
}


def _type_problem(spec: Var, value: Any) -> str:
    if spec.type in ("text", "file"):
        good = isinstance(value, (str, int, float)) and not isinstance(value, bool)
        good = good and (spec.type == "text" or isinstance(value, str))
    elif spec.type == "number":
        text = str(value).strip().lower().removesuffix("mm")
        good = not isinstance(value, bool) and re.fullmatch(r"\d+(\.\d+)?", text) is not None
    elif spec.type == "true/false":
        good = isinstance(value, bool)
    elif spec.type == "list":
        good = isinstance(value, list)
    else:
        good = isinstance(value, dict)
    return "" if good else f"must be {_TYPE_WORDS[spec.type]}."


def file_problem(value: str, kit_root: Path) -> tuple[str, str]:
    """(problem, warning) for a file path given in a kit: paths are from the kit folder;
    ``assets/...`` may also be a stock asset; the old form, from assets/, still works."""
    roots = roots_of(kit_root)
    if not value.strip() or value.startswith("/") or "\\" in value:
        return f"'{value}' is not a path in the kit; write e.g. assets/img/cover.svg.", ""
    candidates = [kit_root / value]
    if value.startswith("assets/"):
        candidates.append(stock_dir() / value)
    for candidate in candidates:
        if candidate.is_file():
            try:
                regular_file(candidate, "file", roots)
            except KitError as exc:
                return exc.reason.rstrip("."), ""
            return "", ""
    for folder in (kit_root / "assets", stock_dir() / "assets"):
        if (folder / value).is_file():
            return "", (
                f"'{value}' is read from the assets/ folder; write assets/{value} (every path "
                "in a kit is given from the kit folder)"
            )
    return (
        f"no file '{value}' in the kit; give its path from the kit folder, e.g. "
        "assets/img/cover.svg.",
        "",
    )


def table_path(kit_root: Path, table: str) -> Path:
    """The file a data table was read from (CSV before JSON, as the names say)."""
    csv = kit_root / "data" / f"{table}.csv"
    return csv if csv.exists() else kit_root / "data" / f"{table}.json"


def check_table(
    material: Material, vocabulary: Vocabulary, rows: list[dict[str, str]], kit_root: Path
) -> tuple[list[str], list[str]]:
    """(errors, warnings) for the ``per:`` table's columns and cells, one line each."""
    path = table_path(kit_root, material.per)
    shown = display_path(path)
    header = list(rows[0]) if rows else []
    errors: list[str] = []
    warnings: list[str] = []
    needed = vocabulary.columns
    missing = [name for name in needed if name not in header]
    for heading in header:
        near = closest(heading, missing)
        if heading not in needed and near:
            line = ":1" if path.suffix == ".csv" else ""
            errors.append(f"{shown}{line}: column '{heading}': did you mean '{near}'?")
            missing.remove(near)
    for name in missing:
        if needed[name].need == "required" and name not in material.vars:
            errors.append(f"{shown}: no column '{name}', which {material.template} needs")
    for name, column in needed.items():
        if name not in header or name in material.vars:
            continue  # a value under vars: stands in for an empty cell
        empty = [_number(row, i) for i, row in enumerate(rows) if not row.get(name, "").strip()]
        if column.need == "required":
            errors += [
                f"{shown} row {n}: column '{name}' is empty, which {material.template} needs; "
                "fill it in"
                for n in empty
            ]
        elif column.need == "expected" and empty and len(empty) < len(rows):
            warnings += [
                f"{shown} row {n}: column '{name}' is empty while other rows have one, so "
                f"{material.template} prints none for this row"
                for n in empty
            ]
    return errors, warnings


def check_field_columns(
    material: Material, fields: set[str], rows: list[dict[str, str]], kit_root: Path
) -> list[str]:
    """A ``per:`` table header that is a near miss of a fill-in field the material uses
    (``meeting-place`` for ``[[meeting_place]]``): the field would print as a blank."""
    header = list(rows[0]) if rows else []
    missing = [name for name in fields if name not in header]
    shown = display_path(table_path(kit_root, material.per))
    line = ":1" if shown.endswith(".csv") else ""
    errors = []
    for heading in header:
        near = closest(heading, missing) if heading not in fields else None
        if near:
            errors.append(
                f"{shown}{line}: column '{heading}': did you mean '{near}'? "
                f"({material.name} fills [[{near}]] from it)"
            )
            missing.remove(near)
    return errors


def _number(row: dict[str, str], index: int) -> int:
    """The row's number as a spreadsheet shows it (the header is row 1)."""
    number = getattr(row, "number", 0)
    return number if isinstance(number, int) and number else index + 2


def unknown_settings(
    overrides: dict[str, str], known: set[str], materials: list[str]
) -> KitError | None:
    """An error for a ``--set`` field no material being built uses, listing those they do."""
    unknown = [name for name in overrides if name not in known]
    if not unknown:
        return None
    name = unknown[0]
    near = closest(name, known)
    hint = f" Did you mean '{near}'?" if near else ""
    listed = ", ".join(sorted(known)) or "none"
    which = f" ({', '.join(materials)})" if len(materials) <= 3 else ""
    return KitError(
        f"--set {name}: no material being built{which} has a field '{name}'.{hint} "
        f"Fields they use: {listed}."
    )
