"""One document of many letters: each letter's parts, the document's HTML, where each starts."""

from __future__ import annotations

import html
import re

from handbill.errors import HandbillError
from handbill.kit.loader import Kit
from handbill.kit.material import Material

_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)
_FOOTER = re.compile(r'<footer class="page-footer">(.*?)</footer>', re.S)


ROW = "data-merge-row"  # the attribute a letter's element holds its row number in


def letter_div(number: int, body: str) -> str:
    """One letter of a document of letters, told apart by its row number in ``ROW``.

    Not by an id: every id becomes a named destination in the PDF, and elements whose
    attributes differ are cascaded apart, where letters alike in all but their row share one
    cascade and their paragraphs' line breaks (engine/cascade.py, engine/linecache.py)."""
    return f'<div class="merge-letter" {ROW}="{number}">{body}</div>'


def letter_pages(starts: dict[int, int], total: int, numbers: list[int]) -> dict[int, list[int]]:
    """Each letter's page indices, by row number, for the letters of ``numbers`` in document
    order; ``starts`` gives the page each row's letter starts on, ``total`` the document's
    pages (see ``handbill.engine.inspect.letter_starts``)."""
    ends = [starts[number] for number in numbers[1:]] + [total]
    return {
        number: list(range(starts[number], end)) for number, end in zip(numbers, ends, strict=True)
    }


def letter_parts(page: str, material: Material) -> tuple[str, str, str]:
    """A letter's HTML as its head (up to <body>), its page footer's HTML and its body."""
    match = _BODY.search(page)
    if match is None:
        raise HandbillError(f"template '{material.template}' has no <body> element")
    found = _FOOTER.search(match[1])
    return page[: page.index("<body")], found[1] if found else "", _FOOTER.sub("", match[1])


def letters_html(
    kit: Kit, material: Material, head: str, footer: str, bodies: list[str], style: str = ""
) -> str:
    """One document of letters, each starting on a new sheet (see layout_chunk)."""
    # Two-sided letters start on a front (right-hand) page, so a blank back is added after a
    # letter with an odd number of pages; one-sided letters just start on a new sheet. Page
    # numbers are left out: counted across the whole batch they would be wrong.
    # The footer (imprint, title) is the same for every letter: it is printed as the text of
    # the page's bottom-left margin box, which WeasyPrint lays out once per page, where the
    # template's running element would make it lay out every page twice.
    start = "right" if material.duplex else "page"
    muted = kit.config.brand.colours["muted"]
    style = style or (
        f"<style>.merge-letter + .merge-letter {{ break-before: {start}; }}"
        f"@page {{ @bottom-right {{ content: none; }} @bottom-left {{ content: "
        f"{_css_string(footer)}; white-space: pre-line; font-size: 7.5pt; line-height: 1.3; "
        f"color: {muted}; }} }}"
        "@page :blank { @bottom-left { content: none; } }</style></head>"
    )
    body = f'<body class="template-{material.template} merge">{"".join(bodies)}</body></html>'
    return head.replace("</head>", style, 1) + body


def _css_string(fragment: str) -> str:
    """HTML ``fragment`` as the text of a CSS string, one line per block."""
    text = html.unescape(
        re.sub(r"<[^>]+>", " ", re.sub(r"</(strong|span|p)>\s*<", "\n<", fragment))
    )
    lines = [" ".join(line.split()) for line in text.splitlines()]
    joined = "\\A ".join(line for line in lines if line)
    return '"' + joined.replace('"', '\\"') + '"'
