"""Bounded work: CPU time and memory limits around one template or one output, then one line."""

from __future__ import annotations

import resource
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from handbill.errors import HandbillError

MB = 1024 * 1024
# One output (its HTML, layout and PDF): the example kit's slowest takes under 2 s and 150 MB.
OUTPUT_SECONDS = 30.0
OUTPUT_MEMORY = 1024 * MB
# One template rendered to HTML: the stock templates take a few milliseconds.
TEMPLATE_SECONDS = 10.0
TEMPLATE_MEMORY = 512 * MB


class OverLimit(BaseException):
    """Raised by the CPU timer inside the work. A BaseException, so that no library's
    ``except Exception`` swallows it on its way out."""


class WorkLimitError(HandbillError):
    """A template or an output needed more time or memory than handbill allows one."""


_state = threading.local()


def _on_timer(signum: int, frame: FrameType | None) -> None:
    # Some library code catches even BaseException (WeasyPrint's SVG drawing does), so the
    # limit is remembered and the timer fires again and again until the work is left.
    _state.tripped = True
    signal.setitimer(signal.ITIMER_PROF, 0.2)
    raise OverLimit


def stop_if_over() -> None:
    """Raise again if the limit was reached and swallowed: before writing anything out."""
    if getattr(_state, "tripped", False):
        raise OverLimit


def _address_space() -> int | None:
    """This process's virtual memory size in bytes (Linux), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as stream:
            return int(stream.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return None


@contextmanager
def bounded(what: str, unit: str, seconds: float, memory: int, advice: str) -> Iterator[None]:
    """Run the block with at most ``seconds`` of CPU time and ``memory`` more bytes.

    Beyond either, the block stops with a WorkLimitError: "WHAT: stopped after N s of work,
    the most handbill gives one UNIT; ADVICE". Limits are set only in the main thread (Python
    delivers signals there), and an inner ``bounded`` inside an outer one adds nothing: the
    outer budget covers both.
    """
    if getattr(_state, "active", False) or threading.current_thread() != threading.main_thread():
        yield
        return
    _state.active = True
    previous = signal.signal(signal.SIGPROF, _on_timer)
    signal.siginterrupt(signal.SIGPROF, False)  # system calls resume after the tick
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    used = _address_space()
    if used is not None:
        cap = used + memory
        for limit in (soft, hard):
            if limit != resource.RLIM_INFINITY:
                cap = min(cap, limit)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    signal.setitimer(signal.ITIMER_PROF, seconds)
    _state.tripped = False
    try:
        yield
        stop_if_over()  # the limit was reached, and something swallowed it: still refused
    except OverLimit:
        _release(previous, soft, hard)
        raise WorkLimitError(
            f"{what}: stopped after {seconds:g} s of work, the most handbill gives one {unit}; "
            f"{advice}"
        ) from None
    except MemoryError:
        _release(previous, soft, hard)
        raise WorkLimitError(
            f"{what}: stopped when it needed more than {memory // MB:,} MB of memory, the most "
            f"handbill gives one {unit}; {advice}"
        ) from None
    finally:
        _release(previous, soft, hard)


def _release(previous: object, soft: int, hard: int) -> None:
    """Stop the timer and give the memory limit back (safe to call twice)."""
    signal.setitimer(signal.ITIMER_PROF, 0)
    if getattr(_state, "active", False):
        signal.signal(signal.SIGPROF, previous)  # type: ignore[arg-type]
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        _state.active = False
        _state.tripped = False
