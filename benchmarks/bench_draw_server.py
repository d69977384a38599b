"""What a stroke and a Clear on Draw cost the server, this checkout beside another, in one run.

One protocol-level session (devtools/st_client.py, no browser) per server, one action at a
time: a stroke (a new jittered digit on the canvas) then Clear, `--actions` of each per round;
the rounds alternate between the servers (ABBA...), so a machine whose load changes during
the run loads both alike. Per action: the server process's CPU time (/proc/PID/stat, utime +
stime of all its threads, 10 ms ticks: read as the mean over all actions), the run's time
(new_session -> script_finished at the client), the bytes the run sent and its elements
(deltas: elements and containers). The first stroke and Clear of each server warm its caches
and are not counted. Issue 19's targets: a stroke <= 20 ms of CPU, a Clear <= 10 ms.

    python -m benchmarks.bench_draw_server [--before DIR] [--rounds 6] [--actions 5]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
from contextlib import ExitStack
from pathlib import Path

from devtools import bench
from devtools.browser import streamlit_server
from devtools.canvas_value import DIGITS, canvas_value, jitter
from devtools.server_probe import cpu_seconds
from devtools.st_client import Session, dumps

TARGETS = {"stroke": 20, "clear": 10}  # ms of server CPU


async def one_round(s: Session, pid: int, rng: random.Random, n: int, out: dict, count: bool = True) -> None:
    for k in range(n):
        canvas = s.widget(kind="bidi_component", key_prefix="draw.canvas.")
        s.set_value(canvas, "json_value", dumps(canvas_value(jitter(DIGITS[rng.choice(sorted(DIGITS))], rng))))
        for kind in ("stroke", "clear"):
            c0 = cpu_seconds(pid)
            req = await s.wait(await (s.interact(canvas) if kind == "stroke" else
                                      s.click(s.widget(kind="button", key="draw.clear"))), 60)
            cpu = cpu_seconds(pid) - c0
            if count:
                out[kind].append({"cpu": cpu * 1000, "run": (req.run.finished - req.run.started) * 1000,
                                  "kb": req.run.bytes / 1024, "elements": len(req.run.elements)})


async def measure(roots: dict[str, Path], rounds: int, actions: int) -> dict[str, dict]:
    with ExitStack() as stack:
        servers = {}
        for name, root in roots.items():
            url, proc = stack.enter_context(streamlit_server(root=root))
            s = Session(url, "draw")
            await s.open(120)
            await one_round(s, proc.pid, random.Random(1), 1, {}, count=False)  # warm-up: imports, caches
            servers[name] = (s, proc.pid, random.Random(7))
        out = {name: {"stroke": [], "clear": []} for name in roots}
        names = list(roots)
        for r in range(rounds):
            for name in (names if r % 2 == 0 else names[::-1]):
                s, pid, rng = servers[name]
                await one_round(s, pid, rng, actions, out[name])
        for s, _, _ in servers.values():
            assert not s.errors, s.errors
            await s.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", type=Path, help="another checkout, measured in the same run")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--actions", type=int, default=5, help="strokes (and as many Clears) per round")
    args = ap.parse_args()
    print(bench.header())
    roots = bench.checkouts(args.before)
    res = asyncio.run(measure(roots, args.rounds, args.actions))
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    mean = {}
    for name, r in res.items():
        print(f"== {name}")
        for kind, rows in r.items():
            cpu = statistics.fmean(x["cpu"] for x in rows)
            mean[name, kind] = cpu
            verdict = "met" if cpu <= TARGETS[kind] else "MISSED"
            print(f"  {kind:<7} server CPU {cpu:6.1f} ms (mean of {len(rows)}; target <= {TARGETS[kind]} ms: {verdict})"
                  f" · run median {statistics.median(x['run'] for x in rows):6.1f} ms"
                  f" · {statistics.median(x['kb'] for x in rows):6.1f} KB"
                  f" · {statistics.median(x['elements'] for x in rows):.0f} deltas")
    if len(res) == 2:
        before, after = res
        print("== this checkout / before: " + " · ".join(
            f"{kind} {mean[before, kind]:.1f} -> {mean[after, kind]:.1f} ms ({mean[after, kind] / mean[before, kind]:.2f})"
            for kind in TARGETS))


if __name__ == "__main__":
    main()
