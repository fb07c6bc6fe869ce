#!/usr/bin/env python3
"""Model serving: Apus's `apus serve` against the Python anchor (FastAPI + uvicorn +
LightGBM, ../shared/bench/serve_anchor.py, 2 workers) on the same machine, in the same
run, with the same request bodies and the same load generator (wrk + post.lua).

    python3 bench/serve_bench.py [--duration 10] [--connections 50] [--repeat 1] [--quick]
        [--models credit,higgs] [--rows 200000] [--warmup 2] [--wrk-threads 2]
        [--batch-delays-ms 1,0.5] [--max-batch-size 16] [--hot-swap-seconds 30] [--swaps 20]
        [--servers apus,anchor] [--apus PATH] [--no-build] [--out bench/results/serve-DATE]

Needs wrk (Debian: apt-get install wrk) and the anchor's packages
(pip install lightgbm pandas numpy fastapi "uvicorn[standard]").

What it does:
 1. Data: the train files of gbdt_bench.py (bench/data/{credit,higgs}-200k.csv, seed 1, by
    ../shared/bench/datasets.py; generated unless present). Every column but the target is
    a feature on both sides. Models: the anchor's LightGBM model
    (serve_anchor.py --train ... --rounds 100 --leaves 31), and Apus's
    (apus train ... --param num_iterations=100 --param num_leaves=31 --param learning_rate=0.1
    and gbdt_bench.py's other LightGBM defaults, spelled out) registered as NAME@champion
    (version 1) in a fresh store (APUS_STORE=bench/data/serve-store, deleted first and
    afterwards), plus version 2 (num_leaves=15) for the hot swap. Bodies: serve_anchor.py
    --make-bodies (the first 1 and 100 rows, target left out), the same files for both.
 2. Servers: `apus serve NAME@champion --port P` (release build) until GET /v2/health/ready
    answers 200; `serve_anchor.py --model M.txt --workers 2 --port Q` until GET /health does.
    Each gets its own session (process group); both are stopped at the end, on Ctrl-C and on
    errors. A warm-up request per server and body checks the status (200) and the number of
    predictions, and compares Apus's probabilities with the anchor's.
 3. Load: per model, body (1 and 100 rows) and repeat, Apus then the anchor (never both
    under load at once): wrk for --warmup s, then
    `wrk -tT -cC -dDs --timeout Ws --latency -s post.lua URL -- BODY`. Requests/s, p50/p99
    (wrk's --latency distribution), non-2xx responses and socket errors come from wrk;
    CPU per request is the CPU time (utime+stime, /proc/PID/stat) of every process in the
    server's session (Apus: one process; the anchor: uvicorn's supervisor and its workers)
    during the timed run, over the requests. With --repeat R the runs interleave (Apus,
    anchor, Apus, anchor, ...) and the table gives medians.
 4. Adaptive batching: Apus on the 1-row body with --max-batch-size 16 and each
    --max-batch-delay-ms of --batch-delays-ms, against its unbatched run.
 5. Hot swap: a fresh Apus server on the --hot-swap-model's 1-row body for
    --hot-swap-seconds while a thread runs `apus models alias NAME@champion V --reason ...`
    --swaps times (versions 2, 1, 2, ..., evenly spaced but each at least two poll periods
    after the previous command finished; each a separate process); the server polls the
    alias every third of the spacing (--hot-swap-poll-ms), and a client sends one request
    every 50 ms to see which version answers. Reports wrk's non-2xx and socket errors
    (goal: none), apus_model_swaps_total from GET /metrics (expected: --swaps) and the
    server log's "alias moved" lines.
 6. Writes the Markdown report (printed too) and the raw results as JSON to
    --out (default bench/results/serve-DATE.md/.json; --quick adds -quick).

Machine quietness: load average and other_cpu (share of all CPUs used by other processes,
benchmachine.py) for 2 s before and after; for each timed run, other_cpu excludes the
server's, wrk's and the swap commands' own CPU time. wrk runs on the same machine as the
servers and takes CPU from them: compare only within one run, on a quiet machine.

--quick is a smoke test of the runner (10,000 data rows, 2 s runs, 1 s warm-up, 5 s hot
swap): its figures mean nothing.
"""
import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from benchmachine import NCPU, TICK, children_cpu_s, fmt, git_commit, machine_busy_s, other_cpu, quiet_check
from gbdt_bench import DATA, FIXED_PARAMS, LEARNING_RATE, MAX_BIN, ROOT, size_name

# name: (generator, target) -- the configurations of the issue: credit and the higgs 100-tree model.
MODELS = {"credit": ("credit", "default"), "higgs": ("higgs", "label")}
ITERATIONS, LEAVES, SWAP_LEAVES = 100, 31, 15
BODY_ROWS = (1, 100)
ANCHOR_PACKAGES = ("fastapi", "uvicorn", "lightgbm", "pandas", "numpy", "pydantic", "uvloop", "httptools")
GOAL_ONE_ROW_SPEEDUP, GOAL_P99_MS, GOAL_ROWS_SPEEDUP = 15.0, 10.0, 10.0


def log(message):
    print(message, file=sys.stderr, flush=True)


def rel(path):
    return os.path.relpath(path, ROOT) if os.path.isabs(path) and path.startswith(ROOT) else path


def oneline(text, limit=300):
    """An error message fit for one Markdown table cell or list item."""
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def show(command):
    return " ".join(rel(c) for c in command)


