#!/usr/bin/env python3
"""Agents over MCP: `apus mcp` against the Python anchor (the official MCP SDK's MCPServer +
LightGBM + shap, bench/mcp_anchor.py), over stdio and streamable HTTP, driven by the same
client (the official Python SDK's ClientSession) with the same rows, in the same run.

    python3 bench/mcp_bench.py [--calls 500] [--warmup 50] [--repeat 3] [--concurrency 8]
        [--concurrent-calls 200] [--transports stdio,http] [--servers apus,anchor] [--rows 200000]
        [--apus PATH] [--no-build] [--store bench/data/mcp-store] [--out bench/results/mcp-DATE] [--quick]

Needs the anchor's packages (pip install mcp lightgbm shap pandas numpy).

What it does:
 1. Data and models: bench/data/credit-200k.csv (seed 1, ../shared/bench/datasets.py; generated
    unless present). The anchor's LightGBM model (serve_anchor.py --train, 100 rounds, 31 leaves,
    learning rate 0.1, max_bin 255); Apus's (`apus train` with the same settings and
    gbdt_bench.py's other LightGBM defaults spelled out, as serve_bench.py) registered as
    credit@champion in a fresh store (APUS_STORE=--store, deleted first and afterwards).
    Rows: the first 100 rows of the train file without the target (empty -> null, numbers as
    numbers, other text as strings), the same for both servers.
 2. Servers: stdio: the client spawns `apus mcp credit@champion` or `python3 mcp_anchor.py
    --model M` (the SDK's stdio_client, which starts it in its own session); HTTP: `apus mcp
    --http --port P credit@champion` or `mcp_anchor.py --http --port P` (one uvicorn process),
    started here in their own session, ready when the port accepts connections.
 3. One ClientSession per server and transport: initialize, then for each call a warm-up of
    --warmup calls and --calls timed sequential calls:
      ping            the protocol's ping (no tool): the floor of a round trip (client, transport,
                      server dispatch)
      predict 1       predict with the first row        (Apus: ref credit@champion)
      predict 100     predict with the first 100 rows
      explain 1       explain of the first row, top_k 4 (Apus: ref credit@champion)
      anchor ping tool  (the anchor only) a tool that answers {"ok": true}: the floor of a tool
                      call through MCPServer (argument validation, worker thread, structured output)
    Per call: latency (median, p99) and calls/s (calls over the block's wall time). Server CPU:
    utime+stime (/proc/PID/stat) of every process in the server's session during the block,
    per call; client CPU: this process's (getrusage) per call (the client runs here). Peak RSS:
    the server's VmHWM after the sequential calls. Start-up: spawn to initialize answered, and
    the first tools/list and predict calls (Apus loads a model on its first use; the anchor at start).
 4. HTTP only: --concurrency sessions (each its own streamable_http_client and ClientSession,
    asyncio.gather in this one process) each make --concurrent-calls predict-1-row calls after a
    warm-up: aggregate calls/s, latency over all calls, server CPU per call.
 5. Checks: every answer must not be isError; Apus's and LightGBM's probabilities for the 100
    rows (different GBDT implementations trained on the same data: the largest difference is
    reported, not asserted); each side's SHAP values plus bias add up to its raw score.
 With --repeat R the blocks interleave (per repeat: stdio apus, stdio anchor, http apus, http
    anchor) and the table gives medians over the repeats of each block's figures.
 6. Writes the Markdown report (printed too) and the JSON to --out (default
    bench/results/mcp-DATE[-quick].{md,json}).

The client is Python: its own cost (pydantic models, JSON, anyio streams, httpx over HTTP) is
in every latency, on both sides; the ping rows show that floor. Client and server share the
machine's cores. Machine quietness: other_cpu (benchmachine.py) before, after and per block.

--quick is a smoke test (10,000 data rows, 20 calls, 1 repeat, 2 × 10 concurrent calls): its
figures mean nothing.
"""
import argparse
import asyncio
import contextlib
import csv
import datetime
import importlib.metadata
import json
import math
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

from benchmachine import NCPU, fmt, git_commit, machine_busy_s, other_cpu, quiet_check
from gbdt_bench import DATA, FIXED_PARAMS, LEARNING_RATE, MAX_BIN, ROOT
from serve_bench import cpu_model, free_port, log, oneline, rel, run, session_cpu_s, session_pids, show, train_file, write_results

