"""Write outputs atomically (temporary file, fsync, rename) and keep the build manifest."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from handbill import __version__
from handbill.errors import HandbillError

MANIFEST_NAME = "manifest.json"


def write_atomic(path: Path, data: bytes | Callable[[IO[bytes]], object]) -> str:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part.

    ``data`` is the bytes, or a function that writes them to the stream it is given (for a
    file too large to hold in memory). The bytes go to a temporary file in the same folder,
    are flushed to disk, and the file is renamed over ``path``; on any failure the temporary
    file is removed. Returns the sha256.
    """
    try:
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=".handbill-tmp-", suffix=path.suffix
        )
    except OSError as exc:
        raise HandbillError(
            f"could not write {path.name}: {exc.strerror or exc}", path.parent
        ) from exc
    try:
        with os.fdopen(handle, "w+b") as stream:
            if isinstance(data, bytes):
                stream.write(data)
                digest = hashlib.sha256(data).hexdigest()
            else:
                data(stream)
                stream.flush()
                stream.seek(0)
                hasher = hashlib.sha256()
                for block in iter(lambda: stream.read(1 << 20), b""):
                    hasher.update(block)
                digest = hasher.hexdigest()
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise HandbillError(
                f"could not write {path.name}: {exc.strerror or exc}; the previous file, if any, "
                "is unchanged",
                path.parent,
            ) from exc
        raise
    return digest


def ensure_writable(folder: Path) -> None:
    """Fail early, with a clear line, when the output folder cannot be created or written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HandbillError(f"cannot create the output folder {folder}: {exc.strerror}") from exc
    try:  # a real write: permission bits, read-only mounts and immutable folders all show here
        with tempfile.TemporaryFile(dir=folder, prefix=".handbill-tmp-"):
            pass
    except OSError as exc:
        raise HandbillError(
            f"cannot write to the output folder {folder} ({exc.strerror}); "
            "choose another with --out"
        ) from exc


def read_manifest(out_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_manifest(out_dir: Path, campaign: str, entries: list[dict[str, Any]]) -> Path:
    """Record ``entries``; entries of an earlier build whose files still exist are kept.

    A lock on the output folder itself serialises this read-merge-write, so two builds into
    one folder at once cannot drop each other's entries (and no lock file is left behind).
    """
    folder = os.open(out_dir, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        return _merge_manifest(out_dir, campaign, entries)
    finally:
        os.close(folder)  # closing releases the lock


def _merge_manifest(out_dir: Path, campaign: str, entries: list[dict[str, Any]]) -> Path:
    fresh = {entry["path"] for entry in entries}
    kept = [
        entry
        for entry in read_manifest(out_dir).get("outputs", [])
        if isinstance(entry, dict)
        and isinstance(entry.get("path"), str)
        and entry["path"] not in fresh
        # Only files directly in the folder: the manifest may have come from elsewhere.
        and not entry["path"].startswith(".")
        and os.path.basename(entry["path"]) == entry["path"]
        and (out_dir / entry["path"]).is_file()
    ]
    manifest = {
        "generator": f"handbill {__version__}",
        "campaign": campaign,
        "outputs": sorted(kept + entries, key=lambda entry: str(entry["path"])),
    }
    path = out_dir / MANIFEST_NAME
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    write_atomic(path, text.encode("utf-8"))
    return path