def on_signal(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


# --------------------------------------------------------------------------- processes

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_stat(pid):
    """(session id, CPU seconds incl. reaped children) of a process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()
    # fields[0] is field 3 (state): session is field 6, utime..cstime fields 14..17.
    return int(fields[3]), sum(int(x) for x in fields[11:15]) / TICK


def session_cpu_s(sid):
    """CPU seconds of every live process in session `sid` (a server and all its children)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = proc_stat(int(entry))
            if stat is not None and stat[0] == sid:
                total += stat[1]
    return total


def session_pids(sid):
    return [int(e) for e in os.listdir("/proc") if e.isdigit() and (proc_stat(int(e)) or (None,))[0] == sid]


def http(method, url, body=None, timeout=10.0):
    """(status, bytes) of one request; status 0 with the error text when it could not be made."""
    request = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": "application/json"} if body is not None else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, OSError) as error:
        return 0, str(error).encode()


LIVE_SERVERS = []


class Server:
    """A server in its own session, its output in log files, stopped by process group."""

    def __init__(self, kind, label, command, ready_path, predict_path, logs, env=None):
        self.kind, self.label, self.command = kind, label, command
        self.ready_path, self.predict_path = ready_path, predict_path
        self.port = int(command[command.index("--port") + 1])
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = self.base + predict_path
        self.env = env
        self.stdout_path = os.path.join(logs, f"{label}.stdout.log")
        self.stderr_path = os.path.join(logs, f"{label}.stderr.log")
        self.proc = None

    def start(self, timeout):
        log(f"  starting {self.label}: $ {show(self.command)}")
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(self.command, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                         env=self.env, cwd=os.path.dirname(self.stdout_path), start_new_session=True)
        LIVE_SERVERS.append(self)
        t0 = time.perf_counter()
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.label} exited with {self.proc.returncode} before it was ready:\n"
                                   + self.tail())
            status, _ = http("GET", self.base + self.ready_path, timeout=2.0)
            if status == 200:
                self.ready_s = round(time.perf_counter() - t0, 2)
                log(f"  {self.label} ready on port {self.port} after {self.ready_s} s (pid {self.proc.pid})")
                if self.kind == "anchor":
                    time.sleep(3)  # uvicorn's other workers may still be loading their model
                return
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError(f"{self.label} not ready after {timeout} s (last status {status}):\n" + self.tail())
            time.sleep(0.2)

    def cpu_s(self):
        return session_cpu_s(self.proc.pid)

    def exited(self):
        """None while the server runs, else what happened (with its log's end)."""
        if self.proc is None or self.proc.poll() is None:
            return None
        return f"{self.label} exited with {self.proc.returncode} during the runs: {self.tail(600)}"

    def tail(self, chars=1500):
        parts = []
        for path in (self.stdout_path, self.stderr_path):
            try:
                with open(path, "rb") as f:
                    f.seek(max(0, os.path.getsize(path) - chars))
                    text = f.read().decode(errors="replace").strip()
            except OSError:
                text = ""
            if text:
                parts.append(f"--- {rel(path)} ---\n{text}")
        return "\n".join(parts) or "(no output)"

    def stop(self, grace=15.0):
        if self.proc is None:
            return
        if self in LIVE_SERVERS:
            LIVE_SERVERS.remove(self)
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                log(f"  {self.label} still running {grace} s after SIGTERM: SIGKILL")
        # The supervisor may be gone while workers of its group linger: kill what is left.
        for pid in session_pids(self.proc.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.returncode = self.proc.returncode
        log(f"  stopped {self.label} (exit {self.returncode})")


def stop_all():
    for server in list(LIVE_SERVERS):
        try:
            server.stop()
        except Exception as error:  # keep stopping the others
            log(f"  could not stop {server.label}: {error}")


# --------------------------------------------------------------------------- wrk

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(text):
    """wrk's report -> requests, seconds, requests_per_s, latency percentiles (ms), errors."""
    out = {}
    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h)", text)
    if not m:
        return None
    out["requests"] = int(m.group(1))
    out["seconds"] = float(m.group(2)) * UNIT_MS[m.group(3)] / 1000.0
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    out["requests_per_s"] = float(m.group(1)) if m else out["requests"] / out["seconds"]
    out["latency_ms"] = {p: round(float(v) * UNIT_MS[u], 4)
                         for p, v, u in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m|h)\s*$", text, re.M)}
    m = re.search(r"^\s+Latency\s+([\d.]+)(us|ms|s|m|h)\s+[\d.]+\w+\s+([\d.]+)(us|ms|s|m|h)", text, re.M)
    if m:
        out["latency_ms"]["mean"] = round(float(m.group(1)) * UNIT_MS[m.group(2)], 4)
        out["latency_ms"]["max"] = round(float(m.group(3)) * UNIT_MS[m.group(4)], 4)
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    out["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["socket_errors"] = dict(zip(("connect", "read", "write", "timeout"), map(int, m.groups()))) if m else \
        {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    return out


def self_cpu_s():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def wrk_command(args, url, body, seconds, latency=True):
    command = ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{seconds}s",
               "--timeout", f"{args.wrk_timeout}s"]
    if latency:
        command.append("--latency")
    return command + ["-s", args.post_lua, url, "--", body]


def run_wrk(args, server, body, seconds, warmup=True, during=None):
    """One timed wrk run against `server` (after a warm-up), with the server's CPU time.
    `during(t0)` is called in a thread once wrk starts (the hot swap); it returns nothing and
    its own subprocesses' CPU is counted as ours, not as other processes'."""
    if warmup and args.warmup > 0:
        subprocess.run(wrk_command(args, server.url, body, args.warmup, latency=False), capture_output=True, text=True)
    command = wrk_command(args, server.url, body, seconds)
    own0, cpu0, busy0, t0 = children_cpu_s() + self_cpu_s(), server.cpu_s(), machine_busy_s(), time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        helper = None
        if during is not None:
            helper = threading.Thread(target=during, args=(t0,), daemon=True)
            helper.start()
        stdout, stderr = proc.communicate()
        if helper is not None:
            helper.join()
    except BaseException:  # Ctrl-C: no wrk left behind
        proc.kill()
        proc.wait()
        raise
    wall = time.perf_counter() - t0
    server_cpu = server.cpu_s() - cpu0
    own = children_cpu_s() + self_cpu_s() - own0
    busy1 = machine_busy_s()
    parsed = parse_wrk(stdout)
    died = server.exited()
    result = {"command": show(command), "returncode": proc.returncode, "wall_s": round(wall, 3),
              "server_cpu_s": round(server_cpu, 3), "runner_cpu_s": round(own, 3),
              "other_cpu": other_cpu(busy0, busy1, own + server_cpu, wall), "load_avg_1m": os.getloadavg()[0]}
    if died:
        result["error"] = died
        result["stdout"] = stdout
        return result
    if parsed is None or proc.returncode != 0:
        result["error"] = f"wrk exit {proc.returncode}: {(stderr or stdout).strip()[-500:]}"
        result["stdout"] = stdout
        return result
    result.update(parsed)
    result["stdout"] = stdout
    result["cpu_ms_per_request"] = server_cpu * 1000.0 / parsed["requests"] if parsed["requests"] else None
    return result


# --------------------------------------------------------------------------- data and models

def train_file(generator, rows, shared):
    """gbdt_bench.py's train file (seed 1), generated unless present."""
    os.makedirs(DATA, exist_ok=True)
    path = os.path.join(DATA, f"{generator}-{size_name(rows)}.csv")
    if not os.path.exists(path):
        log(f"generating {rel(path)}")
        subprocess.run([sys.executable, os.path.join(shared, "bench", "datasets.py"), generator, "--rows", str(rows),
                        "--seed", "1", "--out", path + ".tmp"], check=True)
        os.replace(path + ".tmp", path)
    return path


def run(command, env=None, what=""):
    log(f"  $ {show(command)}")
    proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"{what or command[0]} failed (exit {proc.returncode}):\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    return proc