NAME, GENERATOR, TARGET = "credit", "credit", "default"
ITERATIONS, LEAVES = 100, 31
REF = f"{NAME}@champion"
CALLS = ("ping", "predict 1", "predict 100", "explain 1", "anchor ping tool")
PACKAGES = ("mcp", "lightgbm", "shap", "pandas", "numpy", "pydantic", "uvicorn", "starlette", "httpx2", "anyio")


# --------------------------------------------------------------------------- data and models

def csv_value(text):
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return text


def first_rows(path, target, count):
    rows = []
    with open(path, newline="") as handle:
        for record in csv.DictReader(handle):
            rows.append({k: csv_value(v) for k, v in record.items() if k != target})
            if len(rows) == count:
                break
    return rows


def prepare(args, env, work):
    data = train_file(GENERATOR, args.rows, args.shared)
    os.makedirs(work, exist_ok=True)
    anchor_model = os.path.join(work, f"{NAME}-lightgbm.txt")
    proc = run([sys.executable, args.serve_anchor, "--train", data, "--target", TARGET, "--model", anchor_model,
                "--rounds", str(ITERATIONS), "--leaves", str(LEAVES), "--lr", str(LEARNING_RATE),
                "--max-bin", str(MAX_BIN)], what="anchor training")
    anchor_train = json.loads(proc.stdout.strip().splitlines()[-1])
    apus_train = None
    if "apus" in args.servers:
        params = {"num_iterations": ITERATIONS, "num_leaves": LEAVES, "learning_rate": LEARNING_RATE,
                  "max_bin": MAX_BIN, **FIXED_PARAMS}
        command = [args.apus, "train", data, "--target", TARGET, "--task", "binary", "--name", NAME,
                   "--alias", "champion", "--reason", "mcp bench"]
        for key, value in params.items():
            command += ["--param", f"{key}={value}"]
        apus_train = run(command, env=env, what="apus train").stdout.strip()
    rows = first_rows(data, TARGET, 100)
    return {"name": NAME, "data": rel(data), "rows": args.rows, "anchor_model": anchor_model,
            "anchor_train": anchor_train, "apus_train": apus_train, "features": list(rows[0]), "request_rows": rows}


# --------------------------------------------------------------------------- processes

def self_cpu_s():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def ppid_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
        return int(text[text.rfind(")") + 2:].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def stdio_server_pid():
    """The server the SDK's stdio_client spawned: our child leading its own session."""
    me = os.getpid()
    found = [int(e) for e in os.listdir("/proc") if e.isdigit() and ppid_of(int(e)) == me and session_pids(int(e))]
    return found[-1] if found else None


def peak_rss_mb(sid):
    """Sum of VmHWM (peak resident memory) over the processes of session `sid`."""
    total = 0
    for pid in session_pids(sid):
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1) if total else None


