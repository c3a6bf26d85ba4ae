"""Font configurations shared by the documents of one build process that declare the same fonts.

WeasyPrint loads every ``@font-face`` of a document into a fresh font configuration. The
documents of a kit mostly declare the same bundled fonts, so documents whose stylesheets
declare the same ones share one configuration (``SharedFonts``), which loads each font once
per build and process instead of once per document: about a fifth of a document's time.

Sharing must not change a page. A configuration keeps every font added to it, so a document
that names a family it does not declare (one only another material's stylesheet declares)
would find it or not, depending on what the process laid out before: on the order of the
jobs, and on which worker got which. So each document gets the configuration of the
documents with the same fonts-declaring stylesheets, found from its parsed HTML before it
is laid out (``faces_key``); it sees exactly the fonts a fresh configuration would.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import fetch

from handbill.engine.cascade import install as install_cascade
from handbill.engine.stylecache import install as install_stylecache
from handbill.engine.versions import speedups_on
from handbill.errors import KitError
from handbill.kit.boundary import read_bytes

# What in a stylesheet may add fonts: an @font-face rule, an @import (of a sheet that may have
# one), or an at-rule name written with a CSS escape (``@f\6fnt-face`` is an @font-face).
_MAY_ADD_FONTS = re.compile(r"@font-face|@import|@[\w-]*\\", re.IGNORECASE)


class SharedFonts(FontConfiguration):  # type: ignore[misc]
    """One font configuration for the documents of one build in one process that declare the
    same fonts (see the module's docstring).

    The font files are still reported to each document's fetcher, so the build cache knows
    which outputs a font change affects. The configuration also holds the build's parsed
    stylesheets (see stylecache.py), shared with the process's other configurations; elements
    alike are cascaded once (cascade.py).
    """

    def __init__(self, stylesheets: dict[tuple[str, ...], Any] | None = None) -> None:
        super().__init__()
        self.stylesheets: dict[tuple[str, ...], Any] = {} if stylesheets is None else stylesheets
        install_stylecache()
        install_cascade()

    def add_font_face(self, rule_descriptors: Any, url_fetcher: Any) -> Any:
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
        return found


def faces_key(html: Any) -> tuple[Any, ...]:
    """What decides the fonts ``html`` declares: each of its stylesheets that may add fonts,
    by its text, or by its URL and the hash of its bytes, in document order.

    The stylesheets are found as WeasyPrint finds them (``find_stylesheets``), a few more at
    most (those for other media, or not of type text/css): a sheet too many only shares less.
    """
    from weasyprint.html import parse_url

    parts: list[tuple[Any, ...]] = []
    for element in html.etree_element.iter():
        if element.tag == "style":
            text = "".join(element.itertext())
            if _MAY_ADD_FONTS.search(text):
                parts.append(("style", text))
        elif element.tag == "link" and element.get("href"):
            href = parse_url(element.get("href"), html.base_url)
            if href is not None:
                part = _linked(html.url_fetcher, href)
                if part is not None:
                    parts.append(part)
    return tuple(parts)


def _linked(fetcher: Any, href: str) -> tuple[Any, ...] | None:
    """The key's part for the stylesheet at ``href``: None for one that adds no fonts."""
    # A sheet the fetcher refuses stops the document here, as it would in WeasyPrint.
    stat = _stat(href)
    if stat is not None and (href, stat) in _SHEETS:
        return _SHEETS[href, stat]
    try:
        with fetch(fetcher, href) as response:
            body = response.read()
    except Exception:  # WeasyPrint reports it when it fetches the sheet
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
    except OSError:
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
    share_fonts()
    try:
        yield
    finally:
        _shared.fonts = None


def share_fonts() -> None:
    """Documents rendered in this thread from now on share font configurations: for a worker
    process, whose every job is a document of one build. (A ``sharing_fonts()`` entered and
    dropped would end at once, when the garbage collector closes it.)"""
    # Sharing fonts reaches into WeasyPrint's font loading: only on a tested version.
    _shared.fonts = BuildFonts() if speedups_on() else None


def shared_fonts() -> BuildFonts | None:
    """The font configurations of this thread's documents, or None if each loads its own."""
    return getattr(_shared, "fonts", None)
