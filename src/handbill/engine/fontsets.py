"""Font configurations shared by the documents of one build process that declare the same fonts.

WeasyPrint loads every ``@font-face`` of a document into a fresh font configuration. The
documents of a kit mostly declare the same bundled fonts, so documents whose stylesheets
declare the same ones share one configuration (``SharedFonts``), which loads each font once
per build and process instead of once per document: about a fifth of a document's time.

Sharing must not change a page. A configuration keeps every font added to it, so a document
that names a family it does not declare (one only another material's stylesheet declares)
would find it or not, depending on what the process laid out before: on the order of the
jobs, and on which worker got which. So each document gets the configuration of the
documents that seem to declare the same fonts, from its parsed HTML (``faces_key``: its
stylesheets that may add fonts), and once it is laid out, ``laid_out`` checks that the
configuration held no font the document did not add itself (fonts also come from SVG images,
and sheets for other media are not applied). If it did, the document is laid out again with a
fresh configuration, which the documents after it with the same key then share: it sees
exactly the fonts a fresh configuration would, whatever the key found.
"""

from __future__ import annotations

import hashlib
import multiprocessing.util
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, fetch

from handbill.engine.cascade import install as install_cascade
from handbill.engine.percentages import install as install_percentages
from handbill.engine.stylecache import install as install_stylecache
from handbill.engine.versions import speedups_on
from handbill.errors import KitError
from handbill.kit.boundary import read_bytes

# What in a stylesheet may add fonts: an @font-face rule, an @import (of a sheet that may have
# one), or an at-rule name written with a CSS escape (``@f\6fnt-face`` is an @font-face).
_MAY_ADD_FONTS = re.compile(r"@font-face|@import|@[\w-]*\\", re.IGNORECASE)
_OTHERWISE = re.compile(r"@import|@[\w-]*\\", re.IGNORECASE)
_FONT_FACE_RULE = re.compile(r"@font-face\s*\{[^}]*\}", re.IGNORECASE)


class SharedFonts(FontConfiguration):  # type: ignore[misc]
    """One font configuration for the documents of one build in one process that declare the
    same fonts (see the module's docstring).

    The font files are still reported to each document's fetcher, so the build cache knows
    which outputs a font change affects. The configuration also holds the build's parsed
    stylesheets (see stylecache.py), shared with the process's other configurations; elements
    alike are cascaded once (cascade.py), and their lengths resolved once (percentages.py).
    """

    def __init__(self, stylesheets: dict[tuple[str, ...], Any] | None = None) -> None:
        super().__init__()
        self.stylesheets: dict[tuple[str, ...], Any] = {} if stylesheets is None else stylesheets
        self.faces: set[str] = set()  # every @font-face added, as WeasyPrint names them
        self.added: set[str] = set()  # those the document being laid out added
        install_stylecache()
        install_cascade()
        install_percentages()

    def add_font_face(self, rule_descriptors: Any, url_fetcher: Any) -> Any:
        face = str(rule_descriptors)  # WeasyPrint's own key for the face's font file
        self.faces.add(face)
        self.added.add(face)
        read = getattr(url_fetcher, "read", None)
        roots = getattr(url_fetcher, "roots", None)
        if read is not None and roots is not None:
            for font_type, url in rule_descriptors.get("src", ()):
                if font_type == "external" and url and url.startswith("file:"):
                    path = os.path.realpath(unquote(urlsplit(url).path))
                    digest = _digest(path, roots)
                    if digest is not None:  # else the fetcher refuses it, with its reason
                        read[path] = digest
        return super().add_font_face(rule_descriptors, url_fetcher)


class BuildFonts:
    """The font configurations of one build process, one for each set of fonts declared, and
    the parsed stylesheets they share."""

    def __init__(self) -> None:
        self.stylesheets: dict[tuple[str, ...], Any] = {}
        self.configs: dict[tuple[Any, ...], SharedFonts] = {}

    def config_for(self, html: Any) -> SharedFonts:
        """The configuration for the document ``html`` (a weasyprint.HTML, not laid out)."""
        key = faces_key(html)
        found = self.configs.get(key)
        if found is None:
            found = self.configs[key] = SharedFonts(self.stylesheets)
        found.added = set()
        return found

    def laid_out(self, html: Any, config: SharedFonts) -> SharedFonts | None:
        """None if ``html``, just laid out with ``config``, found no font there but its own;
        else a fresh configuration to lay it out again with (kept for its key from now on)."""
        if config.faces <= config.added:
            return None
        fresh = SharedFonts(self.stylesheets)
        for key, held in list(self.configs.items()):
            if held is config:
                self.configs[key] = fresh
        return fresh

    def clear(self) -> None:
        """Delete the configurations' copies of the font files (WeasyPrint's temporary
        folders, which a worker process that ends without collecting them would leave)."""
        for config in self.configs.values():
            if config._folder is not None:
                shutil.rmtree(config._folder, ignore_errors=True)
                config._folder = None
        self.configs.clear()


