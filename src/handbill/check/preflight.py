"""Preflight: check the built PDFs for what ruins a print run, before anything is printed."""

from __future__ import annotations

import json
import multiprocessing
import os

# subprocess runs qpdf only, with a fixed argument list (see _open_strictly).
import re
import shutil
import subprocess  # nosec B404
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from handbill import __version__
from handbill.build.current import current_outputs
from handbill.build.jobs import Job
from handbill.build.places import located
from handbill.build.runner import build
from handbill.build.workers import die_with
from handbill.build.writers import read_manifest, recorded_outputs
from handbill.check.bleed import press_findings
from handbill.check.findings import Finding
from handbill.check.legibility import legibility_findings
from handbill.check.pdfx import pdfx_findings
from handbill.check.pressdesk import (
    imprint_wanted,
    press_release_findings,
    press_run_blank_findings,
)
from handbill.check.qrscan import qr_findings
from handbill.engine.fitting import render_fitted
from handbill.engine.inspect import spilled_text, text_runs
from handbill.errors import HandbillError
from handbill.kit.fonts import from_kit_font
from handbill.kit.links import url_problem
from handbill.kit.loader import Kit, rows_of
from handbill.kit.scripts import language_warnings
from handbill.render.templating import render_html

PT_PER_MM = 72 / 25.4


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    checked: int = 0
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def summary(self) -> str:
        errors, warnings = self.errors, self.warnings
        status = "clean"
        if self.findings:
            status = (
                f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
            )
        plural = "s" * (self.checked != 1)
        return f"Checked {self.checked} PDF{plural}: {status} ({self.seconds:.1f} s)"

    def to_json(self) -> str:
        return json.dumps([asdict(f) for f in self.findings], indent=2, ensure_ascii=False)


def check(
    kit: Kit,
    names: tuple[str, ...] | list[str] = (),
    out_dir: Path | None = None,
    jobs: int | None = None,
) -> CheckReport:
    """Build the named materials (all by default) if they are stale, then check every PDF."""
    started = time.perf_counter()
    report = CheckReport()
    out_dir = (out_dir or kit.root / "dist").resolve()
    materials = kit.select(names)
    report.findings += _link_findings(kit) + press_release_findings(kit, materials)
    report.findings += [
        Finding("warning", m.name, "language", warning)
        for m in materials
        for warning in language_warnings(m, kit.template_dirs, kit.root)
    ]
    if outputs_stale(kit, out_dir, {m.name for m in materials}):
        built = build(kit, names, out_dir, jobs)
        for failure in built.failures:
            failed = failure.split(":")[0].strip()
            report.findings.append(Finding("error", failed, "build", failure))
    current = current_outputs(kit)
    entries = [
        e
        for e in recorded_outputs(out_dir)
        if current(e)  # never a left-over output of a material or row no longer in the kit
        and e.get("kind") == "pdf"
        and e.get("material") in {m.name for m in materials}
        # A mail merge repeats its material, whose own output is checked; checking thousands
        # of letters one by one would take far longer than making them.
        and not e.get("merge")
    ]
    fonts = kit.font_families
    report.checked += len(entries)
    # Each PDF is checked on its own (opened, rasterised for its QR codes, laid out again for
    # legibility), so the PDFs are spread over the cores; results come back in order.
    workers = min(jobs or os.cpu_count() or 1, len(entries))
    if workers <= 1:
        found = [_check_entry(kit, entry, out_dir, fonts) for entry in entries]
    else:
        method = "fork" if threading.active_count() == 1 else "forkserver"
        with ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context(method),
            initializer=die_with,
            initargs=(os.getpid(),),
        ) as pool:
            count = len(entries)
            found = list(
                pool.map(_check_entry, [kit] * count, entries, [out_dir] * count, [fonts] * count)
            )
    for findings in found:
        report.findings += findings
    report.seconds = time.perf_counter() - started
    return report


