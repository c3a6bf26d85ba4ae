"""The download page's social media section (images, post text, a copy button) and share tags."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote

from handbill.kit.languages import text_direction
from handbill.kit.loader import Kit
from handbill.kit.social import SIZES, social_kind
from handbill.publish.labels import DASH, TIMES, variant

SOCIAL_KINDS = {
    "png": ".png",
    "jpg": ".jpg",
    "caption": ".txt",
}  # manifest kinds, with their file endings
COPY_SCRIPT = """
<script>
/* Copy a post's text: the clipboard API where the page may use it, else a selected textarea. */
(function () {
  function copied(button, ok) {
    var status = document.getElementById(button.getAttribute("data-status"));
    status.textContent = ok ? "Copied: paste it into your post." : "Select the text and copy it.";
  }
  document.querySelectorAll("button.copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = document.getElementById(button.getAttribute("data-copy")).textContent;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { copied(button, true); },
          function () { copied(button, false); });
        return;
      }
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      copied(button, ok);
    });
  });
})();
</script>"""
SOCIAL_STYLE = """
.social { background: var(--background); border-radius: .5rem; padding: .25rem 1rem 1rem;
  margin-top: 2rem; }
.post { border-top: 1px solid var(--rule); padding-top: .75rem; margin-top: .75rem; }
.post h3 { font-size: 1.1rem; margin: .25rem 0 .5rem; }
.post-text { white-space: pre-wrap; background: var(--tint); padding: .5rem .75rem;
  border-radius: .4rem; margin: 0 0 .5rem; }
.copy { min-height: 44px; font: inherit; font-weight: 700; padding: .4rem 1rem; cursor: pointer;
  border: 2px solid var(--primary-ink); border-radius: .4rem; background: var(--background);
  color: var(--primary-ink); }
.copy:focus { outline: 3px solid var(--accent); outline-offset: 2px; }
.copy-status { color: var(--muted); margin: .25rem 0 .5rem; min-height: 1.5em; }
.images { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 1rem; }
.images figure { margin: 0; width: 11rem; }
.images img { width: 100%; height: 11rem; object-fit: contain; background: var(--tint);
  border: 1px solid var(--rule); }
.images figcaption { font-size: .9rem; color: var(--muted); }
.images a, .caption-file { color: var(--primary-ink); font-weight: 700; display: inline-flex;
  align-items: center; min-height: 44px; }
