"""The kit boundary: every file handbill reads from a kit is checked and read here, with a cap."""

from __future__ import annotations

import io
import os
import stat
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from handbill.errors import KitError

_PACKAGE = Path(__file__).resolve().parent.parent  # src/handbill

MB = 1024 * 1024
# The most handbill reads of each kind of file. Each is far above what a real kit needs (the
# example kit's largest file of each kind is under a tenth of it) and low enough that a file
# of that size is read, parsed and laid out in seconds.
LIMITS = {
    "handbill.toml": 1 * MB,
    "string table": 1 * MB,
    "material": 2 * MB,
    "template": 1 * MB,
    "data table": 20 * MB,
    "supporters' table": 200 * MB,
    "run file": 1 * MB,
    "font": 50 * MB,
    "colour profile": 20 * MB,
    "image": 50 * MB,
    "file": 50 * MB,
}


@cache
def stock_dir() -> Path:
    """The folder holding the stock ``templates/`` and ``assets/``.

    An installed wheel carries them in ``handbill/stock``; a source checkout (editable
    install) finds them at the top of the repository, where they are maintained.
    """
    for candidate in (_PACKAGE / "stock", _PACKAGE.parent.parent):
        if (candidate / "templates" / "_base.html").is_file():
            return candidate
    raise KitError("handbill's stock templates are missing; reinstall handbill.")


def roots_of(kit_root: Path) -> tuple[Path, ...]:
    """The folders a kit's files may come from: the kit itself and handbill's stock folder."""
    return (Path(os.path.realpath(kit_root)), Path(os.path.realpath(stock_dir())))


def _size(count: int) -> str:
    return f"{count / MB:,.1f} MB" if count >= MB else f"{count:,} bytes"


def inside(path: Path, roots: tuple[Path, ...]) -> Path:
    """``path`` with links and ``..`` resolved, or a KitError when that leads out of ``roots``.

    A link that stays inside the kit is followed; one that points elsewhere is refused, so a
    kit from someone else cannot make handbill read (and print) a file from this computer.
    """
    real = Path(os.path.realpath(path))
    if not any(real == root or real.is_relative_to(root) for root in roots):
        raise KitError(
            "this is a link to a file outside the kit, which handbill does not read; "
            "copy the file into the kit folder instead of linking to it.",
            path,
        )
    return real


def read_bytes(
    path: Path, kind: str, roots: tuple[Path, ...] | None = None, limit: int | None = None
) -> bytes:
    """The bytes of ``path``: a regular file of at most ``LIMITS[kind]``, inside ``roots``.

    ``roots`` is None for a file named on the command line (a supporters' table, a run file):
    the user chose it, so it may be anywhere, but it must still be an ordinary file of a
    bounded size. FIFOs, devices and sockets are refused before they are opened for reading
    (opening is non-blocking, so a FIFO cannot hang the build).
    """
    stream, size, cap = _opened(path, kind, roots, limit)
    with stream:
        # Asked for no more than the file holds (plus one byte, to see it grow past the cap):
        # read() sets aside as much memory as it is asked for.
        data = stream.read(min(cap, size) + 1)
        if len(data) > size:  # it grew since: read on, still within the cap
            data += stream.read(cap + 1 - len(data))
    if len(data) > cap:
        raise _too_big(path, kind, max(size, len(data)), cap)
    return data


def open_bytes(path: Path, kind: str, roots: tuple[Path, ...] | None = None) -> io.RawIOBase:
    """``path`` opened to be read as a stream, with the checks and the cap of ``read_bytes``
    (for a table too large to hold in memory at once)."""
    stream, size, cap = _opened(path, kind, roots, None)
    if size > cap:
        stream.close()
        raise _too_big(path, kind, size, cap)
    return _Capped(stream, path, kind, cap)


def _opened(
    path: Path, kind: str, roots: tuple[Path, ...] | None, limit: int | None
) -> tuple[BinaryIO, int, int]:
    """``path`` opened for reading (an ordinary file), its size, and the cap for its kind."""
    real = inside(path, roots) if roots is not None else Path(os.path.realpath(path))
    cap = limit if limit is not None else LIMITS.get(kind, LIMITS["file"])
    try:
        descriptor = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except FileNotFoundError as exc:
        raise KitError(f"the {kind} file is missing.", path) from exc
    except OSError as exc:
        raise KitError(f"cannot read this {kind} file ({exc.strerror}).", path) from exc
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        raise KitError(
            f"not an ordinary file ({_file_type(info.st_mode)}); handbill reads only "
            f"ordinary files. Replace it with the {kind} itself.",
            path,
        )
    return os.fdopen(descriptor, "rb"), info.st_size, cap


def _too_big(path: Path, kind: str, size: int, cap: int) -> KitError:
    return KitError(
        f"{_size(size)} is more than handbill reads from a {kind} "
        f"(at most {_size(cap)}); check that this is the right file, or split it.",
        path,
    )


class _Capped(io.RawIOBase):
    """A file read as a stream that stops with an error past its cap (it may grow meanwhile)."""

    def __init__(self, stream: BinaryIO, path: Path, kind: str, cap: int):
        self.stream, self.path, self.kind, self.cap, self.count = stream, path, kind, cap, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self.stream.readinto(buffer)  # type: ignore[attr-defined]
        self.count += count
        if self.count > self.cap:
            raise _too_big(self.path, self.kind, self.count, self.cap)
        return int(count)

    def close(self) -> None:
        self.stream.close()
        super().close()


def read_text(path: Path, kind: str, roots: tuple[Path, ...] | None = None) -> str:
    """The text of ``path`` (UTF-8, a byte-order mark allowed), read as ``read_bytes`` does."""
    data = read_bytes(path, kind, roots)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        advice = (
            "save it as UTF-8: in your spreadsheet choose 'CSV UTF-8' when saving."
            if path.suffix.lower() == ".csv"
            else "save it as UTF-8 (in your editor's 'Save as' options)."
        )
        # A spreadsheet on Windows saves "CSV" in Windows-1252 unless told otherwise.
        windows = data[exc.start : exc.start + 1].decode("cp1252", errors="ignore")
        saved = f", it looks saved as Windows-1252 ('{windows}')" if windows.isprintable() else ""
        raise KitError(f"not UTF-8 text (byte {exc.start}{saved}); {advice}", path, line) from exc


def regular_file(path: Path, kind: str, roots: tuple[Path, ...]) -> Path:
    """``path`` resolved, when it is an ordinary file inside ``roots`` of an allowed size."""
    real = inside(path, roots)
    try:
        info = real.stat()
    except OSError as exc:
        raise KitError(f"the {kind} file is missing.", path) from exc
    if not stat.S_ISREG(info.st_mode):
        raise KitError(
            f"not an ordinary file ({_file_type(info.st_mode)}); handbill reads only ordinary "
            f"files. Replace it with the {kind} itself.",
            path,
        )
    cap = LIMITS.get(kind, LIMITS["file"])
    if info.st_size > cap:
        raise KitError(
            f"{_size(info.st_size)} is more than handbill reads from a {kind} (at most "
            f"{_size(cap)}); check that this is the right file.",
            path,
        )
    return real


def _file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"
