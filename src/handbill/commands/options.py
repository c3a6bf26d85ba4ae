"""Options every command shares: --kit and --out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

kit_option = click.option(
    "--kit",
    "kit_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The kit folder (the one holding handbill.toml).",
)


def out_option(help_text: str) -> Callable[[F], F]:
    """The --out option every command shares; only its help text differs."""
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help=f"{help_text}  [default: KIT/dist]",
    )