def faces_key(html: Any) -> tuple[Any, ...]:
    """The fonts ``html`` seems to declare: the ``@font-face`` rules of its ``<style>``
    elements, and the URL and hash of each linked stylesheet that may add fonts, in document
    order, among the stylesheets WeasyPrint applies. ``laid_out`` catches what this misses."""
    from weasyprint.css import media_queries
    from weasyprint.html import element_has_link_type, parse_url

    parts: list[tuple[Any, ...]] = [("base", html.base_url)]
    for element in html.etree_element.iter():
        if element.tag not in ("style", "link"):
            continue
        # As WeasyPrint's find_stylesheets: which <style> and <link> it applies.
        if element.get("type", "text/css").split(";", 1)[0].strip() != "text/css":
            continue
        media = [m.strip() for m in (element.get("media", "").strip() or "all").split(",")]
        if not media_queries.evaluate_media_query(media, html.media_type):
            continue
        if element.tag == "style":
            rules = _font_rules("".join(element.itertext()))
            if rules:
                parts.append(("style", rules))
        elif (
            element.get("href")
            and element_has_link_type(element, "stylesheet")
            and not element_has_link_type(element, "alternate")
        ):
            try:
                href = parse_url(element.get("href"), html.base_url)
            except ValueError:
                href = None
            if href is not None:
                part = _linked(html.url_fetcher, href)
                if part is not None:
                    parts.append(part)
    return tuple(parts)


def _font_rules(text: str) -> tuple[str, ...] | str:
    """What in a stylesheet's text may add fonts: its @font-face rules (or all of the text,
    where an @import or an escaped at-rule name could add them otherwise)."""
    if not _MAY_ADD_FONTS.search(text):
        return ()
    if _OTHERWISE.search(text):
        return text
    return tuple(_FONT_FACE_RULE.findall(text)) or text


def _linked(fetcher: Any, href: str) -> tuple[Any, ...] | None:
    """The key's part for the stylesheet at ``href``: None for one that adds no fonts."""
    stat = _stat(href)
    if stat is not None and (href, stat) in _SHEETS:
        return _SHEETS[href, stat]
    try:
        with fetch(fetcher, href) as response:
            body = response.read()
    except (Exception, FatalURLFetchingError):  # WeasyPrint reports it when it fetches it
        return ("link", href, None)
    found = None
    if _MAY_ADD_FONTS.search(body.decode("utf-8", "replace")):
        found = ("link", href, hashlib.sha256(body).hexdigest())
    if stat is not None:  # read through the fetcher once: the file is the kit's
        _SHEETS[href, stat] = found
    return found


def _stat(href: str) -> tuple[int, int] | None:
    """A local file's size and modification time, to know it unchanged (None if not one)."""
    if not href.startswith("file:"):
        return None
    try:
        info = os.stat(unquote(urlsplit(href).path))
    except (OSError, ValueError):
        return None
    return info.st_size, info.st_mtime_ns


_SHEETS: dict[tuple[str, tuple[int, int]], tuple[Any, ...] | None] = {}


def _digest(path: str, roots: tuple[Path, ...]) -> str | None:
    """The sha256 of a font file the kit may use (None for one it may not: see the fetcher)."""
    try:
        info = os.stat(path)
        key = (path, info.st_size, info.st_mtime_ns)
        if key not in _DIGESTS:
            _DIGESTS[key] = hashlib.sha256(read_bytes(Path(path), "font", roots)).hexdigest()
    except (OSError, KitError):
        return None
    return _DIGESTS[key]


_DIGESTS: dict[tuple[str, int, int], str] = {}
_shared = threading.local()


@contextmanager
def sharing_fonts() -> Iterator[None]:
    """Documents rendered in this thread inside the block share font configurations."""
    # Sharing fonts reaches into WeasyPrint's font loading: only on a tested version.
    outer = shared_fonts()  # a block inside another gives the outer one back when it ends
    fonts = _shared.fonts = BuildFonts() if speedups_on() else None
    try:
        yield
    finally:
        _shared.fonts = outer
        if fonts is not None:
            fonts.clear()


def share_fonts() -> None:
    """Documents rendered in this thread from now on share font configurations: for a worker
    process, whose every job is a document of one build. (A ``sharing_fonts()`` entered and
    dropped would end at once, when the garbage collector closes it.)"""
    fonts = _shared.fonts = BuildFonts() if speedups_on() else None
    if fonts is not None:
        # A pool's worker exits without collecting its objects: the fonts' folders are
        # deleted as it exits (multiprocessing runs these finalizers in its processes).
        multiprocessing.util.Finalize(fonts, fonts.clear, exitpriority=10)


def shared_fonts() -> BuildFonts | None:
    """The font configurations of this thread's documents, or None if each loads its own."""
    return getattr(_shared, "fonts", None)