def stop_process(proc, grace=10.0):
    """SIGTERM to the process group we started, SIGKILL after `grace` s."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
    return proc.returncode


def wait_port(port, proc, timeout, label, err_path):
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"{label} exited with {proc.returncode}: {tail(err_path)}")
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{label} not listening on {port} after {timeout} s: {tail(err_path)}")


def tail(path, chars=1500):
    try:
        with open(path, "rb") as f:
            f.seek(max(0, os.path.getsize(path) - chars))
            return f.read().decode(errors="replace").strip() or "(no output)"
    except OSError:
        return "(no log)"


def server_command(kind, transport, args, model, port=None):
    if kind == "apus":
        command = [args.apus, "mcp"] + (["--http", "--port", str(port)] if transport == "http" else []) + [REF]
    else:
        command = [sys.executable, args.anchor, "--model", model["anchor_model"]] + \
            (["--http", "--port", str(port)] if transport == "http" else [])
    return command


# --------------------------------------------------------------------------- the client

def percentile(sorted_values, q):
    if not sorted_values:
        return None
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


def call_plan(kind, rows):
    """name -> an async function of the session making one call (None: not offered)."""
    ref = {"ref": REF} if kind == "apus" else {}

    def tool(name, arguments):
        async def call(session):
            result = await session.call_tool(name, arguments)
            if result.is_error:
                text = result.content[0].text if result.content else ""
                raise RuntimeError(f"{kind} {name} answered an error: {text[:300]}")
            return result
        return call

    async def ping(session):
        return await session.send_ping()

    return {"ping": ping,
            "predict 1": tool("predict", {**ref, "rows": rows[:1]}),
            "predict 100": tool("predict", {**ref, "rows": rows[:100]}),
            "explain 1": tool("explain", {**ref, "row": rows[0], "top_k": 4}),
            "anchor ping tool": tool("ping", {}) if kind == "anchor" else None}


async def timed_block(session, call, n, warmup, sid):
    for _ in range(warmup):
        await call(session)
    latencies = []
    own0, cpu0, busy0, t0 = self_cpu_s(), session_cpu_s(sid), machine_busy_s(), time.perf_counter()
    for _ in range(n):
        s = time.perf_counter()
        await call(session)
        latencies.append(time.perf_counter() - s)
    wall = time.perf_counter() - t0
    server_cpu, own = session_cpu_s(sid) - cpu0, self_cpu_s() - own0
    return block_result(latencies, wall, server_cpu, own, busy0, n)


def block_result(latencies, wall, server_cpu, own, busy0, n):
    latencies.sort()
    return {"calls": n, "wall_s": round(wall, 4), "calls_per_s": round(n / wall, 1),
            "median_ms": round(statistics.median(latencies) * 1000, 4), "p99_ms": round(percentile(latencies, 0.99) * 1000, 4),
            "max_ms": round(latencies[-1] * 1000, 4),
            "server_cpu_ms_per_call": round(server_cpu * 1000 / n, 4), "client_cpu_ms_per_call": round(own * 1000 / n, 4),
            "other_cpu": other_cpu(busy0, machine_busy_s(), server_cpu + own, wall)}


async def session_run(kind, transport, args, model, connect, sid_of, t_spawn):
    """One session: start-up, the checks' answers, every sequential block; returns the results."""
    from mcp import ClientSession
    out = {"blocks": {}}
    async with connect() as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            out["start_s"] = round(time.perf_counter() - t_spawn, 3)
            sid = sid_of()
            out["pid"] = sid
            plan = call_plan(kind, model["request_rows"])
            t0 = time.perf_counter()
            await session.list_tools()  # as an agent does first (the SDK also needs it to check answers)
            out["list_tools_ms"] = round((time.perf_counter() - t0) * 1000, 2)
            t0 = time.perf_counter()
            await plan["predict 1"](session)
            out["first_predict_ms"] = round((time.perf_counter() - t0) * 1000, 2)
            out["answers"] = {"predict 100": (await plan["predict 100"](session)).structured_content,
                              "explain 1": (await plan["explain 1"](session)).structured_content}
            for name in CALLS:
                if plan[name] is None:
                    continue
                out["blocks"][name] = await timed_block(session, plan[name], args.calls, args.warmup, sid)
                log(f"    {kind} {transport} {name}: {brief(out['blocks'][name])}")
            out["peak_rss_mb"] = peak_rss_mb(sid)
    return out


async def concurrent_run(kind, url, args, model, sid):
    """--concurrency sessions, each its own HTTP client, gathered: predict 1 row."""
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client
    call = call_plan(kind, model["request_rows"])["predict 1"]
    async with contextlib.AsyncExitStack() as stack:
        sessions = []
        for _ in range(args.concurrency):
            read, write = await stack.enter_async_context(streamable_http_client(url))
            session = await stack.enter_async_context(ClientSession(read, write))
            await session.initialize()
            sessions.append(session)

        async def loop(session, n, latencies):
            for _ in range(n):
                s = time.perf_counter()
                await call(session)
                latencies.append(time.perf_counter() - s)

        await asyncio.gather(*(loop(s, args.warmup, []) for s in sessions))
        latencies = []
        own0, cpu0, busy0, t0 = self_cpu_s(), session_cpu_s(sid), machine_busy_s(), time.perf_counter()
        await asyncio.gather(*(loop(s, args.concurrent_calls, latencies) for s in sessions))
        wall = time.perf_counter() - t0
        server_cpu, own = session_cpu_s(sid) - cpu0, self_cpu_s() - own0
        result = block_result(latencies, wall, server_cpu, own, busy0, len(latencies))
        result["sessions"] = args.concurrency
        result["peak_rss_mb"] = peak_rss_mb(sid)
    return result


def brief(r):
    return (f"median {r['median_ms']:.3f} ms, p99 {r['p99_ms']:.3f} ms, {r['calls_per_s']:,.0f} calls/s, server CPU "
            f"{r['server_cpu_ms_per_call']:.3f} ms/call, client CPU {r['client_cpu_ms_per_call']:.3f} ms/call, "
            f"other_cpu {fmt(r['other_cpu'], '.0%')}")


