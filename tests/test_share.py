"""The download page's social media section and its share tags (Open Graph, Twitter cards)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import write
from handbill.build.runner import build
from handbill.errors import ConfigError
from handbill.kit.loader import load_kit
from handbill.publish.site import write_site


def with_social(kit_dir: Path, sizes: str = "[square, card]", site: str = "") -> Path:
    sheet = kit_dir / "materials" / "sheet.md"
    write(sheet, sheet.read_text().replace("pages: 1\n", f"pages: 1\nsocial: {sizes}\n"))
    if site:
        config = kit_dir / "handbill.toml"
        write(config, config.read_text() + f'\n[site]\nurl = "{site}"\n')
    out = kit_dir / "dist"
    assert not build(load_kit(kit_dir), out_dir=out, jobs=1).failures
    return out


def meta(page: str, name: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', page)
    assert found, name
    return found[1]


def test_share_tags_give_the_link_card_at_the_sites_address(kit_dir: Path) -> None:
    out = with_social(kit_dir, site="https://example.org/stall")
    page = write_site(load_kit(kit_dir), out).read_text(encoding="utf-8")
    assert meta(page, "og:image") == "https://example.org/stall/sheet.social.card.png"
    assert meta(page, "twitter:image") == meta(page, "og:image")
    assert meta(page, "og:url") == "https://example.org/stall/"
    assert meta(page, "og:image:width") == "1200" and meta(page, "og:image:height") == "630"
    assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(page, "og:title") == "Test Campaign: materials to download and print"
    # The sheet is an FAQ: its one question, the answer, the hashtag and the link.
    assert meta(page, "og:image:alt") == (
        "Test Campaign First question? The first answer, with bold text. #TestCampaign "
        "example.org/case"
    )


def test_without_a_site_address_the_image_is_relative(kit_dir: Path) -> None:
    out = with_social(kit_dir)
    page = write_site(load_kit(kit_dir), out).read_text(encoding="utf-8")
    assert meta(page, "og:image") == "sheet.social.card.png"
    assert 'property="og:url"' not in page


def test_no_link_card_no_picture_in_the_preview(kit_dir: Path) -> None:
    out = with_social(kit_dir, sizes="[story]")
    page = write_site(load_kit(kit_dir), out).read_text(encoding="utf-8")
    assert meta(page, "twitter:card") == "summary" and "og:image" not in page


def test_the_social_section_shows_each_image_with_its_post_text(kit_dir: Path) -> None:
    out = with_social(kit_dir)
    page = write_site(load_kit(kit_dir), out).read_text(encoding="utf-8")
    section = page[page.index('<section class="social"') :].split("</section>", 1)[0]
    assert '<h2 id="h-social">Social media images</h2>' in section
    post = (out / "sheet.social.txt").read_text(encoding="utf-8").split("\n")[2]
    assert post == "Test sheet. Swipe through for the answers. #TestCampaign example.org/case"
    assert f'<p class="post-text" id="post-1">{post}</p>' in section
    assert 'data-copy="post-1"' in section and "Copy the post text" in section
    assert section.count("<img ") == 2 and 'src="sheet.social.square.png"' in section
    assert "Square post, 1080\u00a0\u00d7\u00a01080\u00a0px" in section  # never broken
    assert "Link card, 1200\u00a0\u00d7\u00a0630\u00a0px" in section
    # The images are not offered again among the printed materials.
    cards = page[page.index('<ul class="cards">') : page.index('<section class="social"')]
    assert ".social." not in cards


def test_a_site_address_that_is_not_one_is_reported(kit_dir: Path) -> None:
    config = kit_dir / "handbill.toml"
    write(config, config.read_text() + '\n[site]\nurl = "example.org/stall"\n')
    with pytest.raises(ConfigError) as info:
        load_kit(kit_dir)
    assert "Config value 'site.url': 'example.org/stall' is not a web address" in (
        info.value.format_message()
    )


def test_posts_keep_the_original_first_and_urdu_posts_read_right_to_left(kit_dir: Path) -> None:
    """Posts were sorted by file name, so a translation (sheet.cy) came before its original,
    and an Urdu post had no dir="rtl"."""
    write(
        kit_dir / "materials" / "sheet.cy.md",
        "---\ntitle: Taflen prawf\n---\n## Cwestiwn?\n\nAteb.\n",
    )
    write(kit_dir / "materials" / "sheet.ur.md", "---\ntitle: ٹیسٹ شیٹ\n---\n## سوال؟\n\nجواب۔\n")
    out = with_social(kit_dir)
    page = write_site(load_kit(kit_dir), out).read_text(encoding="utf-8")
    section = page[page.index('<section class="social"') :].split("</section>", 1)[0]
    articles = re.findall(
        r'<article class="post" lang="([^"]+)" dir="([^"]+)"><h3>([^<]*)</h3>', section
    )
    assert [(lang, direction) for lang, direction, _ in articles] == [
        ("en-GB", "ltr"),
        ("cy", "ltr"),
        ("ur", "rtl"),
    ], articles
    assert articles[0][2] == "Test sheet"
