"""Campaign links: checked, shortened for print, and tagged for tracking in QR codes."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    from handbill.kit.checker import Checker

_LINK_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")


@dataclass(frozen=True)
class Link:
    """A named campaign URL, with the short form printed under its QR code."""

    name: str
    url: str
    label: str
    short_base: str = ""  # e.g. "https://999call.uk/": codes carry a short code on it


@dataclass(frozen=True)
class Tracking:
    """UTM parameters added to every QR code's URL, so the campaign sees what was scanned."""

    utm: bool = True
    campaign: str = ""  # utm_campaign; empty: the campaign name as a slug
    source: str = "handbill"  # utm_source


def tracked_url(url: str, tracking: Tracking, content: str) -> str:
    """``url`` with utm_source, utm_medium=print, utm_campaign and utm_content added.

    ``content`` names the output (material and variant: group, language, row). Parameters
    already in the URL are kept as they are, including utm_ ones the campaign chose itself.
    """
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {key for key, _ in query}
    added = {
        "utm_source": tracking.source,
        "utm_medium": "print",
        "utm_campaign": tracking.campaign,
        "utm_content": content,
    }
    query += [(key, value) for key, value in added.items() if key not in present and value]
    return urlunsplit(parts._replace(query=urlencode(query, safe="/")))


def link_label(url: str) -> str:
    """Shorten a URL for print: no scheme, no "www.", no trailing slash."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    rest = parts.path.rstrip("/")
    if parts.query:
        rest += "?" + parts.query
    return host + rest


def url_problem(url: object) -> str | None:
    """Say what is wrong with a link URL, or None when it is a well-formed http(s) URL."""
    if not isinstance(url, str):
        return f"must be a URL in quotes, not {type(url).__name__}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"'{url}' is not a web address; write it in full, starting with https://"
    if any(ch.isspace() for ch in url):
        return f"'{url}' contains a space; remove it or write it as %20"
    return None


# Short codes: letters and digits that cannot be mistaken for one another when typed from
# paper (no 0/o, 1/l/i). Five of them give 28 million codes, so two outputs of one kit
# practically never draw the same; if they do, the redirect table refuses to be written.
SHORT_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
SHORT_LENGTH = 5
SHORT_BASE_KEY = "short_base"  # in [links]: the short base of every link


def short_code(*parts: str) -> str:
    """A short code for one link in one output: the same every build (a hash of ``parts``)."""
    digest = hashlib.sha256("\n".join(parts).encode("utf-8")).digest()
    number = int.from_bytes(digest[:8], "big")
    code = ""
    for _ in range(SHORT_LENGTH):
        number, digit = divmod(number, len(SHORT_ALPHABET))
        code += SHORT_ALPHABET[digit]
    return code


def default_short_base(table: dict[str, Any]) -> str:
    """[links] short_base when it is well formed (read_links reports it when it is not)."""
    base = table.get(SHORT_BASE_KEY, "")
    return base if isinstance(base, str) and not short_base_problem(base) else ""


def code_address(link: Link, target: str, stem: str, named: bool) -> tuple[str, str]:
    """What a QR code for ``link`` in the output ``stem`` encodes, and the label under it.

    With a short base: the base and a short code for this link in this output (the redirect
    table sends it on to ``target``). A link that is not in [links] (a data row's, a
    template's own address) has its address in the code's name, so two of them differ.
    Without one: ``target`` itself, under the link's label.
    """
    if not link.short_base:
        return target, link.label
    url = link.short_base + short_code(link.name, stem, "" if named else link.url)
    return url, link_label(url)


def short_base_problem(base: object) -> str | None:
    """Say what is wrong with a short base, or None: an http(s) address ending in "/"."""
    problem = url_problem(base)
    if problem:
        return problem
    assert isinstance(base, str)
    parts = urlsplit(base)
    if parts.query or parts.fragment or not base.endswith("/"):
        return f"'{base}' must be a web address ending in '/', e.g. https://example.uk/"
    return None


def read_links(table: dict[str, Any], check: Checker) -> dict[str, Link]:
    """The [links] table: each link a URL, or a table with url, (printed) label and short_base;
    ``short_base`` at the top is the short base of every link."""
    links: dict[str, Link] = {}
    base = table.get(SHORT_BASE_KEY, "")
    if base != "" and (problem := short_base_problem(base)):
        check.add("links", SHORT_BASE_KEY, problem)
        base = ""
    for link_name, value in table.items():
        if link_name == SHORT_BASE_KEY:
            continue
        url, label, own_base = value, None, base
        if isinstance(value, dict):
            url, label = value.get("url"), value.get("label")
            own_base = value.get(SHORT_BASE_KEY, base)
            extra = set(value) - {"url", "label", SHORT_BASE_KEY}
            if extra:
                check.add(
                    "links",
                    link_name,
                    f"unknown setting '{sorted(extra)[0]}' (use url, label, short_base)",
                )
            if own_base != "" and (problem := short_base_problem(own_base)):
                check.add("links", f"{link_name}.{SHORT_BASE_KEY}", problem)
                own_base = ""
        if not _LINK_NAME.match(link_name):
            check.add("links", link_name, "link names use lower-case letters, digits, - and _")
        problem = url_problem(url)
        if problem:
            check.add("links", link_name, problem)
            continue
        assert isinstance(url, str)
        label_text = str(label) if label else link_label(url)
        links[link_name] = Link(link_name, url, label_text, str(own_base))
    return links


def read_tracking(data: dict[str, Any], check: Checker, campaign: str) -> Tracking:
    """The [tracking] table; the campaign defaults to the campaign name as a slug."""
    utm = data.get("utm", True)
    if not isinstance(utm, bool):
        check.add("tracking", "utm", "must be true or false")
        utm = True
    values = {}
    for key in ("campaign", "source"):
        text = check.string(data, "tracking", key, "")
        if text and not re.match(r"^[A-Za-z0-9._-]+$", text):
            check.add("tracking", key, "use letters, digits, '.', '-' and '_' only, e.g. jr-2018")
        values[key] = text
    slug = re.sub(r"[^a-z0-9]+", "-", campaign.lower()).strip("-")
    return Tracking(utm, values["campaign"] or slug, values["source"] or "handbill")


def read_site_url(data: dict[str, Any], check: Checker) -> str:
    """[site] url: the address the output folder is published at, ending in "/" (e.g.
    https://example.org/kit/), which share previews need to find the link card; "" if unset."""
    url = check.string(data, "site", "url")
    if not url:
        return ""
    problem = url_problem(url)
    if problem:
        check.add(
            "site",
            "url",
            f"{problem}; give the page's public address, e.g. https://example.org/kit/",
        )
        return ""
    return url if url.endswith("/") else url + "/"
