"""The download centre: one self-contained index.html listing every built material."""

from __future__ import annotations

import html
import io
import json
from pathlib import Path
from typing import Any

from handbill.build.writers import MANIFEST_NAME, clear_debris, read_manifest, write_atomic
from handbill.errors import HandbillError
from handbill.kit.fonts import font_files
from handbill.kit.loader import Kit
from handbill.publish.cards import CARD_STYLE, THUMB_WIDTH_PX, Card, card_html, order, titles
from handbill.publish.eventlinks import calendar_files, calendar_section
from handbill.publish.labels import kind, lead_line, search_examples
from handbill.publish.runs import pack_runs, runs_html
from handbill.publish.share import (
    COPY_SCRIPT,
    SOCIAL_KINDS,
    SOCIAL_STYLE,
    share_tags,
    social_section,
)

# The blurb under each heading is written from the materials the section holds (blurb()).
AUDIENCES = {
    "volunteers": "For stall volunteers",
    "speakers": "For speakers",
    "organisers": "For organisers",
}
# Every kind of output handbill writes, with its file ending. html (from --keep-html) is served
# but not offered on the page: it is for checking a layout, not for volunteers to download.
KINDS = {
    "pdf": ".pdf",
    "form": ".form.pdf",
    "docx": ".docx",
    "txt": ".txt",
    "html": ".html",
    **SOCIAL_KINDS,
}
REBUILD = "delete the output folder and build again"
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


def thumbnail(pdf: Path, target: Path) -> None:
    """A PNG of the PDF's first page, THUMB_WIDTH_PX wide."""
    import pypdfium2 as pdfium  # imported here: only the site needs the rasteriser

    unreadable = f"not a PDF handbill can read; {REBUILD}"
    try:
        document = pdfium.PdfDocument(str(pdf))
    except pdfium.PdfiumError as exc:
        raise HandbillError(unreadable, pdf) from exc
    try:
        page = document[0]
        width, height = page.get_size()
        if width < 1 or height < 1:
            raise HandbillError(unreadable, pdf)
        # At most four times as tall as wide: a PDF from elsewhere with a page a mile long would
        # otherwise take all the memory there is.
        scale = min(THUMB_WIDTH_PX / width, 4 * THUMB_WIDTH_PX / height)
        image = page.render(scale=scale).to_pil()
    except (pdfium.PdfiumError, IndexError) as exc:
        raise HandbillError(unreadable, pdf) from exc
    finally:
        document.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    write_atomic(target, buffer.getvalue())


def thumb_path(pdf: str) -> str:
    """Where the thumbnail of the output ``pdf`` goes, relative to the output folder."""
    return "thumbs/" + Path(pdf).stem + ".png"


def plain_name(name: str) -> bool:
    """A name of a file in the folder itself: no folders, not hidden, no control characters."""
    return (
        bool(name)
        and not name.startswith(".")
        and "/" not in name
        and "\\" not in name
        and name.isprintable()
    )


def read_outputs(out_dir: Path) -> list[dict[str, Any]]:
    """The outputs in OUT/manifest.json, each checked for every field the page and serve use.

    The manifest may come from someone else (an output folder shipped as a zip), so a wrong
    entry is refused with one line, never put on the page or served.
    """
    outputs = read_manifest(out_dir).get("outputs", [])
    where = out_dir / MANIFEST_NAME
    if not isinstance(outputs, list):
        raise HandbillError(f"'outputs' is {_shown(outputs)}, not a list; {REBUILD}", where)
    for number, entry in enumerate(outputs, 1):
        problem = _problem(entry)
        if problem:
            raise HandbillError(f"output {number} {problem}; {REBUILD}", where)
    return outputs


