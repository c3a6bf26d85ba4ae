"""Mail-merge benchmark: letter-to-mp merged over generated supporter tables of N rows.

Used by bench/run.py (``--merge-rows 1000,10000``); prints wall time, letters/s and the peak
RSS summed over all processes, and the time per letter relative to the smallest table; with
Typst installed, how long the merge of the smallest table takes against Typst's.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
import sys
import tempfile
from pathlib import Path
from statistics import median
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


def _merge(repo: Path, table: Path, out: Path, rows: int, jobs: list[str]) -> dict[str, Any]:
    """One merge of ``table``, measured."""
    command = [sys.executable, "-m", "handbill", "build", "letter-to-mp", "--kit", str(repo)]
    measured = run([*command, "--out", str(out), "--merge", str(table), "-q", *jobs])
    private = out.with_name(f"{out.name}-private")  # letters go beside the output folder
    manifest = json.loads((private / "manifest.json").read_text())
    entry = next(e for e in manifest["outputs"] if e.get("merge"))
    assert entry["letters"] == rows, entry["letters"]
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(private)
    return {
        "rows": rows,
        "seconds": round(measured.seconds, 2),
        "cpu_seconds": round(measured.cpu_seconds, 2),
        "letters_per_second": round(rows / measured.seconds, 1),
        "ms_per_letter": round(1000 * measured.seconds / rows, 2),
        "pages": entry["pages"],
        "peak_rss_mb": measured.peak_rss_mb,
    }


def merge_suite(repo: Path, sizes: list[int], jobs: list[str]) -> dict[str, Any]:
    """Merges of ``sizes`` rows; with 10,000 among them, the same table with four unused
    columns; from 10,000 to the largest, how peak memory grows; at the smallest, Typst."""
    results: dict[str, Any] = {"tables": []}
    tables = results["tables"]
    with tempfile.TemporaryDirectory() as temp:
        for rows in sizes:
            table = Path(temp) / f"supporters-{rows}.csv"
            supporters(repo, rows, table)
            tables.append(_merge(repo, table, Path(temp) / "out", rows, jobs))
            if rows == UNUSED_AT:
                results.update(_unused(repo, table, Path(temp), jobs, tables[-1]))
        smallest = Path(temp) / f"supporters-{sizes[0]}.csv"
        results["typst"] = _versus_typst(repo, smallest, Path(temp) / "out", sizes[0], jobs)
    base = tables[0]["ms_per_letter"]
    for result in tables:
        result["per_letter_vs_smallest"] = round(result["ms_per_letter"] / base, 2)
        print(
            f"merge {result['rows']:>6} rows: {result['seconds']:8.1f} s  "
            f"CPU {result['cpu_seconds']:7.1f} s  "
            f"{result['letters_per_second']:6.1f} letters/s  "
            f"peak RSS {result['peak_rss_mb']:6.1f} MB"
            f"  time per letter {result['per_letter_vs_smallest']}x that at {tables[0]['rows']}"
        )
    if "unused_columns" in results:
        extra = results["unused_columns"]
        first = next(t for t in tables if t["rows"] == UNUSED_AT)["seconds"]
        plain_times = f"{first:.1f} s, {results['plain_again_seconds']:.1f} s"
        print(
            f"merge {UNUSED_AT} rows with unused columns ({', '.join(UNUSED)}): "
            f"{extra['seconds']:.1f} s, CPU {extra['cpu_seconds']:.1f} s, between two merges "
            f"without them ({plain_times}): {results['unused_columns_time_ratio']}x their mean"
        )
    large = [t for t in tables if t["rows"] >= UNUSED_AT]
    if len(large) >= 2:
        low, high = large[0], large[-1]
        grown = high["peak_rss_mb"] - low["peak_rss_mb"]
        results["memory_kb_per_row"] = round(grown * 1024 / (high["rows"] - low["rows"]), 3)
        results["memory_ratio"] = round(high["peak_rss_mb"] / low["peak_rss_mb"], 3)
        print(
            f"merge peak RSS (all processes) from {low['rows']} to {high['rows']} rows: "
            f"{grown:+.1f} MB, {results['memory_kb_per_row']} KB a row; "
            f"{results['memory_ratio']}x"
        )
    if results["typst"] is not None:
        typst = results["typst"]
        results["typst_time_ratio"] = round(typst["merge_seconds"] / typst["seconds"], 2)
        print(
            f"typst, the same {sizes[0]} letters, {ROUNDS} times in turn with the merge: "
            f"{typst['seconds']:.2f} s (CPU {typst['cpu_seconds']:.2f} s) against "
            f"{typst['merge_seconds']:.2f} s (CPU {typst['merge_cpu_seconds']:.2f} s), medians: "
            f"the merge took {results['typst_time_ratio']}x its time "
            f"(round by round: {', '.join(f'{r}x' for r in typst['ratios'])})"
        )
    return results


UNUSED_AT = 10_000  # the table measured again with unused columns


def _unused(
    repo: Path, plain_table: Path, temp: Path, jobs: list[str], plain: dict[str, Any]
) -> dict[str, Any]:
    """The table with unused columns, merged between two merges of the plain table (``plain``,
    then once more), its time against their mean: the machine's speed drifts over minutes
    (after the 50,000 rows the same merge took a fifth longer), and so a drift cancels out."""
    table = temp / f"supporters-{UNUSED_AT}-unused.csv"
    supporters(repo, UNUSED_AT, table, unused=True)
    unused = _merge(repo, table, temp / "out", UNUSED_AT, jobs)
    again = _merge(repo, plain_table, temp / "out", UNUSED_AT, jobs)
    mean = (plain["seconds"] + again["seconds"]) / 2
    return {
        "unused_columns": unused,
        "plain_again_seconds": again["seconds"],
        "unused_columns_time_ratio": round(unused["seconds"] / mean, 3),
    }


# Typst and the merge of the smallest table, timed in turn this many times: on a machine whose
# speed comes and goes, one run of each gave ratios from 1.45x to 2.2x within minutes.
ROUNDS = 5


def _versus_typst(
    repo: Path, table: Path, out: Path, rows: int, jobs: list[str]
) -> dict[str, Any] | None:
    """The same letters typeset by Typst (bench/typst_letter.py), if it is installed, and
    merged by handbill, in turn: each one's median time and CPU time, and each round's ratio."""
    if importlib.util.find_spec("typst") is None:
        print("typst: not installed (.venv/bin/pip install typst); no comparison")
        return None
    script = str(Path(__file__).resolve().parent / "typst_letter.py")
    typst, merged = [], []
    with tempfile.TemporaryDirectory() as temp:
        for _ in range(ROUNDS):
            measured = run([sys.executable, script, str(table), str(Path(temp) / "letters.pdf")])
            assert int(measured.stdout) == rows, measured.stdout
            typst.append(measured)
            merged.append(_merge(repo, table, out, rows, jobs))
    return {
        "rounds": ROUNDS,
        "seconds": round(median(m.seconds for m in typst), 2),
        "cpu_seconds": round(median(m.cpu_seconds for m in typst), 2),
        "merge_seconds": median(m["seconds"] for m in merged),
        "merge_cpu_seconds": median(m["cpu_seconds"] for m in merged),
        "ratios": [round(m["seconds"] / t.seconds, 2) for t, m in zip(typst, merged, strict=True)],
    }
