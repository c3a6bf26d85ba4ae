"""Social images: the sizes a material may ask for, their safe areas, text sizes and file names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from handbill.errors import did_you_mean


@dataclass(frozen=True)
class SocialSize:
    """One image size the big platforms use, and the part of it that nothing covers."""

    name: str
    width: int  # pixels
    height: int
    label: str  # in words, for the download page and alt text
    # The margins (px) that platforms may cover or crop: top, right, bottom, left.
    safe: tuple[int, int, int, int]

    @property
    def safe_box(self) -> tuple[int, int, int, int]:
        """The safe area as (left, top, right, bottom) in pixels."""
        top, right, bottom, left = self.safe
        return left, top, self.width - right, self.height - bottom


# Square and portrait posts and link cards keep 64 px clear all round: feeds round the corners,
# and link cards are cropped towards the middle by some apps. Stories have the account's name
# and progress bar over the top ~14 % and the reply box and buttons over the bottom ~18 %.
SIZES: dict[str, SocialSize] = {
    "square": SocialSize("square", 1080, 1080, "square post", (64, 64, 64, 64)),
    "portrait": SocialSize("portrait", 1080, 1350, "portrait post", (64, 64, 64, 64)),
    "story": SocialSize("story", 1080, 1920, "story", (270, 72, 350, 72)),
    "card": SocialSize("card", 1200, 630, "link card", (48, 64, 48, 64)),
}

# The smallest text on an image, in image pixels. A 1080 px post fills a phone screen about
# 360 points wide, three image pixels to a point: 36 px shows as 12 points, the size phone
# makers give for comfortable body text. A 1200 px link card is shown about 500 points wide in
# a feed, so 36 px is still over 15 points there.
MIN_TEXT_PX = 36

# The stock templates, by what a material is: templates/social/KIND.html (a kit's own first).
KINDS = ("event", "message", "faq")

_IMAGE = re.compile(r"\.social(?:-\d+)?\.(?:" + "|".join(SIZES) + r")\.(?:png|jpg)")
CAPTION_ENDING = ".social.txt"


def social_kind(template: str, per: str) -> str:
    """Which stock social template suits a material: events, an FAQ, or the campaign message."""
    if template.startswith("event") or per == "events":
        return "event"
    if template == "faq":
        return "faq"
    return "message"


def parse_social(value: object) -> tuple[tuple[str, ...], str]:
    """The sizes in front matter (``social: [square, story]``), and a problem ("" when none)."""
    allowed = ", ".join(SIZES)
    if isinstance(value, str):  # "social: square, story", as for qr
        if "," not in value and len(value.split()) > 1:
            return (), (
                f"separate the image sizes with commas: '{', '.join(value.split())}' "
                f"(sizes: {allowed})."
            )
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return (), f"must be a list of image sizes from: {allowed}, e.g. [square, story]."
    # Letter case does not matter: "Story" is the story size.
    sizes = [item.strip().lower() for item in value]
    unknown = [item for item, size in zip(value, sizes, strict=True) if size not in SIZES]
    if len(unknown) == 1:
        hint = did_you_mean(unknown[0].lower(), SIZES)
        return (), f"no image size '{unknown[0]}'.{hint} Sizes: {allowed}."
    if unknown:  # every one at once, not one per build
        named = [f"'{item}'{_meant(item)}" for item in unknown]
        return (), f"no image sizes {', '.join(named[:-1])} and {named[-1]}. Sizes: {allowed}."
    return tuple(dict.fromkeys(sizes)), ""


def _meant(item: str) -> str:
    """ " (did you mean 'x'?)" for a misspelt size, or ""."""
    hint = did_you_mean(item.lower(), SIZES).strip()
    return f" ({hint[0].lower()}{hint[1:]})" if hint else ""


def image_name(stem: str, size: str, slide: int = 0, ending: str = "png") -> str:
    """``STEM.social.square.png``, or ``STEM.social-2.square.png`` for slide 2 of a carousel."""
    return f"{stem}.social{f'-{slide}' if slide else ''}.{size}.{ending}"


def has_photo(size: SocialSize, variables: dict[str, object]) -> bool:
    """Whether an image of this size shows the material's photograph (``vars.social_photo``):
    posts taller than wide only; a square or a link card keeps its room for the words."""
    return bool(variables.get("social_photo")) and size.height > size.width


# The photograph's share of the main part's height, by size.
PHOTO_SHARE = {"portrait": 0.38, "story": 0.42}


def caption_name(stem: str) -> str:
    """The text file with the post text and each image's alt text."""
    return stem + CAPTION_ENDING


def social_ending(path: str, stem: str) -> bool:
    """Whether ``path`` is one of the social files of the output named ``stem``."""
    if not path.startswith(stem):
        return False
    rest = path[len(stem) :]
    return rest == CAPTION_ENDING or _IMAGE.fullmatch(rest) is not None
