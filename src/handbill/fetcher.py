"""The offline URL fetcher: serves ``data:`` URLs and files inside the kit or stock folders only."""

from __future__ import annotations

import hashlib
import mimetypes
import os
import stat
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import urlopen

from PIL import Image
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

MAX_BYTES = 50 * 1024 * 1024
MAX_PIXELS = 60_000_000
EXTRA_TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".otf": "font/otf"}


class RefusedURL(FatalURLFetchingError):  # type: ignore[misc]
    """Raised inside WeasyPrint to stop the rendering; carries the refused URL and the reason."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{reason}: {url}")
        self.url = url
        self.reason = reason


def _check_image_size(url: str, path: Path) -> None:
    """Refuse images too large to decode safely (a 40,000 px PNG is gigabytes of memory)."""
    limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None  # we apply our own limit below
    try:
        with Image.open(path) as image:  # reads the header only, decodes nothing
            width, height = image.size
    except OSError as exc:
        raise RefusedURL(url, "not an image handbill can read") from exc
    finally:
        Image.MAX_IMAGE_PIXELS = limit
    if width * height > MAX_PIXELS:
        raise RefusedURL(
            url,
            f"image of {width:,} x {height:,} pixels is too large; scale it to at most "
            f"{MAX_PIXELS // 1_000_000} megapixels (300 dpi at A3 is about 17)",
        )


class KitURLFetcher(URLFetcher):  # type: ignore[misc]
    """Fetch only what a kit may use. Everything else stops the build: nothing is downloaded.

    ``roots`` are the folders files may come from (the kit and the stock folder). A path is
    checked after resolving symlinks and ``..``, so neither can lead outside them, and only
    regular files are read (never devices, FIFOs or sockets).
    """

    def __init__(self, roots: tuple[Path, ...]):
        super().__init__(fail_on_errors=True)
        self.roots = tuple(Path(os.path.realpath(root)) for root in roots)
        # Every file served, with the sha256 of the bytes served: the build cache's inputs.
        self.read: dict[str, str] = {}

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            # urllib decodes data: URLs itself, without touching the network or the disk.
            with urlopen(url) as response:
                body = response.read(MAX_BYTES + 1)
                content_type = response.headers.get("Content-Type", "application/octet-stream")
            if len(body) > MAX_BYTES:
                raise RefusedURL(url[:60] + "...", "data: URL larger than 50 MB")
            return URLFetcherResponse(url, body, {"Content-Type": content_type})
        if scheme != "file":
            raise RefusedURL(
                url,
                "handbill never fetches from the network; copy the file "
                "into the kit's assets/ folder and refer to it there",
            )
        path = self._allowed_path(url)
        content_type = EXTRA_TYPES.get(path.suffix.lower()) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        if content_type.startswith("image/") and content_type != "image/svg+xml":
            _check_image_size(url, path)
        body = path.read_bytes()
        self.read[str(path)] = hashlib.sha256(body).hexdigest()
        return URLFetcherResponse(path.as_uri(), body, {"Content-Type": content_type})

    def _allowed_path(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL(url, "file URL on another host")
        path = Path(os.path.realpath(unquote(parts.path)))
        if not any(path.is_relative_to(root) for root in self.roots):
            raise RefusedURL(url, "file outside the kit; copy it into the kit's assets/ folder")
        try:
            info = path.stat()
        except OSError as exc:
            raise RefusedURL(url, "file not found in the kit") from exc
        if not stat.S_ISREG(info.st_mode):
            raise RefusedURL(url, "not a regular file")
        if info.st_size > MAX_BYTES:
            raise RefusedURL(url, "file larger than 50 MB")
        return path
