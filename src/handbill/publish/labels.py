"""Human names for outputs on the download page and the pack's cover sheet: a material's kind
("A5 leaflet"), the variant a data row makes ("Leeds", "Rally - Old Palace Yard - Fri 26 Oct
2018") and its language ("Welsh"), never a file name."""

from __future__ import annotations

import datetime
from typing import Any

from handbill.kit.loader import Kit, rows_of
from handbill.kit.material import Material

# English names of the languages campaigns in the UK most often print in; any other shows its
# code ("ku"). Organisers read the page in the kit's language, which the materials list as
# their own; these say which copy is which.
LANGUAGE_NAMES = {
    "ar": "Arabic",
    "bn": "Bengali",
    "cy": "Welsh",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "ga": "Irish",
    "gd": "Scottish Gaelic",
    "gu": "Gujarati",
    "hi": "Hindi",
    "it": "Italian",
    "lt": "Lithuanian",
    "pa": "Punjabi",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "so": "Somali",
    "ta": "Tamil",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "zh": "Chinese",
}
# The stock templates by what a volunteer calls them; a kit's own template is named by the
# material's title instead.
TEMPLATE_KINDS = {
    "leaflet-a5": "A5 leaflet",
    "leaflet-dl": "DL leaflet",
    "event-flyer": "Event flyer",
    "event-poster": "Event poster",
    "faq": "Questions and answers",
    "letter": "Letter",
    "petition": "Petition sheet",
    "placard": "Placard",
    "press-release": "Press release",
    "speech": "Speech",
}
# Columns of a data row that say which variant it is, in the order they are shown: what it is
# called, where, then when. The first name column found is used, and the first place column.
NAME_COLUMNS = ("title", "name", "group", "event")
PLACE_COLUMNS = ("town", "venue", "place", "city", "area", "constituency")
DATE_COLUMNS = ("date",)


def language_name(language: str) -> str:
    """ "Welsh" for ``cy``; the code itself for a language not in the list."""
    return LANGUAGE_NAMES.get(language.split("-")[0].lower(), language)


def kind(material: Material, with_paper: bool = True) -> str:
    """What the material is, in words: "A5 leaflet", "Placard (A3)", or its title."""
    known = TEMPLATE_KINDS.get(material.template)
    if known is None:
        return material.title
    if with_paper and material.template in ("placard", "event-poster") and material.paper.label:
        return f"{known} ({material.paper.label.split()[0]})"
    return known


def _date(text: str) -> str:
    try:
        day = datetime.date.fromisoformat(text.strip())
    except ValueError:
        return text.strip()
    return f"{day:%a} {day.day} {day:%b %Y}"


def row_words(row: dict[str, str], group_name: bool = False) -> list[str]:
    """The parts of a row that tell it apart: its name, place and date, each once.

    ``group_name`` drops a name column when a place is known: a local group's leaflet is "Leeds",
    not "999 Call for the NHS Leeds - Leeds".
    """
    lower = {key.lower(): value.strip() for key, value in row.items() if value and value.strip()}
    name = next((lower[c] for c in NAME_COLUMNS if c in lower), "")
    place = next((lower[c] for c in PLACE_COLUMNS if c in lower), "")
    when = next((_date(lower[c]) for c in DATE_COLUMNS if c in lower), "")
    if group_name and place and not when:
        name = ""
    words: list[str] = []
    for word in (name, place, when):
        if word and not any(word.lower() in seen.lower() for seen in words):
            words.append(word)
    # A table with none of those columns: its id, else its first value.
    first: str = lower.get("id") or next(iter(lower.values()), "") or ""
    return words or [first]


def variant(kit: Kit, material: Material, row: int | None) -> str:
    """How one output differs from the material's other outputs: "Leeds (Welsh)", or "" for
    the one output of a material in the kit's own language."""
    words: list[str] = []
    if row and material.per:
        rows = rows_of(kit, material)
        if 1 <= row <= len(rows):
            words = row_words(rows[row - 1], group_name=True)
    text = " - ".join(w for w in words if w)
    if material.language.split("-")[0] != kit.config.language.split("-")[0]:
        text = (
            f"{text} ({language_name(material.language)})"
            if text
            else language_name(material.language)
        )
    return text


def output_title(kit: Kit, material: Material, entry: dict[str, Any]) -> str:
    """The title of one output for a list: "A5 leaflet - Leeds (Welsh)"."""
    row = entry.get("row")
    words = variant(kit, material, row if isinstance(row, int) else None)
    return f"{kind(material)} - {words}" if words else kind(material)


def lead_line(tagline: str, count: int) -> str:
    """The line under the campaign's name: "Fix our homes first: 7 materials to download and
    print.", or after a tagline that ends a sentence, a sentence of its own."""
    materials = f"{count} material{'s' * (count != 1)} to download and print."
    text = tagline.strip() or "Campaign materials"
    if text[-1] in ".!?\u2026":
        return f"{text} {materials}"
    return f"{text.rstrip(':;,')}: {materials}"
