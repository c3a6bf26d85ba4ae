"""Human names for outputs on the download page and the pack's cover sheet: a material's kind
("A5 leaflet"), the variant a data row makes ("Leeds", "Rally, Old Palace Yard, Fri 26 Oct
2018"), its language ("Welsh") and how to print it, never a file name."""

from __future__ import annotations

import datetime
import re
from typing import Any

from handbill.kit.data import printed_cells
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
# Between a kind and its variant, and between a variant's words: an en dash, as in print,
# bound to the word before it so that no line of a heading starts with it.
DASH = "\u00a0\u2013 "
# Between a size's width and height, as a print shop writes it: "353 \u00d7 249 mm", with
# no-break spaces so that a size never breaks across lines.
TIMES = "\u00a0\u00d7\u00a0"
# Columns of a data row that say which variant it is, in the order they are shown: what it is
# called, where, then when. The first name column found is used, and the first place column.
NAME_COLUMNS = ("title", "name", "group", "event")
PLACE_COLUMNS = ("town", "venue", "place", "city", "area", "constituency")
DATE_COLUMNS = ("date",)


def language_name(language: str) -> str:
    """ "Welsh" for ``cy``; the code itself for a language not in the list."""
    return LANGUAGE_NAMES.get(language.split("-")[0].lower(), language)


def kind(material: Material, with_paper: bool = True) -> str:
    """What the material is, in words: "A5 leaflet", "A3 placard", or its title."""
    known = TEMPLATE_KINDS.get(material.template)
    if known is None:
        return material.title
    if with_paper and material.template in ("placard", "event-poster") and material.paper.label:
        # The paper first, as a print shop says it: "A3 placard", like "A5 leaflet".
        return f"{material.paper.label.split()[0]} {known[:1].lower()}{known[1:]}"
    return known


def _date(text: str) -> str:
    try:
        day = datetime.date.fromisoformat(text.strip())
    except ValueError:
        return text.strip()
    return f"{day:%a} {day.day}\u00a0{day:%b %Y}"  # "Sat 17 Nov" never broken after 17


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
            # The row as printed ("St Bede\u2019s Church"), as the material itself shows it.
            words = row_words(printed_cells(rows[row - 1]), group_name=True)
    text = DASH.join(w for w in words if w)
    if material.language.split("-")[0] != kit.config.language.split("-")[0]:
        text = (
            f"{text} ({language_name(material.language)})"
            if text
            else language_name(material.language)
        )
    return text


def output_title(kit: Kit, material: Material, entry: dict[str, Any]) -> str:
    """The title of one output for a list: "A5 leaflet", an en dash, "Leeds (Welsh)"; a poster
    tiled for home printers says at what size it comes out ("A3 placard, printed at 84% on 2
    A4 sheets, 353\u00a0\u00d7\u00a0249 mm when joined")."""
    row = entry.get("row")
    words = variant(kit, material, row if isinstance(row, int) else None)
    title = f"{kind(material)}{DASH}{words}" if words else kind(material)
    tiles = tiled_words(entry)
    return f"{title}, {tiles}" if tiles else title


def sides_words(two_sided: bool, landscape: bool, flip: str) -> str:
    """How to set the printer: "print one-sided", or "print double-sided, flip on long edge".

    ``flip`` is the kit's duplex_flip: the edge a landscape sheet's back is laid out for; a
    portrait sheet always flips on its long edge."""
    if not two_sided:
        return "print one-sided"
    return f"print double-sided, flip on {flip if landscape else 'long'} edge"


def entry_sides(entry: dict[str, Any], flip: str) -> str:
    """``sides_words`` for one PDF of the manifest, from its paper and whether it is two-sided."""
    paper = entry.get("paper") or {}
    landscape = _number(paper.get("width_mm")) > _number(paper.get("height_mm"))
    return sides_words(bool(entry.get("duplex") or entry.get("booklet")), landscape, flip)


def tiled_words(entry: dict[str, Any]) -> str:
    """For a poster tiled over A4 sheets: "printed at 84% on 2 A4 sheets,
    353\u00a0\u00d7\u00a0249 mm when joined" (or "full size on ..."); "" for any other output."""
    parts = _tiled(entry)
    if parts is None:
        return ""
    how, sheets, size = parts
    return f"{how} on {sheets} A4 sheet{'s' * (sheets != 1)}, {size} when joined"


