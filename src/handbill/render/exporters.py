"""Editable copies of a material's content: Word (.docx) and plain text (.txt)."""

from __future__ import annotations

import datetime
import io
import re
import textwrap
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser

from handbill.kit.fields import WORDS_PER_MINUTE, split_sections, spoken_time
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

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "li") or (
            tag == "p" and self.current is not None and self.current.kind == "paragraph"
        ):
            self._finish()
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
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

    def _start(self, block: Block) -> None:
        self._finish()
        self.current = block

    def _finish(self) -> None:
        if self.current is not None and self.current.text:
            if self.current.text == "(pause)":
                self.current.kind = "pause"
            self.blocks.append(self.current)
        self.current = None


@dataclass(frozen=True)
class Timing:
    """A speech's running times, as its PDF prints them: the whole, and each section's."""

    total: str  # "Speaking time: about 5 minutes at 130 words a minute"
    sections: dict[str, str]  # section title -> "about 40 seconds"


def speech_timing(content_html: str) -> Timing:
    """The running times of a speech's content, as the speech template works them out."""
    sections = split_sections(content_html)
    seconds = sum(section.seconds for section in sections)
    # Under 75 seconds the PDF says "about 1 minute", never "about 55 seconds" for a whole speech.
    total = "1 minute" if seconds < 75 else spoken_time(seconds)
    return Timing(
        f"Speaking time: about {total} at {WORDS_PER_MINUTE} words a minute",
        {section.title: f"about {section.duration}" for section in sections if section.title},
    )


def _timed(blocks: list[Block], timing: Timing | None) -> list[Block]:
    """Each level-2 heading followed by its section's running time, as in the PDF."""
    if timing is None:
        return blocks
    timed = []
    for block in blocks:
        duration = timing.sections.get(block.text) if block.kind == "heading" else None
        if duration and block.level == 2:
            block = Block("heading", 2, [*block.runs, (f" ({duration})", False, False)])
        timed.append(block)
    return timed


def blocks_of(content_html: str) -> list[Block]:
    """The content as blocks; blanks become ``________ (label)`` and pauses ``(pause)``."""
    content_html = BLANK.sub(lambda m: f"________ ({m[1]})", content_html)
    content_html = PAUSE.sub("<p>(pause)</p>", content_html)
    parser = _BlockParser()
    parser.feed(content_html)
    parser.close()
    parser._finish()
    return parser.blocks


def to_text(
    title: str, subtitle: str, blocks: list[Block], width: int = 72, timing: Timing | None = None
) -> str:
    """Plain text for pasting into an email: wrapped paragraphs, underlined headings; a
    speech's running times (``timing``) under the title and after each section's heading."""
    lines = [title, "=" * len(title), ""]
    if subtitle:
        lines += [subtitle, ""]
    if timing is not None:
        lines += [timing.total, ""]
    blocks = _timed(blocks, timing)
    counters: dict[int, int] = {}
    previous = ""
    for block in blocks:
        if block.kind == "heading":
            lines += ["", block.text, "-" * len(block.text), ""]
            previous = block.kind
            continue
        prefix = ""
        if block.kind == "number":
            counters[block.level] = counters.get(block.level, 0) + 1
            prefix = f"{counters[block.level]}. "
        elif block.kind == "bullet":
            prefix = "- "
        else:
            counters.clear()
            if previous in ("bullet", "number"):
                lines.append("")
        indent = " " * len(prefix)
        for index, part in enumerate(block.text.split("\n")):
            wrapped = textwrap.wrap(part, width - len(prefix)) or [""]
            lines.append((prefix if index == 0 else indent) + wrapped[0])
            lines += [indent + rest for rest in wrapped[1:]]
        if block.kind in ("paragraph", "pause"):
            lines.append("")
        previous = block.kind
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def to_docx(
    title: str,
    subtitle: str,
    blocks: list[Block],
    font_size: float = 12,
    look: DocLook | None = None,
    author: str = "",
    when: datetime.datetime | None = None,
    timing: Timing | None = None,
) -> bytes:
    """A Word document with the same headings, paragraphs and lists, in the campaign's look;
    its properties name the campaign (``author``) and the build's date (``when``), and a
    speech carries its running times (``timing``) as in its PDF."""
    from docx import Document  # imported here: only builds that export .docx need it

    document = Document()
    apply_look(document, look or DocLook(), font_size)
    properties = document.core_properties
    properties.title = title
    properties.author = properties.last_modified_by = author or "handbill"
    properties.comments = ""
    properties.revision = 1
    # python-docx's own template is dated 2013: Word would show that as the document's date.
    moment = when or datetime.datetime(1980, 1, 1, tzinfo=datetime.timezone.utc)
    properties.created = properties.modified = moment.replace(tzinfo=None, microsecond=0)
    document.add_heading(title, level=0)
    if subtitle:
        document.add_paragraph(subtitle).runs[0].italic = True
    if timing is not None:
        document.add_paragraph().add_run(timing.total).bold = True
    for block in _timed(blocks, timing):
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
