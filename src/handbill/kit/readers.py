"""Readers: turn a material file into a ``Material``; the reader is chosen by file extension."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from handbill.errors import KitError, did_you_mean, unreadable_value
from handbill.kit.boundary import read_text, roots_of
from handbill.kit.characters import control_character, describe
from handbill.kit.config import LANGUAGE_TAG, Config
from handbill.kit.markdown import render_markdown, smart_quotes, smart_quotes_in, smart_text
from handbill.kit.material import Material
from handbill.kit.paper import parse_paper
from handbill.kit.social import parse_social
from handbill.kit.translations import inherit, translation_parts

AUDIENCES = ("organisers", "speakers", "volunteers")
FIELDS = {
    "template": "the stock or kit template to use, e.g. faq",
    "title": "the material's title",
    "subtitle": "a line under the title",
    "description": "one sentence saying what the material is for",
    "audience": "who it is for: " + ", ".join(AUDIENCES),
    "paper": "paper size: A4, A5, A3 landscape, 148mm x 210mm ...",
    "orientation": "portrait or landscape",
    "pages": "how many pages it must take, e.g. 2",
    "duplex": "true when it is printed on both sides",
    "qr": "the link names (from handbill.toml [links]) that get QR codes",
    "language": "a language tag such as en-GB",
    "output": "the output file name, without .pdf",
    "vars": "extra values for the template, as a mapping",
    "fields": "fill-in fields used as [[name]] in the content, as name: label",
    "per": "a data table (data/NAME.csv): one output per row",
    "exports": "editable copies to write as well: docx, txt",
    "published": "false for material that is not handed out (no imprint needed)",
    "private": "true to keep its outputs out of the output folder, in OUT-private/ beside it",
    "booklet": "true to print the pages as a folded, saddle-stitched booklet at home",
    "merge": "checks for a mail merge, e.g. known: {constituency: constituencies}",
    "social": "social media images to make: square, portrait, story, card",
}
EXPORTS = ("docx", "txt")
# A press release is sent as an email's text and as a Word attachment as often as a PDF:
# it gets both copies unless its front matter says otherwise (exports: [] for none).
DEFAULT_EXPORTS = {"press-release": ["docx", "txt"]}
REQUIRED = ("template", "title")
MAX_CONTENT_CHARS = 300_000  # about 100 dense A4 pages: beyond that, a mistake, not a leaflet
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _yaml_loader() -> YAML:
    # Round-trip mode keeps the line of every key (for error messages); YAML 1.2 reads
    # `no` and `12:30` as text, and duplicate keys are an error rather than silently merged.
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    return yaml


def split_front_matter(path: Path, text: str) -> tuple[str, str, int]:
    """Return (front matter, body, line number of the body's first line)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise KitError(
            "no front matter. Start the file with a '---' line, then fields such as "
            "'template: faq' and 'title: ...', then another '---' line.",
            path,
            1,
        )
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    raise KitError("front matter is not closed; add a '---' line after the fields.", path, 1)


MAX_YAML_DEPTH = 20


def _check_structure(path: Path, source: str) -> None:
    """Refuse aliases and deep nesting before the YAML is built into values.

    An alias repeats a value written elsewhere; a few lines of aliases of aliases expand to
    gigabytes (a "billion laughs"). Front matter never needs them, so none is accepted.
    """
    depth = 0
    for event in _yaml_loader().parse(source):
        kind = type(event).__name__
        line = event.start_mark.line + 2 if event.start_mark is not None else 2
        if kind == "AliasEvent":
            raise KitError(
                f"front matter: an alias (*{event.anchor}) repeats a value written elsewhere, "
                "which handbill does not accept; write the value out in full.",
                path,
                line,
            )
        if kind in ("MappingStartEvent", "SequenceStartEvent"):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise KitError(
                    f"front matter: values nested more than {MAX_YAML_DEPTH} levels deep; "
                    "front matter needs only a few levels.",
                    path,
                    line,
                )
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            depth -= 1


