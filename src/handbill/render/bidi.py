"""Right-to-left pages: Latin runs, hashtags, handles and web addresses isolated left to right.

In a right-to-left paragraph the Unicode bidi algorithm gives a neutral character next to a
Latin word the paragraph's direction, so "#Justice4NHS" is drawn as "Justice4NHS#" and
"@999CallforNHS" as "999CallforNHS@". Each run of Latin text is wrapped in ``<bdi dir="ltr">``:
it is laid out left to right as one piece, and the stylesheet sets it in the brand's Latin font
rather than the Latin letters of the right-to-left font. ``isolate_page`` does the same for a
whole page, after the template has run, so the template's own words and vars (a call to action
naming "ACO" and "ICP") get it as the content does.
"""

from __future__ import annotations

import html
import re

from markupsafe import escape

from handbill.kit.nobreak import unbroken_address

# Latin letters and digits, and what may sit between them inside one word or address.
_LATIN = "0-9A-Za-z\u00c0-\u024f"
_WORD = rf"(?:https?://|www\.)?[#@£$€]?[{_LATIN}](?:[{_LATIN}'\u2019.,/:&+%=?_-]*[{_LATIN}/])?"
# Words joined by spaces (and a comma or colon before a space: "House, 188 Woodhouse Lane"),
# so that a name or an address keeps its word order.
_RUN = re.compile(rf"{_WORD}(?:[,;:]?[ \u00a0]+{_WORD})*")
_HAS_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]|^[#@]")
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")
# Elements whose text is not running text (styles, scripts, drawings, the document's title) or
# is already laid out left to right (a <bdi>, anything marked dir="ltr").
_SKIPPED = frozenset({"style", "script", "svg", "title", "bdi", "textarea"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


def isolate_latin(fragment: str) -> str:
    """``fragment`` (HTML) with every run of Latin words in its text wrapped in a left-to-right
    ``<bdi>``; runs of digits alone ("24", "2018") stay in the surrounding text."""
    parts = _TAG.split(fragment)
    for index in range(0, len(parts), 2):  # the text between tags
        parts[index] = _isolate_text(html.unescape(parts[index]))
    return "".join(parts)


# The digits a language's typesetters use in running text, where they are not 0-9: Urdu (and
# Persian) set Extended Arabic-Indic digits, so a date reads "۲۴ اپریل ۲۰۱۸". Digits inside a
# Latin run ("999 Call for the NHS", "Act 2012") are part of a name and stay 0-9.
DIGITS = {"ur": "۰۱۲۳۴۵۶۷۸۹", "fa": "۰۱۲۳۴۵۶۷۸۹"}


def digits_for(language: str) -> str:
    """The ten digits for running text in ``language`` (a tag such as "ur" or "ur-PK"), or ""."""
    return DIGITS.get(language.split("-")[0].lower(), "")


def _isolate_text(text: str, digits: str = "") -> str:
    table = str.maketrans("0123456789", digits) if digits else None

    def rtl(piece: str) -> str:
        return str(escape(piece.translate(table) if table else piece))

    out, position = [], 0
    for match in _RUN.finditer(text):
        if not _HAS_LATIN_LETTER.search(match[0]):
            continue
        out.append(rtl(text[position : match.start()]))
        # Each part up to a comma stays whole ("Quaker Meeting House, 188 Woodhouse Lane"): a
        # Latin name broken over two right-to-left lines is read in the wrong order.
        out.append(f'<bdi dir="ltr">{escape(unbroken_address(match[0]))}</bdi>')
        position = match.end()
    out.append(rtl(text[position:]))
    return "".join(out)


def isolate_page(page: str, digits: str = "") -> str:
    """A whole page's HTML with every Latin run in the text of its body isolated, as
    ``isolate_latin`` does, and its other digits set as ``digits`` (``digits_for``) where given;
    text already isolated, styles, scripts and drawings stay as they are."""
    head, found, body = page.partition("<body")
    if not found:
        return page
    parts = _TAG.split(body)
    skipping, depth = "", 0
    for index, part in enumerate(parts):
        if index % 2 == 0:
            if not skipping and index:  # parts[0] is the rest of the <body ...> tag
                parts[index] = _isolate_text(html.unescape(part), digits)
            continue
        name_match = _TAG_NAME.match(part)
        if not name_match:
            continue  # a comment or a doctype
        name = name_match[1].lower()
        opening = not part.startswith("</")
        single = part.endswith("/>") or name in _VOID
        if skipping:
            if name == skipping and not single:
                depth += 1 if opening else -1
                skipping = "" if depth == 0 else skipping
        elif opening and not single and (name in _SKIPPED or ' dir="ltr"' in part):
            skipping, depth = name, 1
    return head + found + "".join(parts)
