"""Tracked links: QR codes carry UTM parameters; the printed address stays short."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from handbill.build.runner import build
from handbill.errors import ConfigError
from handbill.kit.links import Tracking, tracked_url
from handbill.kit.loader import load_kit
from pdftools import decode_qr_codes, page_texts


def tracking_on(kit_dir: Path, extra: str = "") -> None:
    toml = kit_dir / "handbill.toml"
    toml.write_text(toml.read_text().replace("utm = false", "utm = true\n" + extra))


def test_tracked_url_adds_utm_and_keeps_the_query() -> None:
    url = tracked_url("https://example.org/donate?from=print", Tracking(campaign="jr"), "leaflet")
    assert url == (
        "https://example.org/donate?from=print&utm_source=handbill&utm_medium=print"
        "&utm_campaign=jr&utm_content=leaflet"
    )
    own = tracked_url("https://example.org/?utm_source=stall", Tracking(campaign="jr"), "x")
    assert parse_qs(urlsplit(own).query)["utm_source"] == ["stall"]


def test_every_decoded_code_carries_the_utm_the_manifest_records(kit_dir: Path) -> None:
    tracking_on(kit_dir, 'campaign = "spring-drive"')
    report = build(load_kit(kit_dir), jobs=1)
    assert not report.failures
    manifest = json.loads((kit_dir / "dist" / "manifest.json").read_text())
    sheet = next(e for e in manifest["outputs"] if e["path"] == "sheet.pdf")
    decoded = decode_qr_codes(kit_dir / "dist" / "sheet.pdf")
    assert decoded == sorted((code["page"], code["url"]) for code in sheet["qr_codes"])
    for _, url in decoded:
        query = parse_qs(urlsplit(url).query)
        assert query["utm_medium"] == ["print"]
        assert query["utm_campaign"] == ["spring-drive"]
        assert query["utm_content"] == ["sheet"]
        assert query["utm_source"] == ["handbill"]
    donate = next(c for c in sheet["qr_codes"] if c["link"] == "donate")
    assert donate["url"].startswith("https://example.org/donate?from=print&utm_source=")
    # Under the codes: the short labels, no UTM clutter.
    text = page_texts(kit_dir / "dist" / "sheet.pdf")[0]
    assert "example.org/give" in text and "example.org/case" in text and "utm_" not in text


def test_campaign_defaults_to_the_campaign_name(kit_dir: Path) -> None:
    tracking_on(kit_dir)
    assert load_kit(kit_dir).config.tracking.campaign == "test-campaign"


def test_tracking_off_keeps_plain_urls(kit_dir: Path) -> None:
    build(load_kit(kit_dir), ["card"], jobs=1)
    assert decode_qr_codes(kit_dir / "dist" / "card.pdf") == [(1, "https://example.org/petition")]


def test_bad_tracking_settings_are_reported(kit_dir: Path) -> None:
    toml = kit_dir / "handbill.toml"
    toml.write_text(toml.read_text().replace("utm = false", 'utm = "yes"\ncampaign = "a b"'))
    with pytest.raises(ConfigError) as caught:
        load_kit(kit_dir)
    message = caught.value.format_message()
    assert "Config value 'tracking.utm': must be true or false" in message
    assert "Config value 'tracking.campaign': use letters, digits" in message
