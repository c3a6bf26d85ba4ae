"""Run a command and measure its wall time, CPU time and peak memory, worker processes included."""

from __future__ import annotations

import contextlib
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE_KIB = 4  # /proc/PID/statm counts pages of 4 KiB on x86-64 and arm64 Linux


@dataclass
class Run:
    """One measured command: wall time, CPU time and summed peak RSS of all its processes.

    CPU time (user + system) counts every process of the command that ended before it did,
    worker processes included. Beside the wall time, it shows how much of a command's speed
    comes from doing less work and how much from spreading the work over the cores.
    """

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    stdout: str


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (worker processes included)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        # A process may end while it is being looked at: it then has no children to add.
        with contextlib.suppress(OSError, ValueError):
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
    return found


def _rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        # A process may end between listing and reading: it then counts for nothing.
        with contextlib.suppress(OSError, ValueError, IndexError):
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KIB
    return total


def run(args: list[str], cwd: Path | None = None, interval: float = 0.02) -> Run:
    """Run ``args``; sample the summed RSS of its process tree every ``interval`` seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss_kib(_tree(process.pid)))
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = process.communicate()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    done.set()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"benchmark step failed (exit {process.returncode}): {' '.join(args)}")
    return Run(seconds, round(cpu, 3), round(peak / 1024, 1), stdout)
