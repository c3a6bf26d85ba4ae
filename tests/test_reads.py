"""Which cells a rendering reads: each look-up by name noted, any reading of the whole row too."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pytest

from conftest import write
from handbill.kit.loader import load_kit
from handbill.render.reads import ALL, read_columns, watched
from handbill.render.templating import render_html

CELLS = {"name": "Ann", "email": "ann@example.org", "town": "Leeds"}


def test_each_cell_looked_up_by_name_is_noted() -> None:
    reads: set[str] = set()
    row = watched(dict(CELLS), reads)
    assert (row["name"], row.get("town"), "phone" in row, row.get("phone", "-")) == (
        "Ann",
        "Leeds",
        False,
        "-",
    )
    assert reads == {"name", "town", "phone"}


@pytest.mark.parametrize(
    "whole",
    [list, len, dict, str, repr, json.dumps, sorted, bool, lambda r: r.items(), lambda r: r.copy()],
)
def test_reading_the_whole_row_notes_all(whole: object) -> None:
    reads: set[str] = set()
    whole(watched(dict(CELLS), reads))  # type: ignore[operator]
    assert ALL in reads and read_columns(reads, list(CELLS)) == set(CELLS)


def test_templates_reading_the_row_whole_note_all() -> None:
    environment = jinja2.sandbox.ImmutableSandboxedEnvironment()
    for source in ["{{ row|length }}", "{% for k in row %}{% endfor %}", "{{ row|dictsort }}"]:
        reads: set[str] = set()
        environment.from_string(source).render(row=watched(dict(CELLS), reads))
        assert reads == {ALL}, source
    reads = set()
    environment.from_string("{{ row.name }}{% if row.town == 'x' %}{% endif %}").render(
        row=watched(dict(CELLS), reads)
    )
    assert reads == {"name", "town"}


def test_a_translated_column_counts_with_its_column() -> None:
    columns = ["name", "town", "town.cy", "email"]
    assert read_columns({"name", "town", "values"}, columns) == {"name", "town", "town.cy"}


def test_rendering_notes_the_cells_of_content_template_and_qr_codes(kit_dir: Path) -> None:
    write(
        kit_dir / "templates" / "note.html",
        """
        <html><head><title>{{ material.title }}</title></head><body>
        {{ content }}{% if row.consent == "yes" %}{{ values.email }}{% endif %}
        {{ qr("page") }}</body></html>
        """,
    )
    write(
        kit_dir / "materials" / "note.md",
        """
        ---
        template: note
        title: A note
        published: false
        fields: {name: your name}
        ---
        Dear [[name]],
        """,
    )
    kit = load_kit(kit_dir)
    cells = {**CELLS, "consent": "no", "page": "https://example.org/ann", "phone": "0"}
    reads: set[str] = set()
    rendered = render_html(kit, kit.materials["note"], cells, 2, merging=True, reads=reads)
    assert "ann@example.org" not in rendered.html
    assert read_columns(reads, list(cells)) == {"name", "consent", "page"}
    reads.clear()
    cells["consent"] = "yes"
    render_html(kit, kit.materials["note"], cells, 2, merging=True, reads=reads)
    assert read_columns(reads, list(cells)) == {"name", "consent", "email", "page"}
