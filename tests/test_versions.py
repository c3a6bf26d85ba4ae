"""The speed-ups reach into WeasyPrint only on tested versions; the public API alone gives the
same pages, and an untested version is named once."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from PIL import Image

from conftest import REPO
from handbill.engine import versions

NOTICE = (
    "Note: WeasyPrint {found} is outside the versions handbill's speed-ups were tested with "
    "(99.0 up to 100.0); building with WeasyPrint's public API alone (slower, same pages)"
)


def pixels(pdf: Path) -> list[tuple[int, int, bytes]]:
    """Every page of ``pdf`` rasterised by poppler at 50 dpi: its size and its pixels.

    (pdfium anti-aliases right-to-left text a shade differently when its text layer is split
    into exact-text spans, which only the speed-ups add; the glyphs and their places are the
    same, as poppler and the eye show.)
    """
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), f"{folder}/page"], check=True)
        pages = []
        for png in sorted(Path(folder).glob("page-*.png")):
            with Image.open(png) as image:
                pages.append((*image.size, image.convert("RGB").tobytes()))
    return pages


def handbill(*args: str, env: dict[str, str] | None = None, code: str = "") -> str:
    """Run handbill in a fresh process (``code`` first, to change a constant); its stderr."""
    script = f"{code}\nfrom handbill.cli import main\nmain(prog_name='handbill')"
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_the_range_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(versions, "SPEEDUPS_TESTED", ((70, 0), (71, 0)))
    for found, on in (((69, 0), False), ((70, 0), True), ((70, 2, 1), True), ((71, 0), False)):
        monkeypatch.setattr(versions, "weasyprint_version", lambda found=found: found)
        assert versions.speedups_on() is on
        assert bool(versions.notice()) is not on
    monkeypatch.setenv(versions.SWITCH, "0")
    assert not versions.speedups_on() and versions.notice() == ""  # asked for: no notice


def test_the_example_kit_gives_the_same_pages_with_the_public_api_alone(
    example_out: Path, tmp_path: Path
) -> None:
    out = tmp_path / "public"
    stderr = handbill("build", "--kit", str(REPO), "--out", str(out), env={versions.SWITCH: "0"})
    assert "Note:" not in stderr
    fast = sorted(p.name for p in example_out.glob("*.pdf"))
    assert fast == sorted(p.name for p in out.glob("*.pdf")) and len(fast) > 30
    for name in fast:
        assert pixels(out / name) == pixels(example_out / name), name


def test_an_untested_version_is_named_once_and_gives_the_same_pages(
    kit_dir: Path, tmp_path: Path
) -> None:
    fast, slow = tmp_path / "fast", tmp_path / "slow"
    handbill("build", "--kit", str(kit_dir), "--out", str(fast))
    stderr = handbill(
        "build",
        "--kit",
        str(kit_dir),
        "--out",
        str(slow),
        code="import handbill.engine.versions as v; v.SPEEDUPS_TESTED = ((99, 0), (100, 0))",
    )
    found = versions.version_text()
    assert stderr.splitlines().count(NOTICE.format(found=found)) == 1, stderr
    names = sorted(p.name for p in fast.glob("*.pdf"))
    assert names == sorted(p.name for p in slow.glob("*.pdf")) and names
    for name in names:
        assert pixels(slow / name) == pixels(fast / name), name
