"""A reference for the merge: the same letters typeset by Typst (the ``typst`` package on PyPI).

Usage: python bench/typst_letter.py TABLE.csv OUT.pdf   (prints the pages made)

Each row becomes the example letter to an MP (materials/letter-to-mp.md), with its fields
filled in, on A4 with the letter's margins, font and size (assets/css/letter.css): the
recipient's address, the subject, the body and the sign-off with the sender's name and address.
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
#set page(paper: "a4", margin: (top: 12mm, bottom: 8mm, x: 30mm))
#set text(font: "Atkinson Hyperlegible", size: 11pt, lang: "en")
#set par(leading: 0.36em, spacing: 0.6em)
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
        recipient,
        "#v(7mm)",
        "#text(weight: 700)[Accountable Care Organisation and Integrated Care Provider contracts]",
        *(_string(p) for p in body),
        "#v(11mm)",
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