def _check_entry(kit: Kit, entry: dict[str, Any], out_dir: Path, fonts: Any) -> list[Finding]:
    """Every check of one PDF of the manifest."""
    material = kit.materials[entry["material"]]
    label = material.name + (f" row {entry['row']}" if entry.get("row") else "")
    path = located(out_dir, entry["path"])
    report = CheckReport()
    reader = _open_strictly(path, label, report)
    if reader is None:
        return report.findings
    if entry.get("imposition"):
        # A4 sheets made from a PDF checked below: the codes must survive imposition.
        return report.findings + qr_findings(path, entry, f"{label} (A4 sheets)", material.vars)
    findings = report.findings
    findings += _font_findings(reader, label, fonts)
    findings += _imprint(kit, material, reader, label, str(entry.get("mode", "home")))
    findings += qr_findings(path, entry, label, material.vars)
    findings += _press_boxes(entry, label, reader)
    findings += pdfx_findings(entry, label, reader)
    findings += press_findings(path, entry, label)
    job = Job(material.name, entry.get("row", 0))
    row = rows_of(kit, material)[job.row - 1] if job.row else None
    rendered = render_html(kit, material, row, job.row, mode=str(entry.get("mode", "home")))
    fitted = render_fitted(kit, rendered)
    document = fitted.document
    findings += [Finding("error", label, "fit", problem) for problem in fitted.problems]
    if not fitted.problems:
        # A box that cannot fit even at its smallest size pushes the text after it over the
        # page: its line above already says what to shorten, so the overflow is not repeated.
        findings += _fit(entry, label, reader, material.shown_path)
        findings += _spills(spilled_text(document), label)
    findings += legibility_findings(text_runs(document), label, material, fitted.html)
    findings += press_run_blank_findings(entry, label, material, rendered.html)
    return findings


def outputs_stale(kit: Kit, out_dir: Path, names: set[str]) -> bool:
    """True when a named material has no output, or any kit file is newer than the outputs."""
    manifest = read_manifest(out_dir)
    outputs = manifest.get("outputs", [])
    # The manifest may have come with the folder from elsewhere: anything unexpected in it
    # means the outputs are rebuilt, which writes a manifest of handbill's own.
    if not isinstance(outputs, list) or not all(
        isinstance(e, dict)
        and isinstance(e.get("path"), str)
        and isinstance(e.get("material"), str)
        and _plain_name(e["path"])
        for e in outputs
    ):
        return True
    current = current_outputs(kit)
    entries = [e for e in recorded_outputs(out_dir) if e.get("material") in names and current(e)]
    built = {e["material"] for e in entries}
    if built != names or not all(located(out_dir, e["path"]).is_file() for e in entries):
        return True
    if manifest.get("generator") != f"handbill {__version__}":
        return True  # another handbill (other stock templates) made them
    oldest = min(located(out_dir, e["path"]).stat().st_mtime for e in entries)
    sources = [kit.root / "handbill.toml"]
    for folder in ("materials", "templates", "assets", "data"):
        if (kit.root / folder).is_dir():
            sources += [p for p in (kit.root / folder).rglob("*") if p.is_file()]
    return any(p.stat().st_mtime > oldest for p in sources)


def _plain_name(name: str) -> bool:
    """A file name directly in the output folder: no folders, nothing hidden."""
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".")


def _open_strictly(path: Path, label: str, report: CheckReport) -> PdfReader | None:
    try:
        reader = PdfReader(path, strict=True)
        _ = [page.mediabox for page in reader.pages]
    except (OSError, PdfReadError, ValueError) as exc:
        report.findings.append(
            Finding("error", label, "pdf", f"{path.name} does not parse: {exc}; build it again")
        )
        return None
    if shutil.which("qpdf"):
        # qpdf from PATH, as the user installed it; the only argument is our own output's path.
        result = subprocess.run(  # nosec B603 B607
            ["qpdf", "--check", str(path)], capture_output=True, text=True, check=False
        )
        if result.returncode not in (0, 3):  # 3: warnings only
            report.findings.append(
                Finding(
                    "error",
                    label,
                    "pdf",
                    f"qpdf --check fails for {path.name}: "
                    f"{(result.stdout + result.stderr).strip().splitlines()[-1]}",
                )
            )
    return reader


def _fit(entry: dict[str, Any], label: str, reader: PdfReader, source: str) -> list[Finding]:
    expected, pages = entry.get("expected_pages"), entry["pages"]
    if not expected or pages == expected:
        return []
    if pages < expected:
        return [
            Finding(
                "warning",
                label,
                "fit",
                f"{pages} page{'s' if pages != 1 else ''}, expected {expected}: add content, "
                f"or change 'pages:' in {source}",
            )
        ]
    pages_lines = [
        [line.strip() for line in (page.extract_text() or "").splitlines() if line.strip()]
        for page in reader.pages
    ]
    # What every page repeats (the footer, the imprint) and page numbers are not overflow.
    repeated = set.intersection(*(set(lines) for lines in pages_lines))
    lines = sum(
        1
        for page_lines in pages_lines[expected:]
        for line in page_lines
        if line not in repeated and not re.fullmatch(r"\d+ / \d+", line)
    )
    return [
        Finding(
            "error",
            label,
            "fit",
            f"{pages} pages, expected {expected} (about {lines} "
            f"line{'s' if lines != 1 else ''} over); "
            f"shorten the text, or change 'pages:' in {source} if the extra page is wanted",
            page=expected + 1,
        )
    ]


