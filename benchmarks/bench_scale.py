"""A class on Community Cloud's smallest box (issue 20): 30 students inside a 690 MiB memory cgroup.

    python -m benchmarks.bench_scale [--root PATH] [--mib 690] [--n 30] [--wave 27] [--full-lag-ms 60000]

Each student (devtools/class_load.py, protocol level, no browser) uploads the largest model the
caps allow (784-512-512-512-512-10, 4.8 MB), opens the six pages that look inside it, then presses
Start on the largest network. The server runs inside a fresh memory cgroup of `--mib` MiB (this
machine's cgroup v1 controller, or v2's memory.max: devtools/cgroup.py) with no NN_MEMORY_MB, so
the budget, where the checkout has one, is read from the cgroup. Printed for this checkout and,
with `--root`, for another one (e.g. the code before issue 20), one after the other:
the RSS before the class, its peak, at closing and after, the seconds until it was back within
100 MB of the level before, the cgroup's peak and OOM kills, the students who finished with no
error, whether the server survived; then a second wave of `--wave` students once the first
has closed, and the server's own figures at /_stcore/metrics (where the checkout serves them).
`--full-lag-ms` sets NN_FULL_LAG_MS (admission, server/admission.py): the default 60 s keeps a
loaded machine from turning students away, so that what is measured is memory.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import time
import urllib.request
from pathlib import Path

from devtools import cgroup
from devtools import class_load as cl
from devtools.browser import streamlit_server
from devtools.paths import ROOT


def metrics(url: str) -> dict[str, int]:
    """The nn_* gauges at /_stcore/metrics ({} where the checkout has none, or the server is gone)."""
    try:
        text = urllib.request.urlopen(url + "/_stcore/metrics", timeout=10).read().decode()
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        if line.startswith("nn_"):
            name, value = line.rsplit(" ", 1)
            out[name] = int(float(value))
    return out


def wave_row(label: str, r: cl.ClassRun) -> str:
    ok = sum(1 for s in r.students if s.admitted and not s.errors)
    return f"{label}: {ok}/{len(r.students)} students without an error; " + cl.summary(r)


def one_checkout(root: Path, mib: int, n: int, wave: int, lag_ms: int) -> None:
    print(f"## {root} in a {mib} MiB memory cgroup", flush=True)
    with cgroup.memory_cgroup(mib * 2**20) as (enter, path):
        with streamlit_server(root=root, preexec_fn=enter, env={"NN_FULL_LAG_MS": str(lag_ms)}) as (url, proc):
            t0 = time.monotonic()
            first = asyncio.run(cl.run_class(url, proc.pid, n=n, proc=proc, wait=180))
            print(wave_row("first wave", first), flush=True)
            print(f"  cgroup peak {cgroup.peak(path) / 2**20:.0f} MiB, OOM kills {cgroup.oom_kills(path)}, "
                  f"server {'alive' if proc.poll() is None else 'killed'} ({time.monotonic() - t0:.0f} s)", flush=True)
            if proc.poll() is None:
                figures = metrics(url)
                for k in sorted(figures):
                    if figures[k] and not k.startswith("nn_behind"):
                        value = f"{figures[k] / 2**20:.0f} MB" if "bytes" in k else figures[k]
                        print(f"  {k} {value}")
            if proc.poll() is None and wave:
                second = asyncio.run(cl.run_class(url, proc.pid, n=wave, proc=proc, wait=180))
                print(wave_row("second wave", second), flush=True)
                print(f"  cgroup peak {cgroup.peak(path) / 2**20:.0f} MiB, OOM kills {cgroup.oom_kills(path)}, "
                      f"server {'alive' if proc.poll() is None else 'killed'}", flush=True)
            log = proc.log_path.read_text()
            lines = [x for x in log.splitlines() if "memory:" in x or "class full" in x]
            print(f"  log: {len(lines)} memory/admission lines; first: {lines[:1]}; last: {lines[-1:]}")
            kills = [x for x in log.splitlines() if "Killed" in x]
            if proc.poll() is not None:
                print(f"  the server's exit code {proc.returncode} {kills[:1]}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", type=Path, default=None, help="another checkout, measured first")
    ap.add_argument("--mib", type=int, default=690)
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--wave", type=int, default=27)
    ap.add_argument("--full-lag-ms", type=int, default=60000)
    args = ap.parse_args()
    why = cgroup.available()
    if why:
        raise SystemExit(f"no memory cgroup here: {why}")
    print(f"# {time.strftime('%Y-%m-%d %H:%M')} {platform.node()} load {os.getloadavg()[0]:.1f} "
          f"({os.cpu_count()} cores)", flush=True)
    for root in ([args.root] if args.root else []) + [ROOT]:
        one_checkout(root, args.mib, args.n, args.wave, args.full_lag_ms)
    print(f"# load at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
