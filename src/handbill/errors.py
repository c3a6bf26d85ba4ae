"""The exception tree: every error a user can cause is a ``HandbillError`` with one clear line."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import click


def display_path(path: Path | str) -> str:
    """Show ``path`` relative to the working directory when it lies below it, else as given."""
    path = Path(path)
    try:  # abspath, not resolve: a link is named as itself, not as where it points
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def did_you_mean(word: str, choices: Iterable[str], ignore_case: bool = False) -> str:
    """Return " Did you mean 'x'?" for the closest choice, or "" when nothing is close.

    With ``ignore_case``, letter case does not count towards closeness (for names that are
    matched without it, such as font families); the choice is named as it is spelt.
    """
    spelt = {(c.casefold() if ignore_case else c): c for c in choices}
    key = word.casefold() if ignore_case else word
    close = difflib.get_close_matches(key, list(spelt), n=1, cutoff=0.6)
    return f" Did you mean '{spelt[close[0]]}'?" if close else ""


def printable(text: str, newlines: bool = False) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``), so that a file name or a
    value from a kit cannot send codes to the terminal (set its title, write the clipboard).
    Line breaks are kept only where ``newlines`` says so (handbill's own multi-line reports)."""
    if text.isprintable():
        return text
    return "".join(
        c
        if c.isprintable() or (newlines and c == "\n")
        else c.encode("unicode_escape").decode("ascii")
        for c in text
    )


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line of at most ``limit`` characters, for messages built from input."""
    flat = printable(" ".join(text.split()))
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def unreadable_value(exc: ValueError) -> str:
    """Why a parser gave up on a value, in a volunteer's words."""
    if "integer string conversion" in str(exc):
        return "a number of more than 4,300 digits, which nothing printed needs; shorten it"
    return one_line(str(exc), 120)


class HandbillError(click.ClickException):
    """Base of every error handbill reports to the user (exit status 1, no traceback)."""

    multiline = False  # one line: a line break from a file name or a value is shown as \n
    closing = 0

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        closing: int = 0,
    ):
        self.path = path
        self.line = line
        # The last ``closing`` lines of a multi-line error sum it up ("Built 3 PDFs; 2 failed"):
        # shown as they are, after the problems, each of which reads "Error: ...".
        self.closing = closing
        self.reason = message  # without the file and line in front
        where = ""
        if path is not None:
            where = printable(display_path(path)) + (f":{line}" if line else "") + ": "
        super().__init__(where + printable(message, newlines=self.multiline))

    def show(self, file: IO[Any] | None = None) -> None:
        """Each problem on its own line, all prefixed alike, then the closing lines."""
        message = self.format_message()
        lines = message.split("\n") if self.multiline else [message]
        cut = len(lines) - self.closing
        shown = [*(f"Error: {line}" for line in lines[:cut]), *lines[cut:]]
        click.echo("\n".join(shown), file=file, err=True)


class KitError(HandbillError):
    """The kit itself is wrong: handbill.toml, a material, a data file or a missing asset."""


class ConfigError(KitError):
    """One or more values in handbill.toml are wrong; all of them are reported at once."""

    multiline = True  # a line per value, then "Fix the N problems above ..."

    def __init__(self, path: Path, problems: list[tuple[int | None, str]]):
        self.problems = problems
        lines = [
            f"{display_path(path)}{f':{line}' if line else ''}: {printable(text)}"
            for line, text in problems
        ]
        noun = "problem" if len(problems) == 1 else "problems"
        lines.append(f"Fix the {len(problems)} {noun} above in {display_path(path)} and run again.")
        click.ClickException.__init__(self, "\n".join(lines))
        self.closing = 1  # "Fix the N problems above"
        self.path = path
        self.line = problems[0][0] if problems else None


class KitProblems(KitError):
    """Several mistakes in materials (e.g. ``vars`` keys), each one line, reported together."""

    multiline = True

    def __init__(self, problems: list[tuple[Path, int | None, str]]):
        lines = [
            f"{printable(display_path(path))}{f':{line}' if line else ''}: {printable(text)}"
            for path, line, text in problems
        ]
        if len(problems) > 1:
            lines.append(f"Fix the {len(problems)} problems above and run again.")
        super().__init__("\n".join(lines), closing=int(len(problems) > 1))
        self.path, self.line = problems[0][0], problems[0][1]


class TemplateError(HandbillError):
    """A template could not be found or failed while rendering a material."""


class FetchError(HandbillError):
    """A material asked for a resource handbill will not fetch (network, or outside the kit)."""


class LayoutError(HandbillError):
    """WeasyPrint could not lay out a material's HTML and CSS (nested too deeply, huge numbers)."""


class BuildError(HandbillError):
    """One or more materials failed to build; the others were written."""

    multiline = True  # a line per failure (each already one line), then the summary


class InternalError(HandbillError):
    """Something handbill did not expect: a bug to report, not a mistake in the kit (status 2)."""

    exit_code = 2
    multiline = True


class InternalFailure(str):
    """A failure line for an unexpected exception; a build with one exits with status 2."""

    __slots__ = ()


def internal_failure(where: str, exc: BaseException) -> InternalFailure:
    """ "internal error in WHERE: Type: text; please report it, with the kit" as one line."""
    return InternalFailure(
        f"internal error in {where}: {type(exc).__name__}: {one_line(str(exc), 200)}; please "
        "report it, with the kit"
    )


def any_internal(failures: Iterable[str]) -> bool:
    """Whether any of a build's failure lines is an internal error (a bug, exit status 2)."""
    return any(isinstance(line, InternalFailure) for line in failures)