def _problem(entry: object) -> str | None:
    """What is wrong with one manifest entry, or None."""
    if not isinstance(entry, dict):
        return f"is {_shown(entry)}, not an object with a kind and a path"
    kind = entry.get("kind")
    if kind is None:
        return "has no 'kind'"
    if not isinstance(kind, str) or kind not in KINDS:
        return f"has an unknown kind {_shown(kind)}"
    wanted: dict[str, tuple[type, str]] = {
        "material": (str, "text"),
        "path": (str, "text"),
        "bytes": (int, "a size in bytes"),
    }
    if kind == "pdf":
        wanted |= {"pages": (int, "a page count"), "language": (str, "text")}
    for key, (expected, meaning) in wanted.items():
        if key not in entry:
            return f"has no '{key}'"
        value = entry[key]
        # bool is an int to Python, not a count; a negative count is no count either.
        wrong = not isinstance(value, expected) or isinstance(value, bool)
        if wrong or (isinstance(value, int) and value < 0):
            return f"has '{key}': {_shown(value)}, which is not {meaning}"
    path = entry["path"]
    if not plain_name(path):
        return f"has the path {_shown(path)}, which is not a file name in the output folder"
    if not path.endswith(KINDS[kind]):
        return f"is a {kind} but its path {_shown(path)} does not end in {KINDS[kind]}"
    if kind == "pdf":
        paper = entry.get("paper")
        if not isinstance(paper, dict) or not isinstance(paper.get("name"), str):
            return f"has 'paper': {_shown(paper)}, which is not an object with a 'name'"
        imposition = entry.get("imposition")
        if imposition is not None and not isinstance(imposition, str):
            return f"has 'imposition': {_shown(imposition)}, which is not text"
    return None


def _shown(value: object) -> str:
    """A value from the manifest as a message shows it: quoted, escaped, and not too long."""
    text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 40 else text[:37] + "..."


def page_files(out_dir: Path) -> set[str]:
    """What serve may hand out, relative to ``out_dir``: the page, the outputs the manifest
    lists, their thumbnails and the packs the page links."""
    files = {"index.html"}
    for entry in read_outputs(out_dir):
        files.add(entry["path"])
        if entry["kind"] == "pdf":
            files.add(thumb_path(entry["path"]))
    files.update(f.path for run in pack_runs(out_dir, "short") for f in run.files)
    if (out_dir / "fonts" / URDU_FONT).is_file():
        files.add(f"fonts/{URDU_FONT}")
    return files | calendar_files(out_dir)


def write_site(
    kit: Kit, out_dir: Path, live: int | None = None, errors: list[str] | None = None
) -> Path:
    """Write OUT/index.html (and OUT/thumbs/) from the manifest of a build in ``out_dir``.

    ``live`` is the build number for handbill serve: the page then reloads after a rebuild.
    """
    outputs = read_outputs(out_dir)
    if not outputs and not errors:
        raise HandbillError(f"nothing built in {out_dir} yet; run 'handbill build' first")
    clear_debris(out_dir)  # when nothing was stale, no build came first to clear it
    found: dict[str, Card] = {}
    social: list[dict[str, Any]] = []
    for entry in outputs:
        material = kit.materials.get(entry["material"])
        if material is None or entry["kind"] == "html" or not (out_dir / entry["path"]).is_file():
            continue  # an output of a material that no longer exists, or not one to download
        if entry["kind"] in SOCIAL_KINDS:
            social.append(entry)  # in a section of their own
            continue
        found.setdefault(material.name, Card(material)).entries.append(entry)
    cards = [card for card in found.values() if card.pdfs]  # nothing to show without its PDF
    for card in cards:
        first = card.main["path"]
        thumbnail(out_dir / first, out_dir / thumb_path(first))
    _forget_thumbnails(out_dir, {thumb_path(card.main["path"]) for card in cards})
    page = _page(kit, cards, out_dir, live, errors or [], social)
    target = out_dir / "index.html"
    write_atomic(target, page.encode("utf-8"))
    return target


def _forget_thumbnails(out_dir: Path, wanted: set[str]) -> None:
    """Delete the thumbnails (handbill's own, in OUT/thumbs/) of outputs no longer on the
    page: a picture of a removed material's first page, or of an old build's letter."""
    folder = out_dir / "thumbs"
    for path in folder.glob("*.png") if folder.is_dir() else ():
        if f"thumbs/{path.name}" not in wanted and path.is_file() and not path.is_symlink():
            path.unlink()


