"""Which cells of a data row a template reads: a row that notes each look-up by name.

A mail merge groups rows by the cells that shape the shared part of the letter. Watching what
one rendering reads tells which those are: a cell never looked up cannot change the HTML. Any
way of reading the row whole (iterating it, its length, printing it) is noted as ``ALL``.
"""

from __future__ import annotations

from typing import Any

ALL = "\x00all"  # noted when the template reads the whole row: every cell counts as read


class Watched(dict[str, str]):
    """A row (a dict of cells) that notes each cell looked up, once given a set to note in."""

    # Underscored, so that a template's ``row.NAME`` never finds it instead of a column.
    _reads: set[str] | None = None

    def _watch(self, reads: set[str] | None) -> Watched:
        self._reads = reads
        return self

    def _note(self, key: Any) -> None:
        if self._reads is not None:
            self._reads.add(key if isinstance(key, str) else ALL)

    def _all(self) -> None:
        if self._reads is not None:
            self._reads.add(ALL)

    def __getitem__(self, key: str) -> str:
        self._note(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._note(key)
        return super().__contains__(key)


# Every way of reading the row whole notes ALL (str() and format() go through __repr__).
# Mutations need no entry: the sandbox refuses them.
_WHOLE = (
    "__iter__ __len__ __reversed__ __eq__ __ne__ __or__ __ror__ __repr__ keys values items copy"
)


def _reading_whole(name: str) -> Any:
    method = getattr(dict, name)

    def read(self: Watched, *args: Any) -> Any:
        self._all()
        return method(self, *args)

    read.__name__ = name
    return read


for _name in _WHOLE.split():
    setattr(Watched, _name, _reading_whole(_name))


def watched(cells: dict[str, str], reads: set[str]) -> Watched:
    """``cells`` as a row that notes in ``reads`` each cell looked up."""
    return Watched(cells)._watch(reads)


def read_columns(reads: set[str], columns: list[str]) -> set[str]:
    """The ``columns`` of a table that ``reads`` (names looked up while rendering) cover.

    A column ``NAME.LANG`` (a translation, see kit/languages.py) counts with ``NAME``.
    """
    if ALL in reads:
        return set(columns)
    return {c for c in columns if c in reads or c.rpartition(".")[0] in reads}
