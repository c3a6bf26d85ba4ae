"""The build cache: an output is rebuilt only when something that went into it has changed."""

from __future__ import annotations

import fcntl
import functools
import hashlib
import importlib.util
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handbill import __version__
from handbill.build.places import PRIVATE, located, private_folder
from handbill.build.writers import own_path, write_atomic
from handbill.errors import KitError, one_line
from handbill.kit.boundary import read_bytes, stock_dir

# The cache and snapshot live in the kit (KIT/.handbill/), never in the output folder, which
# is copied to web hosts and USB sticks; one pair per output folder, named by a hash of its
# path. They name files by their place in the kit or in handbill's stock folder, never by
# absolute paths.
STATE_FOLDER = ".handbill"
MAX_OUTPUT = 1 << 31  # the largest output file the cache hashes to see that it is unchanged


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.cache
def library_versions() -> tuple[str, ...]:
    """The installed versions of the libraries that lay out and write the PDFs.

    Read from the names of their .dist-info folders: importing them, or importlib.metadata,
    would cost a rebuild with nothing to do most of its time.
    """
    found = []
    for module, distribution in (
        ("weasyprint", "weasyprint"),
        ("pydyf", "pydyf"),
        ("pypdf", "pypdf"),
        ("qrcode", "qrcode"),
        ("docx", "python_docx"),
    ):
        spec = importlib.util.find_spec(module)
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        infos = sorted(origin.parent.parent.glob(f"{distribution}-*.dist-info")) if origin else []
        found.append(infos[0].name.removesuffix(".dist-info") if infos else f"{module} ?")
    return tuple(found)


def input_key(*parts: object) -> str:
    """The cache key of one output: a hash of everything, other than files, that shapes it.

    Callers pass the final HTML (which already holds the content, data row, links, imprint
    and template output), the options and the material's settings. The versions of handbill
    and of the libraries that draw the PDFs are always part of it, so an upgrade of any of
    them rebuilds everything.
    """
    text = json.dumps(
        [__version__, library_versions(), *parts],
        sort_keys=True,
        default=repr,
        ensure_ascii=False,
    )
    return digest(text.encode("utf-8"))


def state_file(kit_root: Path, out_dir: Path, kind: str) -> Path:
    """KIT/.handbill/KIND-HASH.json, HASH naming the output folder ``out_dir``."""
    tag = digest(os.path.abspath(out_dir).encode("utf-8"))[:16]
    return Path(kit_root) / STATE_FOLDER / f"{kind}-{tag}.json"


def _bases(kit_root: Path) -> tuple[tuple[str, str], ...]:
    return (
        ("kit:", os.path.realpath(kit_root)),
        ("stock:", os.path.realpath(stock_dir())),
    )


def portable(path: str, kit_root: Path) -> str:
    """``path`` as kit:RELATIVE or stock:RELATIVE; a file elsewhere (never read for a build)
    as a name that matches no file, so that whatever depended on it is rebuilt."""
    for tag, base in _bases(kit_root):
        if path == base or path.startswith(base + os.sep):
            return tag + os.path.relpath(path, base)
    return "elsewhere:" + digest(path.encode("utf-8"))[:16]


def local(name: str, kit_root: Path) -> str:
    """The absolute path of a name made by ``portable`` ("" when it names no file here)."""
    for tag, base in _bases(kit_root):
        rest = name.removeprefix(tag)
        # A planted cache (a kit from elsewhere) cannot point out of the kit with "..".
        if name.startswith(tag) and not os.path.isabs(rest) and ".." not in rest.split(os.sep):
            return os.path.join(base, rest)
    return ""


def _write_state(path: Path, data: bytes) -> None:
    path.parent.mkdir(exist_ok=True)
    write_atomic(path, data)


@dataclass
class Cached:
    """What a cached build of one output left: its manifest entries, warnings and inputs."""

    key: str
    deps: dict[str, str]  # file read while rendering (CSS, fonts, images) -> its sha256
    entries: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)


