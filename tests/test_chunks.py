"""Merge jobs over worker processes: results in order, the jobs read only a few ahead."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from handbill.merge.chunks import BARRIER, batched, frozen_heap, in_workers, paused_collector


def square(start: int, number: int) -> int:
    return start + number * number


def test_jobs_are_read_a_few_ahead_of_the_results() -> None:
    """A table's rows become jobs as they are read: with two workers, no more than five jobs
    are read before the first result, whatever the number of jobs."""
    read: list[int] = []

    def jobs() -> Iterator[tuple[int]]:
        for number in range(200):
            read.append(number)
            yield (number,)

    results = in_workers(square, jobs(), 2, (1000,))
    assert next(results) == 1000 and len(read) <= 5
    assert list(results) == [1000 + n * n for n in range(1, 200)] and len(read) == 200


def test_jobs_after_a_barrier_are_read_once_the_results_before_it_are_in() -> None:
    """As a merge's letters need its bases: the jobs after the barrier are made from the
    results before it, in one run of the same workers (and in one process alike)."""
    for workers in (2, 1):
        results: list[int] = []

        def jobs() -> Iterator[tuple[int, ...]]:
            yield from ((n,) for n in range(3))
            yield BARRIER
            total = sum(results)  # noqa: B023
            yield from ((total, n) for n in range(2))

        for result in in_workers(lambda *a: sum(a), jobs(), workers):
            results.append(result)
        assert results == [0, 1, 2, 3, 4]  # 0, 1, 2; then 3 + 0 and 3 + 1


def test_the_collector_is_paused_only_inside_the_block() -> None:
    import gc

    assert gc.isenabled()
    with pytest.raises(ValueError, match="bad row"), paused_collector():
        assert not gc.isenabled()
        raise ValueError("bad row")
    assert gc.isenabled()
    gc.disable()  # paused already (as by a caller): left paused
    try:
        with paused_collector():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_merge_leaves_what_it_started_with_out_of_the_collectors_passes_then_undoes_it() -> None:
    import gc

    def worker_thresholds(*_: object) -> tuple[int, ...]:
        return gc.get_threshold()

    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0  # as a process starts
    with pytest.raises(ValueError, match="bad row"), frozen_heap():
        assert gc.get_freeze_count() > 0  # what the process held as it began
        assert gc.get_threshold() == (20000, 20, 20)
        with frozen_heap():  # another merge meanwhile (a thread): nothing undone as it ends
            pass
        assert gc.get_freeze_count() > 0 and gc.get_threshold() == (20000, 20, 20)
        # Workers forked meanwhile collect as often as Python does by default.
        assert list(in_workers(worker_thresholds, [(), ()], 2)) == [(700, 10, 10)] * 2
        raise ValueError("bad row")
    assert (gc.get_threshold(), gc.get_freeze_count()) == (before, 0)


def test_objects_frozen_before_a_merge_stay_frozen_after_it() -> None:
    import gc

    gc.freeze()
    try:
        held = gc.get_freeze_count()
        with frozen_heap():
            pass
        assert gc.get_freeze_count() == held
    finally:
        gc.unfreeze()


def test_a_workers_job_runs_with_the_collector_paused() -> None:
    import gc

    def collecting(*_: object) -> bool:
        return gc.isenabled()

    assert list(in_workers(collecting, [(), (), ()], 2)) == [False] * 3
    assert gc.isenabled()  # in the process that started the workers


def test_batched() -> None:
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batched([], 3)) == []


def test_workers_are_started_afresh_every_few_dozen_jobs() -> None:
    """Each job says which process ran it: with two workers, 120 jobs run in three sets of two
    workers (50 jobs a set, 25 a worker, shared as the workers ask for them)."""
    import collections

    ran = collections.Counter(in_workers(os_pid, ((n,) for n in range(120)), 2))
    assert len(ran) == 6 and sum(ran.values()) == 120 and max(ran.values()) < 50


def os_pid(number: int) -> int:
    import os

    return os.getpid()


def test_a_workers_jobs_share_one_font_configuration() -> None:
    """Every job a merge worker runs lays out its documents with the worker's one BuildFonts
    (its fonts loaded and its stylesheets parsed once), not a fresh one each."""
    ran = list(in_workers(fonts_of_worker, ((n,) for n in range(12)), 2))
    by_worker: dict[int, set[tuple[str, int]]] = {}
    for pid, fonts in ran:
        by_worker.setdefault(pid, set()).add(fonts)
    assert len(by_worker) == 2
    assert all(len(seen) == 1 for seen in by_worker.values()), by_worker
    assert {name for seen in by_worker.values() for name, _ in seen} == {"BuildFonts"}


def fonts_of_worker(number: int) -> tuple[int, tuple[str, int]]:
    import gc
    import os

    from handbill.engine.fontsets import shared_fonts

    gc.collect()  # what the worker keeps between jobs survives a collection
    fonts = shared_fonts()
    return os.getpid(), (type(fonts).__name__, id(fonts))
