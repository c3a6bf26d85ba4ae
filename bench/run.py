"""The benchmark suite: baseline, cold build, no-op rebuild and one edit of the example kit.

Run from the repository (after `make build`):
    .venv/bin/python bench/run.py [--jobs N] [--repeat N] [--json FILE] [--merge-rows 1000,10000]
                                  [--fonttools-baseline] [--merge-only]

Each step runs in a fresh process on a copy of the example kit; wall time includes Python and
library start-up, CPU time is the total over the command's processes, and peak RSS is the sum
over them (workers included), sampled every 20 ms. The merge step times
`handbill build letter-to-mp --merge` on generated supporter tables (see bench/merge.py): with
10,000 rows, also with four columns the letter never prints; from 10,000 rows to the largest,
how peak memory grows; and, where the ``typst`` package is installed, Typst typesetting the
smallest table's letters (bench/typst_letter.py), five times in turn with the merge of that
table (medians, and each round's ratio).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import Run, run

REPO = Path(__file__).resolve().parent.parent
KIT_PARTS = ("handbill.toml", "materials", "templates", "assets", "data")
EDITED = "faq"  # the material changed for the one-edit step


def copy_kit(into: Path) -> Path:
    kit = into / "kit"
    kit.mkdir()
    for part in KIT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, kit / part)
        else:
            shutil.copy2(source, kit / part)
    return kit


def handbill(kit: Path, out: Path, *args: str) -> Run:
    command = [sys.executable, "-m", "handbill", "build", "--kit", str(kit), "--out", str(out)]
    return run([*command, *args])


def outputs(out: Path) -> dict[str, dict[str, Any]]:
    manifest = json.loads((out / "manifest.json").read_text())
    return {entry["path"]: entry for entry in manifest["outputs"]}


def pages_of(entries: dict[str, dict[str, Any]]) -> int:
    """Pages laid out: the PDFs of the materials, not the A4 sheets imposed from them."""
    return sum(e["pages"] for e in entries.values() if e["kind"] == "pdf" and "imposition" not in e)


def figures(step: str, measured: Run, pages: int, **extra: Any) -> dict[str, Any]:
    return {
        "step": step,
        "seconds": round(measured.seconds, 3),
        "cpu_seconds": measured.cpu_seconds,
        "pages": pages,
        "pages_per_second": round(pages / measured.seconds, 2),
        "peak_rss_mb": measured.peak_rss_mb,
        **extra,
    }


def build_suite(jobs: list[str], fonttools: bool = False) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as temp:
        kit, out = copy_kit(Path(temp)), Path(temp) / "dist"
        # The HTML handbill renders, for the baseline (not timed).
        html_dir = Path(temp) / "html"
        handbill(kit, html_dir, "--keep-html", "-q", *jobs)
        html = sorted(str(html_dir / e) for e in outputs(html_dir) if e.endswith(".html"))
        script = str(REPO / "bench" / "baseline.py")
        baseline = run([sys.executable, script, str(kit), str(Path(temp) / "plain"), *html])
        base_pages = int(baseline.stdout.strip())
        if fonttools:
            # For reference: WeasyPrint without HarfBuzz-Subset (see bench/baseline.py).
            plain = str(Path(temp) / "plain-fonttools")
            reference = run([sys.executable, script, "--fonttools", str(kit), plain, *html])

        cold = handbill(kit, out, "-q", *jobs)
        built = outputs(out)
        noop = handbill(kit, out, "-q", *jobs)
        unchanged = outputs(out)
        path = kit / "materials" / f"{EDITED}.md"
        path.write_text(path.read_text().replace("judicial review", "judicial-review case", 1))
        edit = handbill(kit, out, "-q", *jobs)
        after = outputs(out)
        checked = run(
            [sys.executable, "-m", "handbill", "check", "--kit", str(kit), "--out", str(out)]
        )
    rebuilt = sorted({after[p]["material"] for p in after if after[p] != unchanged.get(p)})
    pages = pages_of(built)
    steps = [
        figures("baseline", baseline, base_pages, documents=len(html)),
        figures("cold build", cold, pages, outputs=len(built)),
        figures(
            "no-op rebuild",
            noop,
            0,
            rebuilt=sorted(p for p in unchanged if unchanged[p] != built[p]),
        ),
        figures(
            "one edit",
            edit,
            pages_of({p: after[p] for p in after if after[p]["material"] in rebuilt}),
            rebuilt=rebuilt,
        ),
        figures("check", checked, pages, outputs=len(built)),
    ]
    ratios = {}
    if fonttools:
        steps.append(figures("fontTools baseline", reference, base_pages, documents=len(html)))
        ratios["cold_speedup_vs_fonttools_baseline"] = round(reference.seconds / cold.seconds, 2)
    return {
        "steps": steps,
        **ratios,
        "cold_speedup_vs_baseline": round(baseline.seconds / cold.seconds, 2),
        # How much work the cold build does for the baseline's documents, whatever the cores it
        # spreads it over. Contended cores inflate it too (see docs/performance.md, Figures).
        "cold_cpu_vs_baseline_cpu": round(cold.cpu_seconds / baseline.cpu_seconds, 2),
        "noop_share_of_cold": round(noop.seconds / cold.seconds, 3),
    }


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run whose cold build took the median time (a whole run, so its ratios agree)."""
    ordered = sorted(runs, key=lambda r: r["steps"][1]["seconds"])
    return ordered[len(ordered) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, help="passed to handbill build (default: all cores)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the build steps (median)")
    parser.add_argument(
        "--fonttools-baseline",
        action="store_true",
        help="also time the baseline with fontTools subsetting (as without HarfBuzz-Subset)",
    )
    parser.add_argument(
        "--merge-rows",
        default="1000,10000",
        help="supporter rows for the mail-merge step, comma-separated ('' to skip)",
    )
    parser.add_argument(
        "--merge-only", action="store_true", help="only the mail-merge step (no build steps)"
    )
    args = parser.parse_args()
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    compiled()
    results: dict[str, Any] = {}
    if not args.merge_only:
        results = build_figures(jobs, args.repeat, args.fonttools_baseline)
    if args.merge_rows:
        from merge import merge_suite

        results["merge"] = merge_suite(REPO, [int(n) for n in args.merge_rows.split(",")], jobs)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


