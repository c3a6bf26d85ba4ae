"""Load a kit: handbill.toml, its materials and data files, and where the stock templates live."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from handbill.errors import KitError, KitProblems, did_you_mean
from handbill.kit.boundary import read_text, roots_of, stock_dir
from handbill.kit.config import Config, load_config
from handbill.kit.cssfonts import css_font_problems
from handbill.kit.data import BrokenTable, load_data
from handbill.kit.fields import FIELD, field_names
from handbill.kit.fonts import font_families, font_files
from handbill.kit.material import Material
from handbill.kit.readers import READERS
from handbill.kit.scripts import language_warnings
from handbill.kit.social import social_kind
from handbill.kit.translations import select_language
from handbill.kit.vocabcheck import (
    Problem,
    check_field_columns,
    check_table,
    check_vars,
    description_warning,
    unknown_settings,
    vocabulary_of,
)
from handbill.kit.vocabulary import Vocabulary

MAX_PER_ROWS = 2_000  # one PDF per row: a local group or an event each, not a mailing list


def stock_templates() -> list[str]:
    """Names of the stock material templates (files starting with '_' are building blocks)."""
    folder = stock_dir() / "templates"
    return sorted(p.stem for p in folder.glob("*.html") if not p.name.startswith("_"))


@dataclass(frozen=True)
class Kit:
    """A campaign kit: its folder, configuration, materials by name and data tables."""

    root: Path
    config: Config
    materials: dict[str, Material]
    data: dict[str, Any] = field(default_factory=dict)
    # Warnings found while checking each material (by name), printed when it is built.
    warnings: dict[str, list[str]] = field(default_factory=dict)

    @property
    def roots(self) -> tuple[Path, ...]:
        """The folders the kit's files may be read from (see ``handbill.kit.boundary``)."""
        return roots_of(self.root)

    @property
    def font_paths(self) -> tuple[Path, ...]:
        """Every font file a build may use (see ``handbill.kit.fonts.font_files``)."""
        return font_files(self.root, [font.path for font in self.config.fonts])

    @property
    def font_families(self) -> set[str]:
        """The family names of those fonts, and of the kit's [[fonts]]."""
        return font_families(self.font_paths, [font.family for font in self.config.fonts])

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        """Kit templates first, so a kit can override any stock template of the same name."""
        return (self.root / "templates", stock_dir() / "templates")

    @property
    def asset_dirs(self) -> tuple[Path, ...]:
        return (self.root / "assets", stock_dir() / "assets")

    def select(
        self, names: tuple[str, ...] | list[str], language: str | None = None
    ) -> list[Material]:
        """The materials named (all when none are), or a KitError naming the unknown one.

        With a ``language``, each named material (every original when none are named) is
        replaced by its version in that language: see ``handbill.kit.translations``.
        """
        if not names and not self.materials:
            raise KitError(
                f"No materials to build in {self.root / 'materials'}; add one such as "
                "materials/faq.md (see docs/kit-format.md), or start from 'handbill new DIR'."
            )
        for name in names:
            if name not in self.materials:
                known = ", ".join(self.materials) or "none"
                hint = did_you_mean(name, self.materials)
                raise KitError(f"No material named '{name}'.{hint} Materials in this kit: {known}.")
        if language is not None:
            return select_language(self.materials, names, language)
        return [self.materials[name] for name in names] or list(self.materials.values())


def find_template(kit: Kit, name: str) -> Path | None:
    for folder in kit.template_dirs:
        candidate = folder / f"{name}.html"
        if candidate.is_file():
            return candidate
    return None


def with_social_vars(kit: Kit, material: Material, vocabulary: Vocabulary) -> Vocabulary:
    """The vars a material with ``social:`` may set: its template's and its social template's."""
    kind = social_kind(material.template, material.per)
    social = vocabulary_of(find_template(kit, f"social/{kind}"), kit.root)
    if social is None:
        return vocabulary
    return replace(vocabulary, vars={**social.vars, **vocabulary.vars})


