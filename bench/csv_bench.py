#!/usr/bin/env python3
"""CSV loading: Apus against pandas.read_csv and pyarrow.csv.read_csv on the same files,
in the same run, each read in a fresh process (so peak memory is that read's alone).

    python3 bench/csv_bench.py [--repeat 5] [--no-build] [--shared ../shared]

Generates higgs 1M rows and credit 200k rows with ../shared/bench/datasets.py, and a
500k-row file with every field quoted (as spreadsheet exports write them, with `""` inside
some fields) by write_quoted() below, into bench/data/ (kept out of git) unless present, builds `apus-bench` in release, then prints a
markdown table: median seconds, MB/s, rows/s, the speed-up of Apus over each anchor
(anchor time / Apus time; above 1 means Apus is faster), and peak memory. Needs
`pip install pandas pyarrow numpy`. Run it on a quiet machine: 2-core timings move by
20% or more under any background load.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")
FILES = [("higgs", 1_000_000, 1), ("credit", 200_000, 1)]


def write_quoted(path, rows=500_000):
    """Every field quoted; text with commas and doubled quotes; deterministic."""
    import csv
    import random
    random.seed(1)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL)
        writer.writerow(["id", "name", "amount", "city", "comment"])
        for i in range(rows):
            writer.writerow([i, f"name {i % 1000}", f"{random.random() * 1000:.2f}",
                             random.choice(["Oslo", "Rome", "Paris, FR", "Lima"]), f'said "hi" on day {i % 365}'])


def run(command):
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    args = parser.parse_args()

    os.makedirs(DATA, exist_ok=True)
    paths = []
    for name, rows, seed in FILES:
        path = os.path.join(DATA, f"{name}-{rows // 1000}k.csv")
        if not os.path.exists(path):
            subprocess.run([sys.executable, os.path.join(args.shared, "bench", "datasets.py"), name,
                            "--rows", str(rows), "--seed", str(seed), "--out", path], check=True)
        paths.append(path)
    quoted = os.path.join(DATA, "quoted-500k.csv")
    if not os.path.exists(quoted):
        write_quoted(quoted)
    paths.append(quoted)
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "apus-bench"], check=True, cwd=ROOT)
    bench = os.path.join(ROOT, ".build", "release", "apus-bench")

    tools = {
        "apus": lambda p: [bench, "csv", p],
        "apus (1 thread)": lambda p: [bench, "csv", p, "--threads", "1"],
        "pandas": lambda p: [sys.executable, os.path.join(ROOT, "bench", "csv_anchor.py"), "pandas", p],
        "pyarrow": lambda p: [sys.executable, os.path.join(ROOT, "bench", "csv_anchor.py"), "pyarrow", p],
    }
    print(f"| file | MB | rows | reader | median s | MB/s | rows/s | Apus speed-up | peak RSS MB | peak − baseline MB |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for path in paths:
        results = {tool: [] for tool in tools}
        for _ in range(args.repeat):  # interleaved, so drift in machine load hits every reader alike
            for tool, command in tools.items():
                results[tool].append(run(command(path)))
        megabytes = os.path.getsize(path) / 1e6
        apus_seconds = statistics.median(r["seconds"] for r in results["apus"])
        column_mb = results["apus"][0].get("column_mb")
        for tool, runs in results.items():
            seconds = statistics.median(r["seconds"] for r in runs)
            peak = max(r["peak_rss_mb"] for r in runs)
            baseline = min(r["baseline_rss_mb"] for r in runs)
            speedup = "" if tool.startswith("apus") else f"{seconds / apus_seconds:.2f}×"
            print(f"| {os.path.basename(path)} | {megabytes:.0f} | {runs[0]['rows']:,} | {tool} | {seconds:.3f} | "
                  f"{megabytes / seconds:.0f} | {runs[0]['rows'] / seconds / 1e6:.2f}M | {speedup} | {peak:.0f} | {peak - baseline:.0f} |")
        if column_mb:
            peak = max(r["peak_rss_mb"] for r in results["apus"])
            baseline = min(r["baseline_rss_mb"] for r in results["apus"])
            print(f"| | | | *Apus memory / parsed columns ({column_mb:.0f} MB)* | | | | | {peak / column_mb:.2f}× | "
                  f"{(peak - baseline) / column_mb:.2f}× |")


if __name__ == "__main__":
    main()
