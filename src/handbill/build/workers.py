"""Pool workers that exit when the handbill process that started them dies, even by kill -9."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

# The cycle collector's thresholds for processes that make many objects and few cycles (a
# build's workers, a merge's joining process): far fewer collections than the defaults.
FEW_COLLECTIONS = (20000, 20, 20)
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_POLL_SECONDS = 0.25  # how often a worker looks, where the kernel cannot tell it


def die_with(owner: int) -> None:
    """Make this pool worker exit as soon as ``owner`` (the process that made the pool) dies.

    Call it first in every pool's initializer, with the owner's ``os.getpid()``. Without it, a
    handbill killed outright (kill -9, the OOM killer) leaves its workers running for no one,
    holding its temporary files locked so that no later build can clear them.
    """
    parent = os.getppid()
    armed = _signal_on_parent_exit()
    if os.getppid() != parent or not _running(owner):
        os._exit(1)  # the parent died before the signal was armed
    if parent != owner or not armed:
        # No prctl here, or a fork server's worker: the kernel would signal when the fork
        # server exits, but it lives on for as long as its workers do, so watch the owner.
        threading.Thread(target=_watch, args=(owner, parent), daemon=True).start()


def _signal_on_parent_exit() -> bool:
    """Ask Linux to SIGKILL this process when its parent exits; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(owner: int, parent: int) -> None:
    # An orphan's parent changes (to init or a subreaper); the owner may not be the parent.
    while os.getppid() == parent and _running(owner):
        time.sleep(_POLL_SECONDS)
    os._exit(1)


def _running(pid: int) -> bool:
    """Whether ``pid`` runs; one that has exited but is not yet reaped (a zombie) does not."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rpartition(b")")[2].split()[0] not in (b"Z", b"X")
    except FileNotFoundError:
        return False
    except (OSError, IndexError):
        pass  # no /proc: ask the kernel, which counts a zombie as running
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it runs, as another user
    return True
