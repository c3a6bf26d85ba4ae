"""The download page's cards: one material each, with its thumbnail, facts, codes and links."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from handbill.kit.languages import text_direction
from handbill.kit.loader import Kit
from handbill.publish.labels import (
    DASH,
    download_label,
    entry_sides,
    kind,
    language_name,
    qr_titles,
    qr_words,
    short_label,
    variant,
)
from handbill.publish.runs import file_size as _size

THUMB_WIDTH_PX = 360
KIND_LABELS = {
    "pdf": "PDF",
    "form": "PDF to fill in on screen, then print",
    "docx": "Word document, to edit",
    "txt": "Plain text, to copy",
}

# The cards' own rules in the page's style sheet: a card's key, its table of versions, and
# Urdu set in Nastaliq.
CARD_STYLE = """
.material h3 .paper { white-space: nowrap; }
/* Urdu titles in Nastaliq, as printed, not a generic Naskh; taller lines for its stacking.
   An Urdu social post's title and text too. */
.material:lang(ur) h3, .material:lang(ur) .desc,
.post:lang(ur) h3, .post:lang(ur) .post-text { font-family: "Noto Nastaliq Urdu",
  "Jameel Noori Nastaleeq", "Urdu Typesetting", serif; line-height: 2.2; }
.key { margin: .25rem 0 0; font-size: .9rem; color: var(--muted); }
.key summary { min-height: 44px; display: flex; align-items: center; cursor: pointer;
  color: var(--primary-ink); font-weight: 700; }
.key summary::before { content: "\\25B8\\00a0"; }
.key[open] summary::before { content: "\\25BE\\00a0"; }
.key summary::-webkit-details-marker { display: none; }
.key summary { list-style: none; }
.key dt { font-weight: 700; color: var(--text); }
.key dd { margin: 0 0 .25rem; }
/* A card with several versions spans two columns where there is room for its table. */
@media (min-width: 40rem) { .material.wide { grid-column: span 2; } }
.versions { width: 100%; border-collapse: collapse; font-size: .95rem; }
.versions th, .versions td { border-top: 1px solid var(--rule); padding: 0 .25rem;
  text-align: start; }
.versions thead td, .versions thead th { border-top: 0; font-size: .85rem;
  vertical-align: bottom; }
.versions td a { color: var(--primary-ink); font-weight: 700; display: flex; gap: .4rem;
  align-items: center; min-height: 44px; min-width: 44px; text-decoration: none;
  white-space: nowrap; }
.versions td a .size { text-decoration: underline; font-weight: 700; color: var(--primary-ink); }
.versions .col { display: none; }
.versions .none { color: var(--muted); }
/* On a phone: a block a version, its links side by side, each saying its column. */
@media (max-width: 39.99rem) {
  .versions thead { display: none; }
  .versions tr { display: flex; flex-wrap: wrap; gap: 0 .75rem;
    border-top: 1px solid var(--rule); }
  .versions th[scope=row] { flex-basis: 100%; border: 0; padding-top: .5rem; }
  .versions td { border: 0; }
  .versions .none { display: none; }
  .versions .col { display: inline; text-decoration: underline; }
  .versions td a .size { text-decoration: none; font-weight: 400; color: var(--muted); }
}
"""


@dataclass
class Card:
    """One material on the page: its outputs (several for a per-row material) and a thumbnail."""

    material: Any
    entries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def pdfs(self) -> list[dict[str, Any]]:
        """The finished-size PDFs (one per variant), not the A4 sheets made for home printers."""
        return [e for e in self.entries if e["kind"] == "pdf" and not e.get("imposition")]

    @property
    def main(self) -> dict[str, Any]:
        """The PDF the card shows and names first: the colour one for home and office printers,
        never the greyscale or print-shop copy when the build made it."""
        return min(self.pdfs, key=lambda e: (bool(e.get("greyscale")), e.get("mode") == "press"))


def rank(entry: dict[str, Any]) -> tuple[int, bool, bool, bool, str]:
    """The order of a variant's links: the colour PDF, its A4 sheets, the greyscale copies,
    the print shop's file, then the editable copies."""
    order = list(KIND_LABELS)
    return (
        order.index(entry["kind"]) if entry["kind"] in order else len(order),
        entry.get("mode") == "press",
        bool(entry.get("greyscale")),
        bool(entry.get("imposition")),
        entry["path"],
    )


