"""The download centre: one self-contained index.html listing every built material."""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handbill.errors import HandbillError
from handbill.kit import Kit
from handbill.writers import clear_debris, read_manifest, write_atomic

THUMB_WIDTH_PX = 360
AUDIENCES = {
    "volunteers": ("For stall volunteers", "Leaflets, placards, petition sheets and event flyers."),
    "speakers": (
        "For speakers",
        "Speeches to amend and deliver, in large print and as Word files.",
    ),
    "organisers": ("For organisers", "Press releases and letters for the local paper and MPs."),
}
KIND_LABELS = {"pdf": "PDF", "docx": "Word (.docx)", "txt": "Plain text (.txt)"}
LIVE_RELOAD = """
<script>
/* handbill serve: reload when the kit has been rebuilt since this page was written. */
(function () {
  var seen = VERSION;
  setInterval(function () {
    fetch("/__handbill/version", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (d) {
        if (seen !== null && d.version !== seen) { location.reload(); }
        seen = d.version;
      })
      .catch(function () {});
  }, 700);
})();
</script>"""
FILTER_SCRIPT = """
<script>
(function () {
  var input = document.getElementById("filter");
  var cards = Array.prototype.slice.call(document.querySelectorAll(".material"));
  var status = document.getElementById("filter-status");
  input.addEventListener("input", function () {
    var words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    cards.forEach(function (card) {
      var text = card.getAttribute("data-search");
      var match = words.every(function (w) { return text.indexOf(w) !== -1; });
      card.hidden = !match;
      if (match) { shown += 1; }
    });
    document.querySelectorAll(".audience").forEach(function (section) {
      section.hidden = !section.querySelector(".material:not([hidden])");
    });
    status.textContent = shown + " of " + cards.length + " materials shown";
  });
})();
</script>"""


@dataclass
class Card:
    """One material on the page: its outputs (several for a per-row material) and a thumbnail."""

    material: Any
    entries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def pdfs(self) -> list[dict[str, Any]]:
        """The finished-size PDFs (one per variant), not the A4 sheets made for home printers."""
        return [e for e in self.entries if e["kind"] == "pdf" and not e.get("imposition")]


def thumbnail(pdf: Path, target: Path) -> None:
    """A PNG of the PDF's first page, THUMB_WIDTH_PX wide."""
    import pypdfium2 as pdfium  # imported here: only the site needs the rasteriser

    document = pdfium.PdfDocument(str(pdf))
    try:
        page = document[0]
        scale = THUMB_WIDTH_PX / page.get_width()
        image = page.render(scale=scale).to_pil()
    finally:
        document.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    write_atomic(target, buffer.getvalue())


def _size(count: int) -> str:
    return f"{count / 1024:.0f} KB" if count < 1024 * 1024 else f"{count / 1024 / 1024:.1f} MB"


def write_site(
    kit: Kit, out_dir: Path, live: int | None = None, errors: list[str] | None = None
) -> Path:
    """Write OUT/index.html (and OUT/thumbs/) from the manifest of a build in ``out_dir``.

    ``live`` is the build number for handbill serve: the page then reloads after a rebuild.
    """
    manifest = read_manifest(out_dir)
    if not manifest.get("outputs") and not errors:
        raise HandbillError(f"nothing built in {out_dir} yet; run 'handbill build' first")
    clear_debris(out_dir)  # when nothing was stale, no build came first to clear it
    cards: dict[str, Card] = {}
    for entry in manifest.get("outputs", []):
        material = kit.materials.get(entry["material"])
        if material is None or not (out_dir / entry["path"]).is_file():
            continue  # an output of a material that no longer exists
        cards.setdefault(material.name, Card(material)).entries.append(entry)
    for card in cards.values():
        first = card.pdfs[0]
        thumbnail(out_dir / first["path"], out_dir / "thumbs" / (Path(first["path"]).stem + ".png"))
    page = _page(kit, list(cards.values()), out_dir, live, errors or [])
    target = out_dir / "index.html"
    write_atomic(target, page.encode("utf-8"))
    return target


def live_reload(version: int) -> str:
    """The reload script for a page written by build ``version`` of handbill serve.

    The page knows its own version, so a rebuild that finishes before the page first asks
    still makes it reload.
    """
    return LIVE_RELOAD.replace("VERSION", str(version))


