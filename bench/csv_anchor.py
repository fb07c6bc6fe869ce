#!/usr/bin/env python3
"""Times one CSV read with pandas or pyarrow, in this process only, and prints one JSON
line like apus-bench's: seconds, rows, columns, peak resident memory (MB, VmHWM) and the
resident memory after the imports, before the read (baseline_rss_mb, VmRSS).

    python3 csv_anchor.py pandas|pyarrow FILE.csv
"""
import json
import sys
import time


def status_mb(field):
    """VmHWM (peak resident memory of this process's address space; ru_maxrss would carry
    over the parent's peak across exec) or VmRSS (resident now), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb():
    return status_mb("VmHWM")


def main():
    tool, path = sys.argv[1], sys.argv[2]
    if tool == "pandas":
        import pandas as pd
        read = pd.read_csv
    elif tool == "pyarrow":
        import pyarrow.csv as pc
        read = pc.read_csv
    else:
        sys.exit(f"unknown tool {tool}")
    baseline = status_mb("VmRSS")
    start = time.perf_counter()
    table = read(path)
    seconds = time.perf_counter() - start
    rows, columns = (table.shape if tool == "pandas" else (table.num_rows, table.num_columns))
    print(json.dumps({"tool": tool, "file": path, "seconds": seconds, "rows": rows, "columns": columns,
                      "peak_rss_mb": peak_rss_mb(), "baseline_rss_mb": baseline}))


if __name__ == "__main__":
    main()
