"""The wheel carries the stock templates, assets and starter kit, and works away from the repo."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
    )
    return next(out.glob("handbill-*.whl"))


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "handbill/stock/templates/_base.html",
        "handbill/stock/templates/faq.html",
        "handbill/stock/assets/css/handbill.css",
        "handbill/stock/assets/fonts/atkinson-hyperlegible/AtkinsonHyperlegible-Regular.ttf",
        "handbill/stock/assets/fonts/atkinson-hyperlegible/OFL.txt",
        "handbill/starter/handbill.toml",
        "handbill/starter/materials/faq.md",
    ):
        assert expected in names, expected


def test_installed_package_works_away_from_the_repository(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}

    def handbill(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "handbill", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    located = subprocess.run(
        [sys.executable, "-c", "from handbill.kit.loader import stock_dir; print(stock_dir())"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert located.stdout.strip() == str(site / "handbill" / "stock")
    assert handbill("new", "kit").returncode == 0
    result = handbill("build", "--kit", "kit")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "kit" / "dist" / "faq.pdf").is_file()
