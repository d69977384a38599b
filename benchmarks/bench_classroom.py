"""Thirty students on one server: N protocol-level sessions (st_client, no browsers) against
one Streamlit server pinned to one CPU core, the generator on the other core.

Scenario (issue 12 §4): N sessions (default 30); T of them (default 5) open Train, press
Start at a random moment in the first 10 s (if every slot is taken they wait in line; against a
server without the line, a "busy" note: they press again 10-20 s later)
and keep their page open, so its run_every fragments tick as a browser's timers would. The
others open Draw and, every 2-4 s (random, seeded), add a stroke to a digit (1-2 strokes
each, jittered, so every drawing differs) or, once it is complete, press Clear. The timing
is open-loop like a student's: the next stroke comes when it comes, finished or not.

Reported: per stroke, send -> script_finished at the client (median, p95, p99, max), split
into waiting for the run to start and the run itself (new_session -> script_finished); the
same for Clear; errors (exceptions in deltas, dropped connections, reruns not finished in
30 s, strokes whose run brought no prediction); strokes overtaken by the student's next one;
server RSS (VmRSS of the process tree, every second: start, peak, end) and CPU; training:
the busy notes, each trainer's wait for a slot, steps, and steps per minute while running.
`--profile S` records S seconds of the loaded server with py-spy and prints what dominates.
Targets: stroke p95 <= 300 ms, no errors, RSS <= 600 MB, training served fairly.

    python -m benchmarks.bench_classroom [--sessions 30] [--trainers 5] [--seconds 180] [--quick]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from devtools.browser import streamlit_server
from devtools.canvas_value import DIGITS, canvas_value, jitter
from devtools.server_probe import ServerProbe, cpu_seconds, pin_process, py_spy_summary
from devtools.st_client import Session, dumps

TIMEOUT = 30.0  # s: a rerun not finished by then counts as an error
STEP = re.compile(r"step ([\d,]+) of ([\d,]+)")
PREDICTED = re.compile(r'class="predicted-digit"[^>]*>(\d)<')


@dataclass
class Interaction:
    kind: str            # "stroke" or "clear"
    session: int
    sent: float
    latency: float = float("nan")   # send -> script_finished, s
    wait: float = float("nan")      # send -> new_session (queued behind other work)
    run: float = float("nan")       # new_session -> script_finished
    bytes: int = 0
    overtaken: bool = False         # the student's next action was sent before this one finished
    after_clear: bool = False       # sent while the Clear before it had not finished (the old canvas)
    predicted: str | None = None
    drawn: str | None = None        # the digit, on its last stroke
    canvas: str | None = None       # the key of the canvas a stroke was drawn on (Clear makes a new one)
    error: str | None = None


def percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def predicted_digit(elements) -> str | None:
    for el in elements:
        m = el.kind in ("markdown", "html") and PREDICTED.search(el.proto.body)
        if m:
            return m.group(1)
    return None


async def track(s: Session, req, inter: Interaction) -> None:
    try:
        await s.wait(req, TIMEOUT)
    except asyncio.TimeoutError:
        inter.error = f"{inter.kind} rerun not finished in {TIMEOUT:.0f} s"
        return
    except Exception as e:
        inter.error = f"{inter.kind}: {e}"
        return
    inter.latency, inter.wait, inter.run, inter.bytes = req.latency, req.wait, req.run.finished - req.run.started, req.run.bytes
    if inter.kind == "stroke":
        inter.predicted = predicted_digit(req.run.elements)
        # Clear came first: one run for both (a full run, or the Draw fragments with a new canvas)
        cleared = inter.overtaken and (not req.run.fragment_ids or any(
            e.kind == "bidi_component" and e.key != inter.canvas for e in req.run.elements))
        # Drawn on the canvas a Clear in progress was replacing: the server drops the old widget's value.
        if inter.predicted is None and not cleared and not inter.after_clear:
            inter.error = "stroke rerun finished without a prediction"


async def drawer(i: int, url: str, deadline: float, rng: random.Random, out: list, errors: list) -> Session | None:
    await asyncio.sleep(rng.uniform(0, 5))  # students open the link within a few seconds
    s = Session(url, "draw")
    try:
        await s.open(TIMEOUT)
    except Exception as e:
        errors.append(f"draw session {i} did not open: {type(e).__name__}: {e}")
        return s
    pending: list[tuple[Interaction, asyncio.Task]] = []
    while time.monotonic() < deadline and not s.closed:
        digit = rng.choice(sorted(DIGITS))
        strokes = jitter(DIGITS[digit], rng)
        actions = [("stroke", k) for k in range(1, len(strokes) + 1)] + [("clear", 0)]
        for kind, k in actions:
            await asyncio.sleep(rng.uniform(2, 4))
            if time.monotonic() >= deadline or s.closed:
                break
            for inter, task in pending:
                inter.overtaken = inter.overtaken or not task.done()
            pending = [(x, t) for x, t in pending if not t.done()]
            try:
                if kind == "stroke":
                    canvas = s.widget(kind="bidi_component", key_prefix="draw.canvas.")
                    value = await asyncio.to_thread(canvas_value, strokes[:k])  # ~11 ms: off the event loop
                    s.set_value(canvas, "json_value", dumps(value))
                    req = await s.interact(canvas)
                else:
                    req = await s.click(s.widget(kind="button", key="draw.clear"))
            except LookupError as e:  # the page is not what it should be (e.g. an exception replaced it)
                errors.append(f"draw session {i}: {e}")
                await asyncio.sleep(1)
                continue
            inter = Interaction(kind, i, req.sent, drawn=digit if kind == "stroke" and k == len(strokes) else None,
                                canvas=canvas.key if kind == "stroke" else None,
                                after_clear=any(x.kind == "clear" for x, t in pending if not t.done()))
            out.append(inter)
            pending.append((inter, asyncio.create_task(track(s, req, inter))))
    await asyncio.gather(*(t for _, t in pending))
    return s


@dataclass
class Trainer:
    session: int
    pressed: float | None = None      # first press of Start (time.monotonic())
    started: float | None = None      # the press that got a slot
    busy_notes: int = 0
    in_line: bool = False             # waited in the line for a slot
    finished: float | None = None     # "Training finished" arrived
    last_step: int = 0
    last_seen: float | None = None    # when last_step was read
    total_steps: int = 0

    def steps_per_minute(self) -> float | None:
        end = self.finished or self.last_seen
        return self.last_step / (end - self.started) * 60 if self.started and end and end > self.started else None


async def trainer(i: int, url: str, deadline: float, rng: random.Random, out: list, errors: list) -> Session | None:
    t = Trainer(i)
    out.append(t)
    s = Session(url, "train")
    try:
        await s.open(TIMEOUT)
    except Exception as e:
        errors.append(f"train session {i} did not open: {type(e).__name__}: {e}")
        return s
    await asyncio.sleep(rng.uniform(0, 10))
    while time.monotonic() < deadline and not s.closed:
        try:
            req = await s.wait(await s.click(s.widget(kind="button", label="Start")), TIMEOUT)
        except Exception as e:
            errors.append(f"train session {i}: Start: {type(e).__name__}: {e}")
            return s
        t.pressed = t.pressed or req.sent
        if any("busy" in a.proto.body for a in s.find(kind="alert")):  # a server without the line
            t.busy_notes += 1
            await asyncio.sleep(rng.uniform(10, 20))  # "Try again shortly"
            continue
        while any("in line" in a.proto.body for a in s.find(kind="alert")) and time.monotonic() < deadline:
            t.in_line = True  # the page's own ticks keep the place and start the run on its turn
            await asyncio.sleep(0.5)
        if time.monotonic() < deadline:
            t.started = req.sent if not t.in_line else time.monotonic()
        break
    while t.started and time.monotonic() < deadline and not s.closed:
        for el in s.find(kind="progress"):  # "step 1,234 of 4,300 · ..." on the Train page
            m = STEP.search(el.proto.text)
            if m:
                t.last_step, t.last_seen = int(m.group(1).replace(",", "")), time.monotonic()
                t.total_steps = int(m.group(2).replace(",", ""))
        if t.finished is None and any("Training finished" in a.proto.body for a in s.find(kind="alert")):
            t.finished, t.last_step = time.monotonic(), t.total_steps
        await asyncio.sleep(1)
    return s


def report(args, inters: list[Interaction], trainers: list[Trainer], errors: list[str], probe: ServerProbe,
           wall: float) -> dict:
    strokes = [x for x in inters if x.kind == "stroke" and x.latency == x.latency]
    clears = [x for x in inters if x.kind == "clear" and x.latency == x.latency]
    errors = errors + [x.error for x in inters if x.error]
    res = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": f"{platform.processor() or platform.machine()}, "
           f"{os.cpu_count()} cores", "sessions": args.sessions, "trainers": args.trainers, "seconds": round(wall),
           "loadavg_before": args.loadavg, "nice": args.nice}
    print(f"{res['date']} · {args.sessions} sessions ({args.sessions - args.trainers} drawing, {args.trainers} "
          f"training) for {wall:.0f} s; server on CPU {args.server_cpu}, generator on CPU {args.client_cpu}, nice "
          f"{args.nice}; "
          f"load average before: {args.loadavg}")
    for name, xs in (("stroke", strokes), ("clear", clears)):
        if not xs:
            print(f"{name}: none finished")
            continue
        ms = lambda vals, q: percentile(vals, q) * 1000  # noqa: E731
        lat, wait, run = [x.latency for x in xs], [x.wait for x in xs], [x.run for x in xs]
        row = {"n": len(xs), "median": ms(lat, .5), "p95": ms(lat, .95), "p99": ms(lat, .99), "max": max(lat) * 1000,
               "wait_median": ms(wait, .5), "wait_p95": ms(wait, .95), "run_median": ms(run, .5), "run_p95": ms(run, .95),
               "kb_median": statistics.median(x.bytes for x in xs) / 1024,
               "overtaken": sum(x.overtaken for x in inters if x.kind == name),
               "lost": sum(x.after_clear and x.predicted is None for x in inters if x.kind == name)}
        res[name] = row
        verdict = f" (target p95 <= 300 ms: {'met' if row['p95'] <= 300 else 'MISSED'})" if name == "stroke" else ""
        print(f"{name}: {row['n']} finished · send -> script_finished median {row['median']:.0f} ms, p95 "
              f"{row['p95']:.0f}, p99 {row['p99']:.0f}, max {row['max']:.0f}{verdict}\n"
              f"   waiting to start: median {row['wait_median']:.0f} ms, p95 {row['wait_p95']:.0f} · the run itself: "
              f"median {row['run_median']:.0f} ms, p95 {row['run_p95']:.0f} · {row['kb_median']:.0f} KB per rerun · "
              f"{row['overtaken']} overtaken by the next action" +
              (f", {row['lost']} drawn on a canvas a slow Clear was replacing (no prediction)" if name == "stroke" else ""))
    runs = [(t.started, t.finished or t.last_seen or t.started) for t in trainers if t.started]
    during = [x.latency for x in strokes if any(a <= x.sent <= b for a, b in runs)]
    alone = [x.latency for x in strokes if not any(a <= x.sent <= b for a, b in runs)]
    res["stroke_split"] = {}
    for name, lat in (("while a training ran", during), ("while none ran", alone)):
        if lat:
            res["stroke_split"][name] = {"n": len(lat), "median": percentile(lat, .5) * 1000,
                                         "p95": percentile(lat, .95) * 1000}
            print(f"   strokes {name}: {len(lat)}, median {percentile(lat, .5) * 1000:.0f} ms, "
                  f"p95 {percentile(lat, .95) * 1000:.0f} ms")
    read = [x for x in strokes if x.drawn and x.predicted]
    if read:
        print(f"complete digits read as drawn: {sum(x.drawn == x.predicted for x in read)}/{len(read)}")
    res["errors"] = errors
    print(f"errors: {len(errors)}" + "".join(f"\n   {e}" for e in errors[:8]) + ("\n   ..." if len(errors) > 8 else ""))
    res["rss_mb"] = {"start": probe.rss[0], "peak": max(probe.rss), "end": probe.rss[-1]}
    res["cpu"], cores = probe.cpu_share(), probe.core_shares()
    res["cores"], res["generator_cpu"] = cores, probe.own_share()
    print(f"server RSS: start {probe.rss[0]:.0f} MB, peak {max(probe.rss):.0f} MB, end {probe.rss[-1]:.0f} MB "
          f"(target <= 600 MB: {'met' if max(probe.rss) <= 600 else 'MISSED'})")
    others = {c: cores.get(c, 0) - own for c, own in ((args.server_cpu, res["cpu"]), (args.client_cpu, res["generator_cpu"]))}
    res["others_cpu"] = others
    print(f"CPU per wall second: server {res['cpu']:.0%} and other processes {others[args.server_cpu]:.0%} of core "
          f"{args.server_cpu}; generator {res['generator_cpu']:.0%} and other processes {others[args.client_cpu]:.0%} "
          f"of core {args.client_cpu}")
    res["runqueue_wait"] = probe.runqueue_waits()
    print(f"waiting for a CPU (runnable, not running), per wall second summed over threads: server "
          f"{res['runqueue_wait'][0]:.0%}, generator {res['runqueue_wait'][1]:.0%}")
    res["training"] = [asdict(t) | {"steps_per_min": t.steps_per_minute()} for t in trainers]
    for t in sorted(trainers, key=lambda t: t.session):
        if t.started is None:
            print(f"trainer {t.session}: no slot in the whole run ({t.busy_notes} busy notes)")
            continue
        status = f"finished in {t.finished - t.started:.0f} s" if t.finished else \
            f"at step {t.last_step:,}/{t.total_steps:,} at the end"
        rate = t.steps_per_minute()
        print(f"trainer {t.session}: waited {t.started - t.pressed:.0f} s for a slot ({t.busy_notes} busy notes), "
              f"{status}, {f'{rate:,.0f}' if rate else '?'} steps/min while running")
    return res


async def loop_lag(stop: asyncio.Event, lags: list) -> None:
    """How late the generator's own event loop wakes up: if this grows, the client is the bottleneck."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        t = loop.time()
        await asyncio.sleep(0.05)
        lags.append(loop.time() - t - 0.05)


