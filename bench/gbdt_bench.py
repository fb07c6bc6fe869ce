#!/usr/bin/env python3
"""GBDT training and prediction: Apus against LightGBM and XGBoost on the same CSVs, with
the same hyperparameters, in the same run, each library in a fresh process.

    python3 bench/gbdt_bench.py [--datasets higgs-200k,credit,...] [--repeat 3] [--threads 2]
        [--json bench/results/gbdt.json] [--quick] [--no-build] [--apus-bench PATH]
        [--train-rows N] [--test-rows N] [--iterations N] [--xgboost-memory] [--shared ../shared]

Configurations (--datasets, comma list; default: all of them):

    higgs-200k     higgs       200,000 train / 200,000 test   binary `label`
    higgs-1m       higgs     1,000,000 train / 200,000 test   binary `label`
    higgs-1m-255   higgs     1,000,000 train / 200,000 test   binary `label`, 500 iterations, 255 leaves
    credit         credit      200,000 train / 100,000 test   binary `default` (categoricals, missing values)
    demand         demand      200,000 train / 100,000 test   regression `units` (categoricals)
    multiclass     multiclass  200,000 train / 100,000 test   5 classes `label` (0..4)

Hyperparameters, equal on both sides (anchors.py's docstring gives each library's names):
100 iterations, 31 leaves (500 and 255 for higgs-1m-255), learning rate 0.1, max_bin 255,
min_data_in_leaf 20, --threads threads (default 2), no L1/L2, no row or column sampling.
Apus gets them explicitly as LightGBM-named --param NAME=VALUE, the same values
anchors.py gives LightGBM.

The train file is generated with seed 1 and the test file with seed 2 by
../shared/bench/datasets.py into bench/data/ (kept out of git) unless present; --quick
uses 10,000 train / 5,000 test rows (smoke tests only: the timings mean nothing), and
--train-rows / --test-rows / --iterations override the sizes and iterations of every
selected configuration (higgs-1m-255 at 500 iterations is the slow one even with --quick).

Per configuration, in this order, each a fresh process:
    1. `apus-bench gbdt TRAIN TEST --target COL --task TASK --param ... --repeat R`
    2. `anchors.py --libs lightgbm,xgboost --skip-pyarrow --repeat R`   (timings, metrics)
    3. `anchors.py --libs lightgbm --skip-pyarrow --repeat 1`          (LightGBM's peak memory)
    4. with R > 1 only: `apus-bench gbdt ... --repeat 1`                  (Apus's peak memory)
    5. with --xgboost-memory only: `anchors.py --libs xgboost --skip-pyarrow --repeat 1`
Peak memory is the maximum resident set size of the measured process as the kernel
reports it to its parent (`/usr/bin/time -v`, or, if that is missing, a small Python
wrapper reading getrusage(RUSAGE_CHILDREN).ru_maxrss after waiting for the child), taken
the same way for Apus and LightGBM, from a process that trained and predicted once.

Timings are each library's own (min over --repeat R runs inside its process):
    Apus train_s    GBDTTrainer.train on the in-memory table's TrainingData: binning (bin
                    boundaries from a sample, then every row's bins) and boosting. Reading
                    the CSVs and TrainingData (labels, feature columns) are not timed.
    Apus predict_s  TrainingData.encode(test): the test labels and the test table encoded
                    into the row-major feature matrix; then ensemble.predict on --threads.
    anchors         see anchors.py: train_s from the in-memory DataFrame to a trained model,
                    including lgb.Dataset / xgb.QuantileDMatrix construction; predict_s the
                    whole test set, LightGBM Booster.predict(DataFrame), XGBoost
                    DMatrix(DataFrame) + Booster.predict. CSV reading and the string ->
                    'category' conversion are not timed.

Machine quietness: anchors.py reports other_cpu (share of all CPUs used by OTHER processes
during each timed phase); the runner measures the same for each whole child process
(/proc/stat busy time less the child's own CPU time) and for 2 s before starting. Above
--busy-threshold (default 0.05) the output warns that timings are disturbed.

Goals (Apus against LightGBM, per configuration): train time <= LightGBM; prediction
throughput >= 2x LightGBM; AUC no more than 0.002 below LightGBM (binary), log-loss /
multiclass log-loss / RMSE no more than 0.5% above LightGBM; peak memory <= LightGBM.
Better than LightGBM always passes (the quality goals are one-sided).

Needs the anchors' packages (numpy, pandas, lightgbm, xgboost, scikit-learn). Run on a
quiet machine: 2-core timings move by 20% or more under any background load.
"""
import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")

