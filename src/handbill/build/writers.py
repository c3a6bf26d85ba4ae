"""Write outputs atomically (temporary file, fsync, rename), clear debris, keep the manifest."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from handbill import __version__, signals
from handbill.build.places import PRIVATE, check_private_folder, located, private_folder
from handbill.build.redirects import CSV_HEADER, redirect_files, redirects_of
from handbill.build.redirects import FILES as REDIRECT_FILES
from handbill.build.redirects import HEADER as REDIRECT_HEADER
from handbill.errors import HandbillError
from handbill.guard import stop_if_over

MANIFEST_NAME = "manifest.json"
TEMPORARY = ".handbill-tmp-"  # a file being written; renamed over its output when complete
WORK_FOLDER = ".handbill-merge-"  # a mail merge's chunks, removed when the merge ends


def write_atomic(path: Path, data: bytes | Callable[[IO[bytes]], object]) -> str:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part.

    ``data`` is the bytes, or a function that writes them to the stream it is given (for a
    file too large to hold in memory). The bytes go to a temporary file in the same folder,
    are flushed to disk, and the file is renamed over ``path``; on any failure the temporary
    file is removed. It is locked while it is written, so that only when its process is
    killed outright is it left for ``clear_debris``. Returns the sha256.
    """
    # Work that was cut short (Ctrl-C, or a time limit some library swallowed) is never
    # written out as if it were whole.
    signals.stop_if_interrupted()
    stop_if_over()
    refuse_link(path.parent)
    try:
        handle, temporary = _locked_new(
            lambda: _made_file(path.parent, path.suffix), os.O_RDWR | os.O_NOFOLLOW
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
            os.fchmod(stream.fileno(), 0o644)
            # Renamed while still open, so locked until it is complete under its own name.
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


def output_folder(kit_root: Path, out_dir: Path | None) -> Path:
    """The output folder as an absolute path: ``out_dir``, else KIT/dist. A link is left as a
    link (not resolved), so that ``refuse_link`` can see it."""
    return Path(os.path.abspath(out_dir or kit_root / "dist"))


def refuse_link(folder: Path) -> None:
    """Refuse to write into a folder that is a symbolic link: a kit shipped with
    ``dist -> /somewhere/else`` would otherwise have handbill write (supporters' letters
    too) wherever the link points."""
    if os.path.islink(folder):
        raise HandbillError(
            f"{folder.name} is a link to {os.readlink(folder)}; handbill writes only into real "
            f"folders. Remove the link, or name the folder itself with --out.",
            folder.parent,
        )


def ensure_writable(folder: Path) -> None:
    """Fail early, with a clear line, when the output folder cannot be created or written, or
    the private folder beside it is not a real folder; then clear the debris of earlier builds
    from both."""
    private = check_private_folder(folder)
    _writable(folder, "the output folder")
    if private is not None:
        clear_debris(private)


def ensure_private(out_dir: Path) -> Path:
    """The private folder beside ``out_dir``, made and checked like the output folder."""
    folder = check_private_folder(out_dir) or private_folder(out_dir)
    _writable(folder, "the folder for private outputs")
    return folder


def _writable(folder: Path, label: str) -> None:
    refuse_link(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HandbillError(f"cannot create {label} {folder}: {exc.strerror}") from exc
    try:  # a real write: permission bits, read-only mounts and immutable folders all show here
        handle, probe = _locked_new(lambda: _made_file(folder, ""), os.O_RDONLY)
        try:
            os.unlink(probe)
        finally:
            os.close(handle)
    except OSError as exc:
        raise HandbillError(
            f"cannot write to {label} {folder} ({exc.strerror}); choose another output folder "
            "with --out"
        ) from exc
    clear_debris(folder)


@contextlib.contextmanager
def work_folder(out_dir: Path) -> Iterator[Path]:
    """A new folder in ``out_dir`` for intermediate files, locked while it lives, then removed."""
    handle, folder = _locked_new(
        lambda: tempfile.mkdtemp(prefix=WORK_FOLDER, dir=out_dir), os.O_RDONLY | os.O_NOFOLLOW
    )
    try:
        yield Path(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(handle)


def clear_debris(out_dir: Path) -> None:
    """Remove the temporary files and merge work folders that handbill processes killed outright
    (kill -9, the OOM killer, a power cut) left in ``out_dir``: they may hold parts of letters
    with supporters' names and addresses, and no later build would overwrite them.

    Every live one is locked by the process writing it (see ``_locked_new``), so those of a
    build writing into the same folder now are left alone.
    """
    patterns = [f"{TEMPORARY}*", f"{WORK_FOLDER}*", f"*/{TEMPORARY}*", f"packs/*/{TEMPORARY}*"]
    # Earlier versions of handbill kept private outputs in OUT/private/ (see clear_old_private).
    patterns += [f"{PRIVATE}/{WORK_FOLDER}*", f"{PRIVATE}/*/{TEMPORARY}*"]
    patterns += [f"{PRIVATE}/packs/*/{TEMPORARY}*"]
    for path in (found for pattern in patterns for found in out_dir.glob(pattern)):
        try:
            handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue  # gone already, or a symbolic link (never followed)
        with contextlib.suppress(OSError):  # locked by a live build, or just removed by another
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if stat.S_ISDIR(os.fstat(handle).st_mode):
                shutil.rmtree(path)
            else:
                os.unlink(path)
        os.close(handle)


def _made_file(folder: Path, suffix: str) -> str:
    handle, name = tempfile.mkstemp(dir=folder, prefix=TEMPORARY, suffix=suffix)
    os.close(handle)
    return name


def _locked_new(make: Callable[[], str], flags: int) -> tuple[int, str]:
    """Make a temporary file or folder with ``make``; open it and hold an exclusive lock on it.

    The lock, released when the process closes it or dies, is what tells ``clear_debris`` in
    another process that it is still in use. Between its making and the lock it looks like
    debris and another build may remove it; then another is made.
    """
    for _ in range(5):
        name = make()
        try:
            handle = os.open(name, flags)
        except FileNotFoundError:
            continue
        fcntl.flock(handle, fcntl.LOCK_EX)
        with contextlib.suppress(FileNotFoundError):
            if os.path.samestat(os.stat(name), os.fstat(handle)):
                return handle, name
        os.close(handle)
    raise OSError(errno.EAGAIN, "each new temporary file was removed by another build at once")


def read_manifest(out_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def own_path(path: object, depth: int = 2) -> bool:
    """A path handbill itself records: a file name in the output folder, or private/NAME in the
    private folder (and, with ``depth`` 3, a merge's private/NAME.merge/FILE); never hidden,
    never outside."""
    if not isinstance(path, str):
        return False
    parts = path.split("/")
    plain = all(p and not p.startswith(".") and "\\" not in p and p.isprintable() for p in parts)
    return plain and (len(parts) == 1 or (parts[0] == PRIVATE and 2 <= len(parts) <= depth))


def _moved(entry: dict[str, Any], move: Callable[[str], str]) -> dict[str, Any]:
    """``entry`` with its path, split folder and letters' paths passed through ``move``."""
    moved = {**entry, "path": move(str(entry["path"]))}
    if isinstance(entry.get("split_folder"), str):
        moved["split_folder"] = move(entry["split_folder"])
    if isinstance(entry.get("rows"), list):
        moved["rows"] = [
            {**row, "path": move(row["path"])} if isinstance(row.get("path"), str) else row
            for row in entry["rows"]
            if isinstance(row, dict)
        ]
    return moved


def recorded_outputs(out_dir: Path) -> list[dict[str, Any]]:
    """Every output both manifests record (OUT/manifest.json, OUT-private/manifest.json), each
    with its path as ``located`` reads it (private/NAME for the private ones)."""
    return recorded_in(out_dir, "") + recorded_in(private_folder(out_dir), f"{PRIVATE}/")


def recorded_in(folder: Path, prefix: str) -> list[dict[str, Any]]:
    """The outputs ``folder``'s manifest records, their paths with ``prefix`` in front."""
    found = []
    outputs = read_manifest(folder).get("outputs", [])
    for entry in outputs if isinstance(outputs, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("path"), str):
            moved = _moved(entry, lambda path: prefix + path)
            # The public manifest names files in the output folder itself, nothing below it.
            if own_path(moved["path"]) and moved["path"].count("/") == prefix.count("/"):
                found.append(moved)
    return found


@dataclass
class Recorded:
    """What writing the manifests did with the outputs of materials or rows no longer there."""

    removed: list[str] = field(default_factory=list)  # deleted
    kept: list[str] = field(default_factory=list)  # --keep-stale: left, but out of the manifest
    old_private: str = ""  # what became of OUT/private/ of an earlier version (one line)

    def lines(self) -> list[str]:
        """The lines for the user: stale outputs, then the old private folder."""
        return [line for line in (self.line(), self.old_private) if line]

    def line(self) -> str:
        """One line for the user, or "" when nothing was left over."""
        names = self.removed or self.kept
        if not names:
            return ""
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        count = f"{len(names)} output{'s' * (len(names) != 1)}"
        if self.removed:
            return f"removed {count} of materials or data rows no longer in the kit: {shown}"
        return (
            f"kept {count} of materials or data rows no longer in the kit (--keep-stale), left "
            f"out of {MANIFEST_NAME}: {shown}"
        )


def write_manifest(
    out_dir: Path,
    campaign: str,
    entries: list[dict[str, Any]],
    current: Callable[[dict[str, Any]], bool],
    keep_stale: bool = False,
    calendars: list[dict[str, Any]] | None = None,
) -> Recorded:
    """Record ``entries`` with the earlier outputs the kit still makes (``current``), in
    OUT/manifest.json and, for private outputs, OUT-private/manifest.json.

    The outputs an earlier build recorded that the kit no longer makes are deleted (unless
    ``keep_stale``): only those files, and only while they hold what handbill wrote.
    ``calendars`` are the event calendars' records (see calendars.py), public outputs.
    A lock on the output folder itself serialises this read-merge-write, so two builds into
    one folder at once cannot drop each other's entries (and no lock file is left behind).
    """
    folder = os.open(out_dir, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        return _merge_manifest(out_dir, campaign, entries, current, keep_stale, calendars or [])
    finally:
        os.close(folder)  # closing releases the lock


def _merge_manifest(
    out_dir: Path,
    campaign: str,
    entries: list[dict[str, Any]],
    current: Callable[[dict[str, Any]], bool],
    keep_stale: bool,
    calendars: list[dict[str, Any]],
) -> Recorded:
    fresh = {entry["path"] for entry in entries}
    kept, recorded = [], Recorded()
    for entry in recorded_outputs(out_dir):
        if entry["path"] in fresh:
            continue
        if current(entry):
            if located(out_dir, entry["path"]).is_file():
                kept.append(entry)
        elif keep_stale:
            recorded.kept += [entry["path"]] if located(out_dir, entry["path"]).is_file() else []
        else:
            rows = entry.get("rows")
            if remove_outputs(out_dir, [entry, *(rows if isinstance(rows, list) else [])]):
                recorded.removed.append(_shown_path(out_dir, entry["path"]))
    everything = sorted(kept + entries, key=lambda entry: str(entry["path"]))
    private = [e for e in everything if e["path"].startswith(f"{PRIVATE}/")]
    public = [e for e in everything if not e["path"].startswith(f"{PRIVATE}/")]
    _write_one(out_dir, campaign, public, calendars)
    if private or (private_folder(out_dir) / MANIFEST_NAME).exists():
        strip = len(PRIVATE) + 1
        moved = [_moved(e, lambda p: p[strip:]) for e in private]
        _write_one(private_folder(out_dir), campaign, moved)
    return recorded


def _shown_path(out_dir: Path, path: str) -> str:
    """A recorded path as the user finds it: NAME, or OUT-private/NAME for a private one."""
    return os.path.relpath(located(out_dir, path), out_dir.parent) if "/" in path else path


def _write_one(
    folder: Path, campaign: str, outputs: list[dict[str, Any]], calendars: list[Any] | None = None
) -> None:
    folder.mkdir(exist_ok=True)
    manifest: dict[str, Any] = {
        "generator": f"handbill {__version__}",
        "campaign": campaign,
        "outputs": outputs,
    }
    redirects = redirects_of(outputs)
    if redirects:
        manifest["redirects"] = {**REDIRECT_FILES, "count": len(redirects)}
    if calendars:
        manifest["calendars"] = calendars
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    write_atomic(folder / MANIFEST_NAME, text.encode("utf-8"))
    # The tables after the manifest: on a full disk the manifest is what matters. They are
    # made from every output the manifest records, so a build of one material keeps the
    # others' short codes in them.
    for name, table in redirect_files(redirects).items() if redirects else ():
        write_atomic(folder / name, table.encode("utf-8"))
    for name in () if redirects else REDIRECT_FILES.values():
        _remove_own_table(folder / name)


def _remove_own_table(path: Path) -> None:
    """Delete a redirect table handbill wrote earlier (never a file of the user's own)."""
    try:
        with path.open(encoding="utf-8") as file:
            first = file.readline().rstrip("\n")
    except (OSError, UnicodeDecodeError):
        return
    if first in (REDIRECT_HEADER, CSV_HEADER):
        path.unlink(missing_ok=True)


def remove_outputs(
    out_dir: Path, entries: list[Any], where: Callable[[str], Path] | None = None
) -> list[str]:
    """Delete the files of these recorded outputs that still hold exactly what handbill wrote
    (a file changed since, or a link, is left alone); their paths, and empty folders go too.

    ``where`` finds a recorded path's file: ``located`` in ``out_dir`` unless told otherwise.
    """
    removed = []
    for entry in entries:
        path = entry.get("path") if isinstance(entry, dict) else None
        if not own_path(path, depth=3):
            continue
        target = where(str(path)) if where else located(out_dir, str(path))
        try:
            if not stat.S_ISREG(os.lstat(target).st_mode) or target.stat().st_size > 1 << 31:
                continue
            if hashlib.sha256(target.read_bytes()).hexdigest() != entry.get("sha256"):
                continue
            target.unlink()
        except OSError:
            continue
        removed.append(str(path))
        if target.parent != out_dir:
            with contextlib.suppress(OSError):
                target.parent.rmdir()  # only when empty
    return removed