def _parse_yaml(path: Path, source: str) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        if "*" in source or source.count("[") + source.count("{") > MAX_YAML_DEPTH:
            _check_structure(path, source)  # a second parse, only where it can find something
        data = _yaml_loader().load(source)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark is not None else None  # +1 for 1-based, +1 for the '---'
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if "found character '\\t'" in problem or ("\t" in source and "tab" in problem):
            problem = "a tab character; indent front matter with spaces"
        elif "duplicate key" in problem or type(exc).__name__ == "DuplicateKeyError":
            problem = f"{problem}; keep only one of them"
        elif "mapping values are not allowed" in problem and mark is not None:
            problem = "a ': ' inside a value" + _quoting_advice(source, mark.line)
        raise KitError(f"front matter: {problem}.", path, line) from exc
    except YAMLError as exc:
        raise KitError(f"front matter: {exc}", path, 2) from exc
    except ValueError as exc:  # a number of thousands of digits
        raise KitError(
            f"front matter: a value YAML cannot read: {unreadable_value(exc)}.", path
        ) from exc
    except RecursionError as exc:
        raise KitError(
            f"front matter: values nested more than {MAX_YAML_DEPTH} levels deep; front matter "
            "needs only a few levels.",
            path,
        ) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise KitError("front matter must be 'field: value' lines.", path, 2)
    _check_hashes(path, source)
    lines = {}
    positions: Any = getattr(data, "lc", None)  # ruamel's record of where each key was written
    for key in data:
        try:
            lines[str(key)] = positions.key(key)[0] + 2
        except (AttributeError, KeyError, TypeError):
            lines[str(key)] = 2
    plain = _plain(data)
    for key, value in plain.items():
        for text in _strings(value):
            bad = next(
                (c for c in text if unicodedata.category(c) in ("Cs", "Cc") and c not in "\t\n"),
                None,
            )
            if bad is not None:
                raise KitError(
                    f"field '{key}': {describe(bad)} cannot be printed; write the text itself "
                    "rather than an escape such as \\u001b.",
                    path,
                    lines.get(key, 2),
                )
    return plain, lines


# A value with " #" in it, not in quotes: YAML reads the rest of the line as a comment, so
# "title: Join us #Justice4NHS" is the title "Join us". A comment proper has a space after '#'.
_CUT_BY_HASH = re.compile(
    r"""^(?P<key>\s*(?:-\s+)?[\w.-]+\s*:\s+|\s*-\s+)(?P<value>[^\s"'#|>\[{&*!%@`][^#]*?) #[^\s#]"""
)


# A value that starts with '#' (a hashtag), not in quotes: YAML reads all of it as a comment,
# so "title: #SaveOurLibrary" leaves the title empty.
_ALL_HASH = re.compile(r"""^\s*(?:-\s+)?(?P<key>[\w.-]+)\s*:\s+#[^\s#]""")


def _quoting_advice(source: str, index: int) -> str:
    """ "; put the value in double quotes: title: \"Rent: no\"" for the line at ``index``."""
    lines = source.splitlines()
    if not 0 <= index < len(lines):
        return "; put the value in double quotes"
    key, colon, value = lines[index].strip().partition(": ")
    if not colon:
        return "; put the value in double quotes"
    quoted = value.strip().replace("\\", "\\\\").replace('"', '\\"')
    return f'; put the value in double quotes: {key}: "{quoted}"'


def _check_hashes(path: Path, source: str) -> None:
    for index, line in enumerate(source.splitlines()):
        whole = _ALL_HASH.match(line)
        if whole:
            raise KitError(
                f"front matter: '{whole['key']}' is left empty, because YAML reads a value "
                "starting with '#' as a comment" + _quoting_advice(source, index) + ".",
                path,
                index + 2,
            )
        if _CUT_BY_HASH.match(line):
            raise KitError(
                "front matter: the text after ' #' is left out, because YAML reads ' #' as the "
                "start of a comment" + _quoting_advice(source, index) + ".",
                path,
                index + 2,
            )


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _plain(value: Any) -> Any:
    """Turn ruamel's commented containers into plain dicts, lists and strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _read_source(
    path: Path, roots: tuple[Path, ...], links: dict[str, str]
) -> tuple[dict[str, Any], dict[str, int], str]:
    """A ``.md`` file's front matter, the line of each field, and its body as HTML."""
    text = read_text(path, "material", roots)
    if len(text) > MAX_CONTENT_CHARS:
        raise KitError(
            f"{len(text):,} characters is far more than printed material holds (at most "
            f"{MAX_CONTENT_CHARS:,}); split it into several materials.",
            path,
        )
    control = control_character(text)
    if control:
        raise KitError(
            f"{describe(control[1])} cannot be printed (often pasted in by accident); delete it.",
            path,
            control[0],
        )
    front, body, first_line = split_front_matter(path, text)
    data, lines = _parse_yaml(path, front)
    return data, lines, render_markdown(path, body, first_line, links)