def live_reload(version: int) -> str:
    """The reload script for a page written by build ``version`` of handbill serve.

    The page knows its own version, so a rebuild that finishes before the page first asks
    still makes it reload.
    """
    return LIVE_RELOAD.replace("VERSION", str(version))


def _page(
    kit: Kit,
    cards: list[Card],
    out_dir: Path,
    live: int | None,
    errors: list[str],
    social: list[dict[str, Any]],
) -> str:
    e = html.escape
    colours = "".join(f" --{name}: {value};" for name, value in kit.config.brand.palette.items())
    sections = []
    named = titles(cards)
    for audience, heading in AUDIENCES.items():
        members = order(kit, [c for c in cards if c.material.audience == audience])
        if not members:
            continue
        items = "\n".join(
            card_html(kit, card, thumb_path(card.main["path"]), named[card.material.name])
            for card in members
        )
        sections.append(
            f'<section class="audience" aria-labelledby="h-{audience}">\n'
            f'<h2 id="h-{audience}">{e(heading)}</h2>\n'
            f'<p class="blurb">{e(blurb(members))}</p>\n'
            f'<ul class="cards">\n{items}\n</ul>\n</section>'
        )
    runs = pack_runs(out_dir, kit.config.printing.duplex_flip)
    # No section for print runs until a pack is made: an empty one is only noise to the
    # volunteer who downloads a leaflet (docs/site.md says how to make one).
    packs_html = (
        '<section class="packs" aria-labelledby="h-packs">\n<h2 id="h-packs">Print runs</h2>\n'
        f"{runs_html(runs)}\n</section>"
        if runs
        else ""
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
    fonts = urdu_font(kit, cards, out_dir)
    return f"""<!doctype html>
<html lang="{e(kit.config.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(kit.config.name)}: materials to download and print</title>
{share_tags(kit, social, kit.config.name + ": materials to download and print")}
<style>
{fonts}:root {{{colours} }}
* {{ box-sizing: border-box; }}
[hidden] {{ display: none !important; }}
body {{ margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--text); background: var(--stripe); }}
header.top {{ background: var(--secondary); color: var(--on-secondary); padding: 1.5rem 1.25rem; }}
header.top h1 {{ margin: 0 0 .25rem; font-size: 1.8rem; }}
header.top p {{ margin: 0; }}
main {{ max-width: 72rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }}
.search {{ margin: 1rem 0 1.5rem; }}
.search label {{ display: block; font-weight: 700; margin-bottom: .25rem; }}
.search input {{ width: 100%; max-width: 28rem; min-height: 44px; font: inherit;
  padding: .5rem .75rem; border: 2px solid var(--muted); border-radius: .4rem; }}
.search input:focus, a:focus {{ outline: 3px solid var(--accent); outline-offset: 2px; }}
#filter-status {{ color: var(--muted); margin: .25rem 0 0; }}
h2 {{ color: var(--secondary-ink); margin: 2rem 0 .25rem; }}
.blurb {{ margin: 0 0 1rem; color: var(--muted); }}
/* Each card as tall as its own content (align-items: start), so its links follow its text
   and a long card never stretches its neighbours with blank space. */
.cards {{ list-style: none; padding: 0; margin: 0; display: grid; gap: 1rem;
  grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); align-items: start; }}
.material {{ background: var(--background); border-radius: .5rem; padding: 1rem;
  box-shadow: 0 1px 3px var(--rule-strong); display: flex; flex-direction: column; }}
.material img {{ width: 100%; height: 12rem; object-fit: contain; background: var(--tint);
  border: 1px solid var(--rule); }}
.material h3 {{ font-size: 1.1rem; margin: .75rem 0 .25rem; }}
.material .desc {{ margin: 0 0 .5rem; }}
.facts {{ margin: 0 0 .5rem; color: var(--muted); font-size: .9rem; }}
{CARD_STYLE}
.downloads {{ margin: 0; padding: 0; list-style: none; }}
/* Each link a whole row at least 44 px tall (WCAG 2.5.5): easy to hit with a thumb. */
.downloads a {{ color: var(--primary-ink); font-weight: 700; display: flex; gap: .5rem;
  justify-content: space-between; align-items: center; min-height: 44px; padding: .4rem .5rem;
  border-top: 1px solid var(--rule); text-decoration: none; }}
.downloads a span:first-child {{ text-decoration: underline; }}
.downloads .size {{ color: var(--muted); font-weight: 400; white-space: nowrap; }}
.run h3 {{ font-size: 1.1rem; margin: 1rem 0 .25rem; }}
.run .purpose, .downloads .how {{ margin: 0 .5rem .5rem; color: var(--muted); font-size: .9rem; }}
.errors {{ background: var(--background); border-left: .4rem solid var(--proof);
  padding: .5rem 1rem; margin: 1rem 0; }}
.errors h2 {{ color: var(--proof); margin-top: .5rem; }}
.packs {{ background: var(--background); border-radius: .5rem; padding: .25rem 1rem 1rem;
  margin-top: 2rem; }}
.calendars {{ background: var(--background); border-radius: .5rem; padding: .25rem 1rem 1rem;
  margin-top: 2rem; }}
{SOCIAL_STYLE}
</style>
</head>
<body>
<header class="top">
<h1>{e(kit.config.name)}</h1>
<p>{e(lead_line(kit.config.tagline, count))}</p>
</header>
<main>
{error_html}
<div class="search" role="search">
<label for="filter">Find a material</label>
<input id="filter" type="search" placeholder="{e(search_examples([c.material for c in cards]))}"
  aria-describedby="filter-status">
<p id="filter-status" aria-live="polite">{count} of {count} materials shown</p>
</div>
{chr(10).join(sections)}
{calendar_section(out_dir)}
{social_section(kit, social)}
{packs_html}
</main>
{FILTER_SCRIPT}
{COPY_SCRIPT if social else ""}
{"" if live is None else live_reload(live)}
</body>
</html>
"""


URDU_FONT = "NotoNastaliqUrdu-Regular.ttf"


def urdu_font(kit: Kit, cards: list[Card], out_dir: Path) -> str:
    """The @font-face rule for Nastaliq when some card is in Urdu, with the kit's font file
    copied to OUT/fonts/ (about 520 KB) so that the page works offline; "" otherwise, and
    no copy."""
    target = out_dir / "fonts" / URDU_FONT
    source = next((p for p in font_files(kit.root) if p.name == URDU_FONT), None)
    if source is None or not any(c.material.language.startswith("ur") for c in cards):
        if target.is_file() and not target.is_symlink():
            target.unlink()  # an old build's copy: the page no longer uses it
        return ""
    if not target.is_file() or target.read_bytes() != source.read_bytes():
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, source.read_bytes())
    return (
        (
            '@font-face {{ font-family: "Noto Nastaliq Urdu"; font-display: swap;\n'
            f'  src: url("fonts/{URDU_FONT}") format("truetype"); }}\n'
        )
        .replace("{{", "{")
        .replace("}}", "}")
    )


def blurb(cards: list[Card]) -> str:
    """What a section holds, from its materials: "A5 leaflets, petition sheet and placards."."""
    counts: dict[str, int] = {}
    for card in cards:
        name = kind(card.material, with_paper=False)
        counts[name] = counts.get(name, 0) + 1
    names = [plural(name) if count > 1 else name for name, count in counts.items()]
    # "Placard" mid-sentence is "placard", but "DL leaflet" keeps its capitals.
    names = names[:1] + [n[:1].lower() + n[1:] if n[1:2].islower() else n for n in names[1:]]
    if len(names) == 1:
        return names[0] + "."
    return ", ".join(names[:-1]) + " and " + names[-1] + "."


def plural(name: str) -> str:
    """ "Speeches", "Letters": the plural of a kind's last word."""
    return name + ("es" if name.endswith(("s", "sh", "ch", "x")) else "s")
