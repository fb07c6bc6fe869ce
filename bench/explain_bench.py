#!/usr/bin/env python3
"""Exact TreeSHAP: Apus against shap's TreeExplainer on the same LightGBM model, same rows,
same run.

    python3 bench/explain_bench.py [--configs higgs-100x31,higgs-500x255] [--rows N]
        [--threads 2] [--repeat 3] [--json OUT] [--no-build] [--shared ../shared]

Per configuration: LightGBM trains on higgs (200,000 rows, seed 1; rounds × leaves as named,
learning rate 0.1, 2 threads) and `apus import --format lightgbm` reads the model. The first
rows of the test file (seed 2; 20,000 for the smaller model, 2,000 for the larger, or --rows)
are encoded once (`apus-bench encode`) as float32, and
both sides explain exactly those rows:

  shap   shap.TreeExplainer(booster).shap_values(rows) on the float32 matrix (for a LightGBM
         booster shap computes the values with LightGBM's own TreeSHAP, on every core)
  apus   `apus-bench shap MODEL ROWS --threads T`: ApusExplain.TreeSHAP.values

Each is the best of --repeat runs. The values are compared: the largest difference relative
to max(1, |value|) over every value of every row, bias included.
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
from benchmachine import ROOT, dataset, git_commit, quiet_check  # noqa: E402

# rounds, leaves, rows explained (shap takes about a minute per repeat on the larger model's 2,000)
CONFIGS = {"higgs-100x31": (100, 31, 20_000), "higgs-500x255": (500, 255, 2_000)}


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(command):
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def other_methods(booster, model, matrix, work, bench, args, shap):
    """Interaction values and interventional values on 500 rows, both sides timed once."""
    rows, background = matrix[:500], matrix[-100:]
    rows_path, background_path = os.path.join(work, "other.f32"), os.path.join(work, "background.f32")
    rows.tofile(rows_path)
    background.tofile(background_path)
    features = matrix.shape[1]
    results = []
    for method, explainer, extra in [
            ("interactions", shap.TreeExplainer(booster), ["--interactions"]),
            ("interventional", shap.TreeExplainer(booster, data=background, feature_perturbation="interventional"),
             ["--background", background_path])]:
        start = time.perf_counter()
        expected = np.asarray(explainer.shap_interaction_values(rows) if method == "interactions" else explainer.shap_values(rows))
        shap_s = time.perf_counter() - start
        out = os.path.join(work, f"{method}.f64")
        apus_run = json.loads(run([bench, "shap", model, rows_path, "--threads", str(args.threads), "--repeat", "1",
                                   "--out", out] + extra))
        got = np.fromfile(out, dtype=np.float64)
        got = (got.reshape(len(rows), features + 1, features + 1)[:, :features, :features] if method == "interactions"
               else got.reshape(len(rows), features + 1)[:, :features])
        difference = float(np.max(np.abs(got - expected) / np.maximum(1, np.abs(expected))))
        results.append({"method": method, "rows": len(rows), "shap_s": shap_s, "apus_s": apus_run["seconds"],
                        "speedup": shap_s / apus_run["seconds"], "max_relative_difference": difference})
        log(json.dumps(results[-1]))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--rows", type=int, help="rows explained per model (default: each model's own)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--no-others", action="store_true", help="skip interaction and interventional values")
    parser.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    args = parser.parse_args()
    import lightgbm as lgb
    import pandas as pd
    import shap
    if not args.no_build:
        for product in ("apus", "apus-bench"):
            subprocess.run(["swift", "build", "-c", "release", "--product", product], check=True, cwd=ROOT)
    apus = os.path.join(ROOT, ".build", "release", "apus")
    bench = os.path.join(ROOT, ".build", "release", "apus-bench")
    train_path, test_path = dataset("higgs", 200_000, 1, args.shared), dataset("higgs", 100_000, 2, args.shared)
    train = pd.read_csv(train_path)
    label = train.pop("label")
    results, others = [], []
    with tempfile.TemporaryDirectory(prefix="apus-explain-bench-") as work:
        test_rows = os.path.join(work, "test.csv")
        test = pd.read_csv(test_path)
        for name in args.configs.split(","):
            rounds, leaves, rows = CONFIGS[name]
            test.head(args.rows or rows).to_csv(test_rows, index=False)
            log(f"{name}: LightGBM trains {rounds} rounds of {leaves} leaves")
            booster = lgb.train({"objective": "binary", "num_leaves": leaves, "learning_rate": 0.1, "max_bin": 255,
                                 "min_data_in_leaf": 20, "num_threads": 2, "seed": 0, "verbose": -1},
                                lgb.Dataset(train, label), num_boost_round=rounds)
            text, model = os.path.join(work, f"{name}.txt"), os.path.join(work, f"{name}.apus")
            booster.save_model(text)
            run([apus, "import", text, "--format", "lightgbm", "--out", model])
            rows_path = os.path.join(work, f"{name}.f32")
            shape = json.loads(run([bench, "encode", model, test_rows, rows_path]))
            matrix = np.fromfile(rows_path, dtype=np.float32).reshape(shape["rows"], shape["features"])
            quiet = quiet_check()
            explainer = shap.TreeExplainer(booster)
            best, values = float("inf"), None
            for _ in range(args.repeat):
                start = time.perf_counter()
                values = explainer.shap_values(matrix)
                best = min(best, time.perf_counter() - start)
            shap_values = np.concatenate([np.asarray(values, dtype=np.float64),
                                          np.full((len(matrix), 1), float(np.atleast_1d(explainer.expected_value)[0]))], axis=1)
            out = os.path.join(work, f"{name}.values.f64")
            apus_run = json.loads(run([bench, "shap", model, rows_path, "--threads", str(args.threads),
                                       "--repeat", str(args.repeat), "--out", out]))
            apus_values = np.fromfile(out, dtype=np.float64).reshape(shap_values.shape)
            difference = float(np.max(np.abs(apus_values - shap_values) / np.maximum(1, np.abs(shap_values))))
            results.append({"config": name, "rows": shape["rows"], "shap_s": best, "apus_s": apus_run["seconds"],
                            "speedup": best / apus_run["seconds"], "max_relative_difference": difference,
                            "apus_set_up_s": apus_run["set_up_seconds"],
                            "machine_busy_before": quiet, "shap_version": shap.__version__, "lightgbm_version": lgb.__version__})
            log(json.dumps(results[-1]))
            if name == "higgs-100x31" and not args.no_others:
                others.extend(other_methods(booster, model, matrix, work, bench, args, shap))
    print(f"commit {git_commit()}, {args.threads} threads for Apus (shap/LightGBM use every core)\n")
    print("| model | rows | shap rows/s | Apus rows/s | Apus / shap | largest difference | Apus set-up |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['config']} | {r['rows']:,} | {r['rows'] / r['shap_s']:,.0f} | {r['rows'] / r['apus_s']:,.0f} | "
              f"{r['speedup']:.2f}× | {r['max_relative_difference']:.1e} | {r['apus_set_up_s']:.2f} s |")
    if others:
        print("\nOn higgs-100x31, 500 rows (interventional: against 100 background rows, the test file's last):\n")
        print("| values | shap rows/s | Apus rows/s | Apus / shap | largest difference |")
        print("|---|---:|---:|---:|---:|")
        for r in others:
            print(f"| {r['method']} | {r['rows'] / r['shap_s']:,.0f} | {r['rows'] / r['apus_s']:,.0f} | "
                  f"{r['speedup']:.2f}× | {r['max_relative_difference']:.1e} |")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"commit": git_commit(), "results": results, "others": others}, handle, indent=1)


if __name__ == "__main__":
    main()
