"""A handbill killed outright (kill -9): its workers exit, and the next build clears its debris."""

from __future__ import annotations

import contextlib
import csv
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO

# The build picks a fork server when threads are running (handbill serve); a thread started
# first makes the command line do the same.
WITH_A_THREAD = (
    "import threading; threading.Thread(target=threading.Event().wait, daemon=True).start(); "
    "from handbill.__main__ import run; run()"
)

# A pool whose two workers sleep until killed, in the start method and mode given.
POOL = """
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from handbill.build import workers
if sys.argv[2] == "poll":
    workers._signal_on_parent_exit = lambda: False  # as where prctl is missing
context = multiprocessing.get_context(sys.argv[1])
pool = ProcessPoolExecutor(2, context, initializer=workers.die_with, initargs=(os.getpid(),))
for future in [pool.submit(time.sleep, 0.3) for _ in range(2)]:
    future.result()
for _ in range(2):
    pool.submit(time.sleep, 600)
print("ready", flush=True)
time.sleep(600)
"""


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rpartition(")")[2].split()  # [state, ppid, ...]: the name may hold spaces


def descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid``, each with its start time (to tell a reused pid)."""
    found: dict[int, str] = {}
    parents = {pid}
    while parents:
        children = {}
        for entry in Path("/proc").iterdir():
            stat = _stat(int(entry.name)) if entry.name.isdigit() else None
            if stat and int(stat[1]) in parents:
                children[int(entry.name)] = stat[19]
        found.update(children)
        parents = set(children)
    return found


def running(processes: dict[int, str]) -> list[int]:
    """Those of ``processes`` still running: a zombie has exited, whoever reaps it."""
    stats = {pid: _stat(pid) for pid in processes}
    return [
        pid
        for pid, stat in stats.items()
        if stat and stat[0] not in ("Z", "X") and stat[19] == processes[pid]
    ]


@contextlib.contextmanager
def started(*args: str) -> Iterator[subprocess.Popen[str]]:
    """A Python process in a session of its own, whose whole group is killed at the end."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    process = subprocess.Popen(
        [sys.executable, *args], env=env, text=True, stdout=subprocess.PIPE, start_new_session=True
    )
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def kill_and_watch(process: subprocess.Popen[str], workers: dict[int, str]) -> None:
    """SIGKILL the main process only, and wait (at most 5 s) for its workers to be gone too.

    It is not reaped until they are: a dead process its parent has not yet reaped counts."""
    assert workers
    os.kill(process.pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while running(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running(workers) == [], f"workers still running 5 s after kill -9: {running(workers)}"


@pytest.mark.parametrize(
    ("method", "mode"), [("fork", "prctl"), ("fork", "poll"), ("forkserver", "prctl")]
)
def test_pool_workers_exit_when_their_owner_is_killed(method: str, mode: str) -> None:
    with started("-c", POOL, method, mode) as process:
        assert process.stdout is not None and process.stdout.readline() == "ready\n"
        workers = descendants(process.pid)
        # Two workers; with a fork server, the server and the resource tracker too.
        assert len(workers) == (2 if method == "fork" else 4), workers
        kill_and_watch(process, workers)


def leftovers(out: Path) -> list[str]:
    return sorted(
        str(path.relative_to(out))
        # A merge's work folder and the merged PDF being written are in OUT-private/.
        for pattern in (
            ".handbill-tmp-*",
            ".handbill-merge-*",
            "*/.handbill-tmp-*",
            "*/.handbill-merge-*",
        )
        for path in out.glob(pattern)
    )


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_killed_merge_debris_is_cleared_by_the_next_build(method: str, tmp_path: Path) -> None:
    with (REPO / "data" / "supporters.csv").open(encoding="utf-8") as source:
        supporters = list(csv.DictReader(source))
    table = tmp_path / "many.csv"
    with table.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(supporters[0]))
        writer.writeheader()
        for number in range(3000):  # a merge of minutes, with every name unique
            row = supporters[number % len(supporters)]
            writer.writerow({**row, "name": f"{row['name']} {number}"})
    out, private = tmp_path / "out", tmp_path / "out-private"
    command = ["build", "letter-to-mp", "--kit", str(REPO), "--merge", str(table)]
    command += ["--out", str(out), "-j", "2"]
    launch = ["-m", "handbill"] if method == "fork" else ["-c", WITH_A_THREAD]
    with started(*launch, *command) as process:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, "the merge ended before it could be killed"
            assert time.monotonic() < deadline, "no merge under way after 120 s"
            workers = descendants(process.pid)
            # Both kinds of debris, and the workers (with a fork server, two more processes).
            if len(leftovers(private)) == 2 and len(workers) >= (2 if method == "fork" else 4):
                break
            time.sleep(0.05)
        kill_and_watch(process, workers)
    assert [name.split("-")[1] for name in leftovers(private)] == ["merge", "tmp"]
    assert leftovers(out) == []
    again = subprocess.run(
        [sys.executable, "-m", "handbill", "build", "faq", "--kit", str(REPO), "--out", str(out)],
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert leftovers(private) == [] and leftovers(out) == []
    assert (out / "faq.pdf").is_file()


def test_a_build_workers_documents_share_one_font_configuration() -> None:
    """A build's worker lays out every material it is given with its one BuildFonts: its
    fonts loaded and its stylesheets parsed once per build, as in a one-process build."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from handbill.build import runner
    from test_chunks import fonts_of_worker

    with ProcessPoolExecutor(
        1,
        mp_context=multiprocessing.get_context("fork"),
        initializer=runner._init_worker,
        initargs=(None, {}, None, os.getpid()),
    ) as pool:
        seen = {pool.submit(fonts_of_worker, n).result() for n in range(3)}
    assert len(seen) == 1 and next(iter(seen))[1][0] == "BuildFonts", seen