def offered(entries: list[dict[str, Any]], flip: str) -> list[tuple[dict[str, Any], str]]:
    """The downloads of one variant, in order, each with how to set the printer ("" if nothing
    to say). A4 sheets "one to a sheet" of a material that is itself A4 differ from its PDF only
    by a line of printing instructions (the packs want them): the page offers the PDF alone and
    says that line under it."""
    finished = {
        (bool(e.get("greyscale")), _dims(e)): e
        for e in entries
        if e["kind"] == "pdf" and not e.get("imposition") and e.get("mode") != "press"
    }
    hows: dict[str, str] = {}
    shown = []
    for entry in sorted(entries, key=rank):
        if entry["kind"] == "pdf" and entry.get("imposition"):
            how = entry_sides(entry, flip)
            twin = finished.get((bool(entry.get("greyscale")), _dims(entry)))
            if entry["imposition"] == "1-up" and twin is not None:
                hows[twin["path"]] = how
                continue
            hows[entry["path"]] = how
        shown.append(entry)
    return [(e, _sentence(hows.get(e["path"], ""))) for e in shown]


def _dims(entry: dict[str, Any]) -> tuple[float, float]:
    """A PDF's paper as (short side, long side) in whole mm, whichever way it is turned."""
    paper = entry.get("paper") or {}
    sides = [paper.get("width_mm"), paper.get("height_mm")]
    short, long = sorted(float(round(x)) if isinstance(x, int | float) else 0.0 for x in sides)
    return short, long


def _sentence(how: str) -> str:
    return how[:1].upper() + how[1:] + "." if how else ""


def _links(material: Any, entries: list[dict[str, Any]], named: str, flip: str) -> str:
    """The download links of one variant: PDF, A4 sheets, editable copies, each labelled in
    words by what it is for, with its size; ``named`` is the variant's name for screen readers.
    A4 sheets say how to set the printer (``flip`` is the kit's duplex_flip), as the packs do."""
    e = html.escape
    links = []
    for entry, how in offered(entries, flip):
        label = spoken = KIND_LABELS.get(entry["kind"], entry["kind"])
        if entry["kind"] == "pdf":
            label, spoken = download_label(entry, sized=False), download_label(entry)
            described = f"Download {material.title}{named and ', ' + named} as {spoken}"
        described += f". {how}" if how else ""
        links.append(
            f'<li><a href="{e(quote(entry["path"], safe=""))}" download '
            f'aria-label="{e(described)}"><span>{e(label)}</span>'
            f'<span class="size">{_size(entry["bytes"])}</span></a>'
            + (f'<p class="how">{e(how)}</p>' if how else "")
            + "</li>"
        )
    return "".join(links)


def _key(entries: list[dict[str, Any]], flip: str) -> str:
    """What each short name in a card's rows means, once for the card (from its first
    variant): "A4 sheets: for any home printer (2 copies to a sheet, to cut). Print ..."."""
    e = html.escape
    rows = []
    for entry, how in offered(entries, flip):
        long = KIND_LABELS.get(entry["kind"], entry["kind"])
        if entry["kind"] == "pdf":
            long = download_label(entry, sized=False)
        said = f"{long}. {how}" if how else long
        rows.append(f"<dt>{e(short_label(entry))}</dt><dd>{e(said)}</dd>")
    return (
        '<details class="key"><summary>Which file do I need?</summary>'
        f"<dl>{''.join(rows)}</dl></details>"
    )


