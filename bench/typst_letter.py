"""A reference for the merge: the same letters typeset by Typst (the ``typst`` package on PyPI).

Usage: python bench/typst_letter.py TABLE.csv OUT.pdf   (prints the pages made)

Each row becomes the example letter to an MP (materials/letter-to-mp.md), with its fields
filled in, as assets/css/letter.css sets it: A4, a 122 mm column, 11 pt at 1.36 line height,
0.6 em between paragraphs; the recipient's address with the date's blank and label beside it,
the bold subject, the body, room to sign, the sender's name and address. Its lines break where
the merged letters' do (compare ``pdftotext`` of both).
Typst is a benchmark tool only, never a dependency of handbill: install it with
``.venv/bin/pip install typst``.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import tempfile
from pathlib import Path

import typst

REPO = Path(__file__).resolve().parent.parent
FIELD = re.compile(r"\[\[\s*(\w+)\s*\]\]")

PREAMBLE = """
#set page(paper: "a4", margin: (top: 12mm, bottom: 8mm, x: 44mm))
#set text(font: "Atkinson Hyperlegible", size: 11pt, lang: "en")
#set text(top-edge: 0.8em, bottom-edge: -0.2em)
#set par(leading: 0.36em, spacing: 0.96em)
#let date = box(width: 40.8mm)[
  #line(length: 100%, stroke: 0.5pt) #v(-0.6em) #align(center, text(size: 8pt)[DATE])
]
"""


def _string(text: str) -> str:
    """``text`` as a Typst string expression: printed as it is, whatever characters it holds."""
    return "#" + json.dumps(text, ensure_ascii=False)


def letter(paragraphs: list[str], cells: dict[str, str]) -> str:
    """One letter in Typst markup; its paragraphs' [[fields]] filled from ``cells``."""
    filled = [FIELD.sub(lambda m: cells.get(m[1], ""), p) for p in paragraphs]
    *body, name, address = filled
    recipient = " \\\n".join(
        _string(line) for line in (f"{cells['mp_name']} MP", "House of Commons", "London SW1A 0AA")
    )
    parts = [
        f"#grid(columns: (1fr, 68mm), align: bottom, [{recipient}], [#date])",
        "#v(2mm)",
        "#text(weight: 700)[Accountable Care Organisation and Integrated Care Provider contracts]",
        *(_string(p) for p in body),
        "#v(8.6mm)",
        _string(name),
        _string(address),
    ]
    return "\n\n".join(parts)


def main() -> None:
    table, out = Path(sys.argv[1]), Path(sys.argv[2])
    text = (REPO / "materials" / "letter-to-mp.md").read_text(encoding="utf-8")
    body = text.split("---", 2)[2]
    paragraphs = [" ".join(p.split()) for p in body.strip().split("\n\n")]
    with table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    source = PREAMBLE + "\n#pagebreak()\n".join(letter(paragraphs, row) for row in rows)
    with tempfile.TemporaryDirectory() as temp:
        main_file = Path(temp) / "letters.typ"
        main_file.write_text(source, encoding="utf-8")
        fonts = [str(REPO / "assets" / "fonts" / "atkinson-hyperlegible")]
        typst.compile(str(main_file), output=str(out), font_paths=fonts, ignore_system_fonts=True)
    print(len(rows))


if __name__ == "__main__":
    main()
