"""Campaign links: checked, shortened for print, and tagged for tracking in QR codes."""

from __future__ import annotations

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


def read_links(table: dict[str, Any], check: Checker) -> dict[str, Link]:
    """The [links] table: each link a URL, or a table with url and (printed) label."""
    links: dict[str, Link] = {}
    for link_name, value in table.items():
        url, label = value, None
        if isinstance(value, dict):
            url, label = value.get("url"), value.get("label")
            extra = set(value) - {"url", "label"}
            if extra:
                check.add(
                    "links", link_name, f"unknown setting '{sorted(extra)[0]}' (use url, label)"
                )
        if not _LINK_NAME.match(link_name):
            check.add("links", link_name, "link names use lower-case letters, digits, - and _")
        problem = url_problem(url)
        if problem:
            check.add("links", link_name, problem)
            continue
        assert isinstance(url, str)
        links[link_name] = Link(link_name, url, str(label) if label else link_label(url))
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
