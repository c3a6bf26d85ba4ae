"""The download page in a real browser (Debian's Chromium driven by Playwright)."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write
from handbill.cli import cli
from handbill.publish.serve import start

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The project's test set-up (make test) installs Debian's chromium; a developer machine without
# it skips these tests, saying why. CI always has it.
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make test installs it)"
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TYPES = {
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".ics": "text/calendar",
}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1200, "height": 1400})
    yield context.new_page()
    context.close()


LOADED = (
    "Array.from(document.querySelectorAll('{selector}'))"
    ".every(i => i.complete && i.naturalWidth > 0)"
)


def all_images_loaded(page, selector: str = "img") -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate(LOADED.format(selector=selector)))


def test_page_from_file_url(page, runner: CliRunner, kit_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert runner.invoke(cli, ["site", "--kit", str(kit_dir)]).exit_code == 0
    index = kit_dir / "dist" / "index.html"
    page.goto(index.as_uri())
    assert page.title() == "Test Campaign: materials to download and print"
    assert page.locator("img").count() == 2 and all_images_loaded(page)
    hrefs = page.eval_on_selector_all("a[download]", "links => links.map(a => a.href)")
    assert len(hrefs) == 3  # card.pdf, its A4 sheets (4-up), sheet.pdf
    for href in hrefs:
        assert href.startswith("file://") and Path(href.removeprefix("file://")).is_file()
    # The filter: typing narrows the list, and says how many are shown.
    page.fill("#filter", "card")
    assert page.locator(".material:visible").count() == 1
    assert page.inner_text("#filter-status") == "1 of 2 materials shown"
    assert "Test card" in page.inner_text(".material:visible h3")
    page.fill("#filter", "")
    assert page.locator(".material:visible").count() == 2
    # Keyboard: from the top of the page, Tab reaches the filter first, then the downloads.
    page.reload()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "filter"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Download Test card as PDF on A6 paper, for a printer that takes A6 (A6 landscape, 1 page)"
    )
    page.screenshot(path=str(tmp_path / "site.png"), full_page=True)
    assert (tmp_path / "site.png").stat().st_size > 10_000


def test_example_page_downloads_resolve(page, example_out: Path) -> None:  # type: ignore[no-untyped-def]
    from conftest import REPO
    from handbill.kit.loader import load_kit
    from handbill.publish.site import write_site

    write_site(load_kit(REPO), example_out)
    server, _ = start(REPO, example_out, port=0, poll=60)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        page.goto(base)
        # The thumbnails; the social images load as they are scrolled to (next test).
        assert all_images_loaded(page, ".material img")
        assert page.locator(".material").count() == 16  # 13, and the A5 leaflet in cy, pl, ur
        hrefs = page.eval_on_selector_all("a[download]", "links => links.map(a => a.href)")
        # 34 PDFs (the A5 leaflets: 4 local groups x 4 languages), 8 editable copies, A4
        # sheets for the 16 A5 leaflets, the four A6 flyers and the tiled A3 placard (not the
        # DL leaflet's one to a sheet: its own A4 PDF with a line of instructions), 4 forms to
        # fill in (the speeches and the letters) and 5 event calendars; then 35 social images
        # and 22 caption files (one per event, placard, FAQ and leaflet copy).
        assert len(hrefs) == 72 + 35 + 22
        for href in hrefs:
            response = page.request.get(href)
            assert response.status == 200, href
            expected = TYPES[Path(href).suffix]
            assert response.headers["content-type"].startswith(expected), href
        # The Urdu card's font, copied beside the page, is served with it.
        font = page.request.get(base + "fonts/NotoNastaliqUrdu-Regular.ttf")
        assert font.status == 200 and len(font.body()) > 500_000
        page.screenshot(path=str(example_out / "site-screenshot.png"), full_page=True)
    finally:
        server.shutdown()


def test_social_images_show_and_a_caption_copies(browser, example_out: Path) -> None:  # type: ignore[no-untyped-def]
    from conftest import REPO
    from handbill.kit.loader import load_kit
    from handbill.publish.site import write_site

    write_site(load_kit(REPO), example_out)
    server, _ = start(REPO, example_out, port=0, poll=60)
    context = browser.new_context(viewport={"width": 1200, "height": 1400})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        section = page.locator("section.social")
        assert section.locator("h2").inner_text() == "Social media images"
        images = section.locator("img")
        assert images.count() == 35
        for index in range(images.count()):
            images.nth(index).scroll_into_view_if_needed()
        page.wait_for_function("() => " + LOADED.format(selector="section.social img"))
        widths = page.eval_on_selector_all(
            "section.social img", "all => all.map(i => [i.naturalWidth, i.naturalHeight])"
        )
        assert sorted({tuple(w) for w in widths}) == [
            (1080, 1080),
            (1080, 1350),
            (1080, 1920),
            (1200, 630),
        ]
        placard = section.locator("article.post", has_text="Selfie placard")
        expected = placard.locator(".post-text").inner_text()
        assert expected.endswith("#Justice4NHS 999callfornhs.org.uk/our-judicial-review")
        placard.locator("button.copy").click()
        # The clipboard answers asynchronously: wait for the page to say what happened.
        status = placard.locator(".copy-status")
        status.filter(has_text=re.compile(".")).wait_for(timeout=10_000)
        assert status.inner_text() == "Copied: paste it into your post."
        assert page.evaluate("navigator.clipboard.readText()") == expected
        # A shared link to the page shows the placard's link card.
        og_image = page.locator('meta[property="og:image"]').get_attribute("content")
        assert og_image == "placard-a4.social.card.png"
        assert page.locator('meta[name="twitter:card"]').get_attribute("content") == (
            "summary_large_image"
        )
        assert page.request.get(page.url + og_image).status == 200
        section.screenshot(path=str(example_out / "social-section.png"))
    finally:
        context.close()
        server.shutdown()


def test_serve_shows_an_edit_without_a_manual_reload(page, kit_dir: Path) -> None:  # type: ignore[no-untyped-def]
    server, _ = start(kit_dir, port=0, poll=0.2)
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        assert "Test sheet" in page.inner_text("main")
        text = (kit_dir / "materials" / "sheet.md").read_text().replace("Test sheet", "Live edit")
        write(kit_dir / "materials" / "sheet.md", text)
        page.wait_for_function("document.body.innerText.includes('Live edit')", timeout=30_000)
        time.sleep(0.5)
        assert "Live edit" in page.inner_text("main")
    finally:
        server.shutdown()


def test_example_page_on_a_phone(browser, example_out: Path) -> None:  # type: ignore[no-untyped-def]
    """At 390 px wide: every download link is a tap target at least 44 px tall, variants are
    named in words (never file names), and each card says its language and direction."""
    from conftest import REPO
    from handbill.kit.loader import load_kit
    from handbill.publish.site import write_site

    index = write_site(load_kit(REPO), example_out)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(index.as_uri())
        heights = page.eval_on_selector_all(
            "a[download]", "links => links.map(a => a.getBoundingClientRect().height)"
        )
        assert heights and min(heights) >= 44
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        labels = page.eval_on_selector_all("a[download]", "links => links.map(a => a.innerText)")
        assert not [label for label in labels if ".pdf" in label or ".docx" in label]
        urdu = page.locator('.material[lang="ur"]')
        assert urdu.count() == 1 and urdu.get_attribute("dir") == "rtl"
        assert urdu.locator("h3").evaluate("h => getComputedStyle(h).direction") == "rtl"
        # The facts and links around the Urdu text are the page's own words, left to right.
        assert urdu.locator(".ui").get_attribute("dir") == "ltr"
        assert page.locator('.material[lang="cy"]').get_attribute("dir") == "ltr"
        variants = page.eval_on_selector_all(
            ".versions th[scope=row]", "hs => hs.map(h => h.innerText)"
        )
        assert "Leeds" in variants
        assert (
            "Social care conference\u00a0– Carrs Lane Conference Centre\u00a0– Sat 17\u00a0Nov 2018"
        ) in variants
        blurb = page.inner_text("#h-organisers + .blurb")
        assert blurb == "Event flyer, event poster and press release."
        page.screenshot(path=str(example_out / "site-phone.png"), full_page=True)
    finally:
        context.close()


# Where a card's first download link starts below its heading, in px, for every card.
LINK_GAPS = """cards => cards.map(c => [c.querySelector('h3').innerText,
  c.querySelector('a[download]').getBoundingClientRect().top
  - c.querySelector('h3').getBoundingClientRect().bottom])"""


def test_example_page_on_a_wide_screen(browser, example_out: Path) -> None:  # type: ignore[no-untyped-def]
    """At 1280 px: every card's links follow its text (no blank card stretched to its row's
    tallest), the versions are a table, and Urdu is set in the kit's Nastaliq."""
    from conftest import REPO
    from handbill.kit.loader import load_kit
    from handbill.publish.site import write_site

    index = write_site(load_kit(REPO), example_out)
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        page = context.new_page()
        page.goto(index.as_uri())
        gaps = page.eval_on_selector_all(".material", LINK_GAPS)
        assert len(gaps) == 16
        assert [title for title, gap in gaps if not 0 <= gap <= 400] == []
        heights = page.eval_on_selector_all(
            ".material", "cards => cards.map(c => c.getBoundingClientRect().height)"
        )
        assert max(heights) < 1100  # the A5 leaflet's 4 versions x 4 kinds of file in a table
        links = page.eval_on_selector_all(
            "a[download]", "links => links.map(a => a.getBoundingClientRect().height)"
        )
        assert min(links) >= 44
        urdu = page.locator('.material[lang="ur"] h3')
        assert urdu.evaluate("h => getComputedStyle(h).fontFamily").startswith(
            '"Noto Nastaliq Urdu"'
        )
        # The kit's own Nastaliq, copied beside the page, really loaded (not a system font).
        loaded = page.evaluate(
            "document.fonts.ready.then(() => Array.from(document.fonts)"
            ".filter(f => f.family.includes('Nastaliq')).map(f => f.status))"
        )
        assert loaded == ["loaded"]
        page.screenshot(path=str(example_out / "site-wide.png"), full_page=True)
    finally:
        context.close()
