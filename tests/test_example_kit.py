"""End to end on the repository's example kit: the FAQ sheet as an organiser would print it."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO
from handbill.kit.loader import load_kit, stock_templates
from pdftools import (
    decode_qr_codes,
    embedded_font_names,
    imprint_lines,
    page_sizes_mm,
    page_texts,
)


def manifest_entry(out: Path, material: str) -> dict:  # type: ignore[type-arg]
    manifest = json.loads((out / "manifest.json").read_text())
    return next(e for e in manifest["outputs"] if e["material"] == material)


def test_faq_is_two_a4_pages(example_out: Path) -> None:
    sizes = page_sizes_mm(example_out / "faq.pdf")
    assert len(sizes) == 2
    assert all(abs(w - 210) <= 0.5 and abs(h - 297) <= 0.5 for w, h in sizes)
    entry = manifest_entry(example_out, "faq")
    assert entry["pages"] == 2 and entry["paper"]["name"] == "A4"
    assert entry["sha256"] == hashlib.sha256((example_out / "faq.pdf").read_bytes()).hexdigest()


def test_faq_qr_codes_decode_to_the_manifest_urls(example_out: Path) -> None:
    entry = manifest_entry(example_out, "faq")
    recorded = sorted((q["page"], q["url"]) for q in entry["qr_codes"])
    assert {q["link"] for q in entry["qr_codes"]} == {"case", "donate"}
    assert all(q["width_mm"] >= 20 for q in entry["qr_codes"])
    assert decode_qr_codes(example_out / "faq.pdf") == recorded


def test_faq_says_what_it_must(example_out: Path) -> None:
    text = " ".join(" ".join(page_texts(example_out / "faq.pdf")).split())
    for phrase in (
        "Accountable Care Organisation",
        "Leigh Day",
        "Health and Social Care Act 2012",
        "24 April 2018",
        "Leeds",
        "How can I help?",
        "Promoted by 999 Call for the NHS",
    ):
        assert phrase in text, phrase
    # Under each code, its short address (the kit has a [links] short_base).
    assert re.search(r"999call\.uk/[2-9a-z]{5} ", text)


def test_faq_fonts_are_the_bundled_ones_and_embedded(example_out: Path) -> None:
    fonts = embedded_font_names(example_out / "faq.pdf")
    assert {name.split("+")[-1] for name in fonts} == {
        "Atkinson-Hyperlegible",
        "Atkinson-Hyperlegible-Bold",
    }


def test_python_m_handbill_builds_the_example(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    result = subprocess.run(
        [sys.executable, "-m", "handbill", "build", "faq", "--out", str(tmp_path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built 1 PDF, 2 pages and 7 social images in ")
    assert (tmp_path / "faq.pdf").is_file() and (tmp_path / "manifest.json").is_file()


def test_every_stock_template_has_example_material() -> None:
    used = {material.template for material in load_kit(REPO).materials.values()}
    assert used == set(stock_templates())


def test_every_output_matches_its_manifest_entry(example_out: Path) -> None:
    manifest = json.loads((example_out / "manifest.json").read_text())
    kit = load_kit(REPO)
    assert {e["material"] for e in manifest["outputs"]} == set(kit.materials)
    for entry in manifest["outputs"]:
        path = example_out / entry["path"]
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), entry["path"]
        if entry["kind"] != "pdf":
            continue
        sizes = page_sizes_mm(path)
        assert len(sizes) == entry["pages"], entry["path"]
        if entry["expected_pages"] is not None:
            assert entry["pages"] == entry["expected_pages"], entry["path"]
        paper = entry["paper"]
        assert all(
            abs(w - paper["width_mm"]) <= 0.5 and abs(h - paper["height_mm"]) <= 0.5
            for w, h in sizes
        ), entry["path"]
        assert entry["proof"] is False, entry["path"]


def test_every_qr_code_decodes_to_the_manifest_url(example_out: Path) -> None:
    manifest = json.loads((example_out / "manifest.json").read_text())
    for entry in manifest["outputs"]:
        if entry["kind"] == "pdf":
            expected = sorted((q["page"], q["url"]) for q in entry["qr_codes"])
            assert decode_qr_codes(example_out / entry["path"]) == expected, entry["path"]


def test_every_imprint_is_at_least_7pt_and_ends_with_two_words(example_out: Path) -> None:
    for path in sorted(example_out.glob("*.pdf")):
        if ".home." in path.name or "Promoted by" not in " ".join(page_texts(path)):
            continue  # an n-up sheet repeats its pages; letters and releases carry no imprint
        size, lines = imprint_lines(path)
        assert size >= 7, (path.name, size)
        assert len(lines[-1].split()) >= 2, (path.name, lines)
