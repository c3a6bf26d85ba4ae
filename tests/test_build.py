"""The build pipeline on the fixture kit: sizes, pages, manifest, QR codes, failures isolated."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from conftest import write
from handbill.build.runner import build
from handbill.errors import KitError
from handbill.kit.loader import load_kit
from pdftools import decode_qr_codes, page_sizes_mm, page_texts


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
        "sheet: 1 page, expected 2: add content, or change 'pages:' in materials/sheet.md"
    ]


def test_a_failing_material_does_not_stop_the_others(kit_dir: Path, tmp_path: Path) -> None:
    write(kit_dir / "templates" / "card.html", "{{ vars.nothing }}")
    report = build(load_kit(kit_dir), out_dir=tmp_path, jobs=2)
    assert [e["material"] for e in report.entries] == ["sheet"]
    assert (
        len(report.failures) == 1
        and "card.html:1: 'nothing' is not defined for this material" in report.failures[0]
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


def test_one_output_per_data_row(kit_dir: Path, tmp_path: Path) -> None:
    write(
        kit_dir / "data" / "events.csv",
        "date,title,booking_link\n2030-01-02,New Year rally,https://example.org/book/1\n"
        "2030-02-03,Public meeting,\n",
    )
    write(
        kit_dir / "templates" / "card.html",
        '{% extends "_base.html" %}{% block body %}<h1>{{ row.title }}</h1>'
        "<p>{{ row.date|longdate }}</p>"
        '{{ qr(row.booking_link, 22, "booking") if row.booking_link else qr("case", 22) }}'
        "{% endblock %}",
    )
    write(
        kit_dir / "materials" / "card.md",
        "---\ntemplate: card\ntitle: Event\npaper: A6\nper: events\noutput: ev-{date}\n---\n",
    )
    report = build(load_kit(kit_dir), ["card"], out_dir=tmp_path, jobs=1)
    assert report.failures == []
    assert [(e["path"], e["row"]) for e in report.entries if not e.get("imposition")] == [
        ("ev-2030-01-02.pdf", 1),
        ("ev-2030-02-03.pdf", 2),
    ]
    assert decode_qr_codes(tmp_path / "ev-2030-01-02.pdf") == [(1, "https://example.org/book/1")]
    assert decode_qr_codes(tmp_path / "ev-2030-02-03.pdf") == [(1, "https://example.org/case")]
    assert report.entries[0]["qr_codes"][0]["link"] == "booking"
    assert "Wednesday 2\u00a0January 2030" in page_texts(tmp_path / "ev-2030-01-02.pdf")[0]


def test_rows_that_would_share_a_file_name_get_their_own(kit_dir: Path, tmp_path: Path) -> None:
    write(
        kit_dir / "data" / "events.csv",
        "date,title\n2030-01-02,A\n2030-01-02,B\nCON,C\nMałgorzata Wiśniewska,D\nکراچی,E\n",
    )
    write(
        kit_dir / "materials" / "card.md",
        "---\ntemplate: card\ntitle: Event\nper: events\noutput: ev-{date}\n"
        "vars:\n  slogan: S\n---\n",
    )
    write(
        kit_dir / "materials" / "solo.md",
        "---\ntemplate: card\ntitle: Solo\nper: events\noutput: '{date}'\n"
        "vars:\n  slogan: S\n---\n",
    )
    report = build(load_kit(kit_dir), ["card", "solo"], out_dir=tmp_path, jobs=1)
    assert not report.failures
    assert sorted(e["path"] for e in report.pdfs if not e.get("imposition")) == [
        "2030-01-02-2.pdf",
        "2030-01-02.pdf",
        "con-x.pdf",  # CON is a device name on Windows
        "ev-2030-01-02-2.pdf",  # a second row with the same date: never overwritten
        "ev-2030-01-02.pdf",
        "ev-con.pdf",
        "ev-małgorzata-wiśniewska.pdf",  # every letter kept
        "ev-کراچی.pdf",  # in its own script
        "małgorzata-wiśniewska.pdf",
        "کراچی.pdf",
    ]


def test_two_materials_writing_one_file_is_an_error(kit_dir: Path, tmp_path: Path) -> None:
    write(kit_dir / "materials" / "copy.md", "---\ntemplate: card\ntitle: C\noutput: Card\n---\n")
    with pytest.raises(
        KitError,
        match=r"materials/card.md and materials/copy.md would both write Card.pdf; give one of "
        r"them its own 'output:' name",
    ):
        build(load_kit(kit_dir), ["copy"], out_dir=tmp_path, jobs=1)


def test_exports_and_fields(kit_dir: Path, tmp_path: Path) -> None:
    write(
        kit_dir / "materials" / "sheet.md",
        "---\ntemplate: faq\ntitle: Talk\npublished: false\nexports: [docx, txt]\n"
        "fields:\n  speaker: your name\n  town: your town\n---\nI am [[speaker]] from [[town]].\n",
    )
    report = build(
        load_kit(kit_dir), ["sheet"], out_dir=tmp_path, jobs=1, overrides={"town": "Leeds"}
    )
    assert [(e["kind"], e["path"]) for e in report.entries] == [
        ("pdf", "sheet.pdf"),
        ("form", "sheet.form.pdf"),  # [[speaker]] is left blank: a field to fill in
        ("docx", "sheet.docx"),
        ("txt", "sheet.txt"),
    ]
    assert report.entries[0]["fields"] == {"town": "Leeds"}
    assert (tmp_path / "sheet.txt").read_text() == ("Talk\n\nI am [your name] from Leeds.\n")
    for entry in report.entries:
        assert (
            entry["sha256"] == hashlib.sha256((tmp_path / entry["path"]).read_bytes()).hexdigest()
        )
    assert report.summary.startswith("Built 1 PDF, 1 page and 2 editable copies in ")


def test_incomplete_imprint_marks_published_material_as_proof(
    kit_dir: Path, tmp_path: Path
) -> None:
    text = (kit_dir / "handbill.toml").read_text().replace('printer = "Test Printers"', "")
    write(kit_dir / "handbill.toml", text)
    write(
        kit_dir / "materials" / "card.md",
        "---\ntemplate: card\ntitle: Speech\npublished: false\nvars: {slogan: x}\n---\n",
    )
    report = build(load_kit(kit_dir), out_dir=tmp_path, jobs=1)
    assert report.warnings == [
        "the imprint is incomplete (missing printer in [imprint] of handbill.toml), so published "
        "materials are marked PROOF - NOT FOR PRINT"
    ]
    proof = {e["material"]: e["proof"] for e in report.entries}
    assert proof == {"sheet": True, "card": False}
    sheet_text = page_texts(tmp_path / "sheet.pdf")[0]
    assert "PROOF - NOT FOR PRINT" in sheet_text and "add printer to handbill.toml" in sheet_text
    assert "PROOF" not in page_texts(tmp_path / "card.pdf")[0]


def test_text_off_the_page_is_a_build_warning(kit_dir: Path, tmp_path: Path) -> None:
    write(
        kit_dir / "templates" / "card.html",
        '{% extends "_base.html" %}{% block body %}<p style="white-space: nowrap; '
        'font-size: 30pt">RiversideTenantsTogetherForRepairs</p>{% endblock %}',
    )
    report = build(load_kit(kit_dir), ["card"], out_dir=tmp_path, jobs=1)
    assert report.outputs[0].warnings == [
        "card: page 1: 'RiversideTenantsTogetherForRepairs' runs off the page; shorten it or "
        "make its box larger"
    ]


def test_an_editable_copy_carries_the_kits_name_and_date(
    kit_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    import docx

    sheet = write(
        kit_dir / "materials" / "sheet.md",
        "---\ntemplate: faq\ntitle: Talk\npublished: false\nexports: [docx]\n---\nHello.\n",
    )
    toml = kit_dir / "handbill.toml"
    os.utime(sheet, (1_780_000_000, 1_780_000_000))  # 2026-05-28 20:26:40 UTC
    os.utime(toml, (1_700_000_000, 1_700_000_000))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    report = build(load_kit(kit_dir), ["sheet"], out_dir=tmp_path / "a", jobs=1)
    assert not report.failures, report.failures
    properties = docx.Document(str(tmp_path / "a" / "sheet.docx")).core_properties
    name = load_kit(kit_dir).config.name
    assert (properties.title, properties.author, properties.last_modified_by) == (
        "Talk",
        name,
        name,
    )
    assert str(properties.created) == str(properties.modified) == "2026-05-28 20:26:40+00:00"
    # SOURCE_DATE_EPOCH, when set, is the date instead (reproducible builds).
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704067200")
    build(load_kit(kit_dir), ["sheet"], out_dir=tmp_path / "b", jobs=1)
    properties = docx.Document(str(tmp_path / "b" / "sheet.docx")).core_properties
    assert str(properties.created) == "2024-01-01 00:00:00+00:00"
