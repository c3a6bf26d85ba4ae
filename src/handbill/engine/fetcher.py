"""The offline URL fetcher: serves ``data:`` URLs and files inside the kit or stock folders only."""

from __future__ import annotations

import hashlib
import io
import mimetypes
import os
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import urlopen
from xml.parsers import expat

from PIL import Image
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from handbill.errors import KitError, one_line
from handbill.kit.boundary import LIMITS, read_bytes
from handbill.kit.cssguard import css_problem

MAX_BYTES = LIMITS["file"]
MAX_PIXELS = 60_000_000
MAX_SVG_ELEMENTS = 200_000
MAX_SVG_DEPTH = 100
EXTRA_TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".otf": "font/otf"}


class RefusedURL(FatalURLFetchingError):  # type: ignore[misc]
    """Raised inside WeasyPrint to stop the rendering; carries the refused URL and the reason."""

    def __init__(self, url: str, reason: str):
        url = shorten_url(url)
        super().__init__(f"{reason}: {url}")
        self.url = url
        self.reason = reason


def shorten_url(url: str) -> str:
    """A URL fit for one line of a message: the start of a ``data:`` URL, the two ends of a
    long file URL (its folder and file name)."""
    url = one_line(url, len(url))
    if url[:5].lower() == "data:":
        return url if len(url) <= 60 else url[:40] + "..."
    return url if len(url) <= 200 else url[:80] + "..." + url[-80:]


def check_image(url: str, body: bytes) -> None:
    """Refuse an image too large to decode safely, whatever its name or URL says it is.

    WeasyPrint decodes any fetched bytes that Pillow recognises (a PNG named .svg or .dat, a
    ``data:`` URL), so every response is sniffed: a 40,000 px PNG is gigabytes of memory.
    """
    limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None  # our own limit, below
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(body)) as image:  # reads the header only
                width, height = image.size
    except Exception:  # not an image Pillow knows: nothing to decode
        return
    finally:
        Image.MAX_IMAGE_PIXELS = limit
    if width * height > MAX_PIXELS:
        raise RefusedURL(
            url,
            f"image of {width:,} x {height:,} pixels is too large; scale it to at most "
            f"{MAX_PIXELS // 1_000_000} megapixels (300 dpi at A3 is about 17)",
        )


def _xml_start(body: bytes) -> bool:
    """Whether ``body`` could be parsed as XML (so WeasyPrint may read it as an SVG)."""
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") or body[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00<" in head


def check_svg(url: str, body: bytes) -> None:
    """Refuse SVG that declares entities, nests without end, or repeats itself without end,
    before WeasyPrint parses it.

    A few hundred bytes of entities that refer to each other expand to gigabytes (a "billion
    laughs"). Real SVG files have no need of them, so any entity declaration is refused. The
    same trick works with ``<use>`` (a group that uses another ten times, eight deep), so the
    elements an SVG draws once every ``<use>`` is followed are counted too.
    """
    if not _xml_start(body):
        return
    parser = expat.ParserCreate()
    # Per element: its id, its own size (elements inside it, itself included) and the ids its
    # <use> elements refer to. ``open`` is the chain of elements being read.
    sizes: dict[str, int] = {}
    uses: dict[str, list[str]] = {}
    open_: list[tuple[str, list[str], list[int]]] = []
    elements = 0

    def refuse(*args: object) -> None:
        raise RefusedURL(
            url,
            "SVG that declares entities, which handbill does not read; export the image "
            "again as plain SVG",
        )

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal elements
        elements += 1
        if len(open_) >= MAX_SVG_DEPTH or elements > MAX_SVG_ELEMENTS:
            raise RefusedURL(
                url,
                f"SVG with more than {MAX_SVG_DEPTH} levels of nesting or {MAX_SVG_ELEMENTS:,} "
                "elements; simplify it in a drawing program",
            )
        href = attributes.get("href") or attributes.get("xlink:href") or ""
        refs = [href[1:]] if name.rsplit(":", 1)[-1] == "use" and href.startswith("#") else []
        open_.append((attributes.get("id", ""), refs, [1]))

    def end(name: str) -> None:
        ident, refs, size = open_.pop()
        if open_:
            open_[-1][1].extend(refs)
            open_[-1][2][0] += size[0]
        if ident:
            sizes[ident], uses[ident] = size[0], refs
        elif not open_:
            sizes[""], uses[""] = size[0], refs  # the root, when it has no id

    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(body, True)
    except expat.ExpatError:
        return  # not well-formed XML: WeasyPrint will not read it as an SVG either
    if max((_drawn(ident, sizes, uses) for ident in sizes), default=0) > MAX_SVG_ELEMENTS:
        raise RefusedURL(
            url,
            f"SVG whose <use> elements repeat its parts into more than {MAX_SVG_ELEMENTS:,} "
            "elements; simplify it in a drawing program",
        )


