"""Material content: Markdown to safe HTML (raw HTML off), within what a page can hold."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from handbill.errors import KitError


def markdown_renderer() -> MarkdownIt:
    """CommonMark with tables and strikethrough; raw HTML is shown as text, never passed through."""
    return MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
        ["table", "strikethrough", "replacements", "smartquotes"]
    )


_MARKDOWN = markdown_renderer()


# What a printed material's Markdown may hold. Each is far beyond a real leaflet or FAQ and
# far below what makes the layout take minutes or gigabytes (a 5,000-column table did).
MAX_TABLE_COLUMNS = 30
MAX_TABLE_CELLS = 10_000
MAX_HEADINGS = 500


def render_markdown(path: Path, body: str, first_line: int = 1) -> str:
    """The body as HTML, once its tables and headings are within what a page can hold."""
    _check_quotes(path, body, first_line)
    tokens = _MARKDOWN.parse(body)
    headings = cells = columns = 0
    row_line: int | None = None
    for token in tokens:
        line = first_line + token.map[0] if token.map else None
        if token.type == "heading_open":
            headings += 1
            if headings > MAX_HEADINGS:
                raise KitError(
                    f"more than {MAX_HEADINGS} headings; printed material needs far fewer. "
                    "Split it into several materials.",
                    path,
                    line,
                )
        elif token.type == "tr_open":
            columns, row_line = 0, line
        elif token.type in ("th_open", "td_open"):
            columns, cells = columns + 1, cells + 1
            if columns > MAX_TABLE_COLUMNS or cells > MAX_TABLE_CELLS:
                what = (
                    f"a table row with more than {MAX_TABLE_COLUMNS} columns"
                    if columns > MAX_TABLE_COLUMNS
                    else f"tables with more than {MAX_TABLE_CELLS:,} cells"
                )
                raise KitError(
                    f"{what}; no page can print it readably. Split the table or shorten it.",
                    path,
                    row_line,
                )
    rendered: str = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})
    return rendered


# Typographic quotes are paired within a paragraph at a cost that grows with the square of
# the quotation marks in it: 2,000 take 0.2 s, 96,000 (a 288 KB paragraph) took minutes.
MAX_QUOTES_PER_PARAGRAPH = 2_000


def _check_quotes(path: Path, body: str, first_line: int) -> None:
    line = first_line
    for block in body.split("\n\n"):
        if block.count('"') + block.count("'") > MAX_QUOTES_PER_PARAGRAPH:
            raise KitError(
                f"a paragraph with more than {MAX_QUOTES_PER_PARAGRAPH:,} quotation marks; "
                "no printed paragraph needs so many. Split it, or take most of them out.",
                path,
                line,
            )
        line += block.count("\n") + 2