def load_kit(root: Path | str) -> Kit:
    """Read the whole kit at ``root``; the first problem found is raised as a KitError."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise KitError(f"Kit folder {root} does not exist. Pass --kit DIR with a kit folder.")
    config = load_config(root)
    font_problems = css_font_problems(
        root, [font.family for font in config.fonts], config.brand.font_body
    )
    if font_problems:
        raise KitProblems(font_problems)
    materials: dict[str, Material] = {}
    folder = root / "materials"
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.name.startswith((".", "_")) or not path.is_file():
            continue
        reader = READERS.get(path.suffix.lower())
        if reader is None:
            continue
        if not path.stem.isprintable():  # it names the outputs: no control codes, no breaks
            raise KitError(
                "the file name holds a control character or a line break, which would go into "
                "every output's name; rename the file.",
                path,
            )
        material = reader(path, config)
        if material.name in materials:
            raise KitError(f"two materials are named '{material.name}'; rename one.", path)
        materials[material.name] = material
    # Name order, each original followed by its translations (sheet, sheet.cy, sheet.pl).
    order = sorted(materials.values(), key=lambda m: (m.translation_of or m.name, m.name))
    materials = {m.name: m for m in order}
    kit = Kit(root=root, config=config, materials=materials, data=load_data(root / "data"))
    for material in materials.values():
        if find_template(kit, material.template) is None:
            names = sorted({p.stem for d in kit.template_dirs for p in d.glob("[!_]*.html")})
            hint = did_you_mean(material.template, names)
            raise KitError(
                f"field 'template': no template named '{material.template}'.{hint} "
                f"Templates available: {', '.join(names)}.",
                material.path,
                2,
            )
    problems: list[Problem] = []
    for material in materials.values():
        vocabulary = vocabulary_of(find_template(kit, material.template), root)
        if vocabulary is not None and material.social:
            vocabulary = with_social_vars(kit, material, vocabulary)
        if vocabulary is not None:
            found, warnings = check_vars(material, vocabulary, root)
            problems += found
            if warnings:
                kit.warnings[material.name] = warnings
    if problems:  # a translation's inherited vars are the original's: reported once
        raise KitProblems(list(dict.fromkeys(problems)))
    for material in materials.values():
        named = description_warning(material, kit.roots)
        if named:
            kit.warnings.setdefault(material.name, []).append(named)
        for warning in language_warnings(material, kit.template_dirs, root):
            kit.warnings.setdefault(material.name, []).append(warning)
    for material in materials.values():
        check_fields(kit, material)
    outputs: dict[str, str] = {}
    for material in materials.values():
        other = outputs.setdefault(material.output_name, material.name)
        if other != material.name:
            raise KitError(
                f"field 'output': '{material.output_name}' is also written by '{other}'; "
                "give each material its own output name.",
                material.path,
            )
    return kit


def rows_of(kit: Kit, material: Material) -> list[dict[str, str]]:
    """The data rows a ``per:`` material is built for (one output each)."""
    rows = kit.data.get(material.per)
    if isinstance(rows, BrokenTable):
        raise rows.error()
    if not isinstance(rows, list):
        tables = [name for name, value in kit.data.items() if isinstance(value, list)]
        raise KitError(
            f"field 'per': no data table '{material.per}'.{did_you_mean(material.per, tables)} "
            f"Add data/{material.per}.csv with a header row.",
            material.path,
            2,
        )
    if len(rows) > MAX_PER_ROWS:
        raise KitError(
            f"field 'per': data table '{material.per}' has {len(rows):,} rows, and a per: "
            f"material makes one PDF for each; at most {MAX_PER_ROWS:,}. For a long list such "
            "as supporters, use a mail merge: handbill build NAME --merge data/FILE.csv",
            material.path,
            2,
        )
    return rows


def material_table(kit: Kit) -> list[str]:
    """The kit's materials as lines of a table: name, template, paper, pages, outputs, title."""
    rows = [("NAME", "TEMPLATE", "PAPER", "PAGES", "OUTPUT", "TITLE")]
    for material in kit.materials.values():
        pages = str(material.pages or "-") + (" (duplex)" if material.duplex else "")
        output = material.output_name
        if isinstance(kit.data.get(material.per), BrokenTable):
            output += f" (data/{material.per} cannot be read)"
        elif material.per:
            output += f" x{len(rows_of(kit, material))}"
        for kind in material.exports:
            output += f" +{kind}"
        if material.social:
            output += f" +social ({', '.join(material.social)})"
        rows.append(
            (material.name, material.template, material.paper.label, pages, output, material.title)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        + "  "
        + row[-1]
        for row in rows
    ]
    if len(rows) == 1:
        lines.append("(no materials yet: add a file such as materials/faq.md)")
    return lines


