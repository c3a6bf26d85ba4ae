"""Redirect tables for short QR codes: each short path to its full tracked address."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from handbill.errors import BuildError

# The files written next to manifest.json, by the host that reads them. 302 (found), not 301:
# browsers keep a 301 for good, and a campaign may point a printed code somewhere else later.
NETLIFY = "_redirects"  # Netlify and Cloudflare Pages
APACHE = "redirects.apache.conf"  # Apache (mod_alias), e.g. in .htaccess
NGINX = "redirects.nginx.conf"  # nginx, included inside the short host's server { }
CSV = "redirects.csv"  # any other host, or a link shortener's bulk import
FILES = {"netlify": NETLIFY, "apache": APACHE, "nginx": NGINX, "csv": CSV}
HEADER = "# Written by handbill: short QR code addresses and where they lead."
CSV_COLUMNS = ["short_url", "target", "material", "link"]
CSV_HEADER = ",".join(CSV_COLUMNS)


@dataclass(frozen=True, order=True)
class Redirect:
    """One short code: its address, the full address it leads to, and where it is printed."""

    path: str
    short_url: str
    target: str
    material: str
    link: str


def redirects_of(outputs: list[dict[str, Any]]) -> list[Redirect]:
    """Every short code the outputs' QR codes carry, once each, sorted by path.

    Two outputs giving one short path two different targets (an unlucky draw of the
    code) is an error: the table could send one of them to the wrong page.
    """
    found: dict[str, Redirect] = {}
    for entry in outputs:
        for code in entry.get("qr_codes") or ():
            target, url = code.get("target"), code.get("url")
            if not isinstance(target, str) or not isinstance(url, str) or target in ("", url):
                continue
            redirect = Redirect(
                urlsplit(url).path, url, _safe(target), str(entry.get("material", "")), code["link"]
            )
            earlier = found.setdefault(redirect.path, redirect)
            if earlier.target != redirect.target:
                raise BuildError(
                    f"the QR codes for '{earlier.link}' in {earlier.material} and "
                    f"'{redirect.link}' in {redirect.material} got the same short address "
                    f"{url}; rename one of the two links in handbill.toml [links]"
                )
    return sorted(found.values())


def _safe(url: str) -> str:
    """``url`` with the characters a server's configuration would read as syntax encoded."""
    return url.replace("$", "%24").replace('"', "%22").replace("'", "%27")


def redirect_files(redirects: list[Redirect]) -> dict[str, str]:
    """The text of each redirect table, by file name."""
    netlify = [HEADER] + [f"{r.path}  {r.target}  302" for r in redirects]
    apache = [HEADER] + [f'Redirect 302 {r.path} "{r.target}"' for r in redirects]
    nginx = [HEADER] + [f'location = {r.path} {{ return 302 "{r.target}"; }}' for r in redirects]
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([r.short_url, r.target, r.material, r.link] for r in redirects)
    return {
        NETLIFY: "\n".join(netlify) + "\n",
        APACHE: "\n".join(apache) + "\n",
        NGINX: "\n".join(nginx) + "\n",
        CSV: table.getvalue(),
    }
