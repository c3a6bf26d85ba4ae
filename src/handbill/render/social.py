"""Social images' HTML: one page per size (and per question for an FAQ), from templates/social/."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from handbill.kit.data import printed_cells
from handbill.kit.fields import Section, fill_html, split_sections
from handbill.kit.languages import localized_row
from handbill.kit.links import link_label
from handbill.kit.loader import Kit
from handbill.kit.material import Material
from handbill.kit.social import (
    MIN_TEXT_PX,
    PHOTO_SHARE,
    SIZES,
    SocialSize,
    has_photo,
    image_name,
    social_kind,
)
from handbill.render.bidi import isolate_latin
from handbill.render.fitmarks import Fitter
from handbill.render.running import run_template
from handbill.render.templating import DataRow, kit_context, printed_values

MAX_SLIDES = 10  # a carousel holds at most ten images on the big platforms
_POST = re.compile(r'<meta name="handbill-post" content="([^"]*)">')


@dataclass(frozen=True)
class SocialPage:
    """One social image to draw: its size, its place in a carousel, its HTML and file name."""

    size: SocialSize
    slide: int  # 1, 2 ... in a carousel; 0 for a single image
    html: str
    name: str  # the PNG's file name, e.g. faq.social-2.square.png
    post: str  # the post text the template gives, for the caption file
    photo: bool = False  # it shows the material's photograph: written as JPEG too


def short_link(kit: Kit, material: Material, row: dict[str, str] | None) -> str:
    """The address to print in words (never a QR code on a phone): the row's own (its booking
    link, or a column the material's ``qr:`` names, such as a local group's page), else the
    material's first QR link, else the kit's events or case link, else nothing."""
    links = kit.config.links
    row = row or {}
    own = [row.get("booking_link", "")] + [row.get(name, "") for name in material.qr]
    for url in own:
        if url.startswith(("http://", "https://")):
            named = next((link for link in links.values() if link.url == url), None)
            return named.label if named else link_label(url)
    for name in (*material.qr, "events" if material.per == "events" else "", "case"):
        if name in links:
            return links[name].label
    return next((link.label for link in links.values()), "")


MAX_ANSWER_CHARS = 260  # what a phone shows at 36 px or more beside the question
_SENTENCE_END = re.compile(r"[.!?](?=\s)")


def answer_excerpt(fragment: str) -> str:
    """The start of an answer for its image: its first paragraph, cut after the last whole
    sentence that fits in ``MAX_ANSWER_CHARS`` (never in the middle of one, unless the first
    sentence alone is longer; then after a word, with an ellipsis). A paragraph that only
    introduces a list ("There are lots of ways to help:") goes on with the list's items."""
    first = re.search(r"<p>(.*?)</p>(.*)", fragment, flags=re.DOTALL)
    text = _plain(first[1] if first else fragment)
    if text.endswith(":") and first:
        if _SENTENCE_END.search(text):  # "We worry. Our worries are that:" -> "We worry."
            text = text[: [m.end() for m in _SENTENCE_END.finditer(text)][-1]]
        else:
            items = [_plain(item) for item in re.findall(r"<li>(.*?)</li>", first[2], re.DOTALL)]
            items = [_ended(item) for item in items if item]
            if items:
                lead = items[0][:1].lower() + items[0][1:] if items[0][1:2].islower() else items[0]
                text = " ".join([text, lead, *items[1:]])
    if len(text) <= MAX_ANSWER_CHARS:
        return text
    ends = [m.end() for m in _SENTENCE_END.finditer(text[: MAX_ANSWER_CHARS + 1] + " ")]
    if ends:
        return text[: ends[-1]]
    return text[:MAX_ANSWER_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def _plain(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup)).split())


def _ended(sentence: str) -> str:
    """A list item as a sentence: with its full stop."""
    return sentence if sentence[-1:] in ".!?" else sentence + "."


def social_pages(
    kit: Kit,
    material: Material,
    row: dict[str, str] | None,
    number: int,
    stem: str,
    overrides: dict[str, str],
) -> list[SocialPage]:
    """The pages of every image ``material`` asks for with ``social:``; none when it asks none."""
    if not material.social:
        return []
    kind = social_kind(material.template, material.per)
    # The row as printed (typeset when its table was read), in the material's language; its
    # links stay as written, and the short link is made from the cells as written.
    cells = localized_row(printed_cells(row), material.language) if row is not None else {}
    row = localized_row(row, material.language) if row is not None else None
    printed = printed_values(kit, cells, overrides)
    content = fill_html(material.body_html, printed, material.fields)
    slides: list[Section | None] = [None]
    if kind == "faq":
        questions: list[Section | None] = [s for s in split_sections(content) if s.title]
        slides = questions[:MAX_SLIDES] or [None]
    common = {
        **kit_context(kit, material),
        # Markdown with raw HTML off, already safe; inserted, never compiled.
        "content": Markup(content),  # nosec B704
        "sections": split_sections(content),
        "row": DataRow(cells, material.per, number),
        "min_text_px": MIN_TEXT_PX,
        "short_link": short_link(kit, material, row),
    }
    pages = []
    for name in material.social:
        size = SIZES[name]
        left, top, right, bottom = size.safe_box
        for index, slide in enumerate(slides, start=1):
            number_shown = index if len(slides) > 1 else 0
            context = {
                **common,
                "fit": Fitter(),  # each page's boxes numbered from the first
                "size": size,
                "safe": {"left": left, "top": top, "right": right, "bottom": bottom},
            }
            photo = has_photo(size, material.vars)
            context.update(
                photo=photo,
                photo_share=PHOTO_SHARE.get(name, 0.0),
                slide=slide,
                slide_answer=answer_excerpt(str(slide.html)) if slide else "",
                slide_number=index,
                slide_count=len(slides),
            )
            page = _render(kit, material, kind, context)
            body = page.find("<body")
            if context["direction"] == "rtl" and body >= 0:
                # Latin runs (names, hashtags, addresses) laid out as isolated pieces, as in
                # print; only the body, never the styles or the post text in the head.
                start = page.find(">", body) + 1 or len(page)
                page = page[:start] + isolate_latin(page[start:])
            found = _POST.search(page)
            post = html.unescape(found[1]) if found else ""
            file = image_name(stem, name, number_shown)
            pages.append(SocialPage(size, number_shown, page, file, post, photo))
    return pages


def _render(kit: Kit, material: Material, kind: str, context: dict[str, Any]) -> str:
    label = f"{material.name} (social image)"
    return run_template(kit, material, f"social/{kind}.html", context, label)