def check_fields(kit: Kit, material: Material) -> None:
    """Every ``[[field]]`` in the content must be declared, given a value, or be a data column."""
    known = set(material.fields) | set(kit.config.fields)
    if isinstance(kit.data.get(material.per), BrokenTable):
        return  # reported when the material is built; the others build
    if material.per:
        rows = rows_of(kit, material)
        known |= set(rows[0]) if rows else set()
        for column in re.findall(r"\{([a-z0-9_]+)\}", material.output):
            if rows and column != "n" and column not in rows[0]:
                raise KitError(
                    f"field 'output': data/{material.per}.csv has no column '{column}'."
                    f"{did_you_mean(column, rows[0])} Use a column name, or {{n}} for the row.",
                    material.path,
                    2,
                )
    for link in material.qr:
        if link not in kit.config.links and material.per:
            rows = rows_of(kit, material)
            if rows and link not in rows[0]:
                hint = did_you_mean(link, [*kit.config.links, *rows[0]])
                raise KitError(
                    f"field 'qr': '{link}' is neither a link in handbill.toml [links] nor a "
                    f"column of data/{material.per}.csv.{hint}",
                    material.path,
                    2,
                )
    used = [(name, "the content") for name in field_names(material.body_html)]
    # The front matter's vars (a letter's recipient and subject) are filled in as the content is.
    used += [
        (name, f"vars '{key}'")
        for key, value in material.vars.items()
        for text in _texts(value)
        for name in field_names(text)
    ]
    for name, where in used:
        if name not in known:
            source = read_text(material.path, "material", kit.roots).splitlines()
            line = next((i for i, text in enumerate(source, 1) if f"[[{name}" in text), None)
            raise KitError(
                f"{where} uses [[{name}]], which is not a field.{did_you_mean(name, known)} "
                f"Declare it in the front matter, under fields: ({name}: label for the blank).",
                material.path,
                line,
            )


def _texts(value: object) -> list[str]:
    """The strings in a front matter value (a string, or lists and tables of them)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


def buildable(
    kit: Kit, materials: list[Material], every: bool = False
) -> tuple[list[Material], list[str], list[str]]:
    """(materials to build, failure lines, warnings): a material whose ``per:`` table cannot be
    read or lacks what its template needs fails alone; the others are built. Building
    ``every`` material, a table that cannot be read is a failure even when none uses it."""
    chosen: list[Material] = []
    failures: list[str] = []
    warnings: list[str] = [w for m in materials for w in kit.warnings.get(m.name, [])]
    for material in materials:
        errors: list[str] = []
        if material.per:
            try:
                rows = rows_of(kit, material)
            except KitError as exc:
                errors.append(exc.format_message())
            else:
                vocabulary = vocabulary_of(find_template(kit, material.template), kit.root)
                if vocabulary is not None and vocabulary.columns:
                    errors, found = check_table(material, vocabulary, rows, kit.root)
                    warnings += [] if errors else found
                columns = set(vocabulary.columns) if vocabulary is not None else set()
                errors += check_field_columns(
                    material, fields_used(material) - columns, rows, kit.root
                )
        if errors:
            failures.append("\n".join(dict.fromkeys(errors)))  # one failed material
        else:
            chosen.append(material)
    if every:
        broken = [t.message for t in kit.data.values() if isinstance(t, BrokenTable)]
        failures += [message for message in broken if message not in "\n".join(failures)]
    return chosen, failures, list(dict.fromkeys(warnings))


def fields_used(material: Material) -> set[str]:
    """The fill-in fields a material uses: its ``fields:`` and the ``[[name]]`` in its text."""
    found = set(material.fields) | set(field_names(material.body_html))
    return found | set(FIELD.findall(repr(material.vars)))  # [[name]] in vars text


def check_settings(kit: Kit, materials: list[Material], overrides: dict[str, str]) -> None:
    """Refuse a ``--set`` field that none of ``materials`` uses, listing those they do."""
    if not overrides:
        return
    known = set(kit.config.fields)
    for material in materials:
        known |= fields_used(material)
        rows = kit.data.get(material.per) if material.per else None
        if isinstance(rows, list) and rows and isinstance(rows[0], dict):
            known |= set(rows[0])
        vocabulary = vocabulary_of(find_template(kit, material.template), kit.root)
        if vocabulary is not None:
            known |= set(vocabulary.fields)
    error = unknown_settings(overrides, known, [m.name for m in materials])
    if error is not None:
        raise error