async def calibrate(url: str, pid: int, n: int = 20) -> dict:
    """One session alone, one action at a time: what a stroke and a Clear cost the server in CPU
    time (from /proc/PID/stat around each; robust to other load, 10 ms ticks averaged over n)."""
    s, rng = Session(url, "draw"), random.Random(7)
    await s.open(120)
    cost = {"stroke": [], "clear": []}
    for k in range(n + 1):  # the first stroke warms the caches and is not counted
        canvas = s.widget(kind="bidi_component", key_prefix="draw.canvas.")
        s.set_value(canvas, "json_value", dumps(canvas_value(jitter(DIGITS[sorted(DIGITS)[k % 10]], rng))))
        for kind in ("stroke", "clear"):
            c0 = cpu_seconds(pid)
            req = await s.wait(await (s.interact(canvas) if kind == "stroke" else
                                      s.click(s.widget(kind="button", key="draw.clear"))), 60)
            if k:
                cost[kind].append((cpu_seconds(pid) - c0, req.run.finished - req.run.started))
    await s.close()
    res = {kind: {"cpu_ms": sum(c for c, _ in v) / len(v) * 1000,
                  "run_median_ms": statistics.median(w for _, w in v) * 1000} for kind, v in cost.items()}
    # A drawer acts every 3 s on average; 10 digits of 1.1 strokes each, then Clear: 52 % strokes.
    per_drawer = (0.52 * res["stroke"]["cpu_ms"] + 0.48 * res["clear"]["cpu_ms"]) / 3000
    res["drawers_per_core"] = 1 / per_drawer
    print(f"alone, {n} of each, one at a time: a stroke costs the server {res['stroke']['cpu_ms']:.0f} ms of CPU "
          f"(its run {res['stroke']['run_median_ms']:.0f} ms, median), a Clear {res['clear']['cpu_ms']:.0f} ms "
          f"({res['clear']['run_median_ms']:.0f} ms): one core keeps up with about {res['drawers_per_core']:.0f} "
          f"drawing students and no training")
    return res