def run_server(kind, transport, args, model, env, logs, label):
    """Start-up, sequential blocks and (HTTP) the concurrent block of one server."""
    from mcp import StdioServerParameters
    from mcp.client.stdio import stdio_client
    from mcp.client.streamable_http import streamable_http_client
    err_path = os.path.join(logs, f"{label}.stderr.log")
    if transport == "stdio":
        command = server_command(kind, transport, args, model)
        log(f"  {label}: $ {show(command)}")
        with open(err_path, "w") as errlog:
            params = StdioServerParameters(command=command[0], args=command[1:], env=env, cwd=ROOT)
            t_spawn = time.perf_counter()
            result = asyncio.run(session_run(kind, transport, args, model, lambda: stdio_client(params, errlog=errlog),
                                             stdio_server_pid, t_spawn))
        result["command"] = show(command)
        return result
    port = free_port()
    command = server_command(kind, transport, args, model, port)
    log(f"  {label}: $ {show(command)}")
    out_path = os.path.join(logs, f"{label}.stdout.log")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t_spawn = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=ROOT,
                                start_new_session=True)
    try:
        wait_port(port, proc, args.ready_timeout, label, err_path)
        url = f"http://127.0.0.1:{port}/mcp"
        result = asyncio.run(session_run(kind, transport, args, model, lambda: streamable_http_client(url),
                                         lambda: proc.pid, t_spawn))
        if args.concurrency > 0:
            result["concurrent"] = asyncio.run(concurrent_run(kind, url, args, model, proc.pid))
            log(f"    {kind} http {args.concurrency} sessions predict 1: {brief(result['concurrent'])}")
        if proc.poll() is not None:
            raise RuntimeError(f"{label} exited with {proc.returncode}: {tail(err_path)}")
    finally:
        result_code = stop_process(proc)
    result["command"] = show(command)
    result["exit"] = result_code
    return result


# --------------------------------------------------------------------------- checks and report

def checks(doc):
    """Prediction agreement and SHAP additivity from each side's first answers."""
    out = {}
    for transport in doc["settings"]["transports"]:
        answers = {}
        for kind in doc["settings"]["servers"]:
            first = next((r for r in doc["runs"] if r["server"] == kind and r["transport"] == transport
                          and "answers" in r), None)
            if first:
                answers[kind] = first["answers"]
        entry = {}
        for kind, a in answers.items():
            e = a["explain 1"]
            entry[f"{kind}_shap_sum_error"] = abs(e["bias"] + sum(e["shap_values"].values()) - e["raw_score"])
            entry[f"{kind}_explain_prediction"] = e["prediction"]
        if "apus" in answers and "anchor" in answers:
            pa = [p["prediction"] for p in answers["apus"]["predict 100"]["predictions"]]
            pb = [p["prediction"] for p in answers["anchor"]["predict 100"]["predictions"]]
            diffs = [abs(x - y) for x, y in zip(pa, pb)]
            entry["rows_compared"] = len(diffs)
            entry["max_abs_probability_diff"] = max(diffs)
            entry["mean_abs_probability_diff"] = sum(diffs) / len(diffs)
            entry["same_label_share"] = sum((x >= 0.5) == (y >= 0.5) for x, y in zip(pa, pb)) / len(diffs)
        out[transport] = entry
    return out


def medians(doc):
    """(transport, call, server) -> median over repeats of each figure."""
    table = {}
    for run_ in doc["runs"]:
        if "error" in run_:
            continue
        blocks = dict(run_["blocks"])
        if "concurrent" in run_:
            blocks["concurrent"] = run_["concurrent"]
        for call, block in blocks.items():
            table.setdefault((run_["transport"], call, run_["server"]), []).append(block)
        for key in ("start_s", "list_tools_ms", "first_predict_ms", "peak_rss_mb"):
            table.setdefault((run_["transport"], key, run_["server"]), []).append({"value": run_.get(key)})
    out = {}
    for key, blocks in table.items():
        figures = {}
        for name in blocks[0]:
            values = [b[name] for b in blocks if isinstance(b.get(name), (int, float))]
            if values:
                figures[name] = statistics.median(values)
        figures["repeats"] = len(blocks)
        out[key] = figures
    return out


def ratio(a, b):
    return a / b if a and b else None


