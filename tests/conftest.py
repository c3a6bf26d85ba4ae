"""Shared fixtures: a fresh copy of the fixture kit, the example kit built once, a CLI runner."""

from __future__ import annotations

import shutil
import socket
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from handbill.build.jobs import Options
from handbill.build.runner import build
from handbill.kit.loader import load_kit

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURE_KIT = TESTS / "fixtures" / "kit"


def counting_layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The stems of the outputs fitting lays out in full, one for each layout (not the probes)."""
    from handbill.engine import fitting

    layouts: list[str] = []
    real = fitting.render

    def counted(kit: object, rendered: Any, read: Any = None) -> Any:
        layouts.append(rendered.stem)
        return real(kit, rendered, read)

    monkeypatch.setattr(fitting, "render", counted)
    return layouts


def write(path: Path, text: str) -> Path:
    """Write dedented ``text`` to ``path``, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def kit_dir(tmp_path: Path) -> Path:
    """A private copy of the small fixture kit, free to break."""
    target = tmp_path / "kit"
    shutil.copytree(FIXTURE_KIT, target)
    return target


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record (and refuse) every attempt to open a network connection."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network access attempted during a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


@pytest.fixture(scope="session")
def example_out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The repository's example kit, built once for the whole session."""
    out = tmp_path_factory.mktemp("example-dist")
    report = build(load_kit(REPO), out_dir=out, jobs=2)
    assert not report.failures, report.failures
    yield out


@pytest.fixture(scope="session")
def example_press(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The example kit's press PDFs (CMYK, PDF/X-4), built once for the whole session."""
    out = tmp_path_factory.mktemp("example-press")
    report = build(load_kit(REPO), out_dir=out, jobs=2, options=Options(mode="press"))
    assert not report.failures, report.failures
    yield out
