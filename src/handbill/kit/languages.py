"""Languages in templates: ``_("English")`` from templates/strings/LANG.toml; text direction."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from handbill.errors import KitError
from handbill.kit.boundary import read_text
from handbill.kit.config import parse_toml

STRINGS_FOLDER = "strings"
# Languages written right to left (primary subtags): Arabic, Dhivehi, Persian, Hebrew, Kurdish
# (Sorani), Pashto, Sindhi, Uyghur, Urdu, Yiddish.
RTL_LANGUAGES = frozenset({"ar", "dv", "fa", "he", "ckb", "ps", "sd", "ug", "ur", "yi"})


def text_direction(language: str) -> str:
    """ "rtl" for a language written right to left (``ur``, ``ar-EG`` ...), else "ltr"."""
    return "rtl" if language.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


def table_paths(template_dirs: Sequence[Path], language: str) -> list[Path]:
    """The string tables for ``language`` that exist, in the order they are consulted.

    For each template folder (the kit's, then the stock one): the full tag (``pt-BR.toml``),
    then its primary subtag (``pt.toml``).
    """
    tags = list(dict.fromkeys([language, language.split("-")[0].lower()]))
    paths = [folder / STRINGS_FOLDER / f"{tag}.toml" for folder in template_dirs for tag in tags]
    return [path for path in paths if path.is_file()]


def read_table(path: Path, roots: tuple[Path, ...]) -> dict[str, str]:
    """A flat TOML table of English text to its translation; problems name the file and line."""
    text = read_text(path, "string table", roots)
    data = parse_toml(path, text, 'Write each line as "English text" = "translation".')
    table: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(value, str):
            raise KitError(
                f"'{key}' must be followed by its translation in quotes, not a "
                f'{type(value).__name__}: "English text" = "translation".',
                path,
            )
        table[key] = value
    return table


def translator(
    template_dirs: Sequence[Path], language: str, roots: tuple[Path, ...] | None = None
) -> Callable[..., str]:
    """``_(text, **values)``: ``text`` in ``language`` (English when no table has it).

    ``{name}`` parts of the text are filled from ``values``, after the lookup. The tables
    must lie inside ``roots`` (the kit and stock folders; by default the template folders).
    """
    if roots is None:
        roots = tuple(Path(os.path.realpath(folder)) for folder in template_dirs)
    tables = [read_table(path, roots) for path in table_paths(template_dirs, language)]

    def translate(text: str, **values: object) -> str:
        found = next((table[text] for table in tables if text in table), text)
        if not values:
            return found
        return re.sub(
            r"\{([A-Za-z_][A-Za-z0-9_]*)\}",
            lambda m: str(values[m[1]]) if m[1] in values else m[0],
            found,
        )

    return translate


def localized_row(row: dict[str, str], language: str) -> dict[str, str]:
    """The data row as a material in ``language`` reads it: a column ``NAME.LANG`` (e.g.
    ``meeting_time.cy``) with a value replaces ``NAME``; ``NAME.cy-GB`` wins over ``NAME.cy``.

    An empty translation keeps the column's own text, so a table can be translated row by row.
    """
    tags = [language.split("-")[0].lower(), language.lower()]
    found = dict(row)
    for tag in dict.fromkeys(tags):  # the broad tag first, so the exact one has the last word
        for column, value in row.items():
            name, dot, suffix = column.rpartition(".")
            if dot and name and suffix.lower() == tag and value.strip():
                found[name] = value
    return found