def read_markdown(path: Path, config: Config) -> Material:
    """Read a ``.md`` material: YAML front matter, then a Markdown body.

    ``NAME.LANG.md`` beside ``NAME.md`` is a translation: see ``handbill.kit.translations``.
    """
    roots = roots_of(config.path.parent)
    links = {name: link.url for name, link in config.links.items()}
    data, lines, body_html = _read_source(path, roots, links)
    parts = translation_parts(path)
    if parts is None:
        return build_material(path, data, lines, body_html, config)
    original, language = parts
    base = _effective_front_matter(original, roots, links)
    merged = inherit(base, data, language)
    material = build_material(path, merged, lines, body_html, config)
    return replace(material, translation_of=original.stem)


def _effective_front_matter(
    path: Path, roots: tuple[Path, ...], links: dict[str, str]
) -> dict[str, Any]:
    """The front matter of ``path`` with whatever it inherits (a translation of a translation)."""
    data, _, _ = _read_source(path, roots, links)
    parts = translation_parts(path)
    if parts is None:
        return data
    return inherit(_effective_front_matter(parts[0], roots, links), data, parts[1])


def build_material(
    path: Path, data: dict[str, Any], lines: dict[str, int], body_html: str, config: Config
) -> Material:
    """Check front matter fields and make the Material; the first problem is raised."""

    def fail(key: str, message: str) -> KitError:
        return KitError(f"field '{key}': {message}", path, lines.get(key, 2))

    for key in data:
        if key not in FIELDS:
            hint = did_you_mean(key, FIELDS) or " Known fields: " + ", ".join(FIELDS) + "."
            raise KitError(f"unknown field '{key}'.{hint}", path, lines.get(key, 2))
    for key in REQUIRED:
        if key not in data or data[key] in (None, ""):
            raise KitError(f"missing field '{key}': {FIELDS[key]}.", path, 2)
    text_fields = (
        "template",
        "title",
        "subtitle",
        "description",
        "output",
        "language",
        "paper",
        "orientation",
        "audience",
    )
    for key in text_fields:
        if key in data and not isinstance(data[key], str):
            raise fail(key, f"must be text, not {type(data[key]).__name__}; put it in quotes.")
    try:
        paper = parse_paper(data.get("paper", config.paper.name), data.get("orientation"))
        if "paper" not in data and "orientation" not in data:
            paper = config.paper
    except ValueError as exc:
        raise fail("paper" if "paper" in data else "orientation", str(exc) + ".") from exc
    pages = data.get("pages")
    if pages is not None and (isinstance(pages, bool) or not isinstance(pages, int) or pages < 1):
        raise fail("pages", "must be a whole number of pages, e.g. 2.")
    duplex = data.get("duplex", False)
    if not isinstance(duplex, bool):
        raise fail("duplex", "must be true or false.")
    qr = data.get("qr", [])
    if isinstance(qr, str):  # "qr: case, join" means the list [case, join]
        qr = [name.strip() for name in qr.split(",") if name.strip()]
    if not isinstance(qr, list) or not all(isinstance(item, str) for item in qr):
        raise fail("qr", "must be a list of link names, e.g. [case, donate].")
    for link in qr:
        # A per: material may also name a column of its table holding each row's own URL
        # (e.g. a local group's page); kit.check_fields checks those once the data is read.
        if link not in config.links and not data.get("per"):
            known = ", ".join(config.links) or "none defined yet"
            hint = did_you_mean(link, config.links)
            words = link.split()
            if len(words) > 1 and all(word in config.links for word in words):
                hint = f" Separate link names with commas: qr: [{', '.join(words)}]."
            raise fail("qr", f"no link named '{link}' in handbill.toml [links] ({known}).{hint}")
    audience = data.get("audience", "organisers")
    if audience not in AUDIENCES:
        raise fail("audience", f"must be one of {', '.join(AUDIENCES)}.")
    output = data.get("output", "")
    if output and not _NAME.match(re.sub(r"\{[a-z0-9_]+\}", "x", output)):
        raise fail("output", "use letters, digits, '.', '-' and '_' only (no folders).")
    fields = data.get("fields", {})
    if not isinstance(fields, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in fields.items()
    ):
        raise fail("fields", "must map each field name to its label, e.g. town: your town.")
    per = data.get("per", "")
    if not isinstance(per, str) or (per and not _NAME.match(per)):
        raise fail("per", "must name a data table, e.g. per: events for data/events.csv.")
    if output and "{" in output and not per:
        raise fail("output", "{column} parts only work with per: (one output per data row).")
    stock = str(data.get("template", "")).removesuffix(".html")
    exports = data.get("exports", DEFAULT_EXPORTS.get(stock, []))
    if isinstance(exports, str):  # "exports: docx, txt", as for qr
        exports = [kind.strip() for kind in exports.split(",") if kind.strip()]
    if not isinstance(exports, list) or any(e not in EXPORTS for e in exports):
        raise fail("exports", f"must be a list of: {', '.join(EXPORTS)}.")
    published = data.get("published", True)
    if not isinstance(published, bool):
        raise fail("published", "must be true or false.")
    private = data.get("private", False)
    if not isinstance(private, bool):
        raise fail("private", "must be true or false.")
    booklet = data.get("booklet", False)
    if not isinstance(booklet, bool):
        raise fail("booklet", "must be true or false.")
    merge = data.get("merge", {})
    merge_known = merge.get("known", {}) if isinstance(merge, dict) else None
    if (
        not isinstance(merge_known, dict)
        or set(merge) - {"known"}
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in merge_known.items())
    ):
        raise fail(
            "merge",
            "write it as 'known: {column: table}', e.g. known: {constituency: constituencies} "
            "to accept only constituencies listed in data/constituencies.csv.",
        )
    social, problem = parse_social(data.get("social", []))
    if problem:
        raise fail("social", problem)
    variables = data.get("vars", {})
    if not isinstance(variables, dict):
        raise fail("vars", "must be a mapping of names to values.")
    size = variables.get("export_font_size", 12)
    if isinstance(size, bool) or not isinstance(size, (int, float)) or not 6 <= size <= 72:
        raise fail("vars", "export_font_size must be a text size in points from 6 to 72, e.g. 16.")
    language = data.get("language", config.language)
    if not LANGUAGE_TAG.match(language):
        raise fail("language", f"'{language}' is not a language tag such as en-GB or cy.")
    template = data["template"].removesuffix(".html")
    return Material(
        name=path.stem,
        path=path,
        template=template,
        # Typographic quotes, as in the content: an apostrophe is printed as U+2019.
        title=smart_quotes(data["title"].strip()),
        subtitle=smart_quotes(data.get("subtitle", "").strip()),
        description=smart_quotes(data.get("description", "").strip()),
        audience=audience,
        paper=paper,
        pages=pages,
        duplex=duplex,
        qr=tuple(qr),
        language=language,
        output=output,
        vars=cast("dict[str, Any]", smart_quotes_in(variables)),
        # A blank's label is printed under it: "your MP's name" with an apostrophe.
        fields={name: smart_text(label) for name, label in fields.items()},
        per=per,
        exports=tuple(dict.fromkeys(exports)),
        published=published,
        private=private,
        booklet=booklet,
        merge_known=dict(merge_known),
        social=social,
        body_html=body_html,
    )


READERS: dict[str, Callable[[Path, Config], Material]] = {".md": read_markdown}