# name: (generator, train rows, test rows, target, task, iterations, leaves)
CONFIGS = {
    "higgs-200k": ("higgs", 200_000, 200_000, "label", "binary", 100, 31),
    "higgs-1m": ("higgs", 1_000_000, 200_000, "label", "binary", 100, 31),
    "higgs-1m-255": ("higgs", 1_000_000, 200_000, "label", "binary", 500, 255),
    "credit": ("credit", 200_000, 100_000, "default", "binary", 100, 31),
    "demand": ("demand", 200_000, 100_000, "units", "regression", 100, 31),
    "multiclass": ("multiclass", 200_000, 100_000, "label", "multiclass", 100, 31),
}
QUICK_ROWS = (10_000, 5_000)
LEARNING_RATE, MAX_BIN, MIN_DATA_IN_LEAF = 0.1, 255, 20
# What anchors.py gives LightGBM besides rounds/leaves/lr/max_bin/threads: the same for Apus.
FIXED_PARAMS = {"min_data_in_leaf": MIN_DATA_IN_LEAF, "min_sum_hessian_in_leaf": 1e-3, "max_depth": -1,
                "lambda_l1": 0.0, "lambda_l2": 0.0, "bagging_fraction": 1.0, "bagging_freq": 0,
                "feature_fraction": 1.0, "seed": 0}
METRICS = {"binary": ("auc", "logloss"), "multiclass": ("mlogloss", "accuracy"), "regression": ("rmse", "mae")}
LIBRARIES = [("apus", "Apus"), ("lightgbm", "LightGBM"), ("xgboost", "XGBoost")]


# --------------------------------------------------------------------------- machine

from benchmachine import NCPU, WRAPPER, children_cpu_s, fmt, git_commit, gnu_time, machine_busy_s, other_cpu, quiet_check




def measured(command, timer, log):
    """Runs `command` in a fresh process. Returns its JSON lines, peak RSS, wall time, other_cpu."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        if timer:
            full = [timer, "-v", "-o", rss_file.name] + command
        else:
            full = [sys.executable, "-c", WRAPPER, rss_file.name] + command
        log("  $ " + " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in command))
        cpu0, busy0, t0 = children_cpu_s(), machine_busy_s(), time.perf_counter()
        proc = subprocess.run(full, capture_output=True, text=True, cwd=ROOT)
        seconds = time.perf_counter() - t0
        own = children_cpu_s() - cpu0
        busy1 = machine_busy_s()
        peak = None
        for line in open(rss_file.name):
            if "Maximum resident set size" in line:
                peak = round(int(line.rsplit(":", 1)[1]) / 1024.0, 1)
    lines = []
    for line in proc.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    result = {"command": command, "returncode": proc.returncode, "wall_s": round(seconds, 3),
              "cpu_s": round(own, 2), "peak_rss_mb": peak,
              "other_cpu": other_cpu(busy0, busy1, own, seconds), "lines": lines}
    if proc.returncode != 0 or not lines:
        result["stdout_tail"] = proc.stdout[-2000:]
        result["stderr_tail"] = proc.stderr[-2000:]
        log(f"  ! exit {proc.returncode}: {(proc.stdout.strip() or proc.stderr.strip())[-400:]}")
    return result


# --------------------------------------------------------------------------- data

def size_name(rows):
    return f"{rows // 1000}k" if rows % 1000 == 0 else str(rows)


def dataset_files(generator, train_rows, test_rows, shared, log):
    """Train (seed 1) and test (seed 2) CSVs in bench/data/, generated unless present.
    Train files keep csv_bench.py's names (higgs-1000k.csv), so the two share them."""
    os.makedirs(DATA, exist_ok=True)
    paths = []
    for rows, seed, suffix in ((train_rows, 1, ""), (test_rows, 2, "-seed2")):
        path = os.path.join(DATA, f"{generator}-{size_name(rows)}{suffix}.csv")
        if not os.path.exists(path):
            log(f"generating {os.path.relpath(path, ROOT)}")
            subprocess.run([sys.executable, os.path.join(shared, "bench", "datasets.py"), generator,
                            "--rows", str(rows), "--seed", str(seed), "--out", path + ".tmp"], check=True)
            os.replace(path + ".tmp", path)
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- runs

def library_line(run, library):
    if run is None:
        return None
    for line in run["lines"]:
        if line.get("library", line.get("lib")) == library:
            return line
    return None


