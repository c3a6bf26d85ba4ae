"""Social images: sizes, safe areas, text sizes, brand colours, captions, determinism, staleness."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from conftest import REPO, write
from handbill.build.jobs import Job, Options, prepare
from handbill.build.runner import build
from handbill.engine.social import DrawnImage, draw_social
from handbill.errors import KitError
from handbill.kit.loader import Kit, load_kit
from handbill.kit.social import MIN_TEXT_PX, SIZES, parse_social
from handbill.render.social import answer_excerpt

BUS_ROUTE = REPO / "examples" / "bus-route"


def social_entries(out: Path) -> list[dict[str, Any]]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return [e for e in manifest["outputs"] if e["kind"] in ("png", "jpg", "caption")]


def colours_in(png: bytes) -> set[tuple[int, int, int]]:
    with Image.open(io.BytesIO(png)) as picture:
        return {colour for _, colour in picture.convert("RGB").getcolors(1 << 20) or []}


def rgb(hex_colour: str) -> tuple[int, int, int]:
    digits = hex_colour.lstrip("#")
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def drawn(kit: Kit, material: str, row: int = 0) -> list[tuple[Any, DrawnImage]]:
    rendered = prepare(kit, Job(material, row), {}, Options())
    return [(page, draw_social(kit, rendered, page, {})) for page in rendered.social]


def test_sizes_in_front_matter_are_checked() -> None:
    assert parse_social(["square", "story", "square"]) == (("square", "story"), "")
    assert parse_social("card, portrait") == (("card", "portrait"), "")
    assert parse_social(["sqare"])[1] == (
        "no image size 'sqare'. Did you mean 'square'? Sizes: square, portrait, story, card."
    )
    assert parse_social({"square": 1})[1].startswith("must be a list of image sizes")


def test_every_unknown_size_is_named_at_once() -> None:
    assert parse_social(["square", "potrait", "link-card", "banner"])[1] == (
        "no image sizes 'potrait' (did you mean 'portrait'?), 'link-card' (did you mean "
        "'card'?) and 'banner'. Sizes: square, portrait, story, card."
    )


def test_sizes_without_commas_are_told_to_take_commas() -> None:
    assert parse_social("square story")[1] == (
        "separate the image sizes with commas: 'square, story' "
        "(sizes: square, portrait, story, card)."
    )


def test_letter_case_does_not_matter_in_a_size() -> None:
    assert parse_social(["Story", "SQUARE", "square"]) == (("story", "square"), "")


def test_a_typo_is_one_line_with_the_file_line_and_the_sizes(kit_dir: Path) -> None:
    sheet = kit_dir / "materials" / "sheet.md"
    sheet.write_text(sheet.read_text().replace("pages: 1\n", "pages: 1\nsocial: [sqare]\n"))
    with pytest.raises(KitError) as caught:
        load_kit(kit_dir)
    assert str(caught.value.format_message()) == (
        f"{sheet}:6: field 'social': no image size 'sqare'. Did you mean 'square'? "
        "Sizes: square, portrait, story, card."
    )


def test_every_image_has_its_exact_pixel_size(example_out: Path) -> None:
    images = [e for e in social_entries(example_out) if e["kind"] == "png"]
    # Event poster: 4 rows x (square, story); placard: 4 sizes; FAQ: 7 questions; the A5
    # leaflet: 4 groups x 4 languages.
    assert len(images) == 8 + 4 + 7 + 16
    for entry in images:
        size = SIZES[entry["social"]]
        with Image.open(example_out / entry["path"]) as picture:
            assert picture.format == "PNG"
            assert (
                picture.size
                == (size.width, size.height)
                == (
                    entry["width_px"],
                    entry["height_px"],
                )
            ), entry["path"]


def test_caption_and_alt_text_in_each_language(example_out: Path) -> None:
    entries = social_entries(example_out)
    captions = {e["path"]: e for e in entries if e["kind"] == "caption"}
    for language, words in (
        ("", "Tell your MP"),
        (".cy", "Dywedwch wrth eich AS"),
        (".pl", "Wezwij swojego posła"),
        (".ur", "رکنِ پارلیمنٹ"),
    ):
        name = f"leaflet-a5-leeds{language}.social.txt"
        text = (example_out / name).read_text(encoding="utf-8")
        post = captions[name]["post"]
        assert words in post and "#Justice4NHS" in post
        assert "999callfornhs.org.uk/local/leeds" in post  # the group's own page, in words
        image = f"leaflet-a5-leeds{language}.social.square.png"
        alt = next(e["alt"] for e in entries if e["path"] == image)
        assert words in alt and text.index(post) < text.index(image) < text.index(alt)
    faq = (example_out / "faq.social.txt").read_text(encoding="utf-8")
    assert all(f"faq.social-{n}.square.png\n" in faq for n in range(1, 8))
    assert "What is an Accountable Care Organisation?" in faq


def test_images_are_in_the_kits_brand(example_out: Path) -> None:
    kit = load_kit(REPO)
    brand = kit.config.brand.palette
    for name in ("placard-a4.social.story.png", "event-poster-2018-10-26.social.square.png"):
        found = colours_in((example_out / name).read_bytes())
        for role in ("primary", "secondary", "accent"):
            assert rgb(brand[role]) in found, (name, role)


def test_text_is_inside_the_safe_area_and_large_enough() -> None:
    kit = load_kit(REPO)
    pages = drawn(kit, "placard-a4") + drawn(kit, "event-poster", 3) + drawn(kit, "faq")[:2]
    pages += drawn(kit, "leaflet-a5.ur", 1)
    assert {page.size.name for page, _ in pages} == set(SIZES)
    for page, image in pages:
        left, top, right, bottom = page.size.safe_box
        assert image.warnings == [], page.name
        assert image.boxes, page.name
        for box in image.boxes:
            assert box.size_px >= MIN_TEXT_PX, (page.name, box)
            assert left - 1 <= box.left and box.right <= right + 1, (page.name, box)
            assert top - 1 <= box.top and box.bottom <= bottom + 1, (page.name, box)
    story = next(image for page, image in pages if page.size.name == "story")
    # Nothing is drawn in the story's top 270 px or bottom 350 px, where the overlays are.
    assert min(box.top for box in story.boxes) >= 270
    assert max(box.bottom for box in story.boxes) <= 1920 - 350


def test_no_qr_code_but_the_address_in_words(example_out: Path) -> None:
    entry = next(
        e for e in social_entries(example_out) if e["path"] == "placard-a4.social.card.png"
    )
    assert entry["alt"].endswith("999callfornhs.org.uk/our-judicial-review")
    placard = next(
        e
        for e in json.loads((example_out / "manifest.json").read_text())["outputs"]
        if e["path"] == "placard-a4.pdf"
    )
    assert len(placard["qr_codes"]) == 1  # the PDF has its code; the image has none
    assert "qr_codes" not in entry
    for name in ("placard-a4.social.card.png", "event-poster-2018-10-26.social.story.png"):
        with Image.open(example_out / name) as picture:
            assert zxingcpp.read_barcodes(picture.convert("L")) == [], name


def test_images_are_byte_identical_from_build_to_build(example_out: Path) -> None:
    kit = load_kit(REPO)
    for page, image in drawn(kit, "event-poster", 1):
        assert image.png == (example_out / page.name).read_bytes(), page.name


def test_another_kit_gets_its_own_brand_not_the_examples() -> None:
    kit = load_kit(BUS_ROUTE)
    example = load_kit(REPO).config.brand.palette
    own = kit.config.brand.palette
    for page, image in drawn(kit, "placard"):
        found = colours_in(image.png)
        assert rgb(own["primary"]) in found and rgb(own["accent"]) in found, page.name
        assert rgb(example["primary"]) not in found and rgb(example["accent"]) not in found
        assert image.text.startswith("Keep the 27 Running #Keep27Running I need the 27")
        assert image.warnings == []


def test_answers_are_cut_after_a_whole_sentence() -> None:
    assert answer_excerpt("<p>Short answer.</p><p>More.</p>") == "Short answer."
    long = "<p>" + "One sentence here. " * 12 + "</p>"
    excerpt = answer_excerpt(long)
    assert excerpt.endswith("here.") and len(excerpt) <= 260
    assert answer_excerpt("<p>We worry. Our worries are that:</p><ul><li>x</li></ul>") == (
        "We worry."
    )
    # A paragraph that only leads into a list goes on with its items, not a bare colon.
    assert (
        answer_excerpt(
            "<p>There are simple ways to help:</p>\n<ul>\n<li>Share our page online.</li>\n"
            "<li>Donate to the <strong>legal fund</strong></li>\n<li>"
            + "write " * 50
            + "</li></ul>"
        )
        == "There are simple ways to help: share our page online. Donate to the legal fund."
    )
    # Two sentences that fit are kept together (the argument, not only its first half).
    two = "<p>The Act sets out how services are paid. We argue " + "that it " * 20 + "fails.</p>"
    assert answer_excerpt(two).endswith("fails.")
    assert answer_excerpt("<p>" + "word " * 60 + "</p>").endswith("word\u2026")


def test_images_no_longer_asked_for_are_removed(kit_dir: Path, tmp_path: Path) -> None:
    sheet = kit_dir / "materials" / "sheet.md"
    original = sheet.read_text()
    write(sheet, original.replace("pages: 1\n", "pages: 1\nsocial: [square, card]\n"))
    out = tmp_path / "out"
    report = build(load_kit(kit_dir), out_dir=out, jobs=1)
    assert not report.failures
    assert "and 2 social images in" in report.summary
    made = sorted(e["path"] for e in social_entries(out))
    assert made == ["sheet.social.card.png", "sheet.social.square.png", "sheet.social.txt"]
    write(sheet, original.replace("pages: 1\n", "pages: 1\nsocial: [card]\n"))
    build(load_kit(kit_dir), out_dir=out, jobs=1)
    assert not (out / "sheet.social.square.png").exists()
    assert (out / "sheet.social.card.png").is_file()
    write(sheet, original)
    build(load_kit(kit_dir), out_dir=out, jobs=1)
    assert social_entries(out) == [] and not list(out.glob("*.social*"))


def test_a_photograph_shows_on_tall_images_which_are_also_jpeg(
    kit_dir: Path, tmp_path: Path
) -> None:
    photo = Image.new("RGB", (600, 400), (20, 160, 60))  # one green no brand colour comes near
    photo.save(kit_dir / "assets" / "img" / "rally.jpg", quality=95)
    sheet = kit_dir / "materials" / "sheet.md"
    front = (
        "pages: 1\nsocial: [story, square]\nvars:\n  social_photo: assets/img/rally.jpg\n"
        "  social_photo_alt: Supporters outside the town hall\n"
    )
    write(sheet, sheet.read_text().replace("pages: 1\n", front))
    out = tmp_path / "out"
    assert not build(load_kit(kit_dir), out_dir=out, jobs=1).failures
    entries = {e["path"]: e for e in social_entries(out)}
    assert sorted(entries) == [
        "sheet.social.square.png",
        "sheet.social.story.jpg",
        "sheet.social.story.png",
        "sheet.social.txt",
    ]
    with Image.open(out / "sheet.social.story.jpg") as picture:
        assert (picture.format, picture.size) == ("JPEG", (1080, 1920))
        green = picture.convert("RGB").getpixel((540, 720))  # the middle of the photograph
    assert all(abs(a - b) <= 6 for a, b in zip(green, (20, 160, 60), strict=True))
    assert rgb("#c00000") in colours_in((out / "sheet.social.story.png").read_bytes())
    assert entries["sheet.social.story.jpg"]["alt"].startswith(
        "Photo: Supporters outside the town hall. Test Campaign First question?"
    )
    assert entries["sheet.social.square.png"]["alt"].startswith("Test Campaign First question?")


def with_sheet_social(kit_dir: Path, template: str) -> None:
    sheet = kit_dir / "materials" / "sheet.md"
    write(sheet, sheet.read_text().replace("pages: 1\n", "pages: 1\nsocial: [square]\n"))
    write(kit_dir / "templates" / "social" / "faq.html", template)


def test_a_kits_own_social_template_comes_before_the_stock_one(
    kit_dir: Path, tmp_path: Path
) -> None:
    own = '{% extends "social/_base.html" %}{% block main %}<h1>Our own words</h1>{% endblock %}'
    with_sheet_social(kit_dir, own)
    out = tmp_path / "out"
    assert not build(load_kit(kit_dir), out_dir=out, jobs=1).failures
    entry = next(e for e in social_entries(out) if e["kind"] == "png")
    assert entry["alt"] == "Test Campaign Our own words #TestCampaign example.org/case"


def test_a_social_page_metres_wide_is_refused_in_one_line(kit_dir: Path, tmp_path: Path) -> None:
    with_sheet_social(kit_dir, "<style>@page { size: 100000px 1000px }</style><p>Huge</p>")
    report = build(load_kit(kit_dir), out_dir=tmp_path / "out", jobs=1)
    assert len(report.failures) == 1
    assert (
        "sheet.social.square.png: page 1 is 26,458 x 265 mm; at most 1,200 mm a side"
        in (report.failures[0])
    )
    assert "\n" not in report.failures[0] and "Traceback" not in report.failures[0]


def test_an_faq_longer_than_a_carousel_says_what_is_left_out(kit_dir: Path, tmp_path: Path) -> None:
    sheet = kit_dir / "materials" / "sheet.md"
    questions = "".join(f"\n## Question {n}?\n\nAnswer {n}.\n" for n in range(2, 12))
    text = sheet.read_text().replace("pages: 1\n", "social: [card]\n") + questions
    write(sheet, text)
    out = tmp_path / "out"
    report = build(load_kit(kit_dir), out_dir=out, jobs=1)
    warnings = [w for output in report.outputs for w in output.warnings]
    assert warnings == [
        "sheet: 11 questions; the social images show the first 10, the most one post holds"
    ]
    cards = sorted(e["path"] for e in social_entries(out) if e["kind"] == "png")
    assert len(cards) == 10 and cards[0] == "sheet.social-1.card.png"


def test_event_text_is_typeset_as_in_print() -> None:
    """Data cells get typographic quotes (St Bede\u2019s) and a time range keeps on one line
    ("10am to / 4pm" broke on the square image)."""
    kit = load_kit(REPO)
    rows = [row["title"] for row in kit.data["events"]]
    bede = rows.index("Health for All: Patients, Not Passports") + 1  # rows count from 1
    conference = rows.index("Social care conference") + 1
    [(_, square)] = [(p, i) for p, i in drawn(kit, "event-poster", bede) if p.size.name == "square"]
    assert "St Bede\u2019s Church" in square.text and "Bede's" not in square.text
    [(_, square)] = [
        (p, i) for p, i in drawn(kit, "event-poster", conference) if p.size.name == "square"
    ]
    lines = [box.text for box in square.boxes]
    assert any("10am\u00a0to\u00a04pm" in line or "10am to 4pm" in line for line in lines), lines


def test_an_event_post_and_image_keep_a_house_number_with_its_street(tmp_path: Path) -> None:
    (tmp_path / "handbill.toml").write_text(
        (REPO / "handbill.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    write(
        tmp_path / "materials" / "event-poster.md",
        (REPO / "materials" / "event-poster.md").read_text(encoding="utf-8"),
    )
    write(
        tmp_path / "data" / "events.csv",
        "date,time,title,venue,address\n"
        "2027-01-14,7pm to 9pm,Public meeting: stop the rent rise,Riverside Community Centre,"
        "14 Quay Road\n",
    )
    kit = load_kit(tmp_path)
    page = prepare(kit, Job("event-poster", 1), {}, Options()).social[0]
    # The title's own colon is not followed by another: a dash before the date.
    assert page.post.startswith(
        "Public meeting: stop the rent rise \u2013 Thursday 14\u00a0January 2027, "
        "7pm\u00a0to\u00a09pm, Riverside Community Centre, 14 Quay Road. #Justice4NHS "
    )
    assert "Riverside Community Centre, 14\u00a0Quay\u00a0Road</p>" in page.html