def prepare_model(name, args, env, work):
    """Data, both models (Apus versions 1 and 2) and the request bodies of one configuration."""
    generator, target = MODELS[name]
    data = train_file(generator, args.rows, args.shared)
    with open(data) as f:
        header = f.readline().strip().split(",")
    features = [c for c in header if c != target]
    folder = os.path.join(work, name)
    os.makedirs(folder, exist_ok=True)
    anchor_model = os.path.join(folder, f"{name}-lightgbm.txt")
    proc = run([sys.executable, args.anchor, "--train", data, "--target", target, "--model", anchor_model,
                "--rounds", str(ITERATIONS), "--leaves", str(LEAVES), "--lr", str(LEARNING_RATE),
                "--max-bin", str(MAX_BIN)], what="anchor training")
    anchor_train = json.loads(proc.stdout.strip().splitlines()[-1])
    apus_train = []
    for leaves, extra in ((LEAVES, ["--alias", "champion"]), (SWAP_LEAVES, ["--register"])) if "apus" in args.servers else ():
        params = {"num_iterations": ITERATIONS, "num_leaves": leaves, "learning_rate": LEARNING_RATE,
                  "max_bin": MAX_BIN, **FIXED_PARAMS}
        command = [args.apus, "train", data, "--target", target, "--task", "binary", "--name", name] + extra + \
            ["--reason", "serve bench"]
        for key, value in params.items():
            command += ["--param", f"{key}={value}"]
        proc = run(command, env=env, what="apus train")
        m = re.search(r"registered \S+/(\d+)", proc.stdout)
        n = re.search(r"× (\d+) features", proc.stdout)
        apus_train.append({"leaves": leaves, "version": int(m.group(1)) if m else None,
                           "features": int(n.group(1)) if n else None, "stdout": proc.stdout.strip()})
    if apus_train and [t["version"] for t in apus_train] != [1, 2]:
        raise RuntimeError(f"expected {name} versions 1 and 2 in a fresh store, got {[t['version'] for t in apus_train]}")
    counts = [(anchor_train.get("features"), "the anchor")] + [(t["features"], f"Apus (version {t['version']})")
                                                               for t in apus_train]
    for count, who in counts:
        if count != len(features):
            raise RuntimeError(f"{name}: {who} trained on {count} features, the file has {len(features)} besides "
                               f"{target}: the servers would not read the same columns")
    bodies_dir = os.path.join(folder, "bodies")
    run([sys.executable, args.anchor, "--make-bodies", data, "--target", target, "--out-dir", bodies_dir,
         "--rows", str(max(BODY_ROWS))], what="make bodies")
    bodies = {n: os.path.join(bodies_dir, f"body_{n}.json") for n in BODY_ROWS}
    return {"name": name, "generator": generator, "target": target, "data": rel(data), "rows": args.rows,
            "features": features, "anchor_model": anchor_model, "anchor_train": anchor_train,
            "apus_train": apus_train, "bodies": bodies}


# --------------------------------------------------------------------------- servers

def apus_server(args, model, env, logs, label, extra=()):
    command = [args.apus, "serve", f"{model['name']}@champion", "--port", str(free_port())] + list(extra) + \
        args.apus_serve_arg
    return Server("apus", label, command, "/v2/health/ready", f"/v1/models/{model['name']}@champion/predict",
                  logs, env=env)


def anchor_server(args, model, logs):
    command = [sys.executable, args.anchor, "--model", model["anchor_model"], "--workers", str(args.anchor_workers),
               "--port", str(free_port())]
    return Server("anchor", f"anchor-{model['name']}", command, "/health", "/predict", logs)


def schema_features(schema):
    """Every property name in a JSON Schema document (the model's input columns)."""
    names = set()

    def walk(node):
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                names.update(props)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(schema)
    return names


def check_apus_columns(server, model):
    """Bodies the Apus model reads entirely: columns it does not know are dropped from the
    bodies of BOTH servers (Apus refuses unknown fields with 400). Returns the dropped names."""
    status, raw = http("GET", f"{server.base}/v1/models/{model['name']}@champion/schema")
    if status != 200:
        log(f"  ! GET schema: {status} {raw[:200]!r}; body columns not checked against it")
        return None
    known = schema_features(json.loads(raw))
    extra = [c for c in model["features"] if c not in known]
    if extra:
        log(f"  ! {model['name']}: Apus's model does not read {extra}: writing bodies without them for both servers")
        for n, path in list(model["bodies"].items()):
            with open(path) as f:
                body = json.load(f)
            body["rows"] = [{k: v for k, v in row.items() if k not in extra} for row in body["rows"]]
            reduced = path.replace(".json", "-reduced.json")
            with open(reduced, "w") as f:
                json.dump(body, f, separators=(",", ":"))
            model["bodies"][n] = reduced
    return extra


def predictions_of(raw):
    values = json.loads(raw).get("predictions")
    out = []
    for v in values or []:
        if isinstance(v, list):
            v = v[-1] if v else None
        elif isinstance(v, dict):
            v = v.get("probability", v.get("score", v.get("value")))
        out.append(float(v) if v is not None else None)
    return out


def warm_check(server, body_path, rows):
    """One request: status 200 and `rows` predictions, else an error string."""
    with open(body_path, "rb") as f:
        body = f.read()
    status, raw = http("POST", server.url, body, timeout=30)
    if status != 200:
        return None, f"{server.label}: POST {server.predict_path} with {os.path.basename(body_path)} -> {status}: " \
                     f"{raw[:300].decode(errors='replace')}"
    try:
        predictions = predictions_of(raw)
    except (ValueError, TypeError, AttributeError) as error:
        return None, f"{server.label}: unreadable answer ({error}): {raw[:300]!r}"
    if len(predictions) != rows:
        return None, f"{server.label}: {len(predictions)} predictions for {rows} rows: {raw[:300]!r}"
    return {"predictions": predictions, "answer": json.loads(raw)}, None


def metrics_text(server):
    status, raw = http("GET", server.base + "/metrics")
    return raw.decode(errors="replace") if status == 200 else None


def metric_sum(text, name):
    """Sum of a Prometheus metric's samples over all its labels; None if absent."""
    if text is None:
        return None
    total, seen = 0.0, False
    for line in text.splitlines():
        if line.startswith(name) and (len(line) == len(name) or line[len(name)] in " {"):
            try:
                total += float(line.rsplit(None, 1)[1])
                seen = True
            except (ValueError, IndexError):
                pass
    return total if seen else None


def metric_lines(text, name):
    return [line for line in (text or "").splitlines() if line.startswith(name)]


# --------------------------------------------------------------------------- phases

