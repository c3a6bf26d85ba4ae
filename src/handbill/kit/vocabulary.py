"""A template's declared vocabulary: the ``vars`` it accepts and the data columns it reads.

A template declares them in a comment block at its top, in YAML, so that a kit's own template
can do the same (docs/kit-format.md, "Declaring what a template uses")::

    {#- vocabulary
    vars:
      links_heading: {type: text, default: Find out more, about: the heading over the QR codes}
    columns:
      title: {need: required, about: the event's name}
    -#}

A template without one (nor in a template it extends) is not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from handbill.errors import KitError
from handbill.kit.boundary import read_text

TYPES = ("text", "number", "true/false", "list", "mapping", "file")
NEEDS = ("required", "expected", "optional")
# Accepted with every template: handbill itself reads the Word copy's text size, and
# _base.html's logo include reads ``logo`` (false leaves the kit's logo off that material).
COMMON_VARS = {"export_font_size", "logo"}
_BLOCK = re.compile(r"\{#-?\s*vocabulary\s*\n(.*?)-?#\}", re.S)
_EXTENDS = re.compile(r"""\{%-?\s*extends\s+["']([^"']+)["']""")


@dataclass(frozen=True)
class Var:
    """One ``vars`` key a template reads."""

    name: str
    type: str
    about: str
    default: Any = None


@dataclass(frozen=True)
class Column:
    """One column of the ``per:`` table a template reads: required, expected or optional."""

    name: str
    need: str
    about: str


@dataclass(frozen=True)
class Vocabulary:
    """What a template declares it uses; ``source`` is the file that declared it."""

    template: str
    source: Path
    vars: dict[str, Var] = field(default_factory=dict)
    columns: dict[str, Column] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)  # fill-in values it reads itself


def declared(path: Path, roots: tuple[Path, ...], folders: tuple[Path, ...]) -> Vocabulary | None:
    """The vocabulary of the template at ``path``, merged with those of templates it extends
    (its own entries win); None when none of them declares one."""
    name = path.stem
    chain: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    current: Path | None = path
    while current is not None and current not in seen and len(chain) < 10:
        seen.add(current)
        text = read_text(current, "template", roots)
        chain.append((current, text))
        parent = _EXTENDS.search(text)
        current = _find(parent[1], folders) if parent else None
    vocabulary: Vocabulary | None = None
    for source, text in reversed(chain):  # the base first, so the template's own entries win
        block = _BLOCK.search(text)
        if block is None:
            continue
        own = _parsed(source, block[1], text[: block.start(1)].count("\n") + 1)
        if vocabulary is None:
            vocabulary = Vocabulary(name, source, {**own.vars}, {**own.columns}, {**own.fields})
        else:
            vocabulary = Vocabulary(
                name,
                source,
                {**vocabulary.vars, **own.vars},
                {**vocabulary.columns, **own.columns},
                {**vocabulary.fields, **own.fields},
            )
    return vocabulary


def _find(name: str, folders: tuple[Path, ...]) -> Path | None:
    for folder in folders:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


@lru_cache(maxsize=256)
def _parsed(source: Path, text: str, first_line: int) -> Vocabulary:
    """``parse``, once per block: every material of a template asks for it, twice a build (the
    YAML read once, the example kit loads in two thirds of the time)."""
    return parse(source, text, first_line)


def parse(source: Path, text: str, first_line: int) -> Vocabulary:
    """Read one ``{#- vocabulary ... #}`` block; mistakes name the template and line."""
    try:
        data = YAML(typ="safe", pure=True).load(text) or {}
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark is not None else first_line
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise KitError(f"vocabulary block: {problem}.", source, line) from exc
    if not isinstance(data, dict) or set(data) - {"vars", "columns", "fields"}:
        raise KitError(
            "vocabulary block: write 'vars:', 'columns:' and 'fields:' sections only.",
            source,
            first_line,
        )
    for section in ("vars", "columns", "fields"):
        if not isinstance(data.get(section) or {}, dict):
            raise KitError(
                f"vocabulary block: '{section}:' must hold one name per line "
                "(name: {type: text, about: ...}), not a list or a single value.",
                source,
                _line_of(text, section, first_line),
            )
    variables: dict[str, Var] = {}
    for name, spec in (data.get("vars") or {}).items():
        spec = spec if isinstance(spec, dict) else {}
        kind = spec.get("type", "text")
        if kind not in TYPES:
            raise KitError(
                f"vocabulary block: vars '{name}' has type '{kind}'; use one of "
                f"{', '.join(TYPES)}.",
                source,
                _line_of(text, str(name), first_line),
            )
        variables[str(name)] = Var(str(name), kind, str(spec.get("about", "")), spec.get("default"))
    columns: dict[str, Column] = {}
    for name, spec in (data.get("columns") or {}).items():
        spec = spec if isinstance(spec, dict) else {"need": spec}
        need = spec.get("need", "optional")
        if need not in NEEDS:
            raise KitError(
                f"vocabulary block: column '{name}' has need '{need}'; use one of "
                f"{', '.join(NEEDS)}.",
                source,
                _line_of(text, str(name), first_line),
            )
        columns[str(name)] = Column(str(name), need, str(spec.get("about", "")))
    fields = {str(k): str(v or "") for k, v in (data.get("fields") or {}).items()}
    return Vocabulary(source.stem, source, variables, columns, fields)


def _line_of(text: str, key: str, first_line: int) -> int:
    for number, line in enumerate(text.splitlines()):
        if line.strip().startswith(f"{key}:"):
            return first_line + number
    return first_line
