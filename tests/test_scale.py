"""One server under a class (issue 20): its memory budget, a 690 MiB box, memory back, a full class.

- 30 protocol-level students against a server with a 400 MB budget (NN_MEMORY_MB; the issue's
  example of 300 MB is below what the server itself holds once every page has loaded its shared
  data, 317-330 MB): each uploads the largest model the caps allow (784-512x4-10), opens the six
  pages that look inside it, then presses Start on the largest network (every third a full batch).
  RSS stays under the budget + 50 MB; every refused action (an upload, a run, a new session) got
  its plain message; no session errors; after they close, RSS is back within 100 MB of its level
  before the class within 3 minutes (a closed tab's session is kept 120 s for a reconnect,
  then swept: server/sweeper.py).
- The same class with the server inside a 690 MiB memory cgroup (no NN_MEMORY_MB: the budget is
  read from the cgroup): the server survives (no OOM kill), no session is lost.
- A full class: existing students draw; then a crowd of new sessions arrives at once. The server
  falls behind, the newcomers get "This class is full right now" within 2 s of asking, and the
  existing students' stroke p95 stays within 2x what it was before the crowd.
Figures go to benchmarks/README.md (`python -m benchmarks.bench_scale` prints the same).
Marked slow and scale: `make test` runs them, `make quick` does not.
"""
from __future__ import annotations

import asyncio
import os
import random
import statistics
import time

import pytest

from devtools import cgroup
from devtools import class_load as cl
from devtools.browser import streamlit_server
from devtools.canvas_value import DIGITS, canvas_value, jitter
from devtools.st_client import Session, dumps

pytestmark = [pytest.mark.slow, pytest.mark.scale, pytest.mark.measure]
BUDGET_MB = 400


def _check_class(r: cl.ClassRun) -> None:
    print(cl.summary(r))
    assert r.alive
    for s in r.students:
        assert s.errors == [], (s.i, s.errors)
        if not s.admitted:
            continue  # told "This class is full right now" at the door (the message is what was checked)
        assert s.upload in ("loaded", "refused"), (s.i, s.upload)  # "refused" only with the memory message
        assert s.pages == len(cl.INSIDE), (s.i, s.pages)
        assert s.start in ("running", "in line", "finished", "refused"), (s.i, s.start)


def test_thirty_students_within_a_small_budget():
    with streamlit_server(env={"NN_MEMORY_MB": str(BUDGET_MB), "NN_FULL_LAG_MS": "60000"}) as (url, proc):
        r = asyncio.run(cl.run_class(url, proc.pid, n=30, proc=proc, wait=180))
        log = proc.log_path.read_text()
    _check_class(r)
    assert r.peak <= BUDGET_MB + 50, cl.summary(r)
    admitted = [s for s in r.students if s.admitted]
    refused = sum(s.upload == "refused" for s in admitted) + sum(s.start == "refused" for s in admitted) + \
        sum(not s.admitted for s in r.students)
    assert admitted and refused > 0  # the budget was reached, and said so
    assert "memory: budget 400 MB (memory_mb setting)" in log and "memory: refused" in log
    assert r.back_after is not None and r.back_after <= 180, cl.summary(r)


def test_thirty_students_in_a_690_mib_cgroup():
    why = cgroup.available()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"no memory cgroup: {why}")
        pytest.skip(why)
    with cgroup.memory_cgroup(690 * 2**20) as (enter, path):
        with streamlit_server(preexec_fn=enter, env={"NN_FULL_LAG_MS": "60000"}) as (url, proc):
            r = asyncio.run(cl.run_class(url, proc.pid, n=30, proc=proc, wait=180))
            log = proc.log_path.read_text()
            kills, peak = cgroup.oom_kills(path), cgroup.peak(path)
    print(f"cgroup: peak {peak / 2**20:.0f} MiB of 690, OOM kills {kills}")
    _check_class(r)
    assert kills == 0 and r.alive
    assert "container memory limit (cgroup)" in log
    assert all(s.admitted for s in r.students) or "class full" in log
    assert r.back_after is not None and r.back_after <= 180, cl.summary(r)


# ------------------------------------------------------------------ a full class
async def _strokes(s: Session, seconds: float, out: list[float], seed: int) -> None:
    rng, end = random.Random(seed), time.monotonic() + seconds
    canvas_key = "draw.canvas."
    while time.monotonic() < end:
        canvas = s.widget(kind="bidi_component", key_prefix=canvas_key)
        s.set_value(canvas, "json_value", dumps(canvas_value(jitter(DIGITS[str(rng.randrange(10))], rng))))
        req = await s.wait(await s.interact(canvas), 60)
        out.append(req.latency)
        await asyncio.sleep(rng.uniform(0.5, 1.0))


async def _newcomer(url: str, out: list) -> None:
    s = Session(url, "break")  # Break it: its question scores an edited network on the test set, per session
    t0 = time.monotonic()
    try:
        await s.open(timeout=120)
    except Exception as e:
        out.append(("error", time.monotonic() - t0, repr(e)))
        return
    full = any(cl.FULL in getattr(e.proto, "body", "") for e in s.elements.values())
    out.append(("full" if full else "in", time.monotonic() - t0, s.errors))
    await s.close()


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20)[-1]


def test_a_full_class_turns_newcomers_away_and_keeps_the_others_quick():
    # The server on one core (as bench_classroom pins it) with a deployer's threshold of 20 ms
    # (the default is 1 s). Measured on a quiet 2-core machine (2026-12-07): with the default
    # and two cores, thirty newcomers to today's faster pages never kept runs waiting even 50 ms
    # (strokes p95 45 -> 57 ms), so nobody was turned away and the test could not see the gate;
    # it is about what happens once the server is behind, wherever the deployer draws that line.
    def one_core() -> None:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    with streamlit_server(env={"NN_FULL_LAG_MS": "20"}, preexec_fn=one_core) as (url, proc):
        async def lesson():
            drawers = [Session(url, "draw") for _ in range(3)]
            for s in drawers:
                await s.open(timeout=120)
            before: list[float] = []
            await asyncio.gather(*(_strokes(s, 25, before, i) for i, s in enumerate(drawers)))
            during: list[float] = []
            arrivals: list = []

            async def crowd():
                await asyncio.sleep(2)
                tasks = []
                for _ in range(30):  # thirty newcomers within three seconds, each opening Break it
                    tasks.append(asyncio.create_task(_newcomer(url, arrivals)))
                    await asyncio.sleep(0.1)
                await asyncio.gather(*tasks)
            await asyncio.gather(crowd(), *(_strokes(s, 25, during, 10 + i) for i, s in enumerate(drawers)))
            errors = [e for s in drawers for e in s.errors]
            for s in drawers:
                await s.close()
            return before, during, arrivals, errors
        before, during, arrivals, errors = asyncio.run(lesson())
        log = proc.log_path.read_text()
    full = [t for kind, t, _ in arrivals if kind == "full"]
    print(f"strokes before: n={len(before)} p95 {p95(before) * 1000:.0f} ms; during the crowd: n={len(during)} "
          f"p95 {p95(during) * 1000:.0f} ms; newcomers: {len(full)} told full (slowest answer {max(full, default=0):.2f} s), "
          f"{sum(k == 'in' for k, _, _ in arrivals)} let in, {sum(k == 'error' for k, _, _ in arrivals)} errors")
    assert errors == [] and not [a for a in arrivals if a[0] == "error"]
    assert full, "nobody was turned away: the crowd did not fill the server"
    assert max(full) <= 2.0
    assert "class full: a new session was turned away" in log
    assert p95(during) <= 2 * p95(before)