def summary(runs):
    """Medians over repeats of the figures of the table."""
    good = [r for r in runs if "error" not in r]
    if not good:
        return {"error": "; ".join(r.get("error", "?") for r in runs) or "no runs"}

    def med(f):
        values = [f(r) for r in good if f(r) is not None]
        return statistics.median(values) if values else None
    return {"requests_per_s": med(lambda r: r["requests_per_s"]),
            "p50_ms": med(lambda r: r["latency_ms"].get("50")), "p99_ms": med(lambda r: r["latency_ms"].get("99")),
            "cpu_ms_per_request": med(lambda r: r["cpu_ms_per_request"]),
            "non_2xx": sum(r["non_2xx"] for r in good),
            "socket_errors": sum(sum(r["socket_errors"].values()) for r in good),
            "requests": sum(r["requests"] for r in good), "runs": len(good), "failed_runs": len(runs) - len(good),
            "other_cpu_max": max((r["other_cpu"] for r in good if r["other_cpu"] is not None), default=None)}


def bench_model(model, args, env, logs, results):
    """Apus and the anchor on one model: both bodies, --repeat times, interleaved."""
    servers = {}
    try:
        for kind in args.servers:
            server = apus_server(args, model, env, logs, f"apus-{model['name']}") if kind == "apus" \
                else anchor_server(args, model, logs)
            server.start(args.apus_ready_timeout if kind == "apus" else args.anchor_ready_timeout)
            servers[kind] = server
        if "apus" in servers:
            model["apus_unread_columns"] = check_apus_columns(servers["apus"], model)
        checks = {}
        for rows in BODY_ROWS:
            for kind, server in servers.items():
                answer, error = warm_check(server, model["bodies"][rows], rows)
                checks[(kind, rows)] = (answer, error)
                if error:
                    log(f"  ! {error}")
        if "apus" in servers and "anchor" in servers:
            a, b = checks[("apus", max(BODY_ROWS))][0], checks[("anchor", max(BODY_ROWS))][0]
            if a and b:
                diffs = [abs(x - y) for x, y in zip(a["predictions"], b["predictions"]) if x is not None and y is not None]
                model["max_abs_prediction_diff"] = max(diffs) if diffs else None
                log(f"  {model['name']}: largest |Apus - LightGBM| probability on the {max(BODY_ROWS)}-row body: "
                    f"{fmt(model['max_abs_prediction_diff'], '.4f')}")
        for rows in BODY_ROWS:
            runs = {kind: [] for kind in servers}
            for repeat in range(args.repeat):
                for kind, server in servers.items():
                    error = checks[(kind, rows)][1] or server.exited()
                    if error:
                        runs[kind].append({"error": error})
                        continue
                    log(f"  {model['name']}, {rows}-row body, {kind}, run {repeat + 1}/{args.repeat}")
                    result = run_wrk(args, server, model["bodies"][rows], args.duration)
                    log("    " + brief(result))
                    runs[kind].append(result)
            for kind in servers:
                results.append({"phase": "compare", "model": model["name"], "rows": rows, "server": kind,
                                "variant": "unbatched" if kind == "apus" else f"{args.anchor_workers} workers",
                                "summary": summary(runs[kind]), "runs": runs[kind]})
        if "apus" in servers:
            model["apus_metrics_end"] = metrics_text(servers["apus"])
    finally:
        for server in servers.values():
            server.stop()
    model["server_ready_s"] = {kind: getattr(s, "ready_s", None) for kind, s in servers.items()}


def brief(result):
    if "error" in result:
        return "error: " + result["error"]
    return (f"{result['requests_per_s']:,.0f} req/s, p50 {fmt(result['latency_ms'].get('50'), '.2f')} ms, "
            f"p99 {fmt(result['latency_ms'].get('99'), '.2f')} ms, CPU {fmt(result['cpu_ms_per_request'], '.3f')} "
            f"ms/req, non-2xx {result['non_2xx']}, socket errors {sum(result['socket_errors'].values())}, "
            f"other_cpu {fmt(result['other_cpu'], '.0%')}")


def bench_batching(model, args, env, logs, results):
    for delay in args.batch_delays_ms:
        extra = ["--max-batch-size", str(args.max_batch_size), "--max-batch-delay-ms", f"{delay:g}"]
        server = apus_server(args, model, env, logs, f"apus-{model['name']}-batch{args.max_batch_size}-{delay:g}ms", extra)
        runs = []
        try:
            server.start(args.apus_ready_timeout)
            _, error = warm_check(server, model["bodies"][1], 1)
            for repeat in range(args.repeat):
                error = error or server.exited()
                if error:
                    log(f"  ! {error}")
                    runs.append({"error": error})
                    continue
                log(f"  {model['name']}, 1-row body, apus batching {args.max_batch_size} / {delay:g} ms, "
                    f"run {repeat + 1}/{args.repeat}")
                result = run_wrk(args, server, model["bodies"][1], args.duration)
                log("    " + brief(result))
                runs.append(result)
            metrics = metrics_text(server)
        finally:
            server.stop()
        results.append({"phase": "batching", "model": model["name"], "rows": 1, "server": "apus",
                        "variant": f"batch ≤{args.max_batch_size}, ≤{delay:g} ms", "max_batch_size": args.max_batch_size,
                        "max_batch_delay_ms": delay, "summary": summary(runs), "runs": runs,
                        "batch_metrics": [l for l in (metrics or "").splitlines() if "batch" in l and not l.startswith("#")]})


