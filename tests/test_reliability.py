"""What handbill promises about files: reproducible bytes, no half-written output, clear errors."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from conftest import REPO, write
from handbill.build.runner import build
from handbill.cli import cli
from handbill.errors import HandbillError
from handbill.kit.loader import load_kit


def handbill(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "handbill", *args],
        env={**os.environ, "PYTHONPATH": str(REPO / "src"), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def digests(folder: Path) -> dict[str, str]:
    """The outputs' digests. The build's own hidden records are left out: the cache and the
    snapshot hold file paths and modification times by design, to tell what has changed."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith(".handbill-")
    }


def test_example_kit_builds_byte_identical_in_separate_processes(tmp_path: Path) -> None:
    runs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}"
        process = handbill(
            "build", "--kit", str(REPO), "--out", str(out), "-q", env={"PYTHONHASHSEED": seed}
        )
        runs.append((process, out))
    for process, _ in runs:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
    first, second = (digests(out) for _, out in runs)
    assert len(first) >= 29  # 22 PDFs, 6 editable copies and the manifest
    assert first == second


@pytest.fixture
def busy_kit(kit_dir: Path) -> Path:
    """The fixture kit with a dozen materials, so that a build takes long enough to interrupt."""
    for number in range(12):
        shutil.copy(kit_dir / "materials" / "sheet.md", kit_dir / "materials" / f"s{number}.md")
    return kit_dir


def test_interrupted_builds_leave_only_complete_files(busy_kit: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = build(load_kit(busy_kit), out_dir=out, jobs=2)
    assert not old.failures
    old_digests = digests(out)
    for path in (busy_kit / "materials").glob("*.md"):
        path.write_text(path.read_text().replace("The first answer", "A changed answer"))
    new_outputs = tmp_path / "new"
    build(load_kit(busy_kit), out_dir=new_outputs, jobs=2)
    new_digests = digests(new_outputs)
    # Signals at fractions of how long a whole build takes on this machine now, so that most
    # arrive while it runs however fast or busy the machine is.
    started = time.perf_counter()
    timing = handbill("build", "--kit", str(busy_kit), "--out", str(out), "-j", "2", "--no-cache")
    timing.communicate(timeout=120)
    seconds = time.perf_counter() - started
    interrupted = 0
    for fraction in (0.2, 0.35, 0.5, 0.65, 0.8):
        delay = fraction * seconds
        for sig in (signal.SIGINT, signal.SIGTERM):
            # --no-cache: every build lays out everything again, so there is a build to
            # interrupt even after an earlier one has finished.
            process = handbill(
                "build", "--kit", str(busy_kit), "--out", str(out), "-j", "2", "--no-cache"
            )
            time.sleep(delay)
            process.send_signal(sig)
            _, stderr = process.communicate(timeout=120)
            if process.returncode != 0:
                interrupted += 1
                assert process.returncode == 130, stderr
                assert stderr.strip().endswith(
                    "Interrupted: the files already written are complete, and no half-written "
                    "file was left behind. Run the build again to finish."
                )
            for name, digest in digests(out).items():
                assert not name.startswith(".handbill-tmp"), name
                if name.endswith(".pdf"):
                    assert digest in (old_digests[name], new_digests[name]), name
                    assert len(PdfReader(out / name).pages) == 1
    assert interrupted >= 5  # most signals arrive while the build is still running


def test_two_builds_at_once_into_one_folder(busy_kit: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = handbill("build", "card", "--kit", str(busy_kit), "--out", str(out), "-j", "1")
    second = handbill(
        "build", "sheet", "s1", "s2", "--kit", str(busy_kit), "--out", str(out), "-j", "1"
    )
    for process in (first, second):
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(e["path"] for e in manifest["outputs"]) == [
        "card.home.pdf",
        "card.pdf",
        "s1.pdf",
        "s2.pdf",
        "sheet.pdf",
    ]
    for entry in manifest["outputs"]:
        assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]


def test_read_only_output_folder(kit_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "locked"
    out.mkdir()
    if os.geteuid() == 0:
        # Permission bits do not bind root; the immutable attribute does.
        if subprocess.run(["chattr", "+i", str(out)], check=False).returncode != 0:
            pytest.skip("running as root on a file system without chattr +i: cannot lock a folder")
    else:
        out.chmod(0o555)
    try:
        with pytest.raises(
            HandbillError,
            match=r"cannot write to the output folder .*locked "
            r"\(.*\); choose another output folder with --out",
        ):
            build(load_kit(kit_dir), out_dir=out, jobs=1)
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(out)], check=True)
        out.chmod(0o755)
    assert list(out.iterdir()) == []