async def run(args) -> dict:
    rng = random.Random(args.seed)
    with streamlit_server() as (url, proc):
        pin_process(proc.pid, {args.server_cpu}, args.nice or None)
        warm = Session(url, "draw")  # the teacher's first look: imports and caches, not measured
        await warm.open(120)
        canvas = warm.widget(kind="bidi_component", key_prefix="draw.canvas.")
        warm.set_value(canvas, "json_value", dumps(canvas_value(DIGITS["7"])))
        await warm.wait(await warm.interact(canvas), 60)
        await warm.close()
        cal = await calibrate(url, proc.pid)
        probe = ServerProbe(proc.pid)
        probe.start()
        t0 = time.monotonic()
        deadline = t0 + args.seconds
        inters, trainers, errors = [], [], []
        tasks = [trainer(i, url, deadline, random.Random(rng.random()), trainers, errors) for i in range(args.trainers)]
        tasks += [drawer(i, url, deadline, random.Random(rng.random()), inters, errors)
                  for i in range(args.trainers, args.sessions)]
        stop, lags = asyncio.Event(), []
        lag_task = asyncio.create_task(loop_lag(stop, lags))
        profile = None
        if args.profile:
            profile = asyncio.create_task(asyncio.to_thread(py_spy_summary, proc.pid, args.profile, 20))
        sessions = await asyncio.gather(*tasks)
        end = time.monotonic()
        stop.set()
        await lag_task
        probe.stop()
        for s in sessions:
            if s is not None:
                errors += [f"session error: {e}" for e in s.errors]
                await s.close()
        res = report(args, inters, trainers, errors, probe, end - t0)
        res["alone"] = cal
        res["generator_lag_ms"] = {"p95": percentile(lags, 0.95) * 1000, "max": max(lags) * 1000}
        print(f"generator event-loop lag: p95 {res['generator_lag_ms']['p95']:.0f} ms, max "
              f"{res['generator_lag_ms']['max']:.0f} ms (large values would mean the client, not the server, is slow)")
        if profile is not None:
            res["profile"] = await profile
            print(res["profile"])
        return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--trainers", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=180)
    ap.add_argument("--quick", action="store_true", help="30 s instead of --seconds")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--server-cpu", type=int, default=0)
    ap.add_argument("--client-cpu", type=int, default=1)
    ap.add_argument("--nice", type=int, default=0,
                    help="nice value for the server and the generator, and for their own scheduling "
                         "autogroup (negative needs root): on a shared machine, -10 keeps other people's "
                         "work from taking the server's core and starving the generator")
    ap.add_argument("--profile", type=float, default=0, help="py-spy the server for this many seconds (after 20 s)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    if args.quick:
        args.seconds = 30
    args.loadavg = " ".join(f"{x:.2f}" for x in os.getloadavg())
    if args.nice and os.getsid(0) != os.getpid():
        # Linux's autogroup scheduling shares the CPU between sessions first and applies nice only
        # within one: start again as a session of our own (the server, a child, joins it), then
        # nice that group.
        os.execvp("setsid", ["setsid", "--wait", sys.executable, *sys.argv])
    os.sched_setaffinity(0, {args.client_cpu})  # before any thread starts: they inherit it
    if args.nice:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)
        autogroup = Path("/proc/self/autogroup")
        if autogroup.exists():
            autogroup.write_text(str(args.nice))
    res = asyncio.run(run(args))
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, default=str))


if __name__ == "__main__":
    main()