def bench_hot_swap(model, args, env, logs):
    """Apus under load on the 1-row body while another process moves the alias --swaps times."""
    seconds, swaps = args.hot_swap_seconds, args.swaps
    interval = seconds / (swaps + 1)
    poll_ms = args.hot_swap_poll_ms or max(50, min(1000, int(interval * 1000 / 3)))
    extra = ["--alias-poll-ms", str(poll_ms)]
    server = apus_server(args, model, env, logs, f"apus-{model['name']}-hotswap", extra)
    name, moves, seen = model["name"], [], []
    stop_polling = threading.Event()
    with open(model["bodies"][1], "rb") as f:
        one_row = f.read()

    def poll():  # a light client watching which version answers
        while not stop_polling.is_set():
            t = time.perf_counter()
            status, raw = http("POST", server.url, one_row, timeout=10)
            version = None
            if status == 200:
                try:
                    version = json.loads(raw).get("version")
                except ValueError:
                    pass
            seen.append((round(t - t_poll0, 3), status, version))
            stop_polling.wait(max(0.0, 0.05 - (time.perf_counter() - t)))

    def swap(t0):
        done = None
        for i in range(swaps):
            target_version = 2 if i % 2 == 0 else 1
            # Evenly spaced, but never sooner than two poll periods after the previous move
            # finished: a slow command (the store busy) must not make the next state too short to see.
            start = t0 + (i + 1) * interval
            if done is not None:
                start = max(start, done + 2 * poll_ms / 1000)
            delay = start - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            command = [args.apus, "models", "alias", f"{name}@champion", str(target_version),
                       "--reason", f"serve bench hot swap {i + 1}/{swaps}"]
            start = time.perf_counter()
            proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
            done = time.perf_counter()
            moves.append({"at_s": round(start - t0, 3), "version": target_version, "returncode": proc.returncode,
                          "took_s": round(done - start, 3), "output": (proc.stdout + proc.stderr).strip()[-300:]})

    result = {"model": name, "seconds": seconds, "swaps_requested": swaps, "interval_s": round(interval, 3),
              "alias_poll_ms": poll_ms}
    try:
        server.start(args.apus_ready_timeout)
        _, error = warm_check(server, model["bodies"][1], 1)
        if error:
            result["error"] = error
            return result
        swaps_before = metric_sum(metrics_text(server), "apus_model_swaps_total")
        log(f"  hot swap: {name}, 1-row body, {seconds} s, {swaps} alias moves every {interval:.2f} s "
            f"(server polls every {poll_ms} ms)")
        if args.warmup > 0:
            subprocess.run(wrk_command(args, server.url, model["bodies"][1], args.warmup, latency=False),
                           capture_output=True)
        t_poll0 = time.perf_counter()
        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        try:
            run_result = run_wrk(args, server, model["bodies"][1], seconds, warmup=False, during=swap)
        finally:
            stop_polling.set()
            poller.join(timeout=15)
        time.sleep(max(1.0, 2 * poll_ms / 1000))  # let the last move be followed
        metrics = metrics_text(server)
        final_status, final_raw = http("POST", server.url, one_row)
        try:
            final_version = json.loads(final_raw).get("version") if final_status == 200 else None
        except ValueError:
            final_version = None
        log("    " + brief(run_result))
        versions = [v for _, s, v in seen if s == 200]
        transitions = sum(1 for a, b in zip(versions, versions[1:]) if a != b)
        with open(server.stderr_path, "rb") as f:
            moved_lines = sum(1 for line in f if b"alias moved" in line)
        # A state shorter than one poll period may never be seen: two such moves cancel out.
        done = [m["at_s"] + m["took_s"] for m in moves]
        lasted = [round(b - a, 3) for a, b in zip(done, done[1:])]
        result.update({"wrk": run_result, "moves": moves, "shortest_state_s": min(lasted, default=None),
                       "moves_during_load": sum(1 for t in done if t <= run_result.get("seconds", seconds)),
                       "states_shorter_than_poll": sum(1 for t in lasted if t < poll_ms / 1000), "moves_ok": sum(1 for m in moves if m["returncode"] == 0),
                       "swaps_total_before": swaps_before,
                       "swaps_total": metric_sum(metrics, "apus_model_swaps_total"),
                       "swaps_metric_lines": metric_lines(metrics, "apus_model_swaps_total"),
                       "alias_moved_log_lines": moved_lines, "final_version": final_version,
                       "expected_final_version": 2 if swaps % 2 else 1,
                       "poll_requests": len(seen), "poll_non_200": sum(1 for _, s, _ in seen if s != 200),
                       "poll_statuses": sorted({s for _, s, _ in seen}), "poll_version_transitions": transitions,
                       "poll_versions_seen": sorted({v for v in versions if v is not None}),
                       "log_dropped": metric_sum(metrics, "apus_prediction_log_dropped_total")})
    finally:
        stop_polling.set()
        server.stop()
    return result


# --------------------------------------------------------------------------- report

def write_results(prefix, text, doc, logs):
    """Writes PREFIX.md (the report) and PREFIX.json (the whole run) and says where."""
    os.makedirs(os.path.dirname(os.path.abspath(prefix)), exist_ok=True)
    with open(prefix + ".md", "w") as f:
        f.write(text)
    with open(prefix + ".json", "w") as f:
        json.dump(doc, f, indent=1, default=str)
    log(f"written: {rel(prefix + '.md')}, {rel(prefix + '.json')}; server logs in {rel(logs)}")


def ratio(a, b):
    return a / b if a is not None and b else None


def x(value):
    return fmt(value, ".2f") + "×" if value is not None else "—"


def find(results, phase, model, rows, server, variant=None):
    for r in results:
        if r["phase"] == phase and r["model"] == model and r["rows"] == rows and r["server"] == server and \
                (variant is None or r["variant"] == variant):
            return r["summary"]
    return None


def cells(s, rows):
    if s is None or "error" in s:
        return ["error: " + oneline((s or {}).get("error", "not run"), 160)] + [""] * 6
    return [f"{s['requests_per_s']:,.0f}", f"{s['requests_per_s'] * rows:,.0f}", fmt(s["p50_ms"], ".2f"),
            fmt(s["p99_ms"], ".2f"), fmt(s["cpu_ms_per_request"], ".3f"), str(s["non_2xx"]), str(s["socket_errors"])]


