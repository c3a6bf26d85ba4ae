"""Rows grouped by the cells the shared part of a merged letter is made from: one base a group.

The cells that count are the ones the letter reads outside its sign-off, found by watching
what rendering reads (render/reads.py): first the letter made with markers for cells
(merge/shared.py), then each group's first row with its own values, in the worker that lays
out its base. A column read only under a condition (``{% if row.a == "yes" %}{{ row.b }}``)
may be read by no marker; if a group's first row reads it, the rows are grouped again with
it. Rows that agree on every cell their first row reads make the same letter, whatever their
other cells (an email address, a phone number, a consent flag) hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from handbill.engine.overlay import Plan
from handbill.kit.loader import Kit
from handbill.kit.material import Material
from handbill.render.reads import read_columns

# A group of one row is laid out in full: its base, its sign-off laid out twice (for the base's
# check and for the letter) and the drawing of one over the other cost more than its letter.
MIN_GROUP = 2


@dataclass
class Group:
    """The rows that share a key: how many, and the first one's row number."""

    count: int
    first: int


def group_key(plan: Plan, cells: dict[str, str]) -> bytes:
    """The row's key as a short digest: a table of rows that each make their own letter keeps
    16 bytes a row in memory, not the cells."""
    values = "\x00".join(value for _, value in plan.key(cells))  # no cell holds a NUL
    return hashlib.blake2b(values.encode(), digest_size=16).digest()


def grouped(plan: Plan, rows: Iterable[Any]) -> dict[bytes, Group]:
    """The groups of ``rows`` (merge Rows), by key, in the order of their first rows."""
    groups: dict[bytes, Group] = {}
    for row in rows:
        key = group_key(plan, row.cells)
        group = groups.get(key)
        if group is None:
            groups[key] = Group(1, row.number)
        else:
            group.count += 1
    return groups


def grouping_of(plan: Plan, reads: set[str], columns: list[str]) -> tuple[str, ...]:
    """The columns, in the table's order, that ``reads`` covers, less those set per letter."""
    used = read_columns(reads, columns)
    return tuple(c for c in columns if c in used and c not in plan.per_letter)


def unkeyed_reads(
    kit: Kit, material: Material, plan: Plan, row: Any, overrides: dict[str, str]
) -> set[str]:
    """The columns that rendering ``row`` (a merge Row) reads and its group's key leaves out
    (the per-letter ones aside): when there are some, the group is not one letter."""
    from handbill.render.templating import render_html

    if plan.grouping is None:
        return set()  # every cell but the per-letter ones is in the key already
    reads: set[str] = set()
    render_html(kit, material, row.cells, row.number, overrides, merging=True, reads=reads)
    found = grouping_of(plan, reads, list(row.cells))
    return set(found) - set(plan.grouping)
