"""Benchmark: build the example kit from an empty output folder; print wall time, pages/s, peak RSS.

Run with:  .venv/bin/python bench/build_example.py [--jobs N] [--repeat N] [--json FILE]
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


def run_once(jobs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "handbill",
                "build",
                "--kit",
                str(REPO),
                "--out",
                out,
                "--jobs",
                str(jobs),
                "--quiet",
            ],
            check=True,
        )
        seconds = time.perf_counter() - started
        manifest = json.loads((Path(out) / "manifest.json").read_text())
    pages = sum(entry["pages"] for entry in manifest["outputs"])
    return {"seconds": seconds, "pages": pages, "outputs": len(manifest["outputs"])}


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
    }
    for key, value in figures.items():
        print(f"{key:>18}: {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