class BuildCache:
    """Cached outputs of earlier builds into one output folder, kept in KIT/.handbill/.

    An entry is used only when the key matches, every file the renderer read still has the
    same contents, and every output file it made is still there, unchanged: so editing or
    deleting an output by hand makes it rebuild rather than trusting the record.
    """

    def __init__(
        self,
        out_dir: Path,
        kit_root: Path,
        enabled: bool = True,
        roots: tuple[Path, ...] = (),
    ):
        self.out_dir = out_dir
        self.kit_root = kit_root
        self.path = state_file(kit_root, out_dir, "cache")
        self.enabled = enabled
        # The cache file is data from the output folder, which may have come from elsewhere:
        # only files inside the kit and stock folders (``roots``) are ever read for it.
        self.roots = roots
        self.entries: dict[str, Cached] = self._load() if enabled else {}
        self.updates: dict[str, Cached | None] = {}
        # QR code matrices by URL (see qr.known_matrices), kept between builds.
        self.qr: dict[str, str] = self._load_qr() if enabled else {}
        self._file_digests: dict[str, str | None] = {}

    def _load(self) -> dict[str, Cached]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("generator") != f"handbill {__version__}":
                return {}
            found = {name: Cached(**entry) for name, entry in data["outputs"].items()}
            for cached in found.values():
                cached.deps = {local(k, self.kit_root): v for k, v in cached.deps.items()}
            return found
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return {}  # a missing or damaged cache only means a full build

    def _load_qr(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            qr = data.get("qr", {}) if data.get("generator") == f"handbill {__version__}" else {}
            return {str(url): str(bits) for url, bits in qr.items()}
        except (OSError, ValueError, AttributeError):
            return {}

    def file_digest(self, path: str, roots: tuple[Path, ...] | None = None) -> str | None:
        """The sha256 of a file the cache names (None: missing, or not one handbill reads)."""
        if path not in self._file_digests:
            try:
                data = read_bytes(Path(path), "file", roots or self.roots, limit=MAX_OUTPUT)
                self._file_digests[path] = digest(data)
            except KitError:
                self._file_digests[path] = None
        return self._file_digests[path]

    def lookup(self, slot: str, key: str) -> Cached | None:
        """The cached result for ``slot`` (an output's file name) if it is still valid."""
        cached = self.entries.get(slot) if self.enabled else None
        if cached is None or cached.key != key:
            return None
        if any(self.file_digest(path) != sha for path, sha in cached.deps.items()):
            return None
        folders = (self.out_dir, private_folder(self.out_dir))
        outputs = tuple(Path(os.path.realpath(folder)) for folder in folders)
        for entry in cached.entries:
            path = located(self.out_dir, str(entry.get("path", "")))
            if self.file_digest(str(path), outputs) != entry.get("sha256"):
                return None
        return cached

    def store(self, slot: str, cached: Cached | None) -> None:
        """Record a fresh result (or None for a failed output, which forgets the old one)."""
        self.updates[slot] = cached

    def save(self) -> None:
        """Merge this build's results into the cache file, under the output folder's lock."""
        if not self.updates and not self.qr:
            return
        folder = os.open(self.out_dir, os.O_RDONLY)
        try:
            fcntl.flock(folder, fcntl.LOCK_EX)
            merged = {**self._load(), **self.updates}
            outputs = {
                name: {
                    **vars(cached),
                    "deps": {portable(k, self.kit_root): v for k, v in cached.deps.items()},
                }
                for name, cached in sorted(merged.items())
                if cached is not None
            }
            data = {"generator": f"handbill {__version__}", "outputs": outputs, "qr": self.qr}
            _write_state(self.path, json.dumps(data, indent=1).encode("utf-8"))
        finally:
            os.close(folder)


# A rebuild with nothing changed is answered from a snapshot, before the kit is even read:
# the sizes and modification times of every file that can affect an output, and of the
# outputs themselves, as they were after the last complete build of the same request.
KIT_PARTS = ("handbill.toml", "materials", "templates", "assets", "data")


def snapshot_roots(kit_root: Path) -> list[Path]:
    """What a snapshot watches: the kit's parts, and the stock templates and assets."""
    root = kit_root.resolve()
    return [root / part for part in KIT_PARTS] + [stock_dir() / "templates", stock_dir() / "assets"]


def request_key(
    kit_root: Path,
    names: tuple[str, ...] | list[str],
    language: str | None,
    group: str | None,
    options: tuple[object, ...],
    overrides: dict[str, str],
) -> str:
    """What was asked for: the kit, the materials named and every option that shapes outputs."""
    return input_key(
        str(kit_root.resolve()), sorted(names), language, group, options, sorted(overrides.items())
    )


def _stat(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


def file_state(roots: list[str], extra: list[str]) -> dict[str, list[int] | None]:
    """Size and mtime of every file under ``roots`` (kit and stock parts) and of ``extra``."""
    state: dict[str, list[int] | None] = {}
    for root in roots:
        top = Path(root)
        if top.is_file():
            state[root] = _stat(top)
            continue
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                path = os.path.join(folder, name)
                state[path] = _stat(Path(path))
    for path in extra:
        state.setdefault(path, _stat(Path(path)))
    return state


def save_snapshot(
    kit_root: Path,
    out_dir: Path,
    request: str,
    roots: list[Path],
    deps: list[str],
    summary: str,
    warnings: list[str],
    outputs: list[str],
    jobs: dict[str, str],
) -> None:
    """Remember a complete build, so the same request with nothing changed can skip it all.

    ``jobs`` names each job's main output, so that a later build of the same request in which
    only some materials changed can take the other jobs' outputs without making their HTML.
    """
    names = [str(root) for root in roots if root.exists()]
    state = file_state(names, sorted(set(deps)))

    def kept(path: str) -> str:
        return portable(path, kit_root)

    snapshot = {
        "generator": f"handbill {__version__}",
        "request": request,
        "roots": [kept(name) for name in names],
        "deps": sorted({kept(dep) for dep in deps}),
        "state": {kept(path): value for path, value in state.items()},
        "outputs": {name: _stat(located(out_dir, name)) for name in outputs},
        "summary": summary,
        "warnings": warnings,
        "jobs": jobs,
    }
    _write_state(state_file(kit_root, out_dir, "snapshot"), json.dumps(snapshot).encode("utf-8"))


def _snapshot_of(out_dir: Path, request: str, kit_root: Path) -> dict[str, Any] | None:
    """The last complete build of ``request`` into ``out_dir``, if its outputs are untouched.

    The snapshot may have come with the output folder from elsewhere, so it is used only if
    it watches this kit's own folders and names only files inside them and the output folder.
    """
    try:
        path = state_file(kit_root, out_dir, "snapshot")
        snapshot: dict[str, Any] = json.loads(path.read_text("utf-8"))
        if snapshot["generator"] != f"handbill {__version__}" or snapshot["request"] != request:
            return None
        for key in ("roots", "deps"):
            snapshot[key] = [local(str(name), kit_root) for name in snapshot[key]]
        snapshot["state"] = {local(str(k), kit_root): v for k, v in snapshot["state"].items()}
        allowed = [str(root) for root in snapshot_roots(kit_root)]
        if not set(snapshot["roots"]) <= set(allowed) or not all(
            any(dep.startswith(root + os.sep) for root in allowed) for dep in snapshot["deps"]
        ):
            return None
        names = [str(name) for name in snapshot["outputs"]]
        if not all(own_path(name) for name in names):
            return None
        outputs_now = {name: _stat(located(out_dir, name)) for name in names}
        return snapshot if outputs_now == snapshot["outputs"] else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def unchanged_build(
    out_dir: Path, request: str, kit_root: Path
) -> tuple[str, list[str], bool] | None:
    """The summary and warnings of the last build, and whether it wrote private outputs, if
    nothing has changed since; else None."""
    snapshot = _snapshot_of(out_dir, request, kit_root)
    try:
        if snapshot is None or file_state(snapshot["roots"], snapshot["deps"]) != snapshot["state"]:
            return None
        # Printed again as they were, but never as control codes for the terminal.
        private = any(str(name).startswith(f"{PRIVATE}/") for name in snapshot["outputs"])
        warnings = [one_line(str(w), 500) for w in snapshot["warnings"]]
        return one_line(str(snapshot["summary"]), 500), warnings, private
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def changes_since(
    out_dir: Path, request: str, kit_root: Path
) -> tuple[set[str], dict[str, str]] | None:
    """The files added, removed or changed since the last complete build of ``request``, and
    that build's main output for each job (see ``save_snapshot``); None if there is no such
    build or an output has been touched since."""
    snapshot = _snapshot_of(out_dir, request, kit_root)
    try:
        if snapshot is None:
            return None
        then: dict[str, Any] = snapshot["state"]
        now = file_state(snapshot["roots"], snapshot["deps"])
        changed = {path for path in then.keys() | now.keys() if then.get(path) != now.get(path)}
        jobs = {str(job): str(slot) for job, slot in snapshot["jobs"].items()}
        return changed, {job: slot for job, slot in jobs.items() if re.fullmatch(r".+#\d+", job)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
