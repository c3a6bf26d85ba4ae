"""Material content: Markdown to safe HTML (raw HTML off), within what a page can hold."""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from handbill.errors import KitError
from handbill.kit.nobreak import keep_together


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


def render_markdown(
    path: Path, body: str, first_line: int = 1, links: dict[str, str] | None = None
) -> str:
    """The body as HTML, once its tables and headings are within what a page can hold and
    every link is a web address (a name from [links], ``links``, becomes its address)."""
    _check_quotes(path, body, first_line)
    tokens = _MARKDOWN.parse(body)
    headings = cells = columns = 0
    row_line: int | None = None
    for token in tokens:
        line = first_line + token.map[0] if token.map else None
        if token.type == "inline" and line is not None:
            _check_links(path, token, line, links or {})
            for child in token.children or []:
                if child.type == "text":  # not code, not a link's address
                    child.content = en_dashes(keep_together(child.content))
        elif token.type == "heading_open":
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


WEB = ("https://", "http://", "mailto:", "tel:", "#")  # "#": a place in the same PDF


def _check_links(path: Path, inline: Token, line: int, links: dict[str, str]) -> None:
    """Resolve the links of one paragraph (or heading, or cell) to web addresses.

    A printed PDF travels: a link to a file beside the material ("other.md") would become a
    link into the builder's own disk (file:///home/...), useless to a reader and naming the
    builder's folders. So a link is a full address, a name from [links], or refused.
    """
    for child in inline.children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        if child.type != "link_open":
            continue
        href = str(child.attrGet("href") or "")
        if href in links:
            child.attrSet("href", links[href])
        elif not href.lower().startswith(WEB):
            raise KitError(
                f"link '{href}' is not a web address; use a full https:// address or a link "
                "name from [links]",
                path,
                line,
            )


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


_SPACED_HYPHEN = re.compile(r"(?<=\S)[ \u00a0]+-{1,2} +(?=\S)")
_APOSTROPHE = re.compile(r"(?<=[\w.,!?)\]])'|'(?=\d0s\b)")
_OPENING_SINGLE = re.compile(r"'")
_OPENING_DOUBLE = re.compile(r'(?:(?<=^)|(?<=[\s(\[{\u2014\u2013-]))"')
_CLOSING_DOUBLE = re.compile(r'"')


def en_dashes(text: str) -> str:
    """A hyphen between spaces turned into the dash it stands for: an en dash, bound to the
    word before it so that a line never starts with it ("stop\u00a0\u2013 it\u2019s ours")."""
    return _SPACED_HYPHEN.sub("\u00a0\u2013 ", text) if " -" in text else text


def smart_quotes(text: str) -> str:
    """Straight quotes in a line of text (a title, a headline) turned typographic, as the
    content's Markdown turns them: the apostrophe of "Don't" becomes U+2019, a pair of
    double quotes U+201C and U+201D, three full stops an ellipsis, a hyphen between spaces an
    en dash, and a date or a time keeps
    together ("24\u00a0April", "7\u00a0pm": nobreak.py)."""
    text = en_dashes(keep_together(text.replace("...", "\u2026")))
    text = _APOSTROPHE.sub("\u2019", text)  # after a letter: an apostrophe or a closing quote
    text = _OPENING_SINGLE.sub("\u2018", text)
    text = _OPENING_DOUBLE.sub("\u201c", text)
    return _CLOSING_DOUBLE.sub("\u201d", text)


# Pieces of a data cell or a field's value that are not prose and keep their straight quotes:
# web addresses, e-mail addresses, handles and hashtags, and `code`.
_NOT_PROSE = re.compile(
    r"(`[^`]*`|(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)\S+|\S+@\S+\.\S+|(?<![\w'])[@#][\w.-]+)",
    re.IGNORECASE,
)


def smart_text(text: str) -> str:
    """A data cell or a fill-in value ("St John's", "Don't") with typographic quotes and its
    dates kept together, as in the content; its web and e-mail addresses, handles and `code`
    stay as written."""
    if "\ue000" in text:
        return text  # U+E000 is the stand-in below (and no font draws it)
    if "'" not in text and '"' not in text and "..." not in text and " -" not in text:
        return keep_together(text)  # most cells: no quotes to turn
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match[0])
        # A stand-in that ends in a letter, so the quotes after it read as they do after a word.
        return f"\ue000{len(kept) - 1}x"

    typeset = smart_quotes(_NOT_PROSE.sub(keep, text))
    return re.sub("\ue000(\\d+)x", lambda match: kept[int(match[1])], typeset)


def smart_quotes_in(value: object) -> object:
    """``value`` with smart quotes in every text that has a space in it (a phrase, not a file
    name or an address), in mappings and lists too."""
    if isinstance(value, str):
        return smart_quotes(value) if " " in value.strip() else value
    if isinstance(value, dict):
        return {key: smart_quotes_in(item) for key, item in value.items()}
    if isinstance(value, list):
        return [smart_quotes_in(item) for item in value]
    return value