def _drawn(ident: str, sizes: dict[str, int], uses: dict[str, list[str]]) -> int:
    """How many elements drawing ``ident`` makes, every <use> followed (capped past the limit;
    a <use> of itself counts as the limit: WeasyPrint would follow it without end)."""
    total, stack, seen = 0, [(ident, 0)], 0
    while stack and total <= MAX_SVG_ELEMENTS:
        current, depth = stack.pop()
        seen += 1
        if depth > MAX_SVG_DEPTH or seen > MAX_SVG_ELEMENTS:
            return MAX_SVG_ELEMENTS + 1
        total += sizes.get(current, 0)
        stack.extend((ref, depth + 1) for ref in uses.get(current, ()))
    return total


class KitURLFetcher(URLFetcher):  # type: ignore[misc]
    """Fetch only what a kit may use. Everything else stops the build: nothing is downloaded.

    ``roots`` are the folders files may come from (the kit and the stock folder). A path is
    checked after resolving symlinks and ``..``, so neither can lead outside them, and only
    regular files are read (never devices, FIFOs or sockets): see ``handbill.kit.boundary``.
    """

    def __init__(self, roots: tuple[Path, ...]):
        super().__init__(fail_on_errors=True)
        self.roots = tuple(Path(os.path.realpath(root)) for root in roots)
        # Every file served, with the sha256 of the bytes served: the build cache's inputs.
        self.read: dict[str, str] = {}

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            # urllib decodes data: URLs itself, without touching the network or the disk
            # (only data: URLs reach urlopen, checked just above).
            try:
                with urlopen(url) as response:  # nosec B310
                    body = response.read(MAX_BYTES + 1)
                    content_type = response.headers.get("Content-Type", "application/octet-stream")
            except ValueError as exc:
                raise RefusedURL(url, "not a valid data: URL") from exc
            if len(body) > MAX_BYTES:
                raise RefusedURL(url, "data: URL larger than 50 MB")
            self._check(url, body, hashlib.sha256(body).hexdigest())
            return URLFetcherResponse(url, body, {"Content-Type": content_type})
        if scheme != "file":
            raise RefusedURL(
                url,
                "handbill never fetches from the network; copy the file "
                "into the kit's assets/ folder and refer to it there",
            )
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL(url, "file URL on another host")
        path = Path(unquote(parts.path))
        try:
            body = read_bytes(path, "file", self.roots)
        except KitError as exc:
            raise RefusedURL(url, _reason(exc)) from exc
        real = Path(os.path.realpath(path))
        content_type = EXTRA_TYPES.get(real.suffix.lower()) or (
            mimetypes.guess_type(real.name)[0] or "application/octet-stream"
        )
        digest = hashlib.sha256(body).hexdigest()
        self._check(url, body, digest)
        self.read[str(real)] = digest
        return URLFetcherResponse(real.as_uri(), body, {"Content-Type": content_type})

    def _check(self, url: str, body: bytes, digest: str) -> None:
        # Every document fetches the same stylesheets, fonts and logo again: bytes that passed
        # once pass again (what is refused is never remembered, so it is refused each time).
        if digest in _PASSED:
            return
        check_image(url, body)
        check_svg(url, body)
        check_css(url, body)
        _PASSED.add(digest)


_PASSED: set[str] = set()  # sha256 of the bodies that passed every check, in this process


def check_css(url: str, body: bytes) -> None:
    """Refuse a stylesheet whose numbers or nesting would break the layout (any text file may
    be linked as a stylesheet, whatever its name)."""
    if _xml_start(body):
        return
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return  # not text: a font or an image, never read as CSS
    problem = css_problem(text)
    if problem:
        raise RefusedURL(url, f"CSS with {problem}; correct the stylesheet")


def _reason(exc: KitError) -> str:
    """The boundary's refusal in the words the fetcher has always used."""
    if "outside the kit" in exc.reason:
        return "file outside the kit; copy it into the kit's assets/ folder"
    if "missing" in exc.reason:
        return "file not found in the kit"
    if "not an ordinary file" in exc.reason:
        return "not a regular file"
    if "more than handbill reads" in exc.reason:
        return "file larger than 50 MB"
    return exc.reason