def _spills(spills: list[str], label: str) -> list[Finding]:
    """One finding per page, for the first piece of text that spills out of its box."""
    first: dict[int, tuple[str, int]] = {}
    for spill in spills:
        page, what = spill.split(": ", 1)
        number = int(page.removeprefix("page "))
        text, count = first.get(number, (what, 0))
        first[number] = (text, count + 1)
    return [
        Finding(
            "error",
            label,
            "fit",
            f"{what}"
            + (f" (and {count - 1} more)" if count > 1 else "")
            + "; shorten the text or make the box larger",
            page=number,
        )
        for number, (what, count) in sorted(first.items())
    ]


def _font_findings(reader: PdfReader, label: str, allowed: set[str]) -> list[Finding]:
    findings = []
    seen: set[str] = set()
    for number, page in enumerate(reader.pages, start=1):
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font", {}) if resources else {}
        for ref in fonts.values():
            font = ref.get_object()
            name = str(font.get("/BaseFont", "?")).lstrip("/").split("+")[-1]
            if name in seen:
                continue
            seen.add(name)
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                findings.append(
                    Finding(
                        "error",
                        label,
                        "fonts",
                        f"font {name} is not embedded; print shops need every font embedded",
                        page=number,
                    )
                )
            elif not from_kit_font(name, allowed):
                findings.append(
                    Finding(
                        "error",
                        label,
                        "fonts",
                        f"text is set in {name}, a font from this computer, not from "
                        "the kit: either a character is missing from the kit's fonts (add a "
                        "font that has it under [[fonts]]), or text in an SVG picture names "
                        "no font of the kit (give its <text> a font-family the kit has)",
                        page=number,
                    )
                )
    return findings


def imprint_printed(line: str, text: str) -> bool:
    """Whether the imprint ``line`` is in the page ``text``, wherever its lines broke.

    Compared without spaces: a break may fall after a hyphen of the imprint's own ("banner-"
    "making"), or the layout may add one ("campaign-" "ers").
    """
    # Word joiners (kept in "c/o") are not drawn, so text read from a PDF has none.
    wanted = "".join(line.replace("\u2060", "").split())
    variants = (text, re.sub(r"-\s+", "", text))
    return any(wanted in "".join(v.replace("\u2060", "").split()) for v in variants)


def _imprint(kit: Kit, material: Any, reader: PdfReader, label: str, mode: str) -> list[Finding]:
    if not material.published or not imprint_wanted(kit, material):
        return []
    imprint = kit.config.imprint.for_mode(mode)
    if imprint.complete:
        text = " ".join(page.extract_text() or "" for page in reader.pages)
        if not imprint_printed(imprint.line, text):
            return [
                Finding(
                    "error",
                    label,
                    "imprint",
                    "the imprint line is not printed on the material; its template must show "
                    "{{ imprint.line }} (the stock page footer does)",
                )
            ]
    else:
        return [
            Finding(
                "error",
                label,
                "imprint",
                f"the imprint is incomplete (missing "
                f"{', '.join(imprint.missing)}); complete [imprint] in handbill.toml",
            )
        ]
    return []


def _press_boxes(entry: dict[str, Any], label: str, reader: PdfReader) -> list[Finding]:
    if entry.get("mode") != "press":
        return []
    findings = []
    bleed = float(entry.get("bleed_mm", 3))
    for number, page in enumerate(reader.pages, start=1):
        if "/TrimBox" not in page or "/BleedBox" not in page:
            findings.append(
                Finding(
                    "error",
                    label,
                    "pdf",
                    "a press PDF needs a TrimBox and a BleedBox; build it again with --mode press",
                    page=number,
                )
            )
            continue
        trim, bleed_box = page.trimbox, page.bleedbox
        margin = (float(trim.left) - float(bleed_box.left)) / PT_PER_MM
        if abs(margin - bleed) > 0.5:
            findings.append(
                Finding(
                    "error",
                    label,
                    "pdf",
                    f"the bleed is {margin:.1f} mm, the kit asks for "
                    f"{bleed:g} mm; build it again with --mode press",
                    page=number,
                )
            )
    return findings


def _link_findings(kit: Kit) -> list[Finding]:
    findings = []
    for link in kit.config.links.values():
        problem = url_problem(link.url)
        if problem:
            findings.append(
                Finding("error", "handbill.toml", "links", f"link '{link.name}': {problem}")
            )
    return findings


class CheckFailed(HandbillError):
    """The check found errors; the findings have already been printed."""
