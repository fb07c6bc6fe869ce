#!/usr/bin/env python3
"""Experiment-tracking store: Apus's SQLiteStore against MLflow's own tracking store on
SQLite (MlflowClient with a sqlite:/// URI), the same workload through each one's API, each
in a fresh process.

    python3 bench/store_bench.py [--runs 10000] [--metrics 50] [--params 30] [--repeat 5]
        [--rounds 1] [--mlflow-budget 300] [--no-mlflow] [--no-build] [--apus-bench PATH]
        [--dir PATH] [--out bench/results/store-DATE]

Workload (both sides, the same values: a SplitMix64 stream seeded with each run's number):
each run records ~30 parameters (`num_leaves` cycles 15/31/63/127/255, `learning_rate`
0.01..0.2), 3 tags and 50 final metrics (`auc` uniform in [0.5, 1), so `auc > 0.9` holds
for a fifth of the runs) in three calls:
    Apus    startRun(params, tags) ; logMetrics(50 metrics) ; finishRun(finished, RunCost)
    MLflow  create_run(tags)       ; log_batch(params + 50 metrics) ; set_terminated(FINISHED)
then each operation --repeat times (median, ms):
    list_newest_50          runs(RunQuery())                    search_runs(max_results=50)
    filter_metric_50        metrics.auc > 0.9, limit 50
    filter_metric_param_50  metrics.auc > 0.9 and params.num_leaves = '31', limit 50
    order_auc_desc_50       order by metrics.auc descending, limit 50
    list_1000               newest 1000
    get_run                 run(id)                             get_run(id)
    compare_2               two runs in full + the history of one metric (get_metric_history)
    count_filter_10000      metrics.auc > 0.9 with limit 10000, counted
MLflow's search_runs returns each run with its parameters; Apus's listings leave them out
(run(id) has them).

MLflow's recording is slow: the worker records 500 runs, estimates the rate, and records
at most what fits in --mlflow-budget seconds (default 300; it also stops at 1.5x the
budget). When it records fewer than --runs, Apus is measured again at MLflow's size, so
the table compares equal store sizes, and the Apus run at --runs is reported beside it.

--rounds R repeats the whole sequence (Apus, MLflow, Apus at MLflow's size if smaller) R
times, each a fresh store; later rounds record as many MLflow runs as the first. The table
gives the median over the rounds of each round's median, with the range when R > 1.

Machine quietness: other_cpu is the share of all CPUs used by other processes during each
child (from /proc/stat, less the child's own CPU time), and for 2 s before the runs.

Needs `pip install mlflow-skinny sqlalchemy alembic` for the MLflow side (--no-mlflow
skips it).
"""
import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPERATIONS = [
    ("list_newest_50", "list newest 50"),
    ("filter_metric_50", "filter `metrics.auc > 0.9`, limit 50"),
    ("filter_metric_param_50", "filter `metrics.auc > 0.9 and params.num_leaves = '31'`, limit 50"),
    ("order_auc_desc_50", "order by `metrics.auc` desc, limit 50"),
    ("list_1000", "list newest 1000"),
    ("get_run", "get one run in full"),
    ("compare_2", "compare: 2 runs in full + 1 metric history"),
    ("count_filter_10000", "count `metrics.auc > 0.9` (limit 10000)"),
]
LISTINGS = {"list_newest_50", "filter_metric_50", "filter_metric_param_50", "order_auc_desc_50", "list_1000",
            "count_filter_10000"}
GOAL_MS = 100.0

# --------------------------------------------------------------------------- the workload (as StoreBench.swift)

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = (seed * 0x9E3779B97F4A7C15 + 0x12345678) & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def unit(self):
        return (self.next() >> 11) / 9007199254740992.0


COMMON_METRICS = ["auc", "logloss", "accuracy", "precision", "recall", "f1", "rmse", "mae", "r2", "mape",
                  "valid_auc", "valid_logloss", "train_auc", "train_logloss", "brier", "ks", "gini", "pr_auc",
                  "balanced_accuracy", "mcc"]


def metric_names(count):
    return [COMMON_METRICS[i] if i < len(COMMON_METRICS) else f"metric_{i}" for i in range(count)]


def metric_value(name, random):
    u = random.unit()
    if name == "auc":
        return 0.5 + 0.5 * u
    if name in ("logloss", "rmse", "mae"):
        return 0.1 + u
    return u


