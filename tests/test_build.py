"""The build pipeline on the fixture kit: sizes, pages, manifest, QR codes, failures isolated."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from conftest import write
from handbill.build import build
from handbill.kit import load_kit
from pdftools import decode_qr_codes, page_sizes_mm


@pytest.fixture
def built(kit_dir: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    report = build(load_kit(kit_dir), out_dir=out, jobs=1)
    assert report.failures == []
    assert report.summary.startswith("Built 2 PDFs, 2 pages in ")
    return out


def test_page_sizes_and_counts(built: Path) -> None:
    assert page_sizes_mm(built / "sheet.pdf") == [(210.0, 297.0)]
    assert page_sizes_mm(built / "card.pdf") == [(148.0, 105.0)]


def test_manifest_records_each_output(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text())
    entries = {entry["material"]: entry for entry in manifest["outputs"]}
    assert set(entries) == {"sheet", "card"}
    card = entries["card"]
    assert card["path"] == "card.pdf"
    assert card["template"] == "card"
    assert card["paper"] == {"name": "A6 landscape", "width_mm": 148, "height_mm": 105}
    assert card["pages"] == 1
    assert card["sha256"] == hashlib.sha256((built / "card.pdf").read_bytes()).hexdigest()
    assert [(q["link"], q["url"], q["page"], q["width_mm"]) for q in card["qr_codes"]] == [
        ("petition", "https://example.org/petition", 1, 22.0)
    ]
    assert [(q["link"], q["url"], q["label"]) for q in entries["sheet"]["qr_codes"]] == [
        ("case", "https://example.org/case", "example.org/case"),
        ("donate", "https://example.org/donate?from=print", "example.org/give"),
    ]


def test_qr_codes_decode_to_the_manifest_urls(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text())
    for entry in manifest["outputs"]:
        expected = sorted((q["page"], q["url"]) for q in entry["qr_codes"])
        assert decode_qr_codes(built / entry["path"]) == expected


def test_page_count_mismatch_is_a_warning(kit_dir: Path, tmp_path: Path) -> None:
    text = (kit_dir / "materials" / "sheet.md").read_text().replace("pages: 1", "pages: 2")
    write(kit_dir / "materials" / "sheet.md", text)
    report = build(load_kit(kit_dir), ["sheet"], out_dir=tmp_path, jobs=1)
    assert report.outputs[0].warnings == [
        "sheet: 1 page, expected 2: add content or change 'pages:' in sheet.md"
    ]


def test_a_failing_material_does_not_stop_the_others(kit_dir: Path, tmp_path: Path) -> None:
    write(kit_dir / "templates" / "card.html", "{{ vars.nothing }}")
    report = build(load_kit(kit_dir), out_dir=tmp_path, jobs=2)
    assert [e["material"] for e in report.entries] == ["sheet"]
    assert (
        len(report.failures) == 1 and "card: 'dict object' has no attribute" in report.failures[0]
    )
    assert report.summary.endswith("; 1 failed")
    assert (tmp_path / "sheet.pdf").is_file() and not (tmp_path / "card.pdf").exists()


def test_failed_rebuild_keeps_the_good_pdf(built: Path, kit_dir: Path) -> None:
    before = (built / "card.pdf").read_bytes()
    write(kit_dir / "templates" / "card.html", "<img src='http://127.0.0.1/x.png'>")
    report = build(load_kit(kit_dir), ["card"], out_dir=built, jobs=1)
    assert report.failures and (built / "card.pdf").read_bytes() == before
    assert not [p for p in built.iterdir() if p.name.startswith(".handbill-tmp")]


def test_parallel_build_matches_serial(kit_dir: Path, tmp_path: Path) -> None:
    serial = build(load_kit(kit_dir), out_dir=tmp_path / "serial", jobs=1)
    parallel = build(load_kit(kit_dir), out_dir=tmp_path / "parallel", jobs=2)

    def summary(report):  # type: ignore[no-untyped-def]
        return sorted((e["path"], e["pages"], str(e["qr_codes"])) for e in report.entries)

    assert summary(serial) == summary(parallel)


def test_output_folder_that_cannot_be_created(kit_dir: Path, tmp_path: Path) -> None:
    blocker = write(tmp_path / "file", "x")
    from handbill.errors import HandbillError

    with pytest.raises(HandbillError, match="cannot create the output folder"):
        build(load_kit(kit_dir), out_dir=blocker / "out", jobs=1)
