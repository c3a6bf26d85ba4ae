"""Parse each stylesheet once per build process, not once per document that links it.

Every document of a kit links the same few stylesheets (handbill.css, its template's CSS,
languages.css) and most share their inline ``<style>``; WeasyPrint parses each one again for
every document and compiles its selectors, about a tenth of a build. While documents share a
font configuration (``fontsets.sharing_fonts``), a parsed sheet is kept for the build process,
keyed on its URL and the sha256 of its bytes (or on its text, for ``<style>``), and given
again to the next document with the same effect on it as parsing it there:

- the document's ``@page`` rules get the sheet's page rules appended, in the same order;
- its ``@font-face`` rules are added to the font configuration again, which records the font
  files as the document's inputs (see ``fontsets.SharedFonts``);
- the stylesheet file is fetched through the document's fetcher, so the build cache still
  sees it as an input.

Sheets that ``@import`` others, or that add counter styles, colour profiles or cascade layers,
are parsed every time, as WeasyPrint does. tests/test_linecache.py checks that every example
output is byte-identical to plain WeasyPrint's.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import weasyprint.css
from weasyprint.urls import fetch

_CSS = weasyprint.css.CSS


class _FontFaces:
    """Stands in for the font configuration while a sheet is parsed, noting its @font-faces."""

    def __init__(self, fonts: Any) -> None:
        self.fonts = fonts
        self.faces: list[Any] = []

    def add_font_face(self, rule_descriptors: Any, url_fetcher: Any) -> Any:
        self.faces.append(rule_descriptors)
        return self.fonts.add_font_face(rule_descriptors, url_fetcher)


def _key(kwargs: dict[str, Any]) -> tuple[str, ...] | None:
    """What identifies the sheet: its URL and bytes, or its base URL and text."""
    extra = set(kwargs) - {
        "url", "string", "base_url", "url_fetcher", "media_type", "font_config",
        "counter_style", "color_profiles", "page_rules", "layers", "_check_mime_type",
    }  # fmt: skip
    if extra or kwargs.get("page_rules") is None or kwargs.get("layers") is None:
        return None
    media = str(kwargs.get("media_type"))
    if kwargs.get("string") is not None:
        text = kwargs["string"]
        if "@import" in text:
            return None
        return ("string", str(kwargs.get("base_url")), media, text)
    url = kwargs.get("url")
    if url is None:
        return None
    # Fetched through the document's own fetcher: it records the file as an input, and a
    # refused or missing file fails exactly as it would when WeasyPrint fetches it.
    with fetch(kwargs["url_fetcher"], url) as response:
        body = response.read()
    if b"@import" in body:
        return None
    return ("url", url, media, hashlib.sha256(body).hexdigest())


def _css(*args: Any, **kwargs: Any) -> Any:
    fonts: Any = kwargs.get("font_config")
    sheets: dict[tuple[str, ...], Any] | None = getattr(fonts, "stylesheets", None)
    key = None if args or sheets is None else _key(kwargs)
    if key is None or sheets is None:
        return _CSS(*args, **kwargs)
    page_rules, layers = kwargs["page_rules"], kwargs["layers"]
    found = sheets.get(key)
    if found is None:
        counters, profiles = kwargs.get("counter_style"), kwargs.get("color_profiles")
        before = (len(page_rules), len(layers), len(counters or ()), len(profiles or ()))
        faces = _FontFaces(fonts)
        css = _CSS(**{**kwargs, "font_config": faces})
        after = (len(page_rules), len(layers), len(counters or ()), len(profiles or ()))
        if after[1:] == before[1:]:
            sheets[key] = (css, page_rules[before[0] :], faces.faces)
        return css
    css, added_page_rules, faces = found
    page_rules.extend(added_page_rules)
    for rule_descriptors in faces:
        fonts.add_font_face(rule_descriptors, kwargs["url_fetcher"])
    # WeasyPrint reads a document's page rules through each of its sheets, so the copy
    # points at this document's list, as a sheet parsed for it would.
    sheet = copy.copy(css)
    sheet.page_rules, sheet.layers = page_rules, layers
    return sheet


def install() -> None:
    """Make WeasyPrint's stylesheets through the cache (find_stylesheets() calls ``CSS``)."""
    weasyprint.css.CSS = _css
