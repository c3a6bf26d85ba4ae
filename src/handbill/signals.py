"""Ctrl-C and SIGTERM: stop with one line, exit 130; files are never left half-written."""

from __future__ import annotations

import os
import signal
import sys
from typing import NoReturn

INTERRUPTED = (
    "Interrupted: the files already written are complete, and no half-written file was left "
    "behind. Run the build again to finish."
)


interrupted = False  # set by Ctrl-C or SIGTERM, in case library code swallows the exception


def _raise_interrupt(signum: int, frame: object) -> None:
    global interrupted
    interrupted = True
    raise KeyboardInterrupt


def stop_if_interrupted() -> None:
    """Raise again if an interrupt came and was swallowed: before writing anything out."""
    if interrupted:
        raise KeyboardInterrupt


def install() -> None:
    """Make SIGTERM behave like Ctrl-C: an exception that unwinds (and cleans up) everything."""
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGINT, _raise_interrupt)


def exit_interrupted() -> NoReturn:
    """Say so and exit 130 at once. Every write is atomic and its temporary file was removed as
    the interrupt unwound, so there is nothing left to clean up; exiting directly also keeps
    interpreter shutdown (thread joins, a second Ctrl-C) from turning this into a traceback."""
    print(INTERRUPTED, file=sys.stderr)
    exit_now(130)


def exit_now(code: int) -> NoReturn:
    """Flush and exit without interpreter shutdown, where a late Ctrl-C could still land."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
