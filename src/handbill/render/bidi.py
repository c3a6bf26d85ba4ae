"""Right-to-left pages: Latin runs, hashtags, handles and web addresses isolated left to right.

In a right-to-left paragraph the Unicode bidi algorithm gives a neutral character next to a
Latin word the paragraph's direction, so "#Justice4NHS" is drawn as "Justice4NHS#" and
"@999CallforNHS" as "999CallforNHS@". Each run of Latin text is wrapped in ``<bdi dir="ltr">``:
it is laid out left to right as one piece, and the stylesheet sets it in the brand's Latin font
rather than the Latin letters of the right-to-left font.
"""

from __future__ import annotations

import html
import re

from markupsafe import escape

# Latin letters and digits, and what may sit between them inside one word or address.
_LATIN = "0-9A-Za-z\u00c0-\u024f"
_WORD = rf"(?:https?://|www\.)?[#@£$€]?[{_LATIN}](?:[{_LATIN}'\u2019.,/:&+%=?_-]*[{_LATIN}/])?"
# Words joined by spaces (and a comma or colon before a space: "House, 188 Woodhouse Lane"),
# so that a name or an address keeps its word order.
_RUN = re.compile(rf"{_WORD}(?:[,;:]?[ \u00a0]+{_WORD})*")
_HAS_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]|^[#@]")
_TAG = re.compile(r"(<[^>]*>)")


def isolate_latin(fragment: str) -> str:
    """``fragment`` (HTML) with every run of Latin words in its text wrapped in a left-to-right
    ``<bdi>``; runs of digits alone ("24", "2018") stay in the surrounding text."""
    parts = _TAG.split(fragment)
    for index in range(0, len(parts), 2):  # the text between tags
        parts[index] = _isolate_text(html.unescape(parts[index]))
    return "".join(parts)


def _isolate_text(text: str) -> str:
    out, position = [], 0
    for match in _RUN.finditer(text):
        if not _HAS_LATIN_LETTER.search(match[0]):
            continue
        out.append(str(escape(text[position : match.start()])))
        out.append(f'<bdi dir="ltr">{escape(match[0])}</bdi>')
        position = match.end()
    out.append(str(escape(text[position:])))
    return "".join(out)
