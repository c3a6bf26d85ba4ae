"""Atomic writes and the manifest: an interrupted write never leaves a partial file."""

from __future__ import annotations

import errno
import hashlib
import json
import os
from pathlib import Path

import pytest

from handbill.errors import HandbillError
from handbill.writers import read_manifest, write_atomic, write_manifest


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
        tmp_path, "Camp", [{"path": "a.pdf", "pages": 1}, {"path": "gone.pdf", "pages": 1}]
    )
    write_manifest(tmp_path, "Camp", [{"path": "b.pdf", "pages": 2}])
    manifest = read_manifest(tmp_path)
    # gone.pdf is dropped: its file does not exist.
    assert [entry["path"] for entry in manifest["outputs"]] == ["a.pdf", "b.pdf"]
    assert manifest["campaign"] == "Camp"
    assert json.loads((tmp_path / "manifest.json").read_text())["generator"].startswith("handbill ")