def bench_config(name, config, args, timer, log):
    generator, train_rows, test_rows, target, task, iterations, leaves = config
    train, test = dataset_files(generator, train_rows, test_rows, args.shared, log)
    params = {"num_iterations": iterations, "num_leaves": leaves, "learning_rate": LEARNING_RATE,
              "max_bin": MAX_BIN, "num_threads": args.threads, **FIXED_PARAMS}
    apus = [args.apus_bench, "gbdt", train, test, "--target", target, "--task", task]
    for key, value in params.items():
        apus += ["--param", f"{key}={value}"]
    anchors = [sys.executable, os.path.join(args.shared, "bench", "anchors.py"), "--train", train, "--test", test,
               "--target", target, "--task", task, "--rounds", str(iterations), "--leaves", str(leaves),
               "--lr", str(LEARNING_RATE), "--max-bin", str(MAX_BIN), "--threads", str(args.threads),
               "--skip-pyarrow"]

    log(f"{name}: {generator} {train_rows:,} train / {test_rows:,} test rows, {iterations} iterations, {leaves} leaves")
    runs = {"apus": measured(apus + ["--repeat", str(args.repeat)], timer, log),
            "anchors": measured(anchors + ["--libs", "lightgbm,xgboost", "--repeat", str(args.repeat)], timer, log),
            "lightgbm_memory": measured(anchors + ["--libs", "lightgbm", "--repeat", "1"], timer, log)}
    runs["apus_memory"] = runs["apus"] if args.repeat == 1 else measured(apus + ["--repeat", "1"], timer, log)
    if args.xgboost_memory:
        runs["xgboost_memory"] = measured(anchors + ["--libs", "xgboost", "--repeat", "1"], timer, log)

    results = {}
    for library, _ in LIBRARIES:
        line = library_line(runs["apus" if library == "apus" else "anchors"], library)
        memory_run = runs.get(f"{library}_memory")
        entry = {"error": None}
        if line is None or "error" in line:
            entry["error"] = (line or {}).get("error") or "no result (see the run's stdout_tail/stderr_tail)"
        else:
            entry.update({"train_s": line["train_s"], "predict_s": line["predict_s"],
                          "train_s_all": line.get("train_s_all"), "predict_s_all": line.get("predict_s_all")})
            entry.update({m: line.get(m) for m in METRICS[task]})
            entry["rows_per_s"] = test_rows / line["predict_s"] if line["predict_s"] > 0 else None
            if library == "apus":
                entry["self_reported_peak_rss_mb"] = line.get("peak_rss_mb")
            else:
                entry["anchor_other_cpu"] = max((x for x in (line.get("other_cpu_train"), line.get("other_cpu_predict"))
                                                 if x is not None), default=None)
                entry["version"] = line.get("version")
        memory_ok = memory_run is not None and memory_run["returncode"] == 0 and \
            library_line(memory_run, library) is not None and "error" not in library_line(memory_run, library)
        entry["peak_rss_mb"] = memory_run["peak_rss_mb"] if memory_ok else None
        results[library] = entry

    busy = [r["other_cpu"] for r in runs.values() if r.get("other_cpu") is not None]
    busy += [e["anchor_other_cpu"] for e in results.values() if e.get("anchor_other_cpu") is not None]
    return {"config": name, "generator": generator, "train_file": os.path.relpath(train, ROOT),
            "test_file": os.path.relpath(test, ROOT), "train_rows": train_rows, "test_rows": test_rows,
            "target": target, "task": task, "params": params, "repeat": args.repeat,
            "max_other_cpu": max(busy, default=None), "results": results, "runs": runs}


# --------------------------------------------------------------------------- report


def ratio(numerator, denominator):
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def goals(report):
    """(goal, PASS/FAIL/n/a, detail) for Apus against LightGBM."""
    apus, lgb = report["results"]["apus"], report["results"]["lightgbm"]
    task = report["task"]
    out = []

    def check(goal, ok, detail):
        out.append((goal, "n/a" if ok is None else ("PASS" if ok else "FAIL"), detail))

    if apus["error"] or lgb["error"]:
        check("all goals", None, "a run failed")
        return out
    check("train time ≤ LightGBM", apus["train_s"] <= lgb["train_s"],
          f"Apus {apus['train_s']:.3f} s, LightGBM {lgb['train_s']:.3f} s")
    speed = ratio(apus["rows_per_s"], lgb["rows_per_s"])
    check("prediction throughput ≥ 2× LightGBM", None if speed is None else speed >= 2.0,
          f"{fmt(speed, '.2f')}× ({fmt(apus['rows_per_s'], ',.0f')} vs {fmt(lgb['rows_per_s'], ',.0f')} rows/s)")
    if task == "binary":
        diff = apus["auc"] - lgb["auc"]
        check("AUC within 0.002 of LightGBM", diff >= -0.002, f"Δ {diff:+.4f} ({apus['auc']:.4f} vs {lgb['auc']:.4f})")
    loss = {"binary": "logloss", "multiclass": "mlogloss", "regression": "rmse"}[task]
    rel = apus[loss] / lgb[loss] - 1.0
    check(f"{loss} within 0.5% of LightGBM", rel <= 0.005, f"{rel * 100:+.2f}% ({apus[loss]:.5f} vs {lgb[loss]:.5f})")
    memory = ratio(apus["peak_rss_mb"], lgb["peak_rss_mb"])
    check("peak memory ≤ LightGBM", None if memory is None else memory <= 1.0,
          f"{fmt(apus['peak_rss_mb'], '.0f')} vs {fmt(lgb['peak_rss_mb'], '.0f')} MB ({fmt(memory, '.2f')}×)")
    return out


