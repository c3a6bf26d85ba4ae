"""WeasyPrint's C bindings come from cached tables, give the same PDFs, and fall back to parsing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from test_actualtext import HTML_PAGE

# Renders an Urdu and Latin page (Pango, HarfBuzz shaping and subsetting, and handbill's own
# declaration through exact_text) and says which FFI WeasyPrint got and what the PDF's hash is.
SCRIPT = """
import hashlib, json, sys
import handbill.engine  # installs the finder for the C bindings
if sys.argv[1] == "parse":
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_Finder"]
from weasyprint import HTML
from weasyprint.text.ffi import ffi
from handbill.engine.actualtext import exact_text
document = HTML(string=sys.argv[2], base_url=sys.argv[3]).render()
with exact_text():
    data = document.write_pdf()
print(json.dumps({"ffi": type(ffi).__name__, "sha256": hashlib.sha256(data).hexdigest()}))
"""


def run(cache: Path, how: str = "tables") -> dict[str, str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, how, HTML_PAGE, str(REPO / "assets") + "/"],
        env=env, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert done.stderr == ""
    result: dict[str, str] = json.loads(done.stdout)
    return result


def tables(cache: Path) -> list[Path]:
    return sorted((cache / "handbill").glob("weasyprint-ffi-*.py"))


def test_first_import_writes_tables_and_later_ones_use_them(tmp_path: Path) -> None:
    first = run(tmp_path)
    assert first["ffi"] == "RecordingFFI"  # parsed, as WeasyPrint does alone
    assert len(tables(tmp_path)) == 1
    second = run(tmp_path)
    assert second["ffi"] == "PrebuiltFFI"
    # The same bytes as with declarations parsed by cffi, as WeasyPrint does without handbill.
    assert second["sha256"] == first["sha256"] == run(tmp_path, "parse")["sha256"]
    assert not [p for p in (tmp_path / "handbill").iterdir() if p.name.startswith(".")]


def test_damaged_tables_are_parsed_again_and_replaced(tmp_path: Path) -> None:
    run(tmp_path)
    (path,) = tables(tmp_path)
    path.write_text("ffi = FFI('x', _types=b'\\x00', _globals=(1,))\n")
    assert run(tmp_path)["ffi"] == "RecordingFFI"
    assert run(tmp_path)["ffi"] == "PrebuiltFFI"
    path.write_text("not python (")
    assert run(tmp_path)["ffi"] == "RecordingFFI"
    assert run(tmp_path)["ffi"] == "PrebuiltFFI"


def test_no_cache_folder_means_parsing_every_time(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")  # the cache folder would have to be inside a file
    assert run(blocked)["ffi"] == "RecordingFFI"
    assert run(blocked)["ffi"] == "RecordingFFI"


def test_tables_refuse_declarations_they_lack(tmp_path: Path) -> None:
    run(tmp_path)
    code = (
        "import handbill.engine\n"
        "from weasyprint.text.ffi import ffi\n"
        "assert type(ffi).__name__ == 'PrebuiltFFI'\n"
        "ffi.cdef('int handbill_unknown (void);')\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 1
    assert "add them to HANDBILL_DECLARATIONS in handbill/engine/bindings.py" in done.stderr


def test_tables_are_named_by_what_they_were_made_from(monkeypatch: pytest.MonkeyPatch) -> None:
    from handbill.engine import bindings

    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
    one = bindings.table_path(b"declarations")
    assert one.parent == Path("/somewhere/handbill")
    assert one == bindings.table_path(b"declarations")
    assert one != bindings.table_path(b"other declarations")
    monkeypatch.setattr(bindings, "HANDBILL_DECLARATIONS", "int more (void);")
    assert one != bindings.table_path(b"declarations")