def _table(material: Any, variants: list[tuple[str, list[dict[str, Any]]]], flip: str) -> str:
    """The downloads of a card with several variants: a row each, a column for each kind of
    file ("A5 PDF", "Greyscale" ...), each cell a link with the file's size. On a phone the
    rows stack, and each link shows its column's name."""
    e = html.escape
    columns: dict[str, tuple[int, bool, bool, bool, str]] = {}
    cells: list[tuple[str, dict[str, tuple[dict[str, Any], str]]]] = []
    for name, entries in variants:
        row = {}
        for entry, how in offered(entries, flip):
            column = short_label(entry)
            columns[column] = min(columns.get(column, rank(entry)), rank(entry))
            row[column] = (entry, how)
        cells.append((name, row))
    order = sorted(columns, key=lambda c: columns[c])
    head = "".join(f'<th scope="col">{e(c)}</th>' for c in order)
    rows = []
    for name, row in cells:
        tds = []
        for column in order:
            if column not in row:
                tds.append('<td class="none">\u2013</td>')
                continue
            entry, how = row[column]
            spoken = download_label(entry) if entry["kind"] == "pdf" else column
            described = f"Download {material.title}, {name} as {spoken}"
            described += f". {how}" if how else ""
            tds.append(
                f'<td><a href="{e(quote(entry["path"], safe=""))}" download '
                f'aria-label="{e(described)}"><span class="col">{e(column)}</span>'
                f'<span class="size">{_size(entry["bytes"])}</span></a></td>'
            )
        rows.append(f'<tr><th scope="row">{e(name)}</th>{"".join(tds)}</tr>')
    return (
        f'<table class="versions"><thead><tr><td></td>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _variants(kit: Kit, card: Card) -> list[tuple[str, list[dict[str, Any]]]]:
    """The card's outputs grouped by variant (one data row each), named in words."""
    groups: dict[object, list[dict[str, Any]]] = {}
    for entry in card.entries:
        groups.setdefault(entry.get("row"), []).append(entry)
    named = []
    for row, entries in groups.items():
        words = variant(kit, card.material, row if isinstance(row, int) else None)
        named.append((words if row is not None else "", entries))
    return named


def card_html(kit: Kit, card: Card, thumb: str, title: str) -> str:
    """One card; ``title`` is the material's title, with its paper when another card has the
    same one ("..., A3")."""
    # Every value from the manifest is escaped where it lands, and paths are percent-encoded in
    # links: the manifest may come from elsewhere, and must not be able to add markup.
    e = html.escape
    material = card.material
    first = card.main
    pages = first["pages"]
    facts = [
        kind(material, with_paper=False),  # the paper follows
        first["paper"]["name"],
        f"{pages} page{'s' * (pages != 1)}",
        language_name(first["language"]),
    ]
    variants = _variants(kit, card)
    flip = kit.config.printing.duplex_flip
    if len(variants) > 1:
        # A table, a row a variant and a column a kind of file, with a key once: 20 links
        # one under another would make a card taller than the screen.
        facts.append(f"{len(variants)} versions")
        own = f" ({language_name(material.language)})"  # the card says it once, in its facts
        rows = [(name.removesuffix(own), entries) for name, entries in variants]
        downloads = _table(material, rows, flip) + _key(variants[0][1], flip)
    else:
        downloads = f'<ul class="downloads">{_links(material, card.entries, "", flip)}</ul>'
    # What the QR codes lead to, from the codes really printed: one finished PDF a variant.
    plain = [x for x in card.pdfs if x.get("mode") != "press" and not x.get("greyscale")]
    codes = qr_words(plain or card.pdfs, qr_titles(kit, material))
    words = [material.name, title, material.description, material.template, *facts]
    words.append(codes)
    words += [x["path"] for x in card.entries] + [name for name, _ in variants]
    search = re.sub(r"\s+", " ", " ".join(words).lower())
    # The card's own words (title, description) are in the material's language and script;
    # the page's words around them (facts, link labels) are in the kit's.
    own = f'lang="{e(material.language)}" dir="{text_direction(material.language)}"'
    page = f'lang="{e(kit.config.language)}" dir="{text_direction(kit.config.language)}"'
    wide = " wide" if len(variants) > 1 else ""
    heading = e(material.title)
    if title != material.title:
        heading += f'<span class="paper" {page}>{e(title[len(material.title) :])}</span>'
    return (
        f'<li class="material{wide}" {own} data-search="{e(search)}">\n'
        f'<img src="{e(quote(thumb))}" alt="First page of {e(title)}" '
        f'width="{THUMB_WIDTH_PX}">\n'
        f"<h3{inherited(kit, material, 'title')}>{heading}</h3>\n"
        + (
            f'<p class="desc"{inherited(kit, material, "description")}>'
            f"{e(material.description)}</p>\n"
            if material.description
            else ""
        )
        + f'<div class="ui" {page}><p class="facts">{e(" · ".join(facts))}</p>\n'
        + (f'<p class="facts qr">{e(codes)}</p>\n' if codes else "")
        + f"{downloads}</div>\n</li>"
    )


def inherited(kit: Kit, material: Any, name: str) -> str:
    """The lang and dir attributes for a translation's ``name`` (title, description) that it
    left to its original, so is in the original's language: " lang=... dir=..." ("" when the
    translation has its own). An English description in an Arabic card set right to left
    would read ".steps, in English and Arabic"."""
    original = kit.materials.get(material.translation_of) if material.translation_of else None
    if original is None or getattr(material, name) != getattr(original, name):
        return ""
    if original.language.lower() == material.language.lower():
        return ""
    language = html.escape(original.language)
    return f' lang="{language}" dir="{text_direction(original.language)}"'


def titles(cards: list[Card]) -> dict[str, str]:
    """Each card's title by material name: its own, with its paper ("..., A3") when two
    cards on the page share one, as an A3 and an A4 placard may."""
    seen: dict[str, int] = {}
    for card in cards:
        seen[card.material.title] = seen.get(card.material.title, 0) + 1
    named = {}
    for card in cards:
        title = card.material.title
        paper = str(card.main["paper"]["name"]).split()
        named[card.material.name] = (
            f"{title}{DASH}{paper[0]}" if seen[title] > 1 and paper else title
        )
    return named


def order(kit: Kit, cards: list[Card]) -> list[Card]:
    """Cards by title, each translation right after its original (the Welsh leaflet after the
    English one, not among the W's)."""

    def key(card: Card) -> tuple[str, bool, str]:
        material = card.material
        original = kit.materials.get(material.translation_of) if material.translation_of else None
        head = original if original is not None else material
        return (head.title.lower(), original is not None, material.name)

    return sorted(cards, key=key)
