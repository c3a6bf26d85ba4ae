"""Editable copies of a material's content: Word (.docx) and plain text (.txt)."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser

from handbill.render.autolink import href_for
from handbill.render.docxlook import DocLook, apply_look

BLANK = re.compile(
    r'<span class="field blank"[^>]*><span class="blank-line"></span>'
    r'<span class="blank-label">(.*?)</span></span>'
)
PAUSE = re.compile(r'<p class="pause"[^>]*>.*?</p>')


@dataclass
class Block:
    """A paragraph-level piece of content: its kind and its runs of (text, bold, italic)."""

    kind: str  # heading, paragraph, bullet, number, pause
    level: int = 0
    runs: list[tuple[str, bool, bool]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The block's text; line breaks (<br>) kept as newlines, other spacing folded."""
        joined = "".join(run[0] for run in self.runs)
        return "\n".join(re.sub(r"\s+", " ", line).strip() for line in joined.split("\n")).strip()


class _BlockParser(HTMLParser):
    """Turn the content's simple HTML (what Markdown produces) into blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.lists: list[str] = []
        self.bold = self.italic = 0
        self.current: Block | None = None
        self.link: tuple[str, int] | None = None  # an open <a>: its href, its first run

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._start(Block("heading", int(tag[1])))
        elif tag in ("ul", "ol"):
            self.lists.append(tag)
        elif tag == "li":
            kind = "number" if self.lists and self.lists[-1] == "ol" else "bullet"
            self._start(Block(kind, len(self.lists)))
        elif tag == "p" and (self.current is None or self.current.kind not in ("bullet", "number")):
            self._start(Block("paragraph"))
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "br" and self.current is not None:
            self.current.runs.append(("\n", False, False))
        elif tag == "a" and self.current is not None:
            self.link = (dict(attrs).get("href") or "", len(self.current.runs))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "li") or (
            tag == "p" and self.current is not None and self.current.kind == "paragraph"
        ):
            self._finish()
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "a" and self.link is not None and self.current is not None:
            self._write_out_link(*self.link)
            self.link = None
        elif tag in ("strong", "b"):
            self.bold -= 1
        elif tag in ("em", "i"):
            self.italic -= 1

    def handle_data(self, data: str) -> None:
        if self.current is None:
            if not data.strip():
                return
            self._start(Block("paragraph"))
        assert self.current is not None
        # A newline in the HTML source is a soft break: a space. Hard breaks come from <br>.
        self.current.runs.append((data.replace("\n", " "), self.bold > 0, self.italic > 0))

    def _write_out_link(self, href: str, first: int) -> None:
        """A copy has no links to click: an address is written out in full ("https://...",
        not "www...."), and a link on other words is followed by its address in brackets."""
        assert self.current is not None
        runs = self.current.runs[first:]
        shown = "".join(run[0] for run in runs).strip()
        address = re.sub(r"^(mailto|tel):", "", href)
        if not address or href.startswith("#"):
            return
        bold, italic = (runs[-1][1], runs[-1][2]) if runs else (False, False)
        bare = re.sub(r"^https?://", "", href).rstrip("/")
        if href_for(shown) == href or shown in (address, bare) or shown.rstrip("/") == bare:
            # The words are the address: shown whole, with its scheme.
            self.current.runs[first:] = [(address, bold, italic)]
        elif not href.startswith("tel:") or re.sub(r"\D", "", shown) != re.sub(r"\D", "", href):
            self.current.runs.append((f" ({address})", False, False))

    def _start(self, block: Block) -> None:
        self._finish()
        self.current = block

    def _finish(self) -> None:
        if self.current is not None and self.current.text:
            if self.current.text == "(pause)":
                self.current.kind = "pause"
            self.blocks.append(self.current)
        self.current = None


def blocks_of(content_html: str) -> list[Block]:
    """The content as blocks; blanks become ``[label]`` (plain to see in an email and easy to
    find and replace) and pauses ``(pause)``."""
    content_html = BLANK.sub(lambda m: f"[{m[1]}]", content_html)
    content_html = PAUSE.sub("<p>(pause)</p>", content_html)
    parser = _BlockParser()
    parser.feed(content_html)
    parser.close()
    parser._finish()
    return parser.blocks


def to_text(title: str, blocks: list[Block]) -> str:
    """Plain text to paste into an email: the title (if any) as a plain line, then one line
    per paragraph, never hard-wrapped (the mail program wraps it to the reader's window), a
    blank line between paragraphs, list items on lines of their own; CRLF line ends."""
    paragraphs = [title] if title else []
    counters: dict[int, int] = {}
    previous = ""
    for block in blocks:
        prefix = ""
        if block.kind == "number":
            counters[block.level] = counters.get(block.level, 0) + 1
            prefix = f"{counters[block.level]}. "
        elif block.kind == "bullet":
            prefix = "- "
        else:
            counters.clear()
        text = prefix + block.text
        listed = block.kind in ("number", "bullet")
        if listed and previous in ("number", "bullet") and paragraphs:
            paragraphs[-1] += "\n" + text  # items of one list on consecutive lines
        else:
            paragraphs.append(text)
        previous = block.kind
    return "\n\n".join(paragraphs).replace("\n", "\r\n") + "\r\n"


def to_docx(
    title: str,
    blocks: list[Block],
    font_size: float = 12,
    look: DocLook | None = None,
    author: str = "",
    when: datetime.datetime | None = None,
    name: str = "",
) -> bytes:
    """A Word document with the same headings, paragraphs and lists, in the campaign's look,
    headed by ``title`` (none for a letter); its properties give the material's ``name``, the
    campaign (``author``) and the build's date (``when``)."""
    from docx import Document  # imported here: only builds that export .docx need it

    document = Document()
    apply_look(document, look or DocLook(), font_size)
    properties = document.core_properties
    properties.title = name or title
    properties.author = properties.last_modified_by = author or "handbill"
    properties.comments = ""
    properties.revision = 1
    # python-docx's own template is dated 2013: Word would show that as the document's date.
    moment = when or datetime.datetime(1980, 1, 1, tzinfo=datetime.timezone.utc)
    properties.created = properties.modified = moment.replace(tzinfo=None, microsecond=0)
    if title:
        document.add_heading(title, level=0)
    for block in blocks:
        if block.kind == "heading":
            document.add_heading(block.text, level=min(block.level, 4))
            continue
        style = {"bullet": "List Bullet", "number": "List Number"}.get(block.kind)
        paragraph = document.add_paragraph(style=style)
        if block.kind == "pause":
            paragraph.add_run("(pause)").italic = True
            continue
        line_start = True
        for text, bold, italic in block.runs:
            if text == "\n":
                paragraph.add_run().add_break()
                line_start = True
                continue
            text = re.sub(r"\s+", " ", text)
            run = paragraph.add_run(text.lstrip() if line_start else text)
            run.bold, run.italic = bold or None, italic or None
            line_start = line_start and not text.strip()
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite the .docx (a zip) with fixed member times: same content, same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