def x(value):
    return fmt(value, ".2f", "—") + ("×" if value is not None else "")


def report(doc):
    med = doc["medians"]
    s = doc["settings"]
    lines = [f"# MCP: `apus mcp` against the official Python SDK's MCPServer + LightGBM + shap ({doc['date'][:10]})", "",
             f"Commit {doc['commit']}; {doc['machine']['cpus']} CPUs ({doc['machine']['cpu_model']}); Python "
             f"{doc['machine']['python']}; " + ", ".join(f"{k} {v}" for k, v in doc["versions"].items() if v) + ".", "",
             f"Model: credit ({doc['model']['rows']:,} rows, {len(doc['model']['features'])} features, binary `{TARGET}`), "
             f"{ITERATIONS} trees of {LEAVES} leaves on each side. Client: the official Python SDK's ClientSession, one "
             f"session per server and transport, {s['calls']} timed sequential calls after {s['warmup']} warm-up calls; "
             f"{s['repeat']} interleaved repeat(s), medians. Speed-up = the anchor's figure over Apus's (above 1: Apus "
             f"is faster or uses less CPU).", "",
             "**The client is Python**: its own work (pydantic, JSON, anyio streams; httpx over HTTP) is in every "
             "latency on both sides, and it shares the 2 cores with the server. The `ping` rows (the protocol's ping, no "
             "tool) give the floor of a round trip through client and transport; `anchor ping tool` the floor of a "
             "tool call through MCPServer. Client CPU is this process's CPU per call.", ""]
    lines += ["| transport | call | Apus median ms | Apus p99 ms | Apus calls/s | anchor median ms | anchor p99 ms | "
              "anchor calls/s | speed-up (median) | Apus server CPU ms/call | anchor server CPU ms/call | CPU ratio | "
              "client CPU ms/call (Apus / anchor) |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for transport in s["transports"]:
        names = list(CALLS) + (["concurrent"] if transport == "http" and s["concurrency"] > 0 else [])
        for call in names:
            a, b = med.get((transport, call, "apus")), med.get((transport, call, "anchor"))
            if not a and not b:
                continue
            label = f"{s['concurrency']} sessions × predict 1" if call == "concurrent" else call
            a, b = a or {}, b or {}
            lines.append(
                f"| {transport} | {label} | {fmt(a.get('median_ms'), '.3f')} | {fmt(a.get('p99_ms'), '.3f')} | "
                f"{fmt(a.get('calls_per_s'), ',.0f')} | {fmt(b.get('median_ms'), '.3f')} | {fmt(b.get('p99_ms'), '.3f')} | "
                f"{fmt(b.get('calls_per_s'), ',.0f')} | "
                f"{x(ratio(a.get('calls_per_s'), b.get('calls_per_s')) if call == 'concurrent' else ratio(b.get('median_ms'), a.get('median_ms')))} | "
                f"{fmt(a.get('server_cpu_ms_per_call'), '.3f')} | {fmt(b.get('server_cpu_ms_per_call'), '.3f')} | "
                f"{x(ratio(b.get('server_cpu_ms_per_call'), a.get('server_cpu_ms_per_call')))} | "
                f"{fmt(a.get('client_cpu_ms_per_call'), '.3f')} / {fmt(b.get('client_cpu_ms_per_call'), '.3f')} |")
    lines += ["", "The concurrent row's speed-up is Apus's aggregate calls/s over the anchor's.", "",
              "| transport | | Apus | anchor | anchor / Apus |", "|---|---|---:|---:|---:|"]
    for transport in s["transports"]:
        for key, label, spec in (("peak_rss_mb", "server peak RSS MB (after the sequential calls)", ".1f"),
                                 ("start_s", "start: spawn to initialize answered, s", ".3f"),
                                 ("list_tools_ms", "first tools/list, ms", ".2f"),
                                 ("first_predict_ms", "first predict 1 call, ms", ".2f")):
            a = med.get((transport, key, "apus"), {}).get("value")
            b = med.get((transport, key, "anchor"), {}).get("value")
            lines.append(f"| {transport} | {label} | {fmt(a, spec)} | {fmt(b, spec)} | {x(ratio(b, a))} |")
        c = {k: med.get((transport, "concurrent", k), {}).get("peak_rss_mb") for k in ("apus", "anchor")}
        if any(c.values()):
            lines.append(f"| {transport} | server peak RSS MB (after the concurrent sessions) | {fmt(c['apus'], '.1f')} | "
                         f"{fmt(c['anchor'], '.1f')} | {x(ratio(c['anchor'], c['apus']))} |")
    lines += ["", "**Checks**"]
    for transport, entry in doc["checks"].items():
        parts = []
        if "max_abs_probability_diff" in entry:
            parts.append(f"largest |Apus − LightGBM| probability over the {entry['rows_compared']} rows "
                         f"{entry['max_abs_probability_diff']:.4f} (mean {entry['mean_abs_probability_diff']:.4f}, same "
                         f"label on {entry['same_label_share']:.0%}): two GBDT implementations trained on the same data, "
                         f"not the same model")
        for kind in s["servers"]:
            if f"{kind}_shap_sum_error" in entry:
                parts.append(f"{kind}: |bias + Σ SHAP − raw score| = {entry[f'{kind}_shap_sum_error']:.2e}")
        lines.append(f"- {transport}: " + "; ".join(parts))
    if doc["warnings"]:
        lines += ["", "**Warnings**"] + [f"- {w}" for w in doc["warnings"]]
    m = doc["machine"]
    lines += ["", f"Machine: other_cpu {fmt(m.get('other_cpu_before'), '.0%')} before, "
              f"{fmt(m.get('other_cpu_after'), '.0%')} after, up to {fmt(doc.get('other_cpu_max'), '.0%')} during a "
              f"block (other processes' share of all CPUs); load {m.get('load_before')} → {m.get('load_after')}.", ""]
    return "\n".join(lines)


def versions():
    out = {}
    for package in PACKAGES:
        try:
            out[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            out[package] = None
    return out


# --------------------------------------------------------------------------- main

def on_signal(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, help="timed sequential calls per block (default 500; --quick 20)")
    parser.add_argument("--warmup", type=int, help="warm-up calls before each block (default 50; --quick 3)")
    parser.add_argument("--repeat", type=int, help="interleaved repeats (default 3; --quick 1)")
    parser.add_argument("--concurrency", type=int, help="HTTP sessions at once (default 8; --quick 2; 0 skips)")
    parser.add_argument("--concurrent-calls", type=int, help="calls per concurrent session (default 200; --quick 10)")
    parser.add_argument("--transports", default="stdio,http")
    parser.add_argument("--servers", default="apus,anchor")
    parser.add_argument("--rows", type=int, help="data rows to train on (default 200,000; --quick 10,000)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--apus", help="apus binary (default .build/release/apus, built first)")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--store", default=os.path.join(DATA, "mcp-store"), help="APUS_STORE (deleted first and after)")
    parser.add_argument("--keep-store", action="store_true")
    parser.add_argument("--out", help="write OUT.md and OUT.json (default bench/results/mcp-DATE[-quick])")
    parser.add_argument("--ready-timeout", type=float, default=60)
    parser.add_argument("--busy-threshold", type=float, default=0.05)
    parser.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    args = parser.parse_args()
    q = args.quick
    args.calls = args.calls or (20 if q else 500)
    args.warmup = args.warmup if args.warmup is not None else (3 if q else 50)
    args.repeat = args.repeat or (1 if q else 3)
    args.concurrency = args.concurrency if args.concurrency is not None else (2 if q else 8)
    args.concurrent_calls = args.concurrent_calls or (10 if q else 200)
    args.rows = args.rows or (10_000 if q else 200_000)
    args.transports = [t.strip() for t in args.transports.split(",") if t.strip()]
    args.servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    if not args.transports or any(t not in ("stdio", "http") for t in args.transports):
        parser.error("--transports: stdio, http or both")
    if not args.servers or any(s not in ("apus", "anchor") for s in args.servers):
        parser.error("--servers: apus, anchor or both")
    if args.calls < 1 or args.repeat < 1 or args.rows < 100:
        parser.error("--calls >= 1, --repeat >= 1, --rows >= 100")
    args.shared = os.path.abspath(args.shared)
    args.serve_anchor = os.path.join(args.shared, "bench", "serve_anchor.py")
    args.anchor = os.path.join(ROOT, "bench", "mcp_anchor.py")
    if not os.path.isfile(args.serve_anchor):
        sys.exit(f"missing {args.serve_anchor} (--shared points at the shared folder)")
    if "apus" in args.servers:
        if args.apus is None:
            if not args.no_build:
                log("$ swift build -c release --product apus")
                subprocess.run(["swift", "build", "-c", "release", "--product", "apus"], check=True, cwd=ROOT)
            args.apus = os.path.join(ROOT, ".build", "release", "apus")
        args.apus = os.path.abspath(args.apus)
        if not os.access(args.apus, os.X_OK):
            sys.exit(f"no apus at {args.apus} (build it, or pass --apus)")

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, on_signal)
    date = datetime.date.today().isoformat()
    prefix = args.out or os.path.join(ROOT, "bench", "results", f"mcp-{date}" + ("-quick" if q else ""))
    work = os.path.join(DATA, "mcp")
    logs = os.path.join(work, "logs")
    os.makedirs(logs, exist_ok=True)
    store = os.path.abspath(args.store)
    env = dict(os.environ, APUS_STORE=store)
    doc = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "commit": git_commit(),
           "settings": {k: v for k, v in vars(args).items()}, "runs": [], "warnings": []}
    status = 0
    try:
        shutil.rmtree(store, ignore_errors=True)
        log("machine check (2 s)...")
        doc["machine"] = {"cpus": NCPU, "cpu_model": cpu_model(), "python": platform.python_version(),
                          "load_before": [round(v, 2) for v in os.getloadavg()], "other_cpu_before": quiet_check()}
        doc["versions"] = versions()
        log("data and models")
        doc["model"] = prepare(args, env, work)
        for repeat in range(args.repeat):
            for transport in args.transports:
                for kind in args.servers:
                    label = f"{kind}-{transport}-{repeat + 1}"
                    log(f"{label} (repeat {repeat + 1}/{args.repeat})")
                    entry = {"server": kind, "transport": transport, "repeat": repeat + 1}
                    try:
                        entry.update(run_server(kind, transport, args, doc["model"], env, logs, label))
                    except (RuntimeError, OSError) as error:
                        log(f"  ! {label}: {error}")
                        entry["error"] = str(error)
                    if repeat > 0:
                        entry.pop("answers", None)
                    doc["runs"].append(entry)
    except KeyboardInterrupt:
        log("interrupted")
        status = 130
    except Exception as error:
        log(f"error: {error}")
        doc["error"] = str(error)
        status = 1
    finally:
        if not args.keep_store:
            shutil.rmtree(store, ignore_errors=True)
    if status == 130 or "machine" not in doc or "model" not in doc:
        sys.exit(status or 1)
    doc["machine"]["load_after"] = [round(v, 2) for v in os.getloadavg()]
    doc["machine"]["other_cpu_after"] = quiet_check()
    doc["model"].pop("request_rows", None)
    doc["checks"] = checks(doc)
    doc["medians"] = medians(doc)
    busy = [(b["other_cpu"], f"{r['server']} {r['transport']} repeat {r['repeat']} {name}") for r in doc["runs"]
            for name, b in list(r.get("blocks", {}).items()) + [("concurrent", r.get("concurrent", {}))]
            if b.get("other_cpu") is not None]
    doc["other_cpu_max"] = max((v for v, _ in busy), default=None)
    m = doc["machine"]
    if any(v is not None and v > args.busy_threshold for v in (m["other_cpu_before"], m["other_cpu_after"])):
        doc["warnings"].append(f"machine busy: other processes used {fmt(m['other_cpu_before'], '.0%')} of the CPUs "
                               f"before the runs and {fmt(m['other_cpu_after'], '.0%')} after: rerun on a quiet machine")
    noisy = sorted(((v, what) for v, what in busy if v > args.busy_threshold), reverse=True)
    if noisy:
        doc["warnings"].append(f"{len(noisy)} of {len(busy)} timed blocks ran while other processes used more than "
                               f"{args.busy_threshold:.0%} of the CPUs (" + ", ".join(f"{w}: {v:.0%}" for v, w in noisy[:5])
                               + (", …" if len(noisy) > 5 else "") + "); the table gives medians over the repeats")
    for r in doc["runs"]:
        if "error" in r:
            doc["warnings"].append(f"{r['server']} {r['transport']} repeat {r['repeat']}: {oneline(r['error'])}")
    if "error" in doc:
        doc["warnings"].append(f"the run stopped early: {oneline(doc['error'])}")
    text = report(doc)
    print(text)
    doc["medians"] = [{"transport": k[0], "call": k[1], "server": k[2], **v} for k, v in doc["medians"].items()]
    write_results(prefix, text, doc, logs)
    sys.exit(status)


if __name__ == "__main__":
    main()
