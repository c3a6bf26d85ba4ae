"""Limits on one piece of work: a limit some library swallows still stops the work, and work
cut short (a limit, Ctrl-C) is never written out as if it were whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbill import signals
from handbill.build.writers import write_atomic
from handbill.errors import HandbillError
from handbill.guard import TEMPLATE_MEMORY, WorkLimitError, bounded


def swallowing_loop() -> None:
    """CPU work inside code that catches everything, as WeasyPrint's SVG drawing does."""
    try:
        while True:
            pass
    except BaseException:
        return


def test_a_swallowed_limit_still_stops_the_work() -> None:
    expected = r"^x: stopped after 0\.3 s of work, the most"
    with (
        pytest.raises(WorkLimitError, match=expected),
        bounded("x", "output", 0.3, TEMPLATE_MEMORY, "advice"),
    ):
        for _ in range(3):  # each loop is stopped again by the timer firing once more
            swallowing_loop()


def test_nothing_is_written_after_a_swallowed_limit(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    with pytest.raises(WorkLimitError), bounded("x", "output", 0.2, TEMPLATE_MEMORY, "advice"):
        swallowing_loop()
        write_atomic(target, b"half a PDF")
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_the_limits_are_given_back() -> None:
    import resource
    import signal

    before = resource.getrlimit(resource.RLIMIT_AS)
    with bounded("x", "output", 5, TEMPLATE_MEMORY, "advice"):
        assert resource.getrlimit(resource.RLIMIT_AS) != before
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)


def test_nothing_is_written_after_a_swallowed_interrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(signals, "interrupted", True)  # Ctrl-C came, and something ate it
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "out.pdf", b"half a PDF")
    assert list(tmp_path.iterdir()) == []


def test_a_linked_folder_is_not_written_into(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "dist").symlink_to(elsewhere)
    with pytest.raises(HandbillError, match=r"dist is a link to .*; handbill writes only into"):
        write_atomic(tmp_path / "dist" / "index.html", b"<p>")
    assert list(elsewhere.iterdir()) == []
