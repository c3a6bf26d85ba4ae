"""Run one template within the limits: every failure becomes one line with template and line."""

from __future__ import annotations

import datetime as dt
import re
import traceback
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from markupsafe import Markup, escape

from handbill.errors import KitError, TemplateError, did_you_mean, display_path, one_line
from handbill.guard import TEMPLATE_MEMORY, TEMPLATE_SECONDS, WorkLimitError, bounded
from handbill.kit.fields import speech_length
from handbill.kit.loader import Kit
from handbill.kit.material import Material
from handbill.kit.nobreak import heading_last_words_together, unbroken_address
from handbill.render.autolink import autolink
from handbill.render.sandbox import KitLoader, KitSandbox, check_html, render_bounded

_ENVIRONMENTS: dict[tuple[Path, ...], jinja2.Environment] = {}


def environment(kit: Kit) -> jinja2.Environment:
    """One sandboxed Jinja environment per kit: its templates before the stock ones."""
    dirs = kit.template_dirs
    if dirs not in _ENVIRONMENTS:
        _ENVIRONMENTS[dirs] = KitSandbox(
            loader=KitLoader(dirs, kit.roots),
            # Always on, whatever the template's file name: select_autoescape() would miss
            # names such as "x.html.j2".
            autoescape=True,
            undefined=KitUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        _ENVIRONMENTS[dirs].filters["longdate"] = long_date
        _ENVIRONMENTS[dirs].filters["handle_breaks"] = handle_breaks
        # "14 Quay Road" never ends a line in "14" (kit/nobreak.py), wherever it is printed.
        _ENVIRONMENTS[dirs].filters["address"] = lambda value: unbroken_address(str(value))
        _ENVIRONMENTS[dirs].filters["autolink"] = autolink
        _ENVIRONMENTS[dirs].filters["keeplast"] = heading_last_words_together
        _ENVIRONMENTS[dirs].filters["speaking_time"] = lambda value: speech_length(int(value))
    return _ENVIRONMENTS[dirs]


def long_date(value: object) -> str:
    """``2018-10-26`` as "Friday 26 October 2018"; text that is not an ISO date is kept as it is."""
    text = str(value).strip()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return text
    return f"{day:%A} {day.day}\u00a0{day:%B %Y}"  # "26 October" is never split at a line end


# Where a social handle or address may break: before an "@" (a Mastodon server), after a "/"
# or "." (an address), between the words of a CamelCase name, before a run of digits.
_HANDLE_BREAK = re.compile(r"(?=@)|(?<=[/.])(?=.)|(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])")


def handle_breaks(value: object) -> Markup:
    """A handle, escaped, with a ``<wbr>`` wherever it may break: "fb.com/RiversideTenants"
    breaks as "fb.com/" "Riverside" "Tenants", never in the middle of a word."""
    text = str(value)
    pieces = _HANDLE_BREAK.split(text)
    return Markup("<wbr>").join(escape(piece) for piece in pieces if piece)


class TableCells(dict[str, str]):
    """A data table's row as templates see it (``data.NAME``), with the table's name, so that
    a column the table lacks is reported as the table's, not as a missing variable."""

    def __init__(self, cells: dict[str, str], table: str):
        super().__init__(cells)
        self.table = table


# The message a missing column gives; _undefined turns it into the author's line.
_NO_COLUMN = re.compile(r"data table '([^']+)' has no column '([^']+)'")


class KitUndefined(jinja2.StrictUndefined):
    """Jinja's strict undefined, whose message names the table of a row without the column."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        row = self._undefined_obj
        if isinstance(row, TableCells) and isinstance(self._undefined_name, str):
            return f"data table '{row.table}' has no column '{self._undefined_name}'"
        return str(super()._undefined_message)


def run_template(
    kit: Kit, material: Material, name: str, context: dict[str, Any], label: str = ""
) -> str:
    """Render the template ``name`` for ``material`` within the time and memory limits; every
    failure is one line naming the material (or ``label``), template and line."""
    label = label or material.name
    advice = f"look for a loop that never ends in templates/{name}"
    try:
        with bounded(label, "template", TEMPLATE_SECONDS, TEMPLATE_MEMORY, advice):
            page = render_bounded(environment(kit).get_template(name), context)
            check_html(page)
            return page
    except (KitError, WorkLimitError, MemoryError):
        raise  # already one line; or out of memory, which the caller's limit reports
    except TemplateError as exc:
        raise TemplateError(f"{label}: {exc.reason}{_where(exc)}") from exc
    except SecurityError as exc:
        raise TemplateError(
            f"{label}: {str(exc).rstrip('.')}{_where(exc)}; templates cannot reach "
            "Python's internals, files or modules (docs/kit-format.md lists what they can use)"
        ) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"template syntax error: {exc.message}", exc.filename, exc.lineno
        ) from exc
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(
            f"{label}: template '{exc.name}' not found in the kit's templates/ or the "
            "stock templates"
        ) from exc
    except jinja2.UndefinedError as exc:
        raise _undefined(exc, material, context) from exc
    except RecursionError as exc:
        raise TemplateError(
            f"{label}: the template calls itself without end{_where(exc)} (an include, "
            "macro or block that includes itself); break the circle"
        ) from exc
    except Exception as exc:  # template code can raise anything: 1/0, 'a' + 1, a bad filter
        raise TemplateError(
            f"{label}: the template failed{_where(exc)}: {type(exc).__name__}: {one_line(str(exc))}"
        ) from exc


def _undefined(
    exc: jinja2.UndefinedError, material: Material, context: dict[str, Any]
) -> TemplateError:
    """A name the template uses that this material does not have, in the author's terms:
    where in the template, and how to give it a value or make it optional."""
    file, line = _frame(exc)
    where = f"templates/{file}" if file else None
    message = exc.message or ""
    attribute = re.search(r"has no (?:attribute|element|key) '([^']+)'", message)
    top = re.match(r"'([^']+)' is undefined", message)
    source = display_path(material.path)
    column = _NO_COLUMN.search(message)
    if column:
        text = _no_column(context, column[1], column[2])
    elif attribute and "'dict object'" in message:
        name = attribute[1]
        given = context.get("vars")
        hint = did_you_mean(name, list(given) if isinstance(given, dict) else [])
        text = (
            f"'{name}' is not defined for this material.{hint} Add it under vars: in {source} "
            "(and to the template's vocabulary block, if it has one), or use "
            f"{{{{ vars.{name} | default('') }}}}"
        )
    elif top:
        name = top[1]
        hint = did_you_mean(name, [k for k in context if not k.startswith("_")])
        text = (
            f"'{name}' is not defined for this material.{hint} Check the spelling, or use "
            f"{{{{ {name} | default('') }}}} where it may be missing"
        )
    else:
        text = f"{one_line(message, 120)}; check the spelling in the template"
    if where is None:
        return TemplateError(f"{material.name}: {text}")
    return TemplateError(text, where, line)


def _no_column(context: dict[str, Any], table: str, name: str) -> str:
    """ "data/branches.csv has no column 'opening_hours' (its columns: ...)", with the closest."""
    tables = context.get("data")
    rows = tables.get(table) if isinstance(tables, dict) else None
    columns = list(rows[0]) if isinstance(rows, list) and rows else []
    hint = did_you_mean(name, columns)
    shown = ", ".join(columns[:8]) + (", ..." if len(columns) > 8 else "")
    close = f" ({hint.strip().lower()})" if hint else ""
    return (
        f"data/{table}.csv has no column '{name}' (its columns: {shown}); "
        f"add the column or fix the name{close}"
    )


def _frame(exc: BaseException) -> tuple[str, int | None]:
    """The innermost template frame's file name and line, or ("", None)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".html"):
            return _template_name(frame.filename), frame.lineno
    return "", None


def _template_name(path: str) -> str:
    """A template's name under templates/: "faq.html", or "social/event.html"."""
    file = Path(path)
    return f"social/{file.name}" if file.parent.name == "social" else file.name


def _where(exc: BaseException) -> str:
    """ " (in templates/x.html line 12)" from the innermost template frame, if any."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".html"):
            return f" (in {_template_name(frame.filename)} line {frame.lineno})"
    return ""
