"""Web and email addresses written out in content made into links, for documents read on screen.

A press release reaches a newsroom as a PDF attached to an email: a journalist clicks an address
rather than retyping it. Markdown only links what is written as ``[text](address)`` or
``<address>``; an address typed as plain text ("https://example.org/case", "press@example.org")
stays text. ``autolink`` wraps each one in ``<a href>``, outside existing links.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup, escape

# An address ends before the punctuation that ends its sentence ("... see www.x.org.").
_URL = r"(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,;:!?)\]\u2019\u201d']"
_EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_ADDRESS = re.compile(rf"(?P<url>{_URL})|(?P<email>{_EMAIL})")
_TAG = re.compile(r"(<[^>]*>)")
_OPEN_LINK = re.compile(r"<a[\s>]", re.IGNORECASE)
_CLOSE_LINK = re.compile(r"</a\s*>", re.IGNORECASE)


def href_for(address: str) -> str:
    """The link target of a written address: ``mailto:`` for an email, ``https://`` before a
    bare ``www.``."""
    if "@" in address and "://" not in address:
        return f"mailto:{address}"
    return f"https://{address}" if address.lower().startswith("www.") else address


def autolink(fragment: object) -> Markup:
    """``fragment`` with every address in its text, outside an ``<a>``, a link. Safe HTML
    (``Markup``) keeps its tags; anything else is text and is escaped first."""
    parts = _TAG.split(str(fragment if isinstance(fragment, Markup) else escape(fragment)))
    inside_link = 0
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            if _OPEN_LINK.match(part):
                inside_link += 1
            elif _CLOSE_LINK.match(part):
                inside_link = max(0, inside_link - 1)
        elif not inside_link and _ADDRESS.search(html.unescape(part)):
            parts[index] = _link_text(html.unescape(part))
    # Text was unescaped to be matched and is escaped again; tags are passed through.
    return Markup("".join(parts))  # nosec B704


def _link_text(text: str) -> str:
    out, position = [], 0
    for match in _ADDRESS.finditer(text):
        address = match[0]
        out.append(str(escape(text[position : match.start()])))
        out.append(f'<a href="{escape(href_for(address))}">{escape(address)}</a>')
        position = match.end()
    out.append(str(escape(text[position:])))
    return "".join(out)