def _tiled(entry: dict[str, Any]) -> tuple[str, int, str] | None:
    """A tiled poster's scale in words, its sheets and its size when joined, from the
    manifest's ``scale`` and ``joined_mm``; None for any other output, or an older manifest."""
    imposition = str(entry.get("imposition") or "")
    joined = entry.get("joined_mm")
    if not imposition.startswith("tiled") or not isinstance(joined, list) or len(joined) != 2:
        return None
    scale = _number(entry.get("scale", 1.0))
    # As the tiles label themselves (pages/impose.py): whole mm, rounded the same way.
    size = f"{_number(joined[0]):.0f}{TIMES}{_number(joined[1]):.0f} mm"
    how = "full size" if scale >= 0.995 else f"printed at {scale * 100:.0f}%"
    return how, int(_number(entry.get("pages"))), size


def _number(value: object) -> float:
    # A manifest may come from elsewhere: anything but a number counts as 0.
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


# What a QR code leads to, by the link name the manifest records (a kit's [links] name, or
# "booking" / "calendar" / "url" for a row's own address), in the stock templates' own words
# beside the code: a volunteer reads what it does, never which column or file it came from.
LINK_WORDS = {
    "petition": "Sign the petition",
    "donate": "Donate to the campaign",
    "events": "Find more events",
    "booking": "Book your place",
    "calendar": "Add it to your calendar",
    "case": "Find out more",
    "url": "A web page",
    "page": "A web page",
    "link": "A web page",
}


def qr_titles(kit: Kit, material: Material) -> dict[str, str]:
    """The words beside each of a material's codes on the page, by link name, in the page's
    language: the material's own (``qr_titles``, or its one ``qr_title``); for a translation,
    its original's, so that every language of a leaflet says the same; then the words any
    other material of the kit prints beside a code of that link ("Find your MP" as written)."""
    kit_language = kit.config.language.split("-")[0]
    original = kit.materials.get(material.translation_of) if material.translation_of else None
    own = original if original is not None else material
    found = _own_titles(own) if own.language.split("-")[0] == kit_language else {}
    for other in kit.materials.values():
        if other.language.split("-")[0] == kit_language and other is not own:
            for name, words in _own_titles(other).items():
                found.setdefault(name, words)
    return found


def _own_titles(material: Material) -> dict[str, str]:
    """The words a material prints over its codes: its ``qr_titles``, or its one ``qr_title``."""
    titles = material.vars.get("qr_titles")
    found = {str(k): str(v) for k, v in (titles.items() if isinstance(titles, dict) else ()) if v}
    single = material.vars.get("qr_title")
    if isinstance(single, str) and single and len(material.qr) == 1:
        found.setdefault(material.qr[0], single)
    return found


def link_words(name: str) -> str:
    """A link name without words of its own, made readable: "find-your-mp" is "Find your MP"
    (a word without vowels is an initialism: MP, GP, NHS)."""
    words = [
        w.upper() if w.isalpha() and not set(w.lower()) & set("aeiouy") else w
        for w in name.replace("_", "-").split("-")
        if w
    ]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def qr_words(entries: list[dict[str, Any]], titles: dict[str, str] | None = None) -> str:
    """What a material's QR codes lead to, from its finished-size PDFs (one per variant), in
    ``titles`` (the words printed beside each) or the stock words: "QR code: Sign the
    petition", or where variants differ "QR codes: Sign the petition (1 version) · Find more
    events (3 versions)"; "" without any."""
    counts: dict[str, int] = {}
    for entry in entries:
        codes = entry.get("qr_codes")
        # In the order they are printed, each once.
        names = dict.fromkeys(
            str(code["link"])
            for code in (codes if isinstance(codes, list) else [])
            if isinstance(code, dict) and isinstance(code.get("link"), str)
        )
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    words = []
    for name, count in counts.items():
        word = (titles or {}).get(name) or LINK_WORDS.get(name) or link_words(name)
        word = word[:1].upper() + word[1:]
        if count != len(entries) and len(entries) > 1:
            word += f" ({count} version{'s' * (count != 1)})"
        words.append(word)
    if not words:
        return ""
    return f"QR code{'s' * (len(words) > 1)}: " + " \u00b7 ".join(words)


