"""Give WeasyPrint its C bindings from tables kept on disk, instead of parsing C at every start.

WeasyPrint declares some 450 lines of C (Pango, HarfBuzz, fontconfig) and has cffi parse them
with pycparser each time it is imported, and the type names it uses later
(``ffi.new('PangoRectangle *')``) on their first use. Every build worker, ``handbill check`` and
a one-output rebuild paid that before laying out anything: about 0.4 s of CPU a process here
(building one output went from 1.8 s to 1.4 s).

cffi can write parsed declarations out as tables ("out-of-line ABI mode") that load in a few
milliseconds and give the same functions and types. The first process to import WeasyPrint
through handbill parses as usual, then writes those tables to the user's cache folder
(``$XDG_CACHE_HOME/handbill``, else ``~/.cache/handbill``), named by a hash of WeasyPrint's
declarations, handbill's own, the versions of cffi and Python and the processor type, as
Python keeps compiled modules in ``__pycache__``. Later imports are handed an FFI made from the
tables. Anything unexpected (no cache folder, a damaged file) falls back to parsing: slower,
never wrong.
"""

from __future__ import annotations

# Only what install() needs is imported up front: handbill's package imports this module, and a
# rebuild with nothing to do should not pay for the rest.
import contextlib
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

# Declared by handbill on top of WeasyPrint's (actualtext.py), so that they are in the tables.
HANDBILL_DECLARATIONS = (
    "hb_bool_t hb_font_get_nominal_glyph "
    "(hb_font_t *font, hb_codepoint_t unicode, hb_codepoint_t *glyph);"
)
_MODULE = "weasyprint.text.ffi"


def cache_folder() -> Path:
    """Where the tables are kept: the user's cache folder for handbill."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "handbill"


def table_path(declarations: bytes) -> Path:
    """The tables' file for WeasyPrint's bindings module source ``declarations``."""
    import hashlib
    import platform

    import cffi

    digest = hashlib.sha256(declarations)
    for part in (HANDBILL_DECLARATIONS, cffi.__version__, sys.version, platform.machine()):
        digest.update(b"\0" + part.encode())
    return cache_folder() / f"weasyprint-ffi-{digest.hexdigest()[:24]}.py"


def _tables(path: Path) -> dict[str, Any] | None:
    """The keyword arguments of the FFI in a file written by cffi's ``make_py_source``: read as
    literals, not run."""
    import ast

    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.keywords:
            try:
                return {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords if kw.arg}
            except ValueError:
                return None
    return None


def _write_tables(path: Path, sources: list[str]) -> None:
    import tempfile

    import cffi
    from cffi.recompiler import make_py_source

    ffi = cffi.FFI()
    for source in sources:
        ffi.cdef(source)
    ffi.set_source("_handbill_weasyprint_ffi", None)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".py")
    os.close(handle)
    try:
        make_py_source(ffi, "_handbill_weasyprint_ffi", temporary)
        os.replace(temporary, path)  # whole or not at all, even with two workers at once
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _prebuilt_ffi(tables: dict[str, Any]) -> Any:
    import _cffi_backend

    class PrebuiltFFI(_cffi_backend.FFI):  # type: ignore[misc]
        """An FFI from tables. Its ``cdef`` takes only what the tables were made from: the
        declarations in WeasyPrint's module (the file the tables are named by) while it runs,
        and handbill's."""

        loading = True

        def cdef(self, source: str, **options: Any) -> None:
            if not (self.loading or source == HANDBILL_DECLARATIONS):
                raise RuntimeError(
                    "C declarations added after WeasyPrint's bindings were loaded from "
                    "tables: add them to HANDBILL_DECLARATIONS in handbill/engine/bindings.py"
                )

    return PrebuiltFFI("_handbill_weasyprint_ffi", **tables)


class _Loader:
    """Runs WeasyPrint's bindings module with ``cffi.FFI`` giving the prebuilt FFI."""

    def __init__(self, original: Any, origin: str) -> None:
        self.original, self.origin = original, origin

    def create_module(self, spec: Any) -> ModuleType | None:
        return self.original.create_module(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: ModuleType) -> None:
        import cffi

        plain = cffi.FFI
        try:
            path: Path | None = table_path(self.original.get_data(self.origin))
        except Exception:
            path = None
        tables = None if path is None else _tables(path)
        if path is not None and tables is not None:
            try:
                prebuilt = _prebuilt_ffi(tables)
                cffi.FFI = lambda: prebuilt
                self.original.exec_module(module)
                prebuilt.loading = False
                return
            except Exception:
                with contextlib.suppress(OSError):
                    path.unlink()  # made again below
            finally:
                cffi.FFI = plain
        recorded: list[str] = []

        class RecordingFFI(plain):  # type: ignore[misc, valid-type]
            def cdef(self, source: str, **options: Any) -> None:
                recorded.append(source)
                super().cdef(source, **options)

        cffi.FFI = RecordingFFI
        try:
            self.original.exec_module(module)
        finally:
            cffi.FFI = plain
        if path is not None:
            with contextlib.suppress(Exception):  # no cache folder to write to: parse next time
                _write_tables(path, [*recorded, HANDBILL_DECLARATIONS])


class _Finder:
    """Finds WeasyPrint's bindings module as usual, and gives it ``_Loader``."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != _MODULE:
            return None
        from handbill.engine.versions import speedups_on

        if not speedups_on():
            return None  # an untested WeasyPrint: its own parsing, as without handbill
        import importlib.machinery

        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None and spec.origin:
            spec.loader = _Loader(spec.loader, spec.origin)  # type: ignore[assignment]
        return spec


def install() -> None:
    """Have the next import of WeasyPrint use the tables (nothing to do if already imported)."""
    if _MODULE not in sys.modules and not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
