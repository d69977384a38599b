"""Watching a server process from outside: pin it to CPUs, sample its memory and CPU, profile it.

- `pin_process(pid, cpus, nice)`: sched_setaffinity (and setpriority) on every thread of the
  process (what `taskset -a -p` and `renice` do); threads it starts later inherit both.
- `ServerProbe(pid)`: a thread sampling, every second, VmRSS of the process and all its
  descendants (from /proc/PID/status and /proc/PID/task/*/children) and its CPU time
  (utime + stime of /proc/PID/stat, children included once they are reaped); at the ends,
  each core's busy time (/proc/stat) and the caller's own CPU, so that a report can tell
  how much of the server's core went to other processes on a shared machine.
- `py_spy_summary(pid, seconds)`: `py-spy record --format raw` on the live server (py-spy
  from PyPI must be installed; root or ptrace rights needed), folded into the functions
  that hold the most samples, inclusive and self. Only sampled threads that were running
  Python code (py-spy's default leaves out idle threads), so shares are of busy time.

Left out: other operating systems than Linux, cgroup limits, the network.
"""
from __future__ import annotations

import collections
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def pin_process(pid: int, cpus: set[int], nice: int | None = None) -> None:
    """Every thread of pid onto these CPUs (and to this nice value): later threads inherit both."""
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            os.sched_setaffinity(int(tid), cpus)
            if nice is not None:
                os.setpriority(os.PRIO_PROCESS, int(tid), nice)  # per thread on Linux
        except ProcessLookupError:  # the thread ended meanwhile
            pass


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            try:
                todo += [int(c) for c in task.read_text().split()]
            except OSError:
                pass
    return out


def rss_mb(pid: int) -> float:
    total = 0.0
    for p in descendants(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / TICK  # utime stime cutime cstime


def core_busy_seconds() -> dict[int, float]:
    """CPU seconds each core has spent busy since boot, all processes (/proc/stat)."""
    out = {}
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("cpu") and line[3].isdigit():
            name, *v = line.split()
            v = [int(x) for x in v]
            out[int(name[3:])] = (sum(v[:8]) - v[3] - v[4]) / TICK  # all but idle and iowait
    return out


def runqueue_wait_seconds(pid: int) -> float:
    """Seconds the process's threads have spent runnable but waiting for a CPU (schedstat field 2):
    above a few % of wall time, the machine, not the program, sets the pace."""
    total = 0
    for task in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        try:
            total += int(task.read_text().split()[1])
        except (OSError, IndexError):
            pass
    return total / 1e9


class ServerProbe(threading.Thread):
    """Samples the server's RSS and CPU every second; also how busy each core was (anyone's work),
    so a report can say how much of the server's core other processes took."""

    def __init__(self, pid: int, every: float = 1.0):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.rss: list[float] = [rss_mb(pid)]
        self.cpu: list[tuple[float, float]] = [(time.monotonic(), cpu_seconds(pid))]
        self.cores0, self.own0 = core_busy_seconds(), sum(os.times()[:2])
        self.cores1, self.own1 = self.cores0, self.own0
        self.waits0 = (runqueue_wait_seconds(pid), runqueue_wait_seconds(os.getpid()))
        self.waits1 = self.waits0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(self.every):
            try:
                self.rss.append(rss_mb(self.pid))
                self.cpu.append((time.monotonic(), cpu_seconds(self.pid)))
            except OSError:  # the server is gone
                return

    def stop(self) -> None:
        self._halt.set()
        self.join()
        self.cores1, self.own1 = core_busy_seconds(), sum(os.times()[:2])
        self.waits1 = (runqueue_wait_seconds(self.pid), runqueue_wait_seconds(os.getpid()))

    def runqueue_waits(self) -> tuple[float, float]:
        """Per wall second, how long the server's and the caller's threads waited for a CPU."""
        wall = self.cpu[-1][0] - self.cpu[0][0]
        return tuple((b - a) / wall for a, b in zip(self.waits0, self.waits1)) if wall > 0 else (float("nan"),) * 2

    def core_shares(self) -> dict[int, float]:
        """Busy fraction of each core over the run, whoever used it."""
        wall = self.cpu[-1][0] - self.cpu[0][0]
        return {c: (self.cores1[c] - self.cores0[c]) / wall for c in self.cores0} if wall > 0 else {}

    def own_share(self) -> float:
        """CPU of the calling process (the load generator) per wall second."""
        wall = self.cpu[-1][0] - self.cpu[0][0]
        return (self.own1 - self.own0) / wall if wall > 0 else float("nan")

    def cpu_share(self) -> float:
        """CPU seconds per wall second over the run (1.0 = one core fully busy)."""
        (t0, c0), (t1, c1) = self.cpu[0], self.cpu[-1]
        return (c1 - c0) / (t1 - t0) if t1 > t0 else float("nan")


_FRAME = re.compile(r"^(.*) \((.*?)(?::\d+)?\)$")


def _frame_name(frame: str) -> str:
    m = _FRAME.match(frame.strip())
    if not m:
        return frame.strip()
    func, path = m.groups()
    for marker in ("site-packages/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    else:
        path = path.rsplit("/", 2)[-2] + "/" + path.rsplit("/", 1)[-1] if path.count("/") >= 2 else path
    return f"{func} ({path})"


# What a busy sample was doing, by the first marker found in its stack (order matters).
CATEGORIES = [("tick (views/train/training.py)", "training chunks (views.train.training.tick)"),
              ("live_view (", "Train page live view (fragment)"),
              ("drawing (", "Draw page canvas fragment (a stroke)"),
              ("ScriptRunner._run_script ", "other script runs (full page runs, sidebar)"),
              ("", "server outside scripts (event loop: websocket, serialisation)")]
GENERIC = ("threading.py", "runpy", "click/", "asyncio/", "web/bootstrap.py", "streamlit/__main__.py",
           "script_runner.py", "exec_code.py", "runtime/fragment.py", "metrics_util.py", "web/cli.py")


def py_spy_summary(pid: int, seconds: float, delay: float = 0, top: int = 12) -> str:
    """Record the server for `seconds` (after `delay`) and name what the busy threads were doing."""
    exe = shutil.which("py-spy")
    if exe is None:
        return "py-spy not installed (pip install py-spy): no profile"
    time.sleep(delay)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "stacks.txt"
        r = subprocess.run([exe, "record", "-p", str(pid), "-d", str(int(seconds)), "-r", "50", "-f", "raw",
                            "-o", str(out), "--nonblocking"], capture_output=True, text=True)
        if not out.exists():
            return f"py-spy failed: {r.stderr.strip()[-300:]}"
        lines = out.read_text().splitlines()
    by_cat: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    cat_total, total = collections.Counter(), 0
    for line in lines:
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        n, frames = int(n), [_frame_name(f) for f in stack.split(";")]
        total += n
        cat = next(name for marker, name in CATEGORIES if marker in " ".join(frames) + " ")
        cat_total[cat] += n
        for f in set(frames):
            if not any(g in f for g in GENERIC):
                by_cat[cat][f] += n
    if not total:
        return "py-spy recorded no busy samples"
    rows = [f"py-spy, {seconds:.0f} s at 50 Hz: {total} samples of runnable threads ({total / seconds / 50:.2f} "
            f"runnable on average; on one core, more than 1 means threads queue for it)"]
    for cat, n in cat_total.most_common():
        rows.append(f"  {n / total:6.1%}  {cat}; inside it (share of all samples, inclusive):")
        rows += [f"           {m / total:6.1%}  {f}" for f, m in by_cat[cat].most_common(top)]
    return "\n".join(rows)
