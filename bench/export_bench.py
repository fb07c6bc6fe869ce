#!/usr/bin/env python3
"""Exports and compression: sizes and accuracy of Apus's exports of one LightGBM model, and
the prediction speed of every runtime that can run it, in the same run.

    python3 bench/export_bench.py [--datasets higgs,credit] [--train-rows 200000]
        [--valid-rows 50000] [--test-rows 100000] [--rounds 300] [--leaves 63]
        [--repeat 3] [--json bench/results/export.json] [--no-build] [--shared ../shared]

Per dataset (../shared/bench/datasets.py: train seed 1, test seed 2, validation seed 3, in
bench/data/):
 1. LightGBM (the anchor) trains the model: --rounds rounds of --leaves leaves, learning
    rate 0.1, max_bin 255, min_data_in_leaf 20, 2 threads; pandas categoricals as anchors.py
    makes them. `apus import --format lightgbm` reads it: every export below is of this one
    model.
 2. `apus-bench encode` writes the test rows as the model's float32 feature matrix; every
    runtime predicts exactly these rows.
 3. Exports (`apus export`): ONNX classic, C source, the compact binary as is, with f16 and
    i8 leaves, and i8 pruned (--prune-to a quarter and a fifth of the plain binary's size,
    on the validation rows). Test AUC of each artifact is computed from that artifact's
    own predictions (the mapped runtime for binaries, the compiled C, onnxruntime for ONNX).
 4. Speed, one thread each, best of --repeat, over the test matrix: LightGBM's
    Booster.predict (num_threads=1) on the float32 matrix, onnxruntime on the classic ONNX
    export (intra_op_num_threads=1), the C export (gcc -O2, a loop calling apus_predict),
    the memory-mapped compact binary, and Apus's own `.apus` runtime.

Goal (issue #6): an export 4x smaller than the plain binary at <= 0.001 test-AUC loss.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchmachine import ROOT, dataset, fmt, git_commit, quiet_check  # noqa: E402

TARGETS = {"higgs": "label", "credit": "default"}
DROP = {"credit": ["application_date"]}

DRIVER = r"""
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "apus.h"
int main(int argc, char **argv) {
    FILE *in = fopen(argv[1], "rb");
    fseek(in, 0, SEEK_END); long bytes = ftell(in); fseek(in, 0, SEEK_SET);
    long rows = bytes / (long)sizeof(float) / APUS_N_FEATURES;
    float *x = malloc((size_t)bytes), *out = malloc(sizeof(float) * (size_t)rows * APUS_N_OUTPUTS);
    if (fread(x, 1, (size_t)bytes, in) != (size_t)bytes) return 1;
    int repeat = atoi(argv[3]); double best = 1e30;
    for (int r = 0; r < repeat; r++) {
        struct timespec a, b; clock_gettime(CLOCK_MONOTONIC, &a);
        for (long i = 0; i < rows; i++) apus_predict(x + i * APUS_N_FEATURES, out + i * APUS_N_OUTPUTS);
        clock_gettime(CLOCK_MONOTONIC, &b);
        double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
        if (s < best) best = s;
    }
    FILE *o = fopen(argv[2], "wb"); fwrite(out, sizeof(float), (size_t)rows * APUS_N_OUTPUTS, o); fclose(o);
    printf("{\"rows\":%ld,\"seconds\":%.6f}\n", rows, best);
    return 0;
}
"""


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, **kwargs)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def frames(paths, target, drop):
    import pandas as pd
    tables = [pd.read_csv(path) for path in paths]
    labels = [table.pop(target).to_numpy() for table in tables]
    tables = [table.drop(columns=[column for column in drop if column in table.columns]) for table in tables]
    for column in [c for c in tables[0].columns if not pd.api.types.is_numeric_dtype(tables[0][c])]:
        dtype = pd.CategoricalDtype(categories=sorted(tables[0][column].dropna().unique().tolist()))
        for table in tables:
            table[column] = table[column].astype(dtype)
    return tables, labels


def auc(labels, scores):
    from sklearn.metrics import roc_auc_score
    return float(roc_auc_score(labels, np.asarray(scores, dtype=np.float64).reshape(-1)))


def floats(path):
    return np.fromfile(path, dtype=np.float32)


def best_of(repeat, work):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def bench_dataset(name, args, apus, bench, work):
    import lightgbm as lgb
    import onnxruntime as ort
    target = TARGETS[name]
    train, valid, test = (dataset(name, rows, seed, args.shared) for rows, seed in
                          ((args.train_rows, 1), (args.valid_rows, 3), (args.test_rows, 2)))
    (train_x, _, _), (train_y, _, test_y) = frames([train, valid, test], target, DROP.get(name, []))
    log(f"{name}: LightGBM trains {args.rounds} rounds of {args.leaves} leaves")
    params = {"objective": "binary", "num_leaves": args.leaves, "learning_rate": 0.1, "max_bin": 255,
              "min_data_in_leaf": 20, "num_threads": 2, "seed": 0, "verbose": -1}
    booster = lgb.train(params, lgb.Dataset(train_x, train_y.astype(np.int64)), num_boost_round=args.rounds)
    text = os.path.join(work, f"{name}.txt")
    booster.save_model(text)
    model = os.path.join(work, f"{name}.apus")
    run([apus, "import", text, "--format", "lightgbm", "--target", target, "--out", model])
    rows_path = os.path.join(work, f"{name}.test.f32")
    shape = json.loads(run([bench, "encode", model, test, rows_path]))
    matrix = floats(rows_path).reshape(shape["rows"], shape["features"])

    report = {"dataset": name, "rows_test": shape["rows"], "features": shape["features"], "rounds": args.rounds,
              "leaves": args.leaves, "sizes": {}, "speed": {}}
    report["sizes"]["lightgbm_text"] = {"bytes": os.path.getsize(text), "auc": auc(test_y, booster.predict(matrix, num_threads=1))}
    report["sizes"]["apus"] = {"bytes": os.path.getsize(model)}

    def export(label, arguments, outfile):
        path = os.path.join(work, outfile)
        printed = run([apus, "export", model, "--out", path] + arguments)
        return path, printed

    onnx, _ = export("onnx", ["--format", "onnx"], f"{name}.onnx")
    session = ort.InferenceSession(onnx, sess_options=_single_thread(ort), providers=["CPUExecutionProvider"])
    onnx_probabilities = session.run(["probabilities"], {"input": matrix})[0][:, 1]
    report["sizes"]["onnx_classic"] = {"bytes": os.path.getsize(onnx), "auc": auc(test_y, onnx_probabilities)}

    plain_binary = None
    variants = [("binary", []), ("binary_f16", ["--quantize", "f16"]), ("binary_i8", ["--quantize", "i8"])]
    for label, extra in variants:
        path, _ = export(label, ["--format", "binary"] + extra, f"{name}.{label}.bin")
        predictions = os.path.join(work, f"{name}.{label}.pred.f32")
        run([bench, "mapped", path, rows_path, "--repeat", "1", "--out", predictions])
        report["sizes"][label] = {"bytes": os.path.getsize(path), "auc": auc(test_y, floats(predictions))}
        if label == "binary":
            plain_binary = os.path.getsize(path)
    for divisor in (4, 5, 6):
        label = f"binary_i8_pruned_{divisor}x"
        path, printed = export(label, ["--format", "binary", "--quantize", "i8", "--prune-to", str(plain_binary // divisor),
                                       "--valid", valid], f"{name}.{label}.bin")
        predictions = os.path.join(work, f"{name}.{label}.pred.f32")
        run([bench, "mapped", path, rows_path, "--repeat", "1", "--out", predictions])
        rounds = next((line.split("→")[1].strip().split()[0] for line in printed.splitlines() if "rounds" in line), str(args.rounds))
        report["sizes"][label] = {"bytes": os.path.getsize(path), "auc": auc(test_y, floats(predictions)), "rounds": int(rounds)}

    c_results = {}
    for label, extra in (("c", []), ("c_i8", ["--quantize", "i8"])):
        folder = os.path.join(work, f"{name}-{label}")
        os.makedirs(folder, exist_ok=True)
        source, printed = export(label, ["--format", "c"] + extra, os.path.join(folder, "model.c"))
        with open(os.path.join(folder, "driver.c"), "w") as handle:
            handle.write(DRIVER)
        binary = os.path.join(folder, "predict")
        run(["gcc", "-O2", "-std=c99", "-o", binary, os.path.join(folder, "driver.c"), source, "-lm"])
        out = os.path.join(folder, "pred.f32")
        timing = json.loads(run([binary, rows_path, out, str(args.repeat)]))
        # "tables  28.1 KB → 19.4 KB (1.45× smaller)": the size after the arrow, if any.
        line = next((line for line in printed.splitlines() if "tables" in line), "")
        tables = line.split("→")[-1].split("(")[0].replace("tables", "").strip()
        c_results[label] = {"auc": auc(test_y, floats(out)), "seconds": timing["seconds"], "tables": tables}
        report["sizes"][label] = {"tables": tables, "auc": c_results[label]["auc"]}

    # Speed, one thread each, same rows.
    log(f"{name}: timing {shape['rows']:,} rows on one thread")
    report["quiet_before"] = quiet_check()
    report["speed"]["lightgbm"] = best_of(args.repeat, lambda: booster.predict(matrix, num_threads=1))
    report["speed"]["onnxruntime"] = best_of(args.repeat, lambda: session.run(["probabilities"], {"input": matrix}))
    report["speed"]["c"] = c_results["c"]["seconds"]
    report["speed"]["c_i8"] = c_results["c_i8"]["seconds"]
    mapped = json.loads(run([bench, "mapped", os.path.join(work, f"{name}.binary.bin"), rows_path, "--apus", model,
                             "--repeat", str(args.repeat)]))
    report["speed"]["mapped"] = mapped["mapped_predict_s"]
    report["speed"]["apus"] = mapped["apus_predict_s"]
    report["speed"]["mapped_load_ms"] = mapped["load_ms"]
    report["quiet_after"] = quiet_check()
    return report


def _single_thread(ort):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return options


def print_report(reports):
    for report in reports:
        name, sizes, speed = report["dataset"], report["sizes"], report["speed"]
        base = sizes["binary"]["bytes"]
        reference = sizes["lightgbm_text"]["auc"]
        print(f"\n### {name}: {report['rounds']} rounds × {report['leaves']} leaves, {report['features']} features, "
              f"test AUC on {report['rows_test']:,} rows (LightGBM {reference:.5f})\n")
        print("| artifact | bytes | vs binary | test AUC | AUC loss |")
        print("|---|---:|---:|---:|---:|")
        for label, entry in sizes.items():
            size = entry.get("bytes")
            ratio = "—" if not size else f"{base / size:.2f}× smaller" if size <= base else f"{size / base:.2f}× larger"
            shown = f"{size:,}" if size else entry.get("tables", "—") + " (tables)"
            loss = f"{reference - entry['auc']:+.5f}" if "auc" in entry else "—"
            print(f"| {label}{' (' + str(entry['rounds']) + ' rounds)' if 'rounds' in entry else ''} | {shown} | {ratio} | "
                  f"{fmt(entry.get('auc'), '.5f')} | {loss} |")
        rows = report["rows_test"]
        print(f"\nPrediction, one thread, {rows:,} rows (best of the repeats; machine busy "
              f"{report['quiet_before']:.0%} before, {report['quiet_after']:.0%} after):\n")
        print("| runtime | seconds | rows/s | vs LightGBM | vs onnxruntime |")
        print("|---|---:|---:|---:|---:|")
        for label in ("lightgbm", "onnxruntime", "c", "c_i8", "mapped", "apus"):
            seconds = speed[label]
            print(f"| {label} | {seconds:.4f} | {rows / seconds:,.0f} | {speed['lightgbm'] / seconds:.2f}× | "
                  f"{speed['onnxruntime'] / seconds:.2f}× |")
        print(f"\nMapped load (open, map, check): {speed['mapped_load_ms']:.2f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", default="higgs,credit")
    parser.add_argument("--train-rows", type=int, default=200_000)
    parser.add_argument("--valid-rows", type=int, default=50_000)
    parser.add_argument("--test-rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--leaves", type=int, default=63)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    args = parser.parse_args()
    if not args.no_build:
        log("swift build -c release (apus, apus-bench)")
        subprocess.run(["swift", "build", "-c", "release", "--product", "apus"], check=True, cwd=ROOT)
        subprocess.run(["swift", "build", "-c", "release", "--product", "apus-bench"], check=True, cwd=ROOT)
    apus = os.path.join(ROOT, ".build", "release", "apus")
    bench = os.path.join(ROOT, ".build", "release", "apus-bench")
    reports = []
    with tempfile.TemporaryDirectory(prefix="apus-export-bench-") as work:
        for name in args.datasets.split(","):
            reports.append(bench_dataset(name, args, apus, bench, work))
    print(f"commit {git_commit()}")
    print_report(reports)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"commit": git_commit(), "reports": reports}, handle, indent=1)


if __name__ == "__main__":
    main()