def print_report(report, threshold):
    p = report["params"]
    print(f"\n### {report['config']}: {report['generator']}, {report['task']} `{report['target']}`, "
          f"{report['train_rows']:,} train / {report['test_rows']:,} test rows\n")
    print(f"{p['num_iterations']} iterations, {p['num_leaves']} leaves, learning rate {p['learning_rate']}, "
          f"max_bin {p['max_bin']}, min_data_in_leaf {p['min_data_in_leaf']}, {p['num_threads']} threads; "
          f"times are the minimum of {report['repeat']} run(s) in each process.\n")
    m1, m2 = METRICS[report["task"]]
    results = report["results"]
    apus, lgb = results["apus"], results["lightgbm"]
    print(f"| library | train s | train: library ÷ Apus | predict s | predict rows/s | rows/s ÷ LightGBM | "
          f"peak MB | peak ÷ LightGBM | {m1} | Δ {m1} vs LightGBM | {m2} | Δ {m2} vs LightGBM |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for library, label in LIBRARIES:
        r = results[library]
        if r["error"]:
            print(f"| {label} | error: {r['error'][:80]} |" + " |" * 11)
            continue
        train_ratio = "" if library == "apus" else fmt(ratio(r["train_s"], None if apus["error"] else apus["train_s"]), ".2f") + "×"
        cells = [label, f"{r['train_s']:.3f}", train_ratio, f"{r['predict_s']:.4f}", fmt(r["rows_per_s"], ",.0f")]
        base = None if lgb["error"] else lgb
        cells.append(fmt(ratio(r["rows_per_s"], base and base["rows_per_s"]), ".2f") + "×")
        cells.append(fmt(r["peak_rss_mb"], ".0f", "not measured"))
        cells.append(fmt(ratio(r["peak_rss_mb"], base and base["peak_rss_mb"]), ".2f") + "×"
                     if r["peak_rss_mb"] is not None and base and base["peak_rss_mb"] else "")
        for metric in (m1, m2):
            cells.append(fmt(r.get(metric), ".5f"))
            if library == "lightgbm" or base is None or r.get(metric) is None:
                cells.append("")
            else:
                diff = r[metric] - base[metric]
                rel = f" ({diff / base[metric] * 100:+.2f}%)" if metric != "auc" and metric != "accuracy" and base[metric] else ""
                cells.append(f"{diff:+.5f}{rel}")
        print("| " + " | ".join(cells) + " |")
    print()
    for goal, verdict, detail in goals(report):
        print(f"- **{verdict}** {goal}: {detail}")
    busy = report["max_other_cpu"]
    if busy is not None and busy > threshold:
        print(f"\n> **WARNING: machine busy.** Other processes used up to {busy:.0%} of the {NCPU} CPUs "
              f"during these runs (other_cpu); the timings are disturbed, rerun on a quiet machine.")
    elif busy is None:
        print("\n> other_cpu unavailable (no /proc/stat): machine quietness not checked.")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default=",".join(CONFIGS), help="comma list from: " + ", ".join(CONFIGS))
    parser.add_argument("--repeat", type=int, default=1, help="train/predict R times in each process, report the minimum")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", help="write the raw results (every process's JSON lines, peaks, other_cpu) here")
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_ROWS[0]:,} train / {QUICK_ROWS[1]:,} test rows: a smoke test, not a benchmark")
    parser.add_argument("--train-rows", type=int, help="override every selected configuration's train rows")
    parser.add_argument("--test-rows", type=int, help="override every selected configuration's test rows")
    parser.add_argument("--iterations", type=int, help="override every selected configuration's iterations")
    parser.add_argument("--xgboost-memory", action="store_true", help="also run XGBoost alone for its peak memory")
    parser.add_argument("--busy-threshold", type=float, default=0.05,
                        help="warn when other processes used more than this share of the CPUs")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--apus-bench", help="apus-bench binary (default: .build/release/apus-bench, built first)")
    parser.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    args = parser.parse_args()

    names = [x.strip() for x in args.datasets.split(",") if x.strip()]
    unknown = [x for x in names if x not in CONFIGS]
    if unknown:
        parser.error(f"unknown dataset(s) {', '.join(unknown)}; choose from {', '.join(CONFIGS)}")
    if args.repeat < 1 or args.threads < 1:
        parser.error("--repeat and --threads must be at least 1")
    for option in ("train_rows", "test_rows", "iterations"):
        if getattr(args, option) is not None and getattr(args, option) < 1:
            parser.error(f"--{option.replace('_', '-')} must be at least 1")
    args.shared = os.path.abspath(args.shared)

    def log(message):
        print(message, file=sys.stderr, flush=True)

    if args.apus_bench is None:
        if not args.no_build:
            subprocess.run(["swift", "build", "-c", "release", "--product", "apus-bench"], check=True, cwd=ROOT)
        args.apus_bench = os.path.join(ROOT, ".build", "release", "apus-bench")
    args.apus_bench = os.path.abspath(args.apus_bench)
    if not os.access(args.apus_bench, os.X_OK):
        sys.exit(f"no apus-bench at {args.apus_bench} (build it, or pass --apus-bench)")
    timer = gnu_time()

    before = quiet_check()
    reports = []
    for name in names:
        generator, train_rows, test_rows, target, task, iterations, leaves = CONFIGS[name]
        if args.quick:
            train_rows, test_rows = QUICK_ROWS
        train_rows = args.train_rows or train_rows
        test_rows = args.test_rows or test_rows
        iterations = args.iterations or iterations
        config = (generator, train_rows, test_rows, target, task, iterations, leaves)
        reports.append(bench_config(name, config, args, timer, log))

    versions = {lib: next((r["results"][lib].get("version") for r in reports if r["results"][lib].get("version")), None)
                for lib in ("lightgbm", "xgboost")}
    print(f"## GBDT benchmark: Apus {git_commit()} against LightGBM {versions['lightgbm']} and XGBoost "
          f"{versions['xgboost']}\n")
    print(f"{datetime.date.today().isoformat()}, {NCPU} CPUs, Python {platform.python_version()}; peak memory by "
          f"{'/usr/bin/time -v' if timer else 'getrusage(RUSAGE_CHILDREN) in a wrapper'} (maximum resident set "
          f"size of a process that trained and predicted once); other processes used {fmt(before, '.0%', '?')} of "
          f"the CPUs in the 2 s before the runs." + (" **--quick: smoke test, not a benchmark.**" if args.quick else ""))
    for report in reports:
        print_report(report, args.busy_threshold)

    if len(reports) > 1:
        print("\n### Goals\n")
        print("| goal | " + " | ".join(r["config"] for r in reports) + " |")
        print("|---|" + "---|" * len(reports))
        rows = {}
        for column, report in enumerate(reports):
            for goal, verdict, _ in goals(report):
                key = "loss within 0.5% of LightGBM" if "within 0.5%" in goal else goal
                rows.setdefault(key, ["—"] * len(reports))[column] = verdict
        for goal, verdicts in rows.items():
            print(f"| {goal} | " + " | ".join(verdicts) + " |")
    busiest = max((r["max_other_cpu"] for r in reports if r["max_other_cpu"] is not None), default=None)
    if (before is not None and before > args.busy_threshold) or (busiest is not None and busiest > args.busy_threshold):
        print(f"\n**WARNING: the machine was busy** (other processes: {fmt(before, '.0%', '?')} of the CPUs before "
              f"the runs, up to {fmt(busiest, '.0%', '?')} during them). The timings and the train/predict goals "
              f"are not reliable; rerun on a quiet machine.")

    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump({"date": datetime.datetime.now().isoformat(timespec="seconds"), "commit": git_commit(),
                       "cpus": NCPU, "python": platform.python_version(), "quick": args.quick,
                       "threads": args.threads, "repeat": args.repeat, "other_cpu_before": before,
                       "peak_memory_by": "/usr/bin/time -v" if timer else "getrusage wrapper",
                       "apus_bench": args.apus_bench, "configs": reports}, f, indent=1)
        log(f"raw results: {args.json}")


if __name__ == "__main__":
    main()
