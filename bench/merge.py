"""Mail-merge benchmark: letter-to-mp merged over generated supporter tables of N rows.

Used by bench/run.py (``--merge-rows 1000,10000``); prints wall time, letters/s and the peak
RSS summed over all processes, and the time per letter relative to the smallest table.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from measure import run

# Columns a real supporters' list carries and the letter never prints.
UNUSED = ("email", "phone", "joined", "consent")


def supporters(repo: Path, rows: int, target: Path, unused: bool = False) -> None:
    """``rows`` rows made from the example supporters, each with its own name and house number
    (and, if ``unused``, its own email, phone, date joined and consent)."""
    with (repo / "data" / "supporters.csv").open(encoding="utf-8") as handle:
        examples = list(csv.DictReader(handle))
    with target.open("w", encoding="utf-8", newline="") as handle:
        fields = list(examples[0]) + (list(UNUSED) if unused else [])
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for number in range(rows):
            row = dict(examples[number % len(examples)])
            row["name"] = f"{row['name']} {number + 1}"
            row["address"] = f"{number + 1} {row['address'].split(' ', 1)[1]}"
            if unused:
                row["email"] = f"supporter{number + 1}@example.org"
                row["phone"] = f"07700 9{number % 100000:05d}"
                row["joined"] = f"20{18 + number % 8}-{1 + number % 12:02d}-{1 + number % 28:02d}"
                row["consent"] = "yes" if number % 3 else "no"
            writer.writerow(row)


def merge_suite(repo: Path, sizes: list[int], jobs: list[str]) -> list[dict[str, Any]]:
    results = []
    with tempfile.TemporaryDirectory() as temp:
        for rows in sizes:
            table = Path(temp) / f"supporters-{rows}.csv"
            supporters(repo, rows, table)
            out = Path(temp) / f"out-{rows}"
            command = [
                sys.executable,
                "-m",
                "handbill",
                "build",
                "letter-to-mp",
                "--kit",
                str(repo),
                "--out",
                str(out),
                "--merge",
                str(table),
                "-q",
                *jobs,
            ]
            measured = run(command)
            manifest = json.loads((out / "manifest.json").read_text())
            entry = next(e for e in manifest["outputs"] if e.get("merge"))
            assert entry["letters"] == rows, entry["letters"]
            results.append(
                {
                    "rows": rows,
                    "seconds": round(measured.seconds, 2),
                    "cpu_seconds": round(measured.cpu_seconds, 2),
                    "letters_per_second": round(rows / measured.seconds, 1),
                    "ms_per_letter": round(1000 * measured.seconds / rows, 2),
                    "pages": entry["pages"],
                    "peak_rss_mb": measured.peak_rss_mb,
                }
            )
            shutil.rmtree(out)
    base = results[0]["ms_per_letter"]
    for result in results:
        result["per_letter_vs_smallest"] = round(result["ms_per_letter"] / base, 2)
        print(
            f"merge {result['rows']:>6} rows: {result['seconds']:8.1f} s  "
            f"CPU {result['cpu_seconds']:7.1f} s  "
            f"{result['letters_per_second']:6.1f} letters/s  "
            f"peak RSS {result['peak_rss_mb']:6.1f} MB"
            f"  time per letter {result['per_letter_vs_smallest']}x that at {results[0]['rows']}"
        )
    return results
