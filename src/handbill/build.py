"""The build: select materials, render each (HTML, layout, PDF), write them, keep a manifest."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handbill.errors import HandbillError
from handbill.kit import Kit
from handbill.pdf import qr_placements, render, write_pdf
from handbill.readers import Material
from handbill.templating import render_html
from handbill.writers import ensure_writable, write_atomic, write_manifest

Progress = Callable[[str], None]


@dataclass
class Output:
    """One written PDF: its manifest entry and anything the user should know about it."""

    entry: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


@dataclass
class BuildReport:
    """What a build did, for the summary line and the exit status."""

    out_dir: Path
    outputs: list[Output]
    failures: list[str]
    seconds: float

    @property
    def pages(self) -> int:
        return sum(int(output.entry["pages"]) for output in self.outputs)

    @property
    def summary(self) -> str:
        count = len(self.outputs)
        text = f"Built {count} PDF{'' if count == 1 else 's'}, {self.pages} page"
        text += f"{'' if self.pages == 1 else 's'} in {self.seconds:.1f} s"
        if self.failures:
            text += f"; {len(self.failures)} failed"
        return text


def build_material(kit: Kit, material: Material, out_dir: Path) -> Output:
    """Render one material through every stage and write its PDF."""
    rendered = render_html(kit, material)
    document, warnings = render(kit, rendered)
    pages = len(document.pages)
    if material.pages is not None and pages != material.pages:
        warnings.append(
            f"{pages} page{'s' if pages != 1 else ''}, expected {material.pages}: "
            + ("shorten the text" if pages > material.pages else "add content")
            + f" or change 'pages:' in {material.path.name}"
        )
    placed = qr_placements(document)
    urls = {code.link: code.url for code in rendered.qr_codes}
    data = write_pdf(document, f"{material.title} - {kit.config.name}", material.language)
    target = out_dir / material.output_name
    digest = write_atomic(target, data)
    entry = {
        "material": material.name,
        "title": material.title,
        "template": material.template,
        "language": material.language,
        "paper": {
            "name": material.paper.label,
            "width_mm": material.paper.width_mm,
            "height_mm": material.paper.height_mm,
        },
        "pages": pages,
        "expected_pages": material.pages,
        "duplex": material.duplex,
        "path": target.relative_to(out_dir).as_posix(),
        "bytes": len(data),
        "sha256": digest,
        "qr_codes": [
            {
                "link": spot.link,
                "url": urls[spot.link],
                "label": kit.config.links[spot.link].label,
                "page": spot.page,
                "width_mm": spot.width_mm,
                "x_mm": spot.x_mm,
                "y_mm": spot.y_mm,
            }
            for spot in placed
        ],
    }
    return Output(entry=entry, warnings=[f"{material.name}: {w}" for w in dict.fromkeys(warnings)])


_WORKER_KIT: Kit | None = None


def _init_worker(kit: Kit) -> None:
    global _WORKER_KIT
    _WORKER_KIT = kit


def _build_in_worker(name: str, out_dir: Path) -> Output | str:
    assert _WORKER_KIT is not None
    return _build_or_message(_WORKER_KIT, _WORKER_KIT.materials[name], out_dir)


def _build_or_message(kit: Kit, material: Material, out_dir: Path) -> Output | str:
    # Errors travel back from worker processes as their one-line message.
    try:
        return build_material(kit, material, out_dir)
    except HandbillError as exc:
        return exc.format_message()


def build(
    kit: Kit,
    names: tuple[str, ...] | list[str] = (),
    out_dir: Path | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the named materials (all when none are named) into ``out_dir`` (default KIT/dist)."""
    started = time.perf_counter()
    materials = kit.select(names)
    out_dir = (out_dir or kit.root / "dist").resolve()
    ensure_writable(out_dir)
    jobs = min(jobs or os.cpu_count() or 1, len(materials)) or 1
    results: list[Output | str] = []
    if jobs == 1:
        for material in materials:
            results.append(_build_or_message(kit, material, out_dir))
            if progress:
                progress(material.name)
    else:
        with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(kit,)) as pool:
            futures = {pool.submit(_build_in_worker, m.name, out_dir): m.name for m in materials}
            for future in as_completed(futures):
                results.append(future.result())
                if progress:
                    progress(futures[future])
    outputs = sorted((r for r in results if isinstance(r, Output)), key=lambda o: o.entry["path"])
    failures = [r for r in results if isinstance(r, str)]
    if outputs:
        write_manifest(out_dir, kit.config.name, [output.entry for output in outputs])
    return BuildReport(out_dir, outputs, failures, time.perf_counter() - started)
