"""Fill-in fields (``[[town]]``), marked pauses (``[[pause]]``) and timed sections of content."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape

FIELD = re.compile(r"\[\[\s*([a-z][a-z0-9_]*)\s*\]\]")
PAUSE = "pause"
PAUSE_PARAGRAPH = re.compile(r"<p>\s*\[\[\s*pause\s*\]\]\s*</p>")
WORDS_PER_MINUTE = 130  # a calm public-speaking pace


def first_strong_direction(text: str) -> str:
    """ "rtl" or "ltr" after the text's first strongly directional letter; "" if it has none."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return ""


def field_names(text: str) -> list[str]:
    """The fill-in fields a text uses, in order of first use, without ``pause``."""
    return list(dict.fromkeys(n for n in FIELD.findall(text) if n != PAUSE))


def fill_html(body: str, values: dict[str, str], labels: dict[str, str]) -> str:
    """Put each field's value into the HTML, or a labelled blank to write on when it has none."""
    body = PAUSE_PARAGRAPH.sub('<p class="pause" role="note">Pause</p>', body)

    def replace(match: re.Match[str]) -> str:
        name = match[1]
        if name == PAUSE:
            return '<span class="pause" role="note">(pause)</span>'
        value = values.get(name, "").strip()
        if value:
            # A value written right to left (an Urdu meeting time) is marked so, for a page in
            # either direction to lay it out as written.
            rtl = ' dir="rtl"' if first_strong_direction(value) == "rtl" else ""
            return f'<span class="field filled" data-field="{name}"{rtl}>{escape(value)}</span>'
        label = escape(labels.get(name, name.replace("_", " ")))
        return (
            f'<span class="field blank" data-field="{name}">'
            f'<span class="blank-line"></span><span class="blank-label">{label}</span></span>'
        )

    return FIELD.sub(replace, body)


@dataclass(frozen=True)
class Section:
    """A part of the content that starts at a ``##`` heading, with its spoken running time."""

    title: str
    html: Markup
    words: int

    @property
    def seconds(self) -> int:
        """Approximate time to say the section aloud, rounded to 5 seconds."""
        return max(5, round(self.words * 60 / WORDS_PER_MINUTE / 5) * 5)

    @property
    def duration(self) -> str:
        """The running time as a speaker says it: "40 seconds", "1 minute", "2½ minutes"."""
        return spoken_time(self.seconds)


def spoken_time(seconds: int) -> str:
    """Seconds under a minute, else the nearest half minute: estimates, not stopwatch times."""
    if seconds < 60:
        return f"{seconds} seconds"
    halves = int(seconds / 30 + 0.5)  # half up: 75 s is "1½ minutes", as a speaker rounds
    whole, half = divmod(halves, 2)
    if whole == 1 and not half:
        return "1 minute"
    return f"{whole}{'½' if half else ''} minutes"


def speech_length(seconds: int) -> str:
    """A whole speech's length as its speaker would say it: "about 30 seconds", "under a
    minute", "about 1 minute", "about 2½ minutes"; never "about 1 minute" for 25 seconds."""
    if seconds < 45:
        return f"about {max(15, round(seconds / 15) * 15)} seconds"  # to the quarter minute
    if seconds < 60:
        return "under a minute"
    return f"about {spoken_time(seconds)}"


def words_in(fragment: str) -> int:
    text = re.sub(
        r'<p class="pause"[^>]*>.*?</p>|<span class="(?:pause|blank-label)"[^>]*>.*?</span>',
        " ",
        fragment,
    )
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return len(re.findall(r"[\w\u2019'-]+", text))


def split_sections(body: str) -> list[Section]:
    """Split rendered content at its ``<h2>`` headings; text before the first has no title."""
    parts = re.split(r"(<h2>.*?</h2>)", body, flags=re.DOTALL)
    sections = []
    if parts[0].strip():
        # Parts of the content's HTML, already safe (Markdown with raw HTML off).
        sections.append(Section("", Markup(parts[0]), words_in(parts[0])))  # nosec
    for heading, fragment in zip(parts[1::2], parts[2::2], strict=True):
        title = html.unescape(re.sub(r"<[^>]+>", "", heading)).strip()
        sections.append(Section(title, Markup(fragment), words_in(fragment)))  # nosec
    return sections