def download_label(entry: dict[str, Any], sized: bool = True) -> str:
    """A PDF's link text on the download page, by what paper and printer it needs: "PDF on A5
    paper, for a printer that takes A5", "A4 sheets for any home printer (2 copies to a sheet,
    to cut)", "PDF for a print shop: CMYK PDF/X-4, 3 mm bleed, crop marks", greyscale; the
    finished-size ones with their paper and pages when ``sized`` (the card's facts already
    show them on screen; a screen reader hears them with each link)."""
    pages = int(_number(entry.get("pages")))
    paper = (entry.get("paper") or {}).get("name", "")
    size = f" ({paper}, {pages} page{'s' * (pages != 1)})" if sized else ""
    grey = bool(entry.get("greyscale"))
    imposition = str(entry.get("imposition") or "")
    if imposition:
        sheets = "Greyscale A4 sheets" if grey else "A4 sheets"
        tiled = _tiled(entry)
        if tiled is not None:  # "2 A4 sheets for any home printer: printed at 84%, ..."
            scaled, many, joined = tiled
            what = "greyscale A4 sheets" if grey else "A4 sheets"
            return f"{many} {what} for any home printer: {scaled}, {joined} when joined"
        if imposition.startswith("tiled"):
            how = imposition  # an older manifest, without the size
        elif imposition.endswith("-up"):
            count = imposition.split("-")[0]
            # Copies side by side on each sheet, cut apart after printing.
            how = "one to a sheet" if count == "1" else f"{count} copies to a sheet, to cut"
        else:
            how = imposition  # "booklet of 8 pages"
        return f"{sheets} for any home printer ({how})"
    if entry.get("mode") == "press":
        # What a print shop asks for, from what the manifest says the file has.
        parts = []
        if entry.get("pdf_x"):
            parts.append(f"CMYK PDF/X-{entry['pdf_x']}")
        bleed = _number(entry.get("bleed_mm"))
        if bleed > 0:
            parts.append(f"{bleed:g} mm bleed")
        if entry.get("crop_marks"):
            parts.append("crop marks")
        shop = "PDF for a print shop" + (": " + ", ".join(parts) if parts else "")
        return shop + size
    if grey:
        return "Greyscale PDF for black-and-white printers and photocopiers" + size
    dims = entry.get("paper") or {}
    sides = sorted((_number(dims.get("width_mm")), _number(dims.get("height_mm"))))
    sheet = str(paper).split()[0] if paper else "its own"
    if sides[1] > 297.5:
        # Bigger than A4: few homes have the printer; the A4 sheets are for them.
        return f"PDF for an office printer that takes {sheet} paper" + size
    if abs(sides[0] - 210) < 1 and abs(sides[1] - 297) < 1:
        return "PDF on A4 paper, for any home or office printer" + size
    # Smaller than A4 (A5, A6): the pages are that size, and print as they are only on a
    # printer fed with that paper; any other printer takes the A4 sheets.
    return f"PDF on {sheet} paper, for a printer that takes {sheet}" + size


def short_label(entry: dict[str, Any]) -> str:
    """A download's name in a row of several variants, where the card's key says the rest:
    "A5 PDF", "A4 sheets", "Greyscale", "Greyscale A4 sheets", "Print shop"."""
    kind_words = {"form": "Fill in on screen", "docx": "Word", "txt": "Plain text"}
    if entry.get("kind") != "pdf":
        return kind_words.get(str(entry.get("kind")), str(entry.get("kind")))
    grey = bool(entry.get("greyscale"))
    if entry.get("imposition"):
        return "Greyscale A4 sheets" if grey else "A4 sheets"
    if entry.get("mode") == "press":
        return "Print shop"
    if grey:
        return "Greyscale"
    paper = str((entry.get("paper") or {}).get("name", "")).split()
    return f"{paper[0]} PDF" if paper else "PDF"


def lead_line(tagline: str, count: int) -> str:
    """The line under the campaign's name: "Fix our homes first: 7 materials to download and
    print.", or after a tagline that ends a sentence, a sentence of its own."""
    materials = f"{count} material{'s' * (count != 1)} to download and print."
    text = tagline.strip() or "Campaign materials"
    if text[-1] in ".!?\u2026":
        return f"{text} {materials}"
    return f"{text.rstrip(':;,')}: {materials}"


def search_examples(materials: list[Material]) -> str:
    """The search box's hint, from words that find some of this kit's materials: "e.g.
    leaflet, speech, A3, Welsh". A paper or language every material shares finds them all,
    so it is named only when the kit has more than one."""
    # "A5 leaflet" and "DL leaflet" are both found by "leaflet"; the paper is named apart.
    kinds = [
        re.sub(r"^(A\d|DL) ", "", kind(m, with_paper=False)).lower()
        for m in materials
        if m.template in TEMPLATE_KINDS
    ]
    papers = [m.paper.label.split()[0] for m in materials if m.paper.label]
    languages = [language_name(m.language) for m in materials]
    # The commonest kind first ("leaflet"), then one sharing no word with it ("speech", not
    # "event poster" after "event flyer"): two hints that find different cards.
    ranked = sorted(dict.fromkeys(kinds), key=lambda name: -kinds.count(name))
    words = ranked[:1]
    words += [k for k in ranked[1:] if not set(k.split()) & set(ranked[0].split())][:1]
    for found in (papers, languages):
        counts = {word: found.count(word) for word in found}
        if len(counts) > 1:
            words.append(min(counts, key=lambda word: counts[word]))  # the rarest finds few
    return "e.g. " + ", ".join(words) if words else "a title or a kind of material"
