"""The offline fetcher: kit files and data: URLs only; everything else stops the build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import write
from handbill.build.runner import build
from handbill.engine.fetcher import KitURLFetcher, RefusedURL
from handbill.kit.boundary import stock_dir
from handbill.kit.loader import load_kit


@pytest.fixture
def fetcher(kit_dir: Path) -> KitURLFetcher:
    return KitURLFetcher((kit_dir, stock_dir()))


def test_serves_kit_files_and_stock_assets(kit_dir: Path, fetcher: KitURLFetcher) -> None:
    response = fetcher.fetch((kit_dir / "assets" / "img" / "dot.png").as_uri())
    assert response.content_type == "image/png"
    assert response.read().startswith(b"\x89PNG")
    css = fetcher.fetch((stock_dir() / "assets" / "css" / "handbill.css").as_uri())
    assert b"@font-face" in css.read()


def test_serves_data_urls(fetcher: KitURLFetcher) -> None:
    response = fetcher.fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"


@pytest.mark.parametrize(
    "url",
    ["http://example.org/logo.png", "https://127.0.0.1/x.css", "ftp://example.org/f", "gopher://x"],
)
def test_refuses_the_network(fetcher: KitURLFetcher, url: str) -> None:
    with pytest.raises(RefusedURL, match="never fetches from the network") as info:
        fetcher.fetch(url)
    assert info.value.url == url


def test_refuses_files_outside_the_kit(fetcher: KitURLFetcher) -> None:
    with pytest.raises(RefusedURL, match="file outside the kit"):
        fetcher.fetch("file:///etc/passwd")


def test_refuses_dot_dot_escapes(kit_dir: Path, fetcher: KitURLFetcher) -> None:
    secret = write(kit_dir.parent / "secret.txt", "private")
    escape = (kit_dir / "assets").as_uri() + "/../../" + secret.name
    with pytest.raises(RefusedURL, match="file outside the kit"):
        fetcher.fetch(escape)


def test_refuses_symlinks_out_of_the_kit(kit_dir: Path, fetcher: KitURLFetcher) -> None:
    link = kit_dir / "assets" / "img" / "passwd.png"
    os.symlink("/etc/passwd", link)
    with pytest.raises(RefusedURL, match="file outside the kit"):
        fetcher.fetch(link.as_uri())


def test_refuses_devices_even_inside_the_kit(tmp_path: Path) -> None:
    # A kit rooted at /dev would contain the device itself: it must still not be read.
    with pytest.raises(RefusedURL, match="not a regular file"):
        KitURLFetcher((Path("/dev"),)).fetch("file:///dev/urandom")


def test_refuses_other_hosts(fetcher: KitURLFetcher, kit_dir: Path) -> None:
    with pytest.raises(RefusedURL, match="another host"):
        fetcher.fetch("file://server/share/x.png")


@pytest.mark.parametrize(
    ("image", "shown"),
    [
        ("http://127.0.0.1:9/tracker.png", "http://127.0.0.1:9/tracker.png"),
        ("file:///etc/passwd", "file:///etc/passwd"),
        ("../../secret.png", "secret.png"),
        ("assets/img/link-out.png", "link-out.png"),
    ],
)
def test_build_stops_with_material_and_url(
    kit_dir: Path, tmp_path: Path, no_network: list[object], image: str, shown: str
) -> None:
    write(tmp_path / "secret.png", "not for the kit")
    os.symlink("/etc/passwd", kit_dir / "assets" / "img" / "link-out.png")
    write(
        kit_dir / "templates" / "card.html",
        '{% extends "_base.html" %}{% block body %}<img src="{{ vars.image }}">{% endblock %}',
    )
    write(
        kit_dir / "materials" / "card.md",
        f"---\ntemplate: card\ntitle: T\nvars:\n  image: {image}\n---\n",
    )
    out = tmp_path / "out"
    report = build(load_kit(kit_dir), ["card"], out_dir=out, jobs=1)
    assert len(report.failures) == 1
    message = report.failures[0]
    assert "card.md: card: refused to fetch" in message
    assert shown in message
    assert not (out / "card.pdf").exists()
    assert no_network == []


def test_markdown_image_from_the_network_is_refused(kit_dir: Path, tmp_path: Path) -> None:
    write(
        kit_dir / "materials" / "sheet.md",
        "---\ntemplate: faq\ntitle: T\n---\n![p](http://127.0.0.1/p.png)\n",
    )
    report = build(load_kit(kit_dir), ["sheet"], out_dir=tmp_path / "out", jobs=1)
    assert report.failures == [
        f"{kit_dir / 'materials' / 'sheet.md'}: sheet: refused to fetch http://127.0.0.1/p.png "
        "(handbill never fetches from the network; copy the file into the kit's assets/ folder "
        "and refer to it there)"
    ]


def test_css_url_in_a_kit_template_is_refused(kit_dir: Path, tmp_path: Path) -> None:
    write(
        kit_dir / "templates" / "card.html",
        '{% extends "_base.html" %}{% block body %}'
        '<p style="background: url(http://127.0.0.1/beacon)">x</p>{% endblock %}',
    )
    report = build(load_kit(kit_dir), ["card"], out_dir=tmp_path / "out", jobs=1)
    assert report.failures and "refused to fetch http://127.0.0.1/beacon" in report.failures[0]


def test_refuses_huge_images_before_decoding(kit_dir: Path, fetcher: KitURLFetcher) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    # A valid PNG header claiming 40,000 x 40,000 pixels: decoding it would need gigabytes.
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 40000, 40000, 8, 2, 0, 0, 0))
    bomb = kit_dir / "assets" / "img" / "huge.png"
    bomb.write_bytes(b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", b"") + chunk(b"IEND", b""))
    with pytest.raises(RefusedURL, match=r"image of 40,000 x 40,000 pixels is too large"):
        fetcher.fetch(bomb.as_uri())