def _page(kit: Kit, cards: list[Card], out_dir: Path, live: int | None, errors: list[str]) -> str:
    e = html.escape
    colours = kit.config.brand.colours
    sections = []
    for audience, (heading, blurb) in AUDIENCES.items():
        members = sorted(
            (c for c in cards if c.material.audience == audience),
            key=lambda c: c.material.title.lower(),
        )
        if not members:
            continue
        items = "\n".join(_card(card, out_dir) for card in members)
        sections.append(
            f'<section class="audience" aria-labelledby="h-{audience}">\n'
            f'<h2 id="h-{audience}">{e(heading)}</h2>\n<p class="blurb">{e(blurb)}</p>\n'
            f'<ul class="cards">\n{items}\n</ul>\n</section>'
        )
    packs_dir = out_dir / "packs"
    packs = sorted(p for p in packs_dir.glob("*") if p.is_file()) if packs_dir.is_dir() else []
    pack_items = "".join(
        f'<li><a href="packs/{e(p.name)}">{e(p.name)}</a> ({_size(p.stat().st_size)})</li>'
        for p in packs
    )
    packs_html = (
        f"<ul>{pack_items}</ul>"
        if packs
        else "<p>No print-run packs have been made yet. A pack puts every material for a stall or "
        "an event, in the right quantities, into one file per paper stock.</p>"
    )
    error_html = ""
    if errors:
        lines = "".join(f"<li><code>{e(line)}</code></li>" for line in errors)
        error_html = (
            '<section class="errors" role="alert"><h2>The last build failed</h2>'
            f"<p>Fix these in the kit; the page reloads when the build works again.</p>"
            f"<ul>{lines}</ul></section>"
        )
    count = len(cards)
    return f"""<!doctype html>
<html lang="{e(kit.config.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(kit.config.name)}: materials to download and print</title>
<style>
:root {{ --primary: {colours["primary"]}; --secondary: {colours["secondary"]};
  --accent: {colours["accent"]}; --text: {colours["text"]}; --muted: {colours["muted"]}; }}
* {{ box-sizing: border-box; }}
[hidden] {{ display: none !important; }}
body {{ margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--text); background: #f4f6f8; }}
header.top {{ background: var(--secondary); color: #fff; padding: 1.5rem 1.25rem; }}
header.top h1 {{ margin: 0 0 .25rem; font-size: 1.8rem; }}
header.top p {{ margin: 0; }}
main {{ max-width: 72rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }}
.search {{ margin: 1rem 0 1.5rem; }}
.search label {{ display: block; font-weight: 700; margin-bottom: .25rem; }}
.search input {{ width: 100%; max-width: 28rem; font: inherit; padding: .5rem .75rem;
  border: 2px solid var(--muted); border-radius: .4rem; }}
.search input:focus, a:focus {{ outline: 3px solid var(--accent); outline-offset: 2px; }}
#filter-status {{ color: var(--muted); margin: .25rem 0 0; }}
h2 {{ color: var(--secondary); margin: 2rem 0 .25rem; }}
.blurb {{ margin: 0 0 1rem; color: var(--muted); }}
.cards {{ list-style: none; padding: 0; margin: 0; display: grid; gap: 1rem;
  grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); }}
.material {{ background: #fff; border-radius: .5rem; padding: 1rem;
  box-shadow: 0 1px 3px rgba(0,0,0,.15); display: flex; flex-direction: column; }}
.material img {{ width: 100%; height: 12rem; object-fit: contain; background: #e9edf1;
  border: 1px solid #d5dbe1; }}
.material h3 {{ font-size: 1.1rem; margin: .75rem 0 .25rem; }}
.material .desc {{ margin: 0 0 .5rem; }}
.facts {{ margin: 0 0 .5rem; color: #44525e; font-size: .9rem; }}
.downloads {{ margin: auto 0 0; padding: 0; list-style: none; }}
.downloads a {{ color: var(--primary); font-weight: 700; }}
.errors {{ background: #fdecea; border-left: .4rem solid #b00020; padding: .5rem 1rem;
  margin: 1rem 0; }}
.errors h2 {{ color: #b00020; margin-top: .5rem; }}
.packs {{ background: #fff; border-radius: .5rem; padding: .25rem 1rem 1rem; margin-top: 2rem; }}
</style>
</head>
<body>
<header class="top">
<h1>{e(kit.config.name)}</h1>
<p>{e(kit.config.tagline or "Campaign materials")}: {count} material{"s" * (count != 1)} to
download and print.</p>
</header>
<main>
{error_html}
<div class="search" role="search">
<label for="filter">Find a material</label>
<input id="filter" type="search" placeholder="e.g. leaflet, speech, A3, Welsh"
  aria-describedby="filter-status">
<p id="filter-status" aria-live="polite">{count} of {count} materials shown</p>
</div>
{chr(10).join(sections)}
<section class="packs" aria-labelledby="h-packs">
<h2 id="h-packs">Print runs</h2>
{packs_html}
</section>
</main>
{FILTER_SCRIPT}
{"" if live is None else live_reload(live)}
</body>
</html>
"""


def _card(card: Card, out_dir: Path) -> str:
    e = html.escape
    material = card.material
    first = card.pdfs[0]
    thumb = "thumbs/" + Path(first["path"]).stem + ".png"
    pages = first["pages"]
    facts = [first["paper"]["name"], f"{pages} page{'s' * (pages != 1)}", first["language"]]
    if len(card.pdfs) > 1:
        facts.append(f"{len(card.pdfs)} variants")
    links = []
    order = list(KIND_LABELS)

    def rank(entry: dict[str, Any]) -> tuple[int, int, str]:
        return (order.index(entry["kind"]), bool(entry.get("imposition")), entry["path"])

    for entry in sorted(card.entries, key=rank):
        label = KIND_LABELS.get(entry["kind"], entry["kind"])
        if entry.get("imposition"):
            label = f"A4 sheets for home printers ({entry['imposition']})"
        name = Path(entry["path"]).name
        variant = f" {e(name)}" if len(card.pdfs) > 1 else ""
        described = f"Download {material.title}{variant and ', ' + name} as {label}"
        links.append(
            f'<li><a href="{e(entry["path"])}" download aria-label="{e(described)}">'
            f"{label}{variant}</a> ({_size(entry['bytes'])})</li>"
        )
    words = [material.name, material.title, material.description, material.template, *facts]
    words += [Path(x["path"]).name for x in card.entries]
    search = re.sub(r"\s+", " ", " ".join(words).lower())
    return (
        f'<li class="material" data-search="{e(search)}">\n'
        f'<img src="{e(thumb)}" alt="First page of {e(material.title)}" width="{THUMB_WIDTH_PX}">\n'
        f"<h3>{e(material.title)}</h3>\n"
        + (f'<p class="desc">{e(material.description)}</p>\n' if material.description else "")
        + f'<p class="facts">{e(" · ".join(facts))}</p>\n'
        f'<ul class="downloads">{"".join(links)}</ul>\n</li>'
    )