def test_no_clock_in_outputs(kit_dir: Path, tmp_path: Path) -> None:
    write(
        kit_dir / "materials" / "card.md",
        "---\ntemplate: card\ntitle: T\nexports: [docx, txt]\nvars: {slogan: x}\n---\nHello\n",
    )
    first = build(load_kit(kit_dir), out_dir=tmp_path / "a", jobs=1)
    time.sleep(2.1)  # zip timestamps have two-second resolution
    second = build(load_kit(kit_dir), out_dir=tmp_path / "b", jobs=1)
    assert [e["sha256"] for e in first.entries] == [e["sha256"] for e in second.entries]
    assert digests(tmp_path / "a") == digests(tmp_path / "b")


FULL_DISK_MATERIALS = ("faq", "leaflet-a5", "placard-a4")  # ten PDFs of various sizes


def check_full_disk_report(stderr: str, reference: Path, out: Path) -> None:
    """Each output that could not be written is named, on a line of its own, before the summary
    (a material's other outputs are not tried after one fails); the files that were written
    are complete, and no temporary file is left."""
    lines = stderr.strip().removeprefix("Error: ").splitlines()
    named = [re.fullmatch(r".*could not write (\S+): .*", line) for line in lines[:-1]]
    assert all(named), lines
    failed = {match[1] for match in named if match}
    assert failed and len(failed) == len(named)
    assert re.fullmatch(rf"Built \d+ PDFs?, .*; {len(failed)} failed", lines[-1]), lines[-1]
    written = {path.name for path in out.iterdir()}
    assert not [name for name in written if name.startswith(".handbill-tmp-")]
    expected = {path.name for path in reference.iterdir()}
    # The redirect tables come after the manifest and go with a full disk (named in the error).
    tables = {"_redirects", "redirects.apache.conf", "redirects.nginx.conf", "redirects.csv"}
    outputs = {name for name in expected if not name.startswith(".handbill-")} - tables
    assert failed <= expected - written
    stems = {name.split(".")[0] for name in failed}
    assert {name for name in outputs - written if name.split(".")[0] not in stems} == set()
    for name in written & outputs - {"manifest.json"}:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    if "manifest.json" in written:  # written after the others failed, listing the rest
        assert json.loads((out / "manifest.json").read_text())["outputs"]


def test_full_disk_names_each_output_not_written(tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    assert not build(load_kit(REPO), FULL_DISK_MATERIALS, reference, jobs=2).failures
    # A disk with room for about half the outputs.
    size = sum(path.stat().st_size for path in reference.iterdir()) // 2
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(tiny)],
            capture_output=True,
            text=True,
            check=False,
        )
        problem = mounted.stderr.strip() if mounted.returncode else ""
    except OSError as exc:
        problem = str(exc)
    if problem:  # not root, or no mount(8): the next test fills a disk in another way
        pytest.skip(f"cannot mount a small tmpfs here ({problem}); see test_full_disk_in_process")
    try:
        process = handbill(
            "build", *FULL_DISK_MATERIALS, "--kit", str(REPO), "--out", str(tiny), "-j", "2"
        )
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 1, stderr
        check_full_disk_report(stderr, reference, tiny)
    finally:
        subprocess.run(["umount", str(tiny)], check=True)


def test_full_disk_in_process(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = tmp_path / "reference"
    assert not build(load_kit(REPO), FULL_DISK_MATERIALS, reference, jobs=1).failures
    room = [4]  # the disk fills after four files

    def fsync(fd: int) -> None:
        if not room[0]:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        room[0] -= 1

    monkeypatch.setattr(os, "fsync", fsync)
    out = tmp_path / "out"
    command = ["build", *FULL_DISK_MATERIALS, "--kit", str(REPO), "--out", str(out), "-j", "1"]
    result = runner.invoke(cli, command)
    assert result.exit_code == 1, result.output
    check_full_disk_report(result.stderr, reference, out)
    assert len(list(out.iterdir())) == 4
