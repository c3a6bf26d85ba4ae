"""The exception tree: every error a user can cause is a ``HandbillError`` with one clear line."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path

import click


def display_path(path: Path | str) -> str:
    """Show ``path`` relative to the working directory when it lies below it, else as given."""
    path = Path(path)
    try:  # abspath, not resolve: a link is named as itself, not as where it points
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return " Did you mean 'x'?" for the closest choice, or "" when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line of at most ``limit`` characters, for messages built from input."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


class HandbillError(click.ClickException):
    """Base of every error handbill reports to the user (exit status 1, no traceback)."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        self.reason = message  # without the file and line in front
        where = ""
        if path is not None:
            where = display_path(path) + (f":{line}" if line else "") + ": "
        super().__init__(where + message)


class KitError(HandbillError):
    """The kit itself is wrong: handbill.toml, a material, a data file or a missing asset."""


class ConfigError(KitError):
    """One or more values in handbill.toml are wrong; all of them are reported at once."""

    def __init__(self, path: Path, problems: list[tuple[int | None, str]]):
        self.problems = problems
        lines = [
            f"{display_path(path)}{f':{line}' if line else ''}: {text}" for line, text in problems
        ]
        noun = "problem" if len(problems) == 1 else "problems"
        lines.append(f"Fix the {len(problems)} {noun} above in {display_path(path)} and run again.")
        click.ClickException.__init__(self, "\n".join(lines))
        self.path = path
        self.line = problems[0][0] if problems else None


class TemplateError(HandbillError):
    """A template could not be found or failed while rendering a material."""


class FetchError(HandbillError):
    """A material asked for a resource handbill will not fetch (network, or outside the kit)."""


class LayoutError(HandbillError):
    """WeasyPrint could not lay out a material's HTML and CSS (nested too deeply, huge numbers)."""


class BuildError(HandbillError):
    """One or more materials failed to build; the others were written."""


class InternalError(HandbillError):
    """Something handbill did not expect: a bug to report, not a mistake in the kit (status 2)."""

    exit_code = 2


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
