"""Property: random bytes and random structure in front matter, CSV, handbill.toml and kit CSS
build, or fail with one handled error (exit 1); never a traceback, never a half-written file."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from conftest import FIXTURE_KIT, write
from handbill.cli import cli

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Any Unicode (mostly refused: control characters, characters no bundled font has), and
# printable ASCII, which reaches the layout.
TEXT = st.one_of(
    st.text(max_size=40), st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
)
SCALAR = st.one_of(
    TEXT,
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)
STRUCTURE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)
FIELD_NAMES = st.sampled_from(
    [
        "template",
        "title",
        "subtitle",
        "pages",
        "qr",
        "vars",
        "fields",
        "per",
        "paper",
        "orientation",
        "language",
        "output",
        "exports",
        "duplex",
        "booklet",
        "merge",
        "titel",
    ]
)


PLAIN = (
    '{% extends "_base.html" %}{% block body %}<h1>{{ material.title }}</h1>{{ content }}'
    "{% for key, value in row.items() %}<p>{{ key }}: {{ value }}</p>{% endfor %}{% endblock %}"
)


@contextmanager
def fresh_kit() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        kit = Path(folder) / "kit"
        shutil.copytree(FIXTURE_KIT, kit)
        write(kit / "templates" / "plain.html", PLAIN)
        yield kit


def build_cleanly(kit: Path, *names: str) -> None:
    """The build exits 0 or 1 with no unhandled exception, and leaves only whole files."""
    out = kit / "out"
    result = CliRunner().invoke(cli, ["build", *names, "--kit", str(kit), "--out", str(out)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # unhandled: the property fails with its traceback
    assert result.exit_code in (0, 1), result.output
    event("built" if result.exit_code == 0 else "refused")
    if result.exit_code == 1:
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
        assert errors and "internal error" not in result.stderr, result.stderr
    assert not list(out.glob(".handbill-tmp-*")) if out.exists() else True
    for pdf in out.glob("*.pdf") if out.exists() else ():
        assert len(PdfReader(pdf).pages) >= 1


@SETTINGS
@given(
    raw=st.one_of(
        st.binary(max_size=300),
        st.dictionaries(FIELD_NAMES, STRUCTURE, max_size=6).map(
            lambda d: "\n".join(f"{k}: {json.dumps(v)}" for k, v in d.items()).encode()
        ),
        # A valid start, so that the random part reaches the later checks and the build.
        st.dictionaries(st.sampled_from(["subtitle", "vars", "fields", "qr"]), STRUCTURE)
        .map(
            lambda d: (
                "template: card\ntitle: T\n"
                + "\n".join(f"{k}: {json.dumps(v)}" for k, v in d.items())
            )
        )
        .map(str.encode),
    ),
    body=st.binary(max_size=200),
)
def test_front_matter(raw: bytes, body: bytes) -> None:
    with fresh_kit() as kit:
        (kit / "materials" / "card.md").write_bytes(b"---\n" + raw + b"\n---\n" + body)
        build_cleanly(kit, "card")


def _csv(rows: list[list[str]]) -> bytes:
    stream = io.StringIO()
    # Python 3.10's csv module cannot write a NUL; the raw-bytes examples cover NULs.
    csv.writer(stream).writerows([[cell.replace("\0", "") for cell in row] for row in rows])
    return stream.getvalue().encode("utf-8", "surrogatepass")


@SETTINGS
@given(
    table=st.one_of(
        st.binary(max_size=400),
        st.lists(st.lists(TEXT, min_size=2, max_size=2), min_size=1, max_size=6).map(
            lambda rows: _csv([["title", "place"], *rows])
        ),
        st.integers(1, 4)
        .flatmap(lambda n: st.lists(st.lists(TEXT, min_size=n, max_size=n), min_size=1, max_size=6))
        .map(_csv),
    )
)
def test_csv(table: bytes) -> None:
    with fresh_kit() as kit:
        (kit / "data").mkdir()
        (kit / "data" / "rows.csv").write_bytes(table)
        write(kit / "materials" / "row.md", "---\ntemplate: plain\ntitle: T\nper: rows\n---\nx\n")
        build_cleanly(kit, "row")


SECTIONS = st.sampled_from(
    [
        "campaign",
        "links",
        "brand",
        "brand.colours",
        "brand.fonts",
        "defaults",
        "imprint",
        "print",
        "tracking",
        "fields",
        "fonts",
        "nonsense",
    ]
)


def _toml(tables: dict[str, dict[str, object]]) -> bytes:
    lines = []
    for section, values in tables.items():
        lines.append(f"[{section}]")
        lines += [f"{json.dumps(key)} = {_toml_value(value)}" for key, value in values.items()]
    return "\n".join(lines).encode("utf-8", "surrogatepass")


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        parts = [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()]
        return "{" + ", ".join(parts) + "}"
    return json.dumps(value)


@SETTINGS
@given(
    config=st.one_of(
        st.binary(max_size=300),
        st.dictionaries(SECTIONS, st.dictionaries(TEXT, STRUCTURE, max_size=4), max_size=5).map(
            _toml
        ),
    )
)
def test_handbill_toml(config: bytes) -> None:
    with fresh_kit() as kit:
        (kit / "handbill.toml").write_bytes(b'[campaign]\nname = "T"\n' + config)
        build_cleanly(kit, "card")


CSS_PIECES = st.sampled_from(
    [
        "p",
        "div",
        " ",
        ">",
        "+",
        ":not(",
        ")",
        "{",
        "}",
        ";",
        "width:",
        "font-size:",
        "1e30px",
        "1e-30px",
        "12pt",
        "calc(",
        "var(--x)",
        "--x:",
        "100%",
        "url(",
        "data:image/png;base64,",
        "@media print",
        "@page",
        "@font-face",
        "src:",
        "'",
        '"',
        "!important",
        "-1px",
        "0",
        "counter(page)",
        "content:",
        "::before",
        "999999999999999999999",
        "\\",
        "/*",
        "*/",
    ]
)


@SETTINGS
@given(css=st.one_of(st.binary(max_size=300), st.lists(CSS_PIECES, max_size=40).map("".join)))
def test_kit_css(css: bytes | str) -> None:
    with fresh_kit() as kit:
        data = css if isinstance(css, bytes) else css.encode()
        (kit / "assets" / "css").mkdir(parents=True)
        (kit / "assets" / "css" / "kit.css").write_bytes(data)
        template = (kit / "templates" / "card.html").read_text()
        (kit / "templates" / "card.html").write_text(
            template.replace(
                "{% block body %}",
                '{% block stylesheets %}<link rel="stylesheet" href="{{ asset(\'css/kit.css\') }}'
                '">{% endblock %}{% block body %}',
            )
        )
        build_cleanly(kit, "card")