def parameters(index, count, random):
    leaves, rates = [15, 31, 63, 127, 255], ["0.01", "0.03", "0.05", "0.1", "0.2"]
    named = [
        ("num_leaves", str(leaves[index % 5])),
        ("learning_rate", rates[(index // 5) % 5]),
        ("num_iterations", str(100 * (1 + int(random.unit() * 10)))),
        ("min_data_in_leaf", str(5 * (1 + int(random.unit() * 10)))),
        ("feature_fraction", repr(0.5 + float(int(random.unit() * 6)) / 10)),
        ("bagging_fraction", repr(0.5 + float(int(random.unit() * 6)) / 10)),
        ("lambda_l2", repr(float(int(random.unit() * 100)) / 10)),
        ("seed", str(index)),
        ("max_bin", "255"), ("max_depth", "-1"), ("lambda_l1", "0"), ("bagging_freq", "0"),
        ("min_sum_hessian_in_leaf", "0.001"), ("objective", "binary"), ("metric", "auc"), ("boosting", "gbdt"),
        ("num_threads", "2"), ("early_stopping_round", "0"), ("min_gain_to_split", "0"), ("extra_trees", "false"),
        ("path_smooth", "0"), ("max_cat_to_onehot", "4"), ("cat_smooth", "10"), ("cat_l2", "10"),
        ("max_cat_threshold", "32"), ("target", "default"), ("task", "binary"), ("train_file", "data/credit-train.csv"),
        ("valid_file", "data/credit-valid.csv"), ("data_rows", "200000"),
    ]
    named = named[:count]
    out = dict(named)
    for number in range(len(named), max(count, len(named))):
        out[f"param_{number}"] = repr(random.unit())
    return out


def median(values):
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


# --------------------------------------------------------------------------- the MLflow worker (a child process)

def mlflow_worker(args):
    """Records runs in a new MLflow SQLite store and times the same operations; prints one JSON line."""
    import logging
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    import mlflow
    from mlflow.entities import Metric, Param
    from mlflow.tracking import MlflowClient

    def log(message):
        print(message, file=sys.stderr, flush=True)

    folder = tempfile.mkdtemp(prefix="mlflow-store-bench-", dir=args.dir)
    path = os.path.join(folder, "mlflow.db")
    try:
        t = time.perf_counter()
        client = MlflowClient(tracking_uri=f"sqlite:///{path}")
        experiment = client.create_experiment("bench", artifact_location=os.path.join(folder, "artifacts"))
        open_s = time.perf_counter() - t
        names = metric_names(args.metrics)
        ids = []
        create_s = batch_s = finish_s = 0.0
        plan, estimate = args.runs, None
        start = time.perf_counter()
        index = 0
        while index < plan:
            random = SplitMix64(index)
            params = parameters(index, args.params, random)
            values = [(name, metric_value(name, random)) for name in names]
            for _ in range(4):  # the RunCost draws of the Apus side, to keep the streams equal
                random.unit()
            stamp = int(time.time() * 1000)
            t0 = time.perf_counter()
            run = client.create_run(experiment, tags={"team": f"team-{index % 4}", "dataset": "credit",
                                                      "purpose": "bench"})
            run_id = run.info.run_id
            t1 = time.perf_counter()
            client.log_batch(run_id, metrics=[Metric(k, v, stamp, 0) for k, v in values],
                             params=[Param(k, v) for k, v in params.items()])
            t2 = time.perf_counter()
            client.set_terminated(run_id, "FINISHED")
            t3 = time.perf_counter()
            create_s += t1 - t0
            batch_s += t2 - t1
            finish_s += t3 - t2
            ids.append(run_id)
            index += 1
            elapsed = time.perf_counter() - start
            if index == min(500, args.runs):
                rate = index / elapsed
                estimate = args.runs / rate
                if args.budget:
                    plan = min(args.runs, max(index, int(rate * args.budget) // 500 * 500))
                log(f"  mlflow: {index} runs in {elapsed:.1f} s ({rate:.1f} runs/s): {args.runs:,} would take "
                    f"~{estimate:.0f} s; recording {plan:,}" + (f" (budget {args.budget:.0f} s)" if args.budget else ""))
            elif args.budget and elapsed > 1.5 * args.budget:
                log(f"  mlflow: stopped at {index} runs after {elapsed:.0f} s (1.5x the budget)")
                break
            elif index % 1000 == 0:
                log(f"  mlflow: {index} runs, {elapsed:.0f} s")
        record_s = time.perf_counter() - start
        n = len(ids)

        middle, other = ids[n // 2], ids[n // 3]
        exps = [experiment]
        auc, both = "metrics.auc > 0.9", "metrics.auc > 0.9 and params.num_leaves = '31'"

        def compare():
            a, b = client.get_run(middle), client.get_run(other)
            history = client.get_metric_history(middle, "auc")
            return len(a.data.metrics) + len(b.data.metrics) + len(history)

        def full():
            r = client.get_run(middle)
            return len(r.data.params) + len(r.data.metrics) + len(r.data.tags)

        operations = {
            "list_newest_50": lambda: len(client.search_runs(exps, max_results=50)),
            "filter_metric_50": lambda: len(client.search_runs(exps, filter_string=auc, max_results=50)),
            "filter_metric_param_50": lambda: len(client.search_runs(exps, filter_string=both, max_results=50)),
            "order_auc_desc_50": lambda: len(client.search_runs(exps, order_by=["metrics.auc DESC"], max_results=50)),
            "list_1000": lambda: len(client.search_runs(exps, max_results=1000)),
            "get_run": full,
            "compare_2": compare,
            "count_filter_10000": lambda: len(client.search_runs(exps, filter_string=auc, max_results=10000)),
        }
        ops = {}
        for name, operation in operations.items():
            times, rows = [], 0
            for _ in range(args.repeat):
                t = time.perf_counter()
                rows = operation()
                times.append((time.perf_counter() - t) * 1000)
            ops[name] = {"median_ms": median(times), "ms_all": times, "rows": rows}
        auc_matches = len(client.search_runs(exps, filter_string=auc, max_results=50000))
        both_matches = len(client.search_runs(exps, filter_string=both, max_results=50000))
        best = client.search_runs(exps, order_by=["metrics.auc DESC"], max_results=1)[0].data.metrics["auc"]
        db_bytes = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)
                       if f.startswith("mlflow.db"))
        print(json.dumps({
            "tool": "mlflow", "version": mlflow.__version__, "runs": n, "requested_runs": args.runs,
            "estimated_s_for_requested": estimate, "metrics": args.metrics, "params": args.params, "tags": 3,
            "repeat": args.repeat, "open_s": open_s, "record_s": record_s, "runs_per_s": n / record_s,
            "start_s": create_s, "log_s": batch_s, "finish_s": finish_s, "ops": ops,
            "auc_gt_0.9": auc_matches, "auc_gt_0.9_leaves_31": both_matches, "best_auc": best,
            "db_mb": db_bytes / 1e6, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    finally:
        subprocess.run(["rm", "-rf", folder])


# --------------------------------------------------------------------------- the runner

from benchmachine import NCPU, children_cpu_s, fmt, git_commit, machine_busy_s, other_cpu, quiet_check


def measured(command, log):
    """Runs `command`; returns its last JSON line with wall_s, cpu_s and other_cpu added."""
    log("  $ " + " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in command))
    cpu0, busy0, t0 = children_cpu_s(), machine_busy_s(), time.perf_counter()
    proc = subprocess.run(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    seconds = time.perf_counter() - t0
    own = children_cpu_s() - cpu0
    line = None
    for text in proc.stdout.splitlines():
        if text.strip().startswith("{"):
            try:
                line = json.loads(text)
            except json.JSONDecodeError:
                pass
    if proc.returncode != 0 or line is None:
        sys.exit(f"failed (exit {proc.returncode}): {' '.join(command)}\n{proc.stdout[-2000:]}")
    line.update({"wall_s": round(seconds, 2), "cpu_s": round(own, 2), "load_avg_1m": os.getloadavg()[0],
                 "other_cpu": other_cpu(busy0, machine_busy_s(), own, seconds), "command": command})
    return line


def combined(rounds):
    """One result from several rounds' results of one side: medians, with every round's value kept."""
    if not rounds:
        return None
    out = dict(rounds[0])
    for key in ("record_s", "runs_per_s", "db_mb"):
        out[key] = median([r[key] for r in rounds])
    out["ops"] = {}
    for op in rounds[0]["ops"]:
        values = [r["ops"][op]["median_ms"] for r in rounds]
        out["ops"][op] = {"median_ms": median(values), "round_medians_ms": values, "rows": rounds[0]["ops"][op]["rows"]}
    return out


def cell(entry, spec=".1f"):
    values = entry.get("round_medians_ms", [])
    text = format(entry["median_ms"], spec)
    if len(values) > 1:
        text += f" ({min(values):{spec}}–{max(values):{spec}})"
    return text


def table(apus, mlflow):
    """Markdown rows: operation, Apus ms, MLflow ms, MLflow / Apus, goal."""
    lines = ["| operation | Apus ms | MLflow ms | MLflow / Apus | Apus < 100 ms |", "|---|---:|---:|---:|---|"]
    for key, label in OPERATIONS:
        a = apus["ops"][key]["median_ms"]
        m = mlflow["ops"][key]["median_ms"] if mlflow else None
        goal = ("met" if a < GOAL_MS else "**not met**") if key in LISTINGS else ""
        lines.append(f"| {label} ({apus['ops'][key]['rows']:,} rows) | {cell(apus['ops'][key])} | "
                     f"{cell(mlflow['ops'][key]) if mlflow else '—'} | "
                     f"{fmt(m / a if m is not None else None, '.1f')}{'×' if m is not None else ''} | {goal} |")
    rate_m = mlflow["runs_per_s"] if mlflow else None
    lines.append(f"| record: runs/s (3 calls a run) | {apus['runs_per_s']:.0f} | {fmt(rate_m, '.0f')} | "
                 f"{fmt(apus['runs_per_s'] / rate_m if rate_m else None, '.1f')}{'× (Apus/MLflow)' if rate_m else ''} | |")
    lines.append(f"| record: total s | {apus['record_s']:.1f} | {fmt(mlflow['record_s'] if mlflow else None, '.1f')} | | |")
    db_m = mlflow["db_mb"] if mlflow else None
    lines.append(f"| database size MB | {apus['db_mb']:.1f} | {fmt(db_m, '.1f')} | "
                 f"{fmt(db_m / apus['db_mb'] if db_m else None, '.2f')}{'×' if db_m else ''} | |")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10000)
    parser.add_argument("--metrics", type=int, default=50)
    parser.add_argument("--params", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5, help="times each operation; the median is reported")
    parser.add_argument("--rounds", type=int, default=1, help="repeat the whole sequence, fresh stores each time")
    parser.add_argument("--mlflow-budget", dest="budget", type=float, default=300.0,
                        help="seconds of MLflow recording to aim for (0: no cap)")
    parser.add_argument("--no-mlflow", action="store_true", help="Apus alone")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--apus-bench", help="apus-bench binary (default: .build/release/apus-bench, built first)")
    parser.add_argument("--dir", default=None, help="where the stores' temporary folders go (default: the system's)")
    parser.add_argument("--out", help="write OUT.md and OUT.json (default: bench/results/store-DATE)")
    parser.add_argument("--mlflow-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.runs < 2 or args.repeat < 1 or args.metrics < 1 or args.params < 2 or args.rounds < 1:
        parser.error("--runs ≥ 2, --metrics ≥ 1, --params ≥ 2, --repeat ≥ 1, --rounds ≥ 1")
    if args.mlflow_worker:
        mlflow_worker(args)
        return

    def log(message):
        print(message, file=sys.stderr, flush=True)

    if args.apus_bench is None:
        if not args.no_build:
            subprocess.run(["swift", "build", "-c", "release", "--product", "apus-bench"], check=True, cwd=ROOT)
        args.apus_bench = os.path.join(ROOT, ".build", "release", "apus-bench")
    args.apus_bench = os.path.abspath(args.apus_bench)
    if not os.access(args.apus_bench, os.X_OK):
        sys.exit(f"no apus-bench at {args.apus_bench} (build it, or pass --apus-bench)")

    def apus(runs):
        command = [args.apus_bench, "store", "--runs", str(runs), "--metrics", str(args.metrics), "--params",
                   str(args.params), "--repeat", str(args.repeat)]
        return measured(command + (["--dir", args.dir] if args.dir else []), log)

    before, load_before = quiet_check(), os.getloadavg()
    rounds = []
    mlflow_runs = args.runs
    for number in range(1, args.rounds + 1):
        log(f"round {number} of {args.rounds}: Apus, {args.runs:,} runs")
        results = {"apus": apus(args.runs)}
        if not args.no_mlflow:
            budget = args.budget if number == 1 else 0.0
            log(f"round {number}: MLflow, {mlflow_runs:,} runs" + (f" at most (budget {budget:.0f} s)" if budget else ""))
            command = [sys.executable, os.path.abspath(__file__), "--mlflow-worker", "--runs", str(mlflow_runs),
                       "--metrics", str(args.metrics), "--params", str(args.params), "--repeat", str(args.repeat),
                       "--mlflow-budget", str(budget)] + (["--dir", args.dir] if args.dir else [])
            results["mlflow"] = measured(command, log)
            if number == 1:
                mlflow_runs = results["mlflow"]["runs"]
            if results["mlflow"]["runs"] < args.runs:
                log(f"round {number}: Apus again at MLflow's size, {results['mlflow']['runs']:,} runs")
                results["apus_equal"] = apus(results["mlflow"]["runs"])
        rounds.append(results)

    sides = {key: combined([r[key] for r in rounds if key in r]) for key in ("apus", "apus_equal", "mlflow")}
    big, mlflow = sides["apus"], sides["mlflow"]
    date = datetime.date.today().isoformat()
    out = []
    out.append(f"## Store benchmark: Apus {git_commit()}"
               + (f" against MLflow {mlflow['version']} (SQLite tracking store)" if mlflow else " (MLflow not run)") + "\n")
    busy = [r.get("other_cpu") for results in rounds for r in results.values()]
    out.append(f"{date}, {NCPU} CPUs, Python {platform.python_version()}; {args.metrics} metrics, {args.params} params "
               f"and 3 tags a run; each operation timed {args.repeat} times in each process, median in ms"
               + (f"; {args.rounds} rounds (fresh stores), median of the rounds' medians with their range"
                  if args.rounds > 1 else "")
               + f". Other processes used {fmt(before, '.0%', '?')} of the CPUs in the 2 s before the runs (load "
               f"average {load_before[0]:.2f}), and {', '.join(fmt(b, '.0%', '?') for b in busy)} during the "
               f"processes in turn.\n")
    for key in ("apus", "apus_equal", "mlflow"):
        for number, results in enumerate(rounds, 1):
            r = results.get(key)
            if r:
                out.append(f"- round {number}, {key}: {r['runs']:,} runs; `auc > 0.9` matches {r['auc_gt_0.9']:,}, "
                           f"with `num_leaves = '31'` {r['auc_gt_0.9_leaves_31']:,}; best auc {r['best_auc']:.6f}; "
                           f"recording {r['record_s']:.1f} s; {r['db_mb']:.1f} MB")
    out.append("")
    first = rounds[0].get("mlflow")
    if mlflow and mlflow["runs"] < args.runs:
        est = first.get("estimated_s_for_requested")
        out.append(f"MLflow recorded {mlflow['runs']:,} of {args.runs:,} runs in {first['record_s']:.0f} s (budget "
                   f"{args.budget:.0f} s; {args.runs:,} estimated at {fmt(est, '.0f')} s from its first 500). "
                   f"Equal store sizes, {mlflow['runs']:,} runs each:\n")
        out += table(sides["apus_equal"], mlflow)
        out.append(f"\nApus alone at {args.runs:,} runs:\n")
        out += table(big, None)
    else:
        if first:
            est = first.get("estimated_s_for_requested")
            out.append(f"MLflow's first 500 runs put {args.runs:,} at {fmt(est, '.0f')} s; it took "
                       f"{first['record_s']:.0f} s.\n")
        out.append(f"{big['runs']:,} runs each:\n" if mlflow else f"Apus, {big['runs']:,} runs:\n")
        out += table(big, mlflow)
    if mlflow:
        same = all(results[k]["auc_gt_0.9"] == results["mlflow"]["auc_gt_0.9"] and
                   results[k]["auc_gt_0.9_leaves_31"] == results["mlflow"]["auc_gt_0.9_leaves_31"]
                   for results in rounds for k in ("apus_equal" if "apus_equal" in results else "apus",))
        out.append("\nBoth stores hold the same values: " + ("the filters match the same number of runs." if same
                                                              else "**the filters' match counts differ (see above)**."))
    busiest = max((b or 0 for b in busy), default=0)
    if (before or 0) > 0.05 or busiest > 0.05:
        out.append(f"\n**The machine was busy** (other processes up to {busiest:.0%} of the CPUs): timings are "
                   f"not reliable to better than 20-30%.")
    text = "\n".join(out)
    print(text)
    prefix = args.out or os.path.join(ROOT, "bench", "results", f"store-{date}")
    os.makedirs(os.path.dirname(os.path.abspath(prefix)), exist_ok=True)
    with open(prefix + ".md", "w") as f:
        f.write(text + "\n")
    with open(prefix + ".json", "w") as f:
        json.dump({"date": datetime.datetime.now().isoformat(timespec="seconds"), "commit": git_commit(),
                   "cpus": NCPU, "python": platform.python_version(), "other_cpu_before": before,
                   "load_before": load_before, "args": {k: v for k, v in vars(args).items() if k != "mlflow_worker"},
                   "combined": sides, "rounds": rounds}, f, indent=1)
    log(f"wrote {os.path.relpath(prefix, ROOT)}.md and .json")


if __name__ == "__main__":
    main()