def report(doc):
    args = doc["settings"]
    out = []
    p = out.append
    quick = " **--quick: a smoke test of the runner, not a benchmark.**" if args["quick"] else ""
    p(f"## Serving benchmark: Apus {doc['commit']} against FastAPI + uvicorn + LightGBM\n")
    m = doc["machine"]
    def load(values):
        return " / ".join(f"{v:.2f}" for v in values)
    p(f"{doc['date']}, {m['cpus']} CPUs ({m['cpu_model']}), Python {m['python']}; load average (1 / 5 / 15 min) "
      f"{load(m['load_before'])} before, {load(m['load_after'])} after; other processes used "
      f"{fmt(m['other_cpu_before'], '.0%', '?')} "
      f"of the CPUs in the 2 s before the runs and {fmt(m['other_cpu_after'], '.0%', '?')} in the 2 s after.{quick}\n")
    v = doc["versions"]
    use_apus = "apus" in args["servers"]
    p("Anchor: `serve_anchor.py --workers {}` with {}.".format(
        args["anchor_workers"], ", ".join(f"{k} {v[k]}" for k in ANCHOR_PACKAGES if v.get(k))) +
      (" Apus: `apus serve NAME@champion` (release build{}), {}.".format(
          ", " + v["swift"] if v.get("swift") else "",
          "extra options " + " ".join(f"`{a}`" for a in args["apus_serve_arg"]) if args["apus_serve_arg"]
          else "default options (prediction log on, no batching)") if use_apus else " Apus not run."))
    p(f"Load: {v.get('wrk') or 'wrk'}, `-t{args['wrk_threads']} -c{args['connections']} -d{args['duration']}s "
      f"--timeout {args['wrk_timeout']}s --latency -s post.lua`, after a {args['warmup']} s warm-up, on the same machine "
      f"(it takes CPU from the server); one server under load at a time; "
      f"{'medians of ' + str(args['repeat']) + ' interleaved runs' if args['repeat'] > 1 else 'one run each'}.")
    for model in doc["models"]:
        p(f"Model `{model['name']}`: trained on {model['rows']:,} rows of `{model['data']}`, "
          f"{len(model['features'])} features, target `{model['target']}`, {ITERATIONS} trees of {LEAVES} leaves "
          f"(learning rate {LEARNING_RATE})" + (
              f"; Apus's version 2 for the hot swap: {SWAP_LEAVES} leaves; largest |Apus − LightGBM| probability on "
              f"the {max(BODY_ROWS)}-row body: {fmt(model.get('max_abs_prediction_diff'), '.4f')}"
              + (f"; columns Apus does not read, left out of both servers' bodies: {model['apus_unread_columns']}"
                 if model.get("apus_unread_columns") else "") if use_apus else "") + ".")
    p("")
    p("| model | body rows | server | requests/s | rows/s | p50 ms | p99 ms | CPU ms/request | non-2xx | socket errors "
      "| requests/s: Apus ÷ anchor | p99: anchor ÷ Apus | CPU/request: anchor ÷ Apus |")
    p("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    results = doc["results"]
    for model in doc["models"]:
        for rows in BODY_ROWS:
            apus = find(results, "compare", model["name"], rows, "apus")
            anchor = find(results, "compare", model["name"], rows, "anchor")
            for kind, s in (("apus", apus), ("anchor", anchor)):
                if kind not in args["servers"]:
                    continue
                ratios = ["", "", ""]
                if kind == "apus" and apus and anchor and "error" not in apus and "error" not in anchor:
                    ratios = [x(ratio(apus["requests_per_s"], anchor["requests_per_s"])),
                              x(ratio(anchor["p99_ms"], apus["p99_ms"])),
                              x(ratio(anchor["cpu_ms_per_request"], apus["cpu_ms_per_request"]))]
                label = "Apus" if kind == "apus" else f"anchor ({args['anchor_workers']} workers)"
                p(f"| {model['name']} | {rows} | {label} | " + " | ".join(cells(s, rows) + ratios) + " |")
    p("")
    p("Goals (issue #5): **at least 15× the anchor's one-row throughput with p99 under 10 ms; at least 10× its "
      "rows/s on 100-row bodies.**\n")
    for goal in doc["goals"]:
        p(f"- **{goal['verdict']}** {goal['goal']}: {goal['detail']}")
    batching = [r for r in results if r["phase"] == "batching"]
    if batching:
        p("\n### Adaptive batching (Apus, one-row body)\n")
        p("| model | batching | requests/s | p50 ms | p99 ms | CPU ms/request | non-2xx | socket errors "
          "| requests/s ÷ unbatched | p99 ÷ unbatched |")
        p("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for model in doc["models"]:
            base = find(results, "compare", model["name"], 1, "apus")
            rows_here = [("off", base)] + [(r["variant"], r["summary"]) for r in batching if r["model"] == model["name"]]
            for variant, s in rows_here:
                c = cells(s, 1)
                del c[1]  # rows/s equals requests/s here
                rr = ["", ""]
                if variant != "off" and s and base and "error" not in s and "error" not in base:
                    rr = [x(ratio(s["requests_per_s"], base["requests_per_s"])), x(ratio(s["p99_ms"], base["p99_ms"]))]
                p(f"| {model['name']} | {variant} | " + " | ".join(c + rr) + " |")
        if doc.get("batching_verdicts"):
            p("")
        for line in doc.get("batching_verdicts", []):
            p(f"- {line}")
    hs = doc.get("hot_swap")
    if hs:
        p(f"\n### Hot swap under load (Apus, `{hs['model']}`, one-row body)\n")
        if "error" in hs:
            p(f"error: {oneline(hs['error'])}")
        else:
            w = hs["wrk"]
            if "error" in w:
                p(f"wrk error: {oneline(w['error'])}")
            else:
                p(f"{hs['seconds']} s of wrk (`-c{args['connections']}`) while another process ran "
                  f"`apus models alias {hs['model']}@champion V --reason ...` {hs['swaps_requested']} times "
                  f"(V = 2, 1, 2, ..., every {hs['interval_s']} s and at least two poll periods after the previous "
                  f"one finished; {hs['moves_ok']} exited 0, {hs['moves_during_load']} finished while wrk ran); the "
                  f"server polled the alias every {hs['alias_poll_ms']} ms.\n")
                p(f"- requests: {w['requests']:,} ({w['requests_per_s']:,.0f}/s), p50 "
                  f"{fmt(w['latency_ms'].get('50'), '.2f')} ms, p99 {fmt(w['latency_ms'].get('99'), '.2f')} ms, max "
                  f"{fmt(w['latency_ms'].get('max'), '.2f')} ms")
                p(f"- **non-2xx responses: {w['non_2xx']}** (goal 0); socket errors: "
                  + ", ".join(f"{k} {n}" for k, n in w["socket_errors"].items()))
                p(f"- `apus_model_swaps_total` at the end: {fmt(hs['swaps_total'], '.0f', 'absent')} (before the load: "
                  f"{fmt(hs['swaps_total_before'], '.0f', 'absent')}; expected {hs['swaps_requested']}); "
                  f"\"alias moved\" lines in the server's log: {hs['alias_moved_log_lines']}; alias commands "
                  f"took {min(m['took_s'] for m in hs['moves']):.2f}–{max(m['took_s'] for m in hs['moves']):.2f} s; "
                  f"{hs['states_shorter_than_poll']} of the {len(hs['moves']) - 1} intermediate states lasted less "
                  f"than one poll period (shortest {fmt(hs['shortest_state_s'], '.3f')} s) and may go unseen")
                p(f"- a client polling every 50 ms during the load: {hs['poll_requests']} requests, "
                  f"{hs['poll_non_200']} not 200 (statuses {hs['poll_statuses']}), saw versions "
                  f"{hs['poll_versions_seen']} and {hs['poll_version_transitions']} changes of version; the version "
                  f"answering at the end: {hs['final_version']} (expected {hs['expected_final_version']})")
    if doc["warnings"]:
        p("\n### Warnings\n")
        for warning in doc["warnings"]:
            p(f"- **{warning}**")
    return "\n".join(out) + "\n"


def goals(doc):
    out = []
    results = doc["results"]
    for model in doc["models"]:
        apus = find(results, "compare", model["name"], 1, "apus")
        anchor = find(results, "compare", model["name"], 1, "anchor")
        if apus and anchor and "error" not in apus and "error" not in anchor:
            speed = ratio(apus["requests_per_s"], anchor["requests_per_s"])
            ok = speed is not None and speed >= GOAL_ONE_ROW_SPEEDUP and apus["p99_ms"] is not None and \
                apus["p99_ms"] < GOAL_P99_MS and apus["non_2xx"] == 0
            out.append({"goal": f"{model['name']}, one row: ≥ {GOAL_ONE_ROW_SPEEDUP:g}× the anchor's requests/s with "
                                f"p99 < {GOAL_P99_MS:g} ms", "verdict": "PASS" if ok else "FAIL",
                        "detail": f"{x(speed)} ({apus['requests_per_s']:,.0f} vs {anchor['requests_per_s']:,.0f} "
                                  f"requests/s), Apus p99 {fmt(apus['p99_ms'], '.2f')} ms"})
        else:
            out.append({"goal": f"{model['name']}, one row", "verdict": "n/a", "detail": "a side did not run"})
        rows = max(BODY_ROWS)
        apus = find(results, "compare", model["name"], rows, "apus")
        anchor = find(results, "compare", model["name"], rows, "anchor")
        if apus and anchor and "error" not in apus and "error" not in anchor:
            speed = ratio(apus["requests_per_s"], anchor["requests_per_s"])
            ok = speed is not None and speed >= GOAL_ROWS_SPEEDUP and apus["non_2xx"] == 0
            out.append({"goal": f"{model['name']}, {rows}-row bodies: ≥ {GOAL_ROWS_SPEEDUP:g}× the anchor's rows/s",
                        "verdict": "PASS" if ok else "FAIL",
                        "detail": f"{x(speed)} ({apus['requests_per_s'] * rows:,.0f} vs "
                                  f"{anchor['requests_per_s'] * rows:,.0f} rows/s)"})
        else:
            out.append({"goal": f"{model['name']}, {rows}-row bodies", "verdict": "n/a", "detail": "a side did not run"})
    hs = doc.get("hot_swap")
    if hs and "error" not in hs and "error" not in hs.get("wrk", {}):
        w = hs["wrk"]
        errors = sum(w["socket_errors"].values())
        out.append({"goal": f"hot swap: no failed request during {hs['swaps_requested']} alias moves under load",
                    "verdict": "PASS" if w["non_2xx"] == 0 and errors == 0 and hs["poll_non_200"] == 0 else "FAIL",
                    "detail": f"{w['non_2xx']} non-2xx, {errors} socket errors, {hs['poll_non_200']} failed polls; "
                              f"apus_model_swaps_total {fmt(hs['swaps_total'], '.0f', 'absent')} of "
                              f"{hs['swaps_requested']}"})
    return out


def batching_verdicts(doc):
    lines = []
    for model in doc["models"]:
        base = find(doc["results"], "compare", model["name"], 1, "apus")
        for r in doc["results"]:
            if r["phase"] != "batching" or r["model"] != model["name"]:
                continue
            s = r["summary"]
            if not base or "error" in base or "error" in s:
                continue
            faster = s["requests_per_s"] > base["requests_per_s"]
            lower = s["p99_ms"] <= base["p99_ms"]
            lines.append(f"{model['name']}, {r['variant']}: throughput {x(ratio(s['requests_per_s'], base['requests_per_s']))} "
                         f"of unbatched ({'higher' if faster else 'not higher'}), p99 {fmt(s['p99_ms'], '.2f')} against "
                         f"{fmt(base['p99_ms'], '.2f')} ms ({'not raised' if lower else 'raised'})")
    return lines


def versions():
    out = {}
    for package in ANCHOR_PACKAGES:
        try:
            out[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            out[package] = None
    for key, command in (("wrk", ["wrk", "-v"]), ("swift", ["swift", "--version"])):
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=60)
            text = (proc.stdout + proc.stderr).strip().splitlines()
            out[key] = re.sub(r"\s*Copyright.*", "", text[0]).strip() if text else None
        except (OSError, subprocess.TimeoutExpired):
            out[key] = None
    return out


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


# --------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, help="seconds of each timed wrk run (default 10; --quick 2)")
    parser.add_argument("--connections", type=int, default=50, help="wrk -c")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk -t")
    parser.add_argument("--wrk-timeout", type=int, default=5, help="wrk --timeout, seconds")
    parser.add_argument("--warmup", type=int, help="seconds of wrk before each timed run (default 2; --quick 1)")
    parser.add_argument("--repeat", type=int, default=1, help="interleaved runs per server (medians reported)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 10,000 rows, 2 s runs, 5 s hot swap")
    parser.add_argument("--models", default=",".join(MODELS), help="comma list from: " + ", ".join(MODELS))
    parser.add_argument("--rows", type=int, help="data rows to train on (default 200,000; --quick 10,000)")
    parser.add_argument("--servers", default="apus,anchor", help="comma list: apus, anchor (both for ratios)")
    parser.add_argument("--anchor-workers", type=int, default=2)
    parser.add_argument("--max-batch-size", type=int, default=16)
    parser.add_argument("--batch-delays-ms", default="1,0.5",
                        help="comma list of --max-batch-delay-ms values to try (empty: no batching runs)")
    parser.add_argument("--hot-swap-seconds", type=int, help="default 30; --quick 5; 0 skips the hot swap")
    parser.add_argument("--hot-swap-model", default="credit")
    parser.add_argument("--swaps", type=int, default=20, help="alias moves during the hot swap")
    parser.add_argument("--hot-swap-poll-ms", type=int,
                        help="the hot-swap server's --alias-poll-ms (default: a third of the swap interval, 50..1000)")
    parser.add_argument("--apus-serve-arg", action="append", default=[],
                        help="an extra option for every apus serve (repeatable; e.g. --apus-serve-arg=--log-queue=0)")
    parser.add_argument("--apus", help="apus binary (default .build/release/apus, built first)")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--store", default=os.path.join(DATA, "serve-store"), help="APUS_STORE (deleted first and after)")
    parser.add_argument("--keep-store", action="store_true")
    parser.add_argument("--out", help="write OUT.md and OUT.json (default bench/results/serve-DATE[-quick])")
    parser.add_argument("--busy-threshold", type=float, default=0.05)
    parser.add_argument("--apus-ready-timeout", type=float, default=60)
    parser.add_argument("--anchor-ready-timeout", type=float, default=120)
    parser.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    args = parser.parse_args()

    args.duration = args.duration or (2 if args.quick else 10)
    args.warmup = args.warmup if args.warmup is not None else (1 if args.quick else 2)
    args.rows = args.rows or (10_000 if args.quick else 200_000)
    if args.hot_swap_seconds is None:
        args.hot_swap_seconds = 5 if args.quick else 30
    args.models = [m.strip() for m in args.models.split(",") if m.strip()]
    args.servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    args.batch_delays_ms = [float(d) for d in args.batch_delays_ms.split(",") if d.strip()]
    if args.hot_swap_seconds > 0 and args.swaps < 1:
        parser.error("--swaps must be at least 1 (or --hot-swap-seconds 0)")
    if any(m not in MODELS for m in args.models):
        parser.error(f"--models: choose from {', '.join(MODELS)}")
    if not args.servers or any(s not in ("apus", "anchor") for s in args.servers):
        parser.error("--servers: apus, anchor or both")
    if args.repeat < 1 or args.connections < args.wrk_threads or args.duration <= 0 or args.rows < max(BODY_ROWS):
        parser.error("--repeat >= 1, --connections >= --wrk-threads, --duration > 0, --rows >= 100")
    args.shared = os.path.abspath(args.shared)
    args.anchor = os.path.join(args.shared, "bench", "serve_anchor.py")
    args.post_lua = os.path.join(args.shared, "bench", "post.lua")
    for path in (args.anchor, args.post_lua):
        if not os.path.isfile(path):
            sys.exit(f"missing {path} (--shared points at the shared folder)")
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install wrk")
    use_apus = "apus" in args.servers
    if args.apus is None:
        if use_apus and not args.no_build:
            log("$ swift build -c release --product apus")
            subprocess.run(["swift", "build", "-c", "release", "--product", "apus"], check=True, cwd=ROOT)
        args.apus = os.path.join(ROOT, ".build", "release", "apus")
    args.apus = os.path.abspath(args.apus)
    if use_apus:
        if not os.access(args.apus, os.X_OK):
            sys.exit(f"no apus at {args.apus} (build it, or pass --apus)")
        probe = subprocess.run([args.apus, "serve", "--help"], capture_output=True, text=True)
        if probe.returncode != 0:
            sys.exit(f"{args.apus} has no `serve` command yet (use --servers anchor to run the anchor alone)")

    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in the background
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    date = datetime.date.today().isoformat()
    prefix = args.out or os.path.join(ROOT, "bench", "results", f"serve-{date}" + ("-quick" if args.quick else ""))
    work = os.path.join(DATA, "serve")
    logs = os.path.join(work, "logs")
    os.makedirs(logs, exist_ok=True)
    store = os.path.abspath(args.store)
    env = dict(os.environ, APUS_STORE=store)
    doc = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "commit": git_commit(),
           "settings": {k: v for k, v in vars(args).items()}, "models": [], "results": [], "warnings": []}
    status = 0
    try:
        shutil.rmtree(store, ignore_errors=True)
        log("machine check (2 s)...")
        doc["machine"] = {"cpus": NCPU, "cpu_model": cpu_model(), "python": platform.python_version(),
                          "load_before": [round(v, 2) for v in os.getloadavg()], "other_cpu_before": quiet_check()}
        doc["versions"] = versions()
        for name in args.models:
            log(f"{name}: data and models")
            doc["models"].append(prepare_model(name, args, env, work))
        for model in doc["models"]:
            log(f"{model['name']}: Apus against the anchor")
            bench_model(model, args, env, logs, doc["results"])
            if use_apus and args.batch_delays_ms:
                log(f"{model['name']}: adaptive batching")
                bench_batching(model, args, env, logs, doc["results"])
        if use_apus and args.hot_swap_seconds > 0:
            model = next((m for m in doc["models"] if m["name"] == args.hot_swap_model), None)
            if model is None:
                doc["warnings"].append(f"hot swap skipped: --hot-swap-model {args.hot_swap_model} not in --models")
            else:
                log(f"{model['name']}: hot swap under load")
                doc["hot_swap"] = bench_hot_swap(model, args, env, logs)
    except KeyboardInterrupt:
        log("interrupted: stopping the servers")
        status = 130
    except Exception as error:
        log(f"error: {error}")
        doc["error"] = str(error)
        status = 1
    finally:
        stop_all()
        if not args.keep_store:
            shutil.rmtree(store, ignore_errors=True)
    if status == 130:
        sys.exit(status)
    if "machine" not in doc:
        sys.exit(status or 1)

    doc["machine"]["load_after"] = [round(v, 2) for v in os.getloadavg()]
    doc["machine"]["other_cpu_after"] = quiet_check()
    doc["goals"] = goals(doc)
    doc["batching_verdicts"] = batching_verdicts(doc)
    warnings = doc["warnings"]
    if "error" in doc:
        warnings.append(f"the run stopped early: {oneline(doc['error'])} (server logs in {rel(logs)})")
    busy = [r.get("other_cpu") for res in doc["results"] for r in res["runs"] if r.get("other_cpu") is not None]
    hs = doc.get("hot_swap") or {}
    if hs.get("wrk", {}).get("other_cpu") is not None:
        busy.append(hs["wrk"]["other_cpu"])
    busiest = max(busy, default=None)
    before, after = doc["machine"]["other_cpu_before"], doc["machine"]["other_cpu_after"]
    if any(v is not None and v > args.busy_threshold for v in (busiest, before, after)):
        warnings.append(f"machine busy: other processes used {fmt(before, '.0%', '?')} of the CPUs before the runs, "
                        f"up to {fmt(busiest, '.0%', '?')} during them and {fmt(after, '.0%', '?')} after; "
                        f"the figures are not to be trusted, rerun on a quiet machine")
    for res in doc["results"]:
        s = res["summary"]
        if "error" in s:
            warnings.append(f"{res['model']}, {res['rows']} rows, {res['server']} {res['variant']}: {oneline(s['error'])}")
        elif s["non_2xx"] or s["socket_errors"]:
            warnings.append(f"{res['model']}, {res['rows']} rows, {res['server']} {res['variant']}: {s['non_2xx']} "
                            f"non-2xx responses and {s['socket_errors']} socket errors (see the JSON): requests failed")
    if hs and hs.get("swaps_total") is not None and hs["swaps_total"] != hs["swaps_requested"]:
        warnings.append(f"hot swap: apus_model_swaps_total is {hs['swaps_total']:.0f}, not {hs['swaps_requested']}")
    if hs and "moves" in hs and hs["moves_during_load"] < len(hs["moves"]):
        warnings.append(f"hot swap: only {hs['moves_during_load']} of the {len(hs['moves'])} alias moves finished while "
                        f"wrk ran (slow alias commands delayed the rest)")
    if hs and "moves" in hs and hs["moves_ok"] != hs["swaps_requested"]:
        bad = next(m for m in hs["moves"] if m["returncode"] != 0)
        warnings.append(f"hot swap: {hs['swaps_requested'] - hs['moves_ok']} alias commands failed, e.g. {oneline(bad['output'])}")

    text = report(doc)
    print(text)
    write_results(prefix, text, doc, logs)
    sys.exit(status)


if __name__ == "__main__":
    main()
