"""Write one output's social images (PNG at exact pixel sizes) and their caption file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from handbill.kit.fields import split_sections
from handbill.kit.languages import translator
from handbill.kit.loader import Kit
from handbill.kit.social import caption_name
from handbill.render.social import MAX_SLIDES
from handbill.render.templating import RenderedHTML


def write_social(
    kit: Kit,
    rendered: RenderedHTML,
    write: Callable[[str, bytes], dict[str, Any]],
    common: dict[str, Any],
    stem: str,
    read: dict[str, str],
) -> tuple[list[dict[str, Any]], list[str]]:
    """The images ``rendered.social`` holds, drawn and written with ``write`` (a recorded path
    and the bytes), then the caption file with the post text and each image's alt text, in the
    material's language; their manifest entries, and warnings."""
    from handbill.engine.social import draw_social

    entries: list[dict[str, Any]] = []
    warnings: list[str] = []
    if not rendered.social:
        return entries, warnings
    caption = caption_name(stem)
    words = translator(kit.template_dirs, rendered.material.language)
    alts: list[tuple[str, str]] = []
    for page in rendered.social:
        drawn = draw_social(kit, rendered, page, read)
        warnings += [f"{page.name}: {w}" for w in drawn.warnings]
        alt = drawn.text
        photo_alt = str(rendered.material.vars.get("social_photo_alt", "")).strip()
        if page.photo and photo_alt:
            alt = words("Photo: {alt}.", alt=photo_alt.rstrip(".")) + " " + alt
        alts.append((page.name, alt))
        entry = {
            **common,
            "kind": "png",
            "social": page.size.name,
            "slide": page.slide,
            "width_px": drawn.width,
            "height_px": drawn.height,
            "alt": alt,
            "caption": caption,
        }
        entries.append({**entry, **write(_beside(stem, page.name), drawn.png)})
        if page.photo:  # a photograph is smaller, and as good, as a JPEG
            jpeg = _beside(stem, page.name.removesuffix(".png") + ".jpg")
            entries.append({**entry, "kind": "jpg", **write(jpeg, drawn.jpeg())})
    if any(page.slide == MAX_SLIDES for page in rendered.social):  # a full carousel
        questions = sum(1 for section in split_sections(rendered.content) if section.title)
        if questions > MAX_SLIDES:
            warnings.append(
                f"{questions} questions; the social images show the first {MAX_SLIDES}, the "
                "most one post holds"
            )
    post = rendered.social[0].post.strip()
    text = caption_text(post, alts, words("Post text:"), words("Alt text for each image:"))
    entries.append(
        {
            **common,
            "kind": "caption",
            "post": post,
            **write(caption, text.encode("utf-8")),
        }
    )
    return entries, warnings


def _beside(stem: str, name: str) -> str:
    """The image's recorded path: in the same folder as the output (private/ for a private one)."""
    folder = stem.rpartition("/")[0]
    return f"{folder}/{name}" if folder else name


def caption_text(post: str, alts: list[tuple[str, str]], heading: str, alt_heading: str) -> str:
    """The caption file: the post text to paste, then each image's alt text, by file name."""
    lines = [heading, "", post, "", alt_heading, ""]
    for name, alt in alts:
        lines += [name.rpartition("/")[2], alt, ""]
    return "\n".join(lines)