def compiled() -> None:
    """Compile handbill's modules, as pip does when it installs a package. An editable install
    (``make test``) run with PYTHONDONTWRITEBYTECODE set never writes them, and every process
    timed would compile its 140 modules again (about 0.1 s), as no installed copy does."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("handbill")
    for folder in spec.submodule_search_locations or [] if spec is not None else []:
        compileall.compile_dir(folder, quiet=1)


def build_figures(jobs: list[str], repeat: int, fonttools: bool) -> dict[str, Any]:
    """The build steps, ``repeat`` times, printed; the median run and all of them."""
    runs = [build_suite(jobs, fonttools) for _ in range(repeat)]
    results: dict[str, Any] = {"build": median_run(runs), "runs": runs}
    for step in results["build"]["steps"]:
        print(
            f"{step['step']:>18}: {step['seconds']:7.2f} s  CPU {step['cpu_seconds']:6.2f} s  "
            f"{step['pages']:4} pages  "
            f"{step['pages_per_second']:6.1f} pages/s  peak RSS {step['peak_rss_mb']:6.1f} MB"
            + (f"  rebuilt: {', '.join(step['rebuilt']) or 'nothing'}" if "rebuilt" in step else "")
        )
    print(f"cold build vs baseline: {results['build']['cold_speedup_vs_baseline']}x faster")
    print(
        "cold build CPU time (all processes): "
        f"{results['build']['cold_cpu_vs_baseline_cpu']:.0%} of the baseline's"
    )
    print(f"no-op rebuild: {results['build']['noop_share_of_cold']:.1%} of the cold build")
    if fonttools:
        print(
            "cold build vs the baseline with fontTools subsetting (for reference): "
            f"{results['build']['cold_speedup_vs_fonttools_baseline']}x faster"
        )
    return results


if __name__ == "__main__":
    main()