"""


def social_section(kit: Kit, entries: list[dict[str, Any]]) -> str:
    """The section of the page with every post: its images, its text and a copy button."""
    e = html.escape
    captions = {entry["path"]: entry for entry in entries if entry["kind"] == "caption"}
    jpegs = {entry["path"] for entry in entries if entry["kind"] == "jpg"}
    posts: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        if entry["kind"] == "png" and isinstance(entry.get("caption"), str):
            posts.setdefault(entry["caption"], []).append(entry)
    known = [
        (caption, images, material)
        for caption, images in posts.items()
        if (material := kit.materials.get(images[0]["material"])) is not None
    ]

    def order(post: tuple[str, list[dict[str, Any]], Any]) -> tuple[str, int, bool, str]:
        # As the cards: a material's posts together, each row's original before its translations.
        caption, images, material = post
        row = images[0].get("row")
        original = material.translation_of or material.name
        return (
            original,
            row if isinstance(row, int) else 0,
            bool(material.translation_of),
            caption,
        )

    blocks = []
    for number, (caption, images, material) in enumerate(sorted(known, key=order), start=1):
        row = images[0].get("row")
        words = variant(kit, material, row if isinstance(row, int) else None)
        title = material.title + (f"{DASH}{words}" if words else "")
        post = captions.get(caption, {}).get("post", "")
        text = (
            f'<p class="post-text" id="post-{number}">{e(str(post))}</p>'
            f'<button type="button" class="copy" data-copy="post-{number}" '
            f'data-status="copied-{number}" aria-label="Copy the post text for {e(title)}">'
            "Copy the post text</button>"
            f'<p class="copy-status" id="copied-{number}" role="status"></p>'
            if isinstance(post, str) and post
            else ""
        )
        figures = "".join(_figure(image, jpegs) for image in images)
        caption_link = (
            f' <a class="caption-file" href="{e(quote(caption, safe=""))}" download>'
            "Post and alt text (.txt)</a>"
            if caption in captions
            else ""
        )
        blocks.append(
            f'<article class="post" lang="{e(material.language)}" '
            f'dir="{text_direction(material.language)}">'
            f'<h3>{e(title)}</h3>{text}<ul class="images">{figures}</ul>{caption_link}</article>'
        )
    if not blocks:
        return ""
    return (
        '<section class="social" aria-labelledby="h-social">\n<h2 id="h-social">Social media '
        "images</h2>\n<p>Images sized for posts, stories and link previews, each with the text "
        "to post and a description for screen readers (alt text).</p>\n"
        + "\n".join(blocks)
        + "\n</section>"
    )


def _figure(image: dict[str, Any], jpegs: set[str]) -> str:
    """One image, labelled with its size, with its download links (PNG, and JPEG when the
    image holds a photograph)."""
    e = html.escape
    size = SIZES.get(str(image.get("social")))
    label = size.label.capitalize() if size else "Image"
    width, height = image.get("width_px"), image.get("height_px")
    sized = isinstance(width, int) and isinstance(height, int)
    pixels = f", {width}{TIMES}{height}\u00a0px" if sized else ""
    slide = image.get("slide")
    if isinstance(slide, int) and slide:
        label += f" {slide}"
    path = e(quote(image["path"], safe=""))
    other = str(image["path"]).removesuffix(".png") + ".jpg"
    jpeg = f' <a href="{e(quote(other, safe=""))}" download>JPEG</a>' if other in jpegs else ""
    return (
        f'<li><figure><img src="{path}" alt="{e(str(image.get("alt", "")))}" loading="lazy">'
        f"<figcaption>{e(label)}{e(pixels)}<br>"
        f'<a href="{path}" download>Download PNG</a>{jpeg}</figcaption></figure></li>'
    )


def link_card(kit: Kit, entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The image a shared link to the page shows: a link card of the campaign's message
    (the placard's), else any link card, else None."""
    cards = [e for e in entries if e["kind"] == "png" and e.get("social") == "card"]

    def rank(entry: dict[str, Any]) -> tuple[bool, str]:
        material = kit.materials.get(entry["material"])
        kind = social_kind(material.template, material.per) if material else ""
        return (kind != "message", entry["path"])

    return min(cards, key=rank) if cards else None


def share_tags(kit: Kit, entries: list[dict[str, Any]], title: str) -> str:
    """Open Graph and Twitter card tags, so that a link to the page shows a preview with the
    campaign's link card. The image's address is absolute only with [site] url: without it,
    relative, which some apps cannot follow (docs/site.md)."""
    e = html.escape
    config = kit.config
    description = config.tagline or f"Materials to download and print for {config.name}"
    tags = [
        ("property", "og:type", "website"),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:site_name", config.name),
    ]
    if config.site_url:
        tags.append(("property", "og:url", config.site_url))
    card = link_card(kit, entries)
    if card is not None:
        url = config.site_url + quote(card["path"], safe="")
        tags += [
            ("property", "og:image", url),
            ("property", "og:image:width", str(card.get("width_px", ""))),
            ("property", "og:image:height", str(card.get("height_px", ""))),
            ("property", "og:image:alt", str(card.get("alt", ""))),
            ("name", "twitter:card", "summary_large_image"),
            ("name", "twitter:image", url),
            ("name", "twitter:image:alt", str(card.get("alt", ""))),
        ]
    else:
        tags.append(("name", "twitter:card", "summary"))
    tags += [("name", "twitter:title", title), ("name", "twitter:description", description)]
    return "\n".join(
        f'<meta {kind}="{e(name)}" content="{e(value)}">' for kind, name, value in tags
    )
