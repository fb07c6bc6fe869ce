"""Shared by the bench runners: what the machine was doing while a benchmark ran, the
commit measured, and number formatting."""
import os
import resource
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TICK = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count() or 1


def machine_busy_s():
    """Busy CPU seconds of the whole machine from /proc/stat (as anchors.py), None if unavailable."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return (sum(v[:8]) - v[3] - v[4]) / TICK
    except (OSError, ValueError, IndexError):
        return None


def children_cpu_s():
    """CPU seconds of the finished child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def other_cpu(busy0, busy1, own_cpu, seconds):
    """Share of all CPUs that other processes used over `seconds`."""
    if busy0 is None or busy1 is None or seconds <= 0:
        return None
    return round(min(1.0, max(0.0, (busy1 - busy0) - own_cpu) / (NCPU * seconds)), 3)


def quiet_check(seconds=2.0):
    """Share of all CPUs busy while this runner sleeps for `seconds`."""
    busy0, t0 = machine_busy_s(), time.perf_counter()
    time.sleep(seconds)
    return other_cpu(busy0, machine_busy_s(), 0.0, time.perf_counter() - t0)


def git_commit():
    """The repository's short commit, with `-dirty` when tracked files changed; None without git."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True,
                               cwd=ROOT).stdout.strip()
        return head + ("-dirty" if dirty else "")
    except OSError:
        return None


def fmt(value, spec, missing="—"):
    """`value` formatted with `spec`, or `missing` for None."""
    return missing if value is None else format(value, spec)
