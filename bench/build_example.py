"""Benchmark: build the example kit from an empty output folder, then check it.

Prints wall time, pages/s and peak RSS of the build, and the time `handbill check` takes on the
built outputs. Run with:
    .venv/bin/python bench/build_example.py [--jobs N] [--repeat N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def handbill(*args: str) -> float:
    """Run a handbill command in a fresh process; return its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "handbill", *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def run_once(jobs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as out:
        seconds = handbill("build", "--kit", str(REPO), "--out", out, "--jobs", str(jobs), "-q")
        manifest = json.loads((Path(out) / "manifest.json").read_text())
        check_seconds = handbill("check", "--kit", str(REPO), "--out", out)
    pdfs = [entry for entry in manifest["outputs"] if entry["kind"] == "pdf"]
    pages = sum(entry["pages"] for entry in pdfs)
    return {"seconds": seconds, "pages": pages, "outputs": len(pdfs), "check": check_seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    runs = [run_once(args.jobs) for _ in range(args.repeat)]
    # ru_maxrss of children: the largest resident set of any one build process tree member, in KiB.
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    seconds = statistics.median(run["seconds"] for run in runs)
    figures = {
        "benchmark": "cold build of the example kit (including interpreter start-up)",
        "jobs": args.jobs,
        "outputs": runs[0]["outputs"],
        "pages": runs[0]["pages"],
        "median_seconds": round(seconds, 3),
        "pages_per_second": round(runs[0]["pages"] / seconds, 2),
        "peak_rss_mb": round(peak_kib / 1024, 1),
        "check_median_seconds": round(statistics.median(run["check"] for run in runs), 3),
    }
    for key, value in figures.items():
        print(f"{key:>18}: {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
