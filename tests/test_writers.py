"""Atomic writes and the manifest: an interrupted write never leaves a partial file."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import pytest

from conftest import REPO
from handbill.build.writers import (
    clear_debris,
    ensure_writable,
    read_manifest,
    work_folder,
    write_atomic,
    write_manifest,
)
from handbill.errors import HandbillError


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".handbill-tmp-")]


def test_writes_and_returns_sha256(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    digest = write_atomic(target, b"%PDF-new")
    assert target.read_bytes() == b"%PDF-new"
    assert digest == hashlib.sha256(b"%PDF-new").hexdigest()
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    assert leftovers(tmp_path) == []


def test_interrupted_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "faq.pdf"
    target.write_bytes(b"%PDF-old complete")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt  # Ctrl-C after half the bytes reached the temporary file

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"%PDF-new but never finished")
    assert target.read_bytes() == b"%PDF-old complete"
    assert leftovers(tmp_path) == []


def test_full_disk_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "faq.pdf"
    target.write_bytes(b"%PDF-old")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(
        HandbillError,
        match=r"could not write faq\.pdf: No space left on device; "
        r"the previous file, if any, is unchanged",
    ):
        write_atomic(target, b"%PDF-new")
    assert target.read_bytes() == b"%PDF-old"
    assert leftovers(tmp_path) == []


def test_manifest_keeps_entries_of_other_outputs(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"a")
    write_manifest(
        tmp_path,
        "Camp",
        [{"path": "a.pdf", "pages": 1}, {"path": "gone.pdf", "pages": 1}],
        lambda entry: True,
    )
    write_manifest(tmp_path, "Camp", [{"path": "b.pdf", "pages": 2}], lambda entry: True)
    manifest = read_manifest(tmp_path)
    # gone.pdf is dropped: its file does not exist.
    assert [entry["path"] for entry in manifest["outputs"]] == ["a.pdf", "b.pdf"]
    assert manifest["campaign"] == "Camp"
    assert json.loads((tmp_path / "manifest.json").read_text())["generator"].startswith("handbill ")


# Another process making a merge work folder in a folder, and holding it until told to stop.
HOLDER = """
import sys
from pathlib import Path
from handbill.build.writers import work_folder
with work_folder(Path(sys.argv[1])) as work:
    print(work.name, flush=True)
    sys.stdin.read()
"""


def test_clear_debris_removes_stale_files_but_not_live_ones(tmp_path: Path) -> None:
    # What builds killed outright leave: unlocked temporary files and merge work folders.
    (tmp_path / "letter.merge").mkdir()
    (tmp_path / "packs" / "stall").mkdir(parents=True)
    stale = [
        tmp_path / ".handbill-tmp-k1ll3d.pdf",
        tmp_path / "letter.merge" / ".handbill-tmp-a8c.pdf",
        tmp_path / "packs" / "stall" / ".handbill-tmp-x9.pdf",
    ]
    for path in stale:
        path.write_bytes(b"%PDF- Amira Khan, 14 Harehills Lane")
    (tmp_path / ".handbill-merge-0ld").mkdir()
    (tmp_path / ".handbill-merge-0ld" / "00000.pdf").write_bytes(b"%PDF-")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.pdf"
    outside.write_bytes(b"%PDF-")
    (tmp_path / ".handbill-tmp-link.pdf").symlink_to(outside)
    kept = [tmp_path / "faq.pdf", tmp_path / ".handbill-cache.json"]
    for path in kept:
        path.write_bytes(b"kept")
    # A live write in this process (another thread), stopped half way through ...
    halfway, finish = threading.Event(), threading.Event()

    def slow(stream: IO[bytes]) -> None:
        stream.write(b"%PDF- half")
        halfway.set()
        finish.wait(30)
        stream.write(b" and the rest")

    writer = threading.Thread(target=write_atomic, args=(tmp_path / "live.pdf", slow))
    writer.start()
    # ... and another process's merge, under way.
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)],
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        theirs = tmp_path / holder.stdout.readline().strip()
        assert halfway.wait(30) and theirs.is_dir()
        with work_folder(tmp_path) as ours:
            live = [p for p in tmp_path.glob(".handbill-tmp-*.pdf") if p not in stale]
            assert len(live) == 2  # the thread's, and the symbolic link
            clear_debris(tmp_path)
            for path in stale:
                assert not path.exists(), path
            assert not (tmp_path / ".handbill-merge-0ld").exists()
            assert ours.is_dir() and theirs.is_dir() and all(p.is_file() for p in kept)
            assert outside.is_file()  # a link is not followed (nor is it handbill's to remove)
            assert sorted(p.name for p in tmp_path.glob(".handbill-tmp-*")) == sorted(
                p.name for p in live
            )
    finally:
        finish.set()
        writer.join()
        holder.communicate("", timeout=30)
    assert (tmp_path / "live.pdf").read_bytes() == b"%PDF- half and the rest"
    assert not theirs.exists() and not ours.exists()


def test_ensure_writable_clears_debris(tmp_path: Path) -> None:
    (tmp_path / ".handbill-tmp-k1ll3d.pdf").write_bytes(b"%PDF-")
    ensure_writable(tmp_path)
    assert list(tmp_path.iterdir()) == []
