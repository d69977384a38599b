"""What hostile clients (devtools/hostile_clients.py) cost a real server: for each case, the
server's RSS just before it and its peak (sampled every 50 ms), what the page said, whether
the server closed the connection. Issue 21's target: at most +50 MB for every case.

    python -m benchmarks.bench_hostile_clients [--root PATH] [--only canvas,widgets,put,clear,float64,pages,close]

`--root` serves another checkout (e.g. a worktree at the code before issue 21) with this
checkout's clients, so both sides are measured the same way. Cases that share nothing run on
one server; clear_cache and float64 each get a fresh one (they change what the server holds);
`pages` is one session with the largest allowed model as float64: the first visit of Evaluate,
Units, Break it, Robustness and one interaction on the last two, each measured; `close`: 30
sessions (each draws, uploads a model, opens Evaluate and the Layer map) close, and RSS is
watched for 3 minutes.
`near` (not in the default set): 0.9 MB to each kind of widget, just under the app's cap;
`stroke`: 20 real drawings on Draw, send -> finished (what the checks cost a person);
`strokes-ab`: the same on this checkout and on --root, both up, in alternating rounds.
Also printed: the largest widget states a person's browser sends (to size
server.maxWidgetStateSize).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import time
from pathlib import Path

from devtools import hostile_clients as hc
from devtools.browser import streamlit_server
from devtools.paths import ROOT


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", type=Path, default=ROOT)
    ap.add_argument("--only", default="canvas,widgets,put,clear,float64,pages,close")
    ap.add_argument("--px", default="1000,3000,6000")
    args = ap.parse_args()
    only = set(args.only.split(","))
    print(f"# {time.strftime('%Y-%m-%d %H:%M')} {platform.node()} load {os.getloadavg()[0]:.1f} root {args.root}")
    print("legitimate widget states (bytes):", asyncio.run(hc.legit_sizes("")))
    rows = []
    if only & {"canvas", "widgets", "near", "stroke", "put"}:
        with streamlit_server(root=args.root) as (url, proc):
            if "canvas" in only:
                for px in map(int, args.px.split(",")):
                    rows.append(asyncio.run(hc.canvas_bomb(url, proc.pid, px)))
                    print(rows[-1].row(), flush=True)
            if "widgets" in only:
                for kind in hc.WIDGET_KINDS:
                    rows.append(asyncio.run(hc.big_widget(url, proc.pid, kind)))
                    print(rows[-1].row(), flush=True)
            if "near" in only:  # just under the app's 1 MB cap: read by Streamlit, then the app's checks
                for kind in hc.WIDGET_KINDS:
                    rows.append(asyncio.run(hc.big_widget(url, proc.pid, kind, size=900_000)))
                    print(rows[-1].row(), flush=True)
            if "stroke" in only:  # what the checks cost a person drawing (median of 20 strokes)
                times = asyncio.run(hc.stroke_times(url))
                print(f"stroke rerun, send -> finished: median {statistics.median(times):.0f} ms, "
                      f"min {min(times):.0f}, max {max(times):.0f} (n={len(times)})", flush=True)
            if "put" in only:
                rows.append(asyncio.run(hc.put_flood(url, proc.pid)))
                print(rows[-1].row(), flush=True)
    if "strokes-ab" in only:  # this checkout against --root, both up, alternating rounds of 10 strokes
        with streamlit_server(root=args.root) as (other, _), streamlit_server() as (this, _):
            got = {"--root": [], "this checkout": []}
            for r in range(4):
                pair = [("--root", other), ("this checkout", this)]
                for name, url in (pair if r % 2 == 0 else pair[::-1]):
                    got[name] += asyncio.run(hc.stroke_times(url, 10))
            for name, t in got.items():
                q = statistics.quantiles(t, n=4)
                print(f"stroke rerun, {name}: median {statistics.median(t):.0f} ms, p25 {q[0]:.0f}, p75 {q[2]:.0f} "
                      f"(n={len(t)})", flush=True)
    if "clear" in only:
        with streamlit_server(root=args.root) as (url, proc):
            rows.append(asyncio.run(hc.clear_cache_during_training(url, proc.pid)))
            print(rows[-1].row(), flush=True)
    if "float64" in only:
        with streamlit_server(root=args.root) as (url, proc):
            rows.append(asyncio.run(hc.evaluate_float64(url, proc.pid)))
            print(rows[-1].row(), flush=True)
    if "pages" in only:
        with streamlit_server(root=args.root) as (url, proc):
            for out in asyncio.run(hc.largest_model_pages(url, proc.pid)):
                rows.append(out)
                print(out.row(), flush=True)
    if "close" in only:
        with streamlit_server(root=args.root) as (url, proc):
            rows.append(asyncio.run(hc.sessions_close(url, proc.pid)))
            print(rows[-1].row(), flush=True)


if __name__ == "__main__":
    main()
