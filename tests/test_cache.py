"""The build cache: unchanged outputs are reused; each kind of change rebuilds exactly its own."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

import handbill.build.cache
import handbill.build.runner
from conftest import REPO, write
from handbill.build.cache import state_file
from handbill.build.jobs import Options
from handbill.build.runner import BuildReport, build
from handbill.kit.boundary import stock_dir
from handbill.kit.loader import load_kit

FONT = stock_dir() / "assets" / "fonts" / "atkinson-hyperlegible"


def rebuilt(report: BuildReport) -> set[str]:
    """The materials whose outputs this build laid out again (not taken from the cache)."""
    assert not report.failures, report.failures
    return {output.entries[0]["material"] for output in report.outputs if not output.cached}


def run(kit_dir: Path, out: Path, **kwargs: object) -> BuildReport:
    return build(load_kit(kit_dir), out_dir=out, jobs=1, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def built(kit_dir: Path, tmp_path: Path) -> Path:
    """The fixture kit with a CSS file and a font only the card uses, built once."""
    write(kit_dir / "assets" / "css" / "card.css", "h1 { font-family: CardFont; color: navy; }")
    shutil.copy(FONT / "AtkinsonHyperlegible-Regular.ttf", kit_dir / "assets" / "card-font.ttf")
    template = kit_dir / "templates" / "card.html"
    template.write_text(
        template.read_text().replace(
            "{% block body %}",
            '{% block stylesheets %}<link rel="stylesheet" href="{{ asset(\'css/card.css\') }}">'
            "<style>@font-face { font-family: CardFont; "
            "src: url(\"{{ asset('card-font.ttf') }}\"); }</style>{% endblock %}\n"
            "{% block body %}",
        )
    )
    out = tmp_path / "out"
    assert rebuilt(run(kit_dir, out)) == {"sheet", "card"}
    return out


def test_nothing_changed_rebuilds_nothing(kit_dir: Path, built: Path) -> None:
    before = (built / "sheet.pdf").stat().st_mtime_ns
    report = run(kit_dir, built)
    assert rebuilt(report) == set()
    assert (built / "sheet.pdf").stat().st_mtime_ns == before
    assert "2 of 2 up to date, not rebuilt" in report.summary
    # The manifest still lists both, with their QR codes, from the cache.
    manifest = json.loads((built / "manifest.json").read_text())
    assert {e["path"] for e in manifest["outputs"]} == {"sheet.pdf", "card.pdf", "card.home.pdf"}
    card = next(e for e in manifest["outputs"] if e["path"] == "card.pdf")
    assert [q["link"] for q in card["qr_codes"]] == ["petition"]


def test_content_change_rebuilds_that_material(kit_dir: Path, built: Path) -> None:
    sheet = kit_dir / "materials" / "sheet.md"
    sheet.write_text(sheet.read_text() + "\nOne more sentence.\n")
    assert rebuilt(run(kit_dir, built)) == {"sheet"}


def test_template_change_rebuilds_its_materials(kit_dir: Path, built: Path) -> None:
    template = kit_dir / "templates" / "card.html"
    template.write_text(template.read_text().replace("<h1>", '<h1 class="big">'))
    assert rebuilt(run(kit_dir, built)) == {"card"}


def test_css_change_rebuilds_the_materials_that_load_it(kit_dir: Path, built: Path) -> None:
    css = kit_dir / "assets" / "css" / "card.css"
    css.write_text(css.read_text().replace("navy", "teal"))
    assert rebuilt(run(kit_dir, built)) == {"card"}


def test_font_change_rebuilds_the_materials_that_load_it(kit_dir: Path, built: Path) -> None:
    shutil.copy(FONT / "AtkinsonHyperlegible-Bold.ttf", kit_dir / "assets" / "card-font.ttf")
    report = run(kit_dir, built)
    assert rebuilt(report) == {"card"}


def test_link_change_rebuilds_the_materials_with_that_code(kit_dir: Path, built: Path) -> None:
    toml = kit_dir / "handbill.toml"
    toml.write_text(toml.read_text().replace("example.org/petition", "example.org/sign"))
    assert rebuilt(run(kit_dir, built)) == {"card"}  # the sheet's codes are case and donate
    card = json.loads((built / "manifest.json").read_text())["outputs"][0]
    assert card["qr_codes"][0]["url"] == "https://example.org/sign"


def test_mode_change_builds_that_mode_and_keeps_the_other(kit_dir: Path, built: Path) -> None:
    assert rebuilt(run(kit_dir, built, options=Options(mode="press"))) == {"sheet", "card"}
    assert (built / "sheet.press.pdf").is_file()
    assert rebuilt(run(kit_dir, built, options=Options(mode="press", marks=False))) == {
        "sheet",
        "card",
    }
    assert rebuilt(run(kit_dir, built)) == set()  # home outputs are still up to date
    assert rebuilt(run(kit_dir, built, options=Options(greyscale=True))) == {"sheet", "card"}


def test_an_edited_or_deleted_output_is_rebuilt(kit_dir: Path, built: Path) -> None:
    (built / "card.pdf").unlink()
    data = (built / "sheet.pdf").read_bytes()
    (built / "sheet.pdf").write_bytes(data.replace(b"%%EOF", b"%%EOF\n% edited"))
    assert rebuilt(run(kit_dir, built)) == {"sheet", "card"}
    assert (built / "sheet.pdf").read_bytes() == data


def test_no_cache_and_a_new_version_rebuild_everything(
    kit_dir: Path, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert rebuilt(run(kit_dir, built, use_cache=False)) == {"sheet", "card"}
    monkeypatch.setattr(handbill.build.cache, "__version__", "99.0")
    assert rebuilt(run(kit_dir, built)) == {"sheet", "card"}
    assert rebuilt(run(kit_dir, built)) == set()
    # So does a new version of a library that draws the PDFs.
    assert "weasyprint-" in handbill.build.cache.library_versions()[0]
    monkeypatch.setattr(handbill.build.cache, "library_versions", lambda: ("weasyprint-99.0",))
    assert rebuilt(run(kit_dir, built)) == {"sheet", "card"}


def test_a_damaged_cache_file_means_a_full_build(kit_dir: Path, built: Path) -> None:
    cache = state_file(kit_dir, built, "cache")
    cache.write_text("{not json")
    assert rebuilt(run(kit_dir, built)) == {"sheet", "card"}
    assert json.loads(cache.read_text())["outputs"]


def test_a_failed_output_is_tried_again_not_reported_up_to_date(kit_dir: Path, built: Path) -> None:
    card = kit_dir / "materials" / "card.md"
    card.write_text(card.read_text() + "\n![map](http://example.org/map.png)\n")
    for _ in range(2):
        report = build(load_kit(kit_dir), out_dir=built, jobs=1)
        assert len(report.failures) == 1 and "refused to fetch" in report.failures[0]
        assert rebuilt(BuildReport(built, report.outputs, [], 0.0)) == set()  # sheet reused


def test_keep_html_writes_renderable_html_without_a_new_layout(kit_dir: Path, built: Path) -> None:
    import weasyprint

    report = run(kit_dir, built, options=Options(keep_html=True))
    assert rebuilt(report) == set()
    html = built / "sheet.html"
    assert "<h1" in html.read_text()
    plain = weasyprint.HTML(filename=str(html), base_url=kit_dir.as_uri() + "/").render()
    assert len(plain.pages) == 1
    kinds = {
        e["path"]: e["kind"] for e in json.loads((built / "manifest.json").read_text())["outputs"]
    }
    assert kinds["sheet.html"] == kinds["card.html"] == "html"


def sha256s(out: Path) -> dict[str, str]:
    manifest = json.loads((out / "manifest.json").read_text())
    return {
        e["path"]: hashlib.sha256((out / e["path"]).read_bytes()).hexdigest()
        for e in manifest["outputs"]
    }


def test_fast_path_outputs_equal_a_plain_serial_uncached_build(
    example_out: Path, tmp_path: Path
) -> None:
    """The parallel, cached build writes the same bytes as one process rendering each output."""
    fast = sha256s(example_out)
    kit = load_kit(REPO)
    assert rebuilt(build(kit, out_dir=example_out, jobs=2)) == set()  # all from the cache
    assert sha256s(example_out) == fast
    plain = tmp_path / "plain"
    build(kit, out_dir=plain, jobs=1, use_cache=False)
    assert sha256s(plain) == fast
    assert len(fast) > 20


def test_unchanged_rebuild_is_answered_without_reading_the_kit(
    kit_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    import handbill.kit.loader
    from handbill.cli import cli

    runner = CliRunner()
    args = ["build", "--kit", str(kit_dir), "-j", "1"]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output

    def no_reading(root: object) -> None:
        raise AssertionError("the kit was read")

    monkeypatch.setattr(handbill.kit.loader, "load_kit", no_reading)
    again = runner.invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert "2 of 2 up to date, not rebuilt" in again.output
    monkeypatch.undo()
    # Any change to a kit file, an option or an output goes through the full build.
    sheet = kit_dir / "materials" / "sheet.md"
    sheet.write_text(sheet.read_text() + "\nMore.\n")
    monkeypatch.setattr(handbill.kit.loader, "load_kit", no_reading)
    changed = runner.invoke(cli, args)
    assert changed.exit_code == 1 and "the kit was read" in str(changed.exception)
    assert runner.invoke(cli, [*args, "--greyscale"]).exit_code == 1
    monkeypatch.undo()
    assert runner.invoke(cli, args).exit_code == 0
    (kit_dir / "dist" / "card.pdf").unlink()
    monkeypatch.setattr(handbill.kit.loader, "load_kit", no_reading)
    assert runner.invoke(cli, args).exit_code == 1


def test_an_edit_to_one_material_makes_only_its_html(
    kit_dir: Path, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only material files changed: the other materials' outputs are taken without their HTML
    being made. A translation follows its original; a template change compares every job."""
    write(kit_dir / "materials" / "sheet.cy.md", "---\ntitle: Taflen\n---\nDiolch.\n")
    assert rebuilt(run(kit_dir, built)) == {"sheet.cy"}
    prepared: list[str] = []
    real = handbill.build.runner.prepare
    monkeypatch.setattr(
        handbill.build.runner,
        "prepare",
        lambda kit, job, *a: prepared.append(job.material) or real(kit, job, *a),
    )
    sheet = kit_dir / "materials" / "sheet.md"
    sheet.write_text(sheet.read_text() + "\nOne more sentence.\n")
    assert rebuilt(run(kit_dir, built)) == {"sheet"}  # the Welsh text is its own
    assert sorted(prepared) == ["sheet", "sheet.cy"]
    prepared.clear()
    card = kit_dir / "materials" / "card.md"
    card.write_text(card.read_text() + "\nAnd another.\n")
    (kit_dir / "materials" / "sheet.cy.md").unlink()
    report = run(kit_dir, built)
    assert rebuilt(report) == {"card"} and sorted(prepared) == ["card"]
    assert len(report.outputs) == 2
    prepared.clear()
    template = kit_dir / "templates" / "card.html"
    template.write_text(template.read_text().replace("<h1>", '<h1 class="big">'))
    assert rebuilt(run(kit_dir, built)) == {"card"}
    assert sorted(prepared) == ["card", "sheet"]


def test_unchanged_rebuild_imports_no_build_stage(kit_dir: Path) -> None:
    import subprocess
    import sys

    from click.testing import CliRunner

    from handbill.cli import cli

    assert CliRunner().invoke(cli, ["build", "--kit", str(kit_dir), "-j", "1"]).exit_code == 0
    # A fresh process, as a volunteer's second `handbill build` is: the answer comes from the
    # snapshot alone, so templates, Markdown, QR codes and WeasyPrint are never imported.
    script = (
        "import sys; from handbill.cli import cli\n"
        f"cli.main(['build', '--kit', {str(kit_dir)!r}], standalone_mode=False)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('weasyprint', 'jinja2', 'markdown_it', 'qrcode') or m in "
        "('handbill.build.runner', 'handbill.build.jobs', 'handbill.kit.loader')))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert "2 of 2 up to date, not rebuilt" in result.stdout, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
