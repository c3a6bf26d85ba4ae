"""A material: one printable item, its checked front matter and its content as safe HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handbill.kit.paper import Paper


@dataclass(frozen=True)
class Material:
    """One printable item: front matter settings plus the body rendered to safe HTML."""

    name: str
    path: Path
    template: str
    title: str
    paper: Paper
    language: str
    body_html: str
    subtitle: str = ""
    description: str = ""
    audience: str = "organisers"
    pages: int | None = None
    duplex: bool = False
    qr: tuple[str, ...] = ()
    output: str = ""
    vars: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    per: str = ""
    exports: tuple[str, ...] = ()
    published: bool = True
    booklet: bool = False
    # Mail merge: a column whose values must appear in the same column of a data table.
    merge_known: dict[str, str] = field(default_factory=dict)
    translation_of: str = ""
    # Written in OUT-private/, beside the output folder, never in it (e.g. a list of contacts).
    private: bool = False
    # Social media images to make (kit/social.py SIZES), e.g. ("square", "story").
    social: tuple[str, ...] = ()

    @property
    def shown_path(self) -> str:
        """The material's file as its author finds it: "materials/speech.md" (from the kit)."""
        # Materials live in KIT/materials/ (or a folder below it): the path from the last
        # "materials" folder, the same whatever folder the command was run from.
        parts = self.path.parts
        index = max((i for i, part in enumerate(parts) if part == "materials"), default=-1)
        return "/".join(parts[index:]) if index >= 0 else self.path.name

    @property
    def output_name(self) -> str:
        """The PDF's file name; for a ``per:`` material, a pattern with {column} parts."""
        default = self.name + ("-{n}" if self.per else "")
        return (self.output or default) + ".pdf"
