"""A class that fills a server's memory (issue 20): protocol-level students (st_client, no browser)
who each upload the largest model the caps allow, open the pages that look inside it, then train.

Every action's outcome is recorded as the student would read it: the model loaded or a plain
refusal; each page shown, with no traceback; Start answered by a run, a place in line, or a
refusal that says why. `run_class` samples the server's RSS (VmRSS of its process tree) every
50 ms throughout, keeps the sessions open for `hold` seconds, closes them, and waits for the RSS
to come back within 100 MB of the level before the class (after one warm-up student).

Used by tests/test_scale.py (assertions) and benchmarks/bench_scale.py (figures).
Leaves out: drawing and latency (benchmarks/bench_classroom.py), the proxy (devtools/deploy.py).
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import numpy as np

from devtools import hostile_clients as hc
from devtools.server_probe import rss_mb
from devtools.st_client import Session

INSIDE = ["weights", "evaluate", "map", "units", "break", "robustness"]
REFUSED = "short of memory"     # the words every memory refusal uses (session/holdings.py)
FULL = "This class is full right now"
# The run each student starts: the largest network the caps allow, on 5,000 images for one epoch
# (memory is what is tested; every third a full batch, the most a run can need).
TRAIN_QUERY = "hidden=512,512,512,512&epochs=1&n_train=5000"
FULL_BATCH = "&batch=full%20batch"


@dataclass
class Student:
    i: int
    upload: str = ""              # "loaded", "refused" or what else the page said
    pages: int = 0                # inside pages shown
    start: str = ""               # "running", "in line", "refused", "finished" or what else
    admitted: bool = True         # False: told the class was full
    messages: list[str] = field(default_factory=list)   # the notes and errors the page showed
    errors: list[str] = field(default_factory=list)     # tracebacks, lost connections, refusals without a message
    session: Session | None = None
    events: list[tuple[float, str]] = field(default_factory=list)  # (time.monotonic(), what began)


def _alerts(s: Session) -> list[str]:
    return [getattr(e.proto, "body", "") for e in s.elements.values() if e.kind == "alert"]


def _classify_upload(texts: list[str]) -> str:
    if any(t.startswith("Loaded") for t in texts):
        return "loaded"
    if any(REFUSED in t for t in texts):
        return "refused"
    return "other: " + " | ".join(t[:80] for t in texts)


def _classify_start(texts: list[str], s: Session) -> str:
    if any(REFUSED in t for t in texts):
        return "refused"
    if any("in line" in t for t in texts):
        return "in line"
    if any("Training finished" in t or "Training stopped" in t for t in texts):
        return "finished"
    if s.find(kind="progress"):
        return "running"
    return "other: " + " | ".join(t[:80] for t in texts)


async def student(url: str, i: int, data: bytes, pages=INSIDE, train: bool = True) -> Student:
    st = Student(i)
    query = TRAIN_QUERY + (FULL_BATCH if i % 3 == 0 else "")
    s = st.session = Session(url, "train", query=query)
    try:
        await s.open(timeout=300)
        if any(FULL in getattr(e.proto, "body", "") or FULL in getattr(e.proto, "text", "")
               for e in s.elements.values()):
            st.admitted = False
            return st
        st.events.append((time.monotonic(), "upload"))
        await s.upload(s.widget(kind="file_uploader"), f"student{i}.npz", data, timeout=300)
        texts = _alerts(s)
        st.upload = _classify_upload(texts)
        st.messages += texts
        for page in pages:
            st.events.append((time.monotonic(), page))
            await hc.open_page(s, page, timeout=300)
            st.pages += 1
            st.messages += _alerts(s)
        if train:
            await hc.open_page(s, "train", timeout=300)
            st.events.append((time.monotonic(), "start"))
            await s.wait(await s.click(s.widget(kind="button", label="Start")), 300)
            await asyncio.sleep(1.0)
            texts = _alerts(s)
            st.start = _classify_start(texts, s)
            st.messages += texts
    except Exception as e:  # a lost connection, a page that never finished
        st.errors.append(f"{type(e).__name__}: {e}")
    st.errors += [e for e in s.errors]
    return st


@dataclass
class ClassRun:
    students: list[Student]
    base: float          # MB, RSS after the warm-up student, before the class
    peak: float          # MB, highest sample while the class was on
    closed_at: float     # MB, RSS when the sessions closed
    back: float          # MB, the last sample of the wait (the first within 100 MB of base)
    back_after: float | None   # s from closing until within 100 MB of base (None: not within `wait`)
    seconds: float       # the class, from the first student to the last
    alive: bool          # the server process still running at the end
    samples: list = field(default_factory=list)  # (time.monotonic(), RSS MB) every 50 ms during the class


async def run_class(url: str, pid: int, n: int = 30, together: int = 10, hold: float = 10.0,
                    wait: float = 180.0, proc=None, train: bool = True) -> ClassRun:
    """`n` students, `together` at a time (each group starts as the one before has uploaded)."""
    data = hc.model_file(hc.LARGEST, np.float32)
    # The server loads everything it shares, training's too (the calibration, a training thread's
    # BLAS buffers: OpenBLAS keeps one per thread that worked at once, reused, never returned)
    warm = await student(url, -1, data, train=train)
    await warm.session.close()
    await asyncio.sleep(3)
    base = rss_mb(pid)
    t0 = time.monotonic()
    with hc.RssSampler(pid) as sampler:
        students = []
        for first in range(0, n, together):
            group = await asyncio.gather(*(student(url, i, data, train=train)
                                           for i in range(first, min(n, first + together))))
            students += group
        await asyncio.sleep(hold)  # the runs train, the line moves
        for st in students:  # what the pages say now (a run that started from the line, or finished)
            if st.session is not None and st.start == "in line":
                st.start = _classify_start(_alerts(st.session), st.session)
        seconds = time.monotonic() - t0
        peak = max(v for _, v in sampler.samples)
        samples = list(sampler.samples)
    for st in students:
        st.errors += [e for e in st.session.errors if e not in st.errors]
        await st.session.close()
    closed = time.monotonic()
    closed_at = back = rss_mb(pid)
    while time.monotonic() - closed < wait:
        back = rss_mb(pid)
        if back <= base + 100:
            break
        await asyncio.sleep(2)
    back_after = round(time.monotonic() - closed) if back <= base + 100 else None
    alive = proc is None or proc.poll() is None
    return ClassRun(students, base, peak, closed_at, back, back_after, seconds, alive, samples)


def around_peak(r: ClassRun, seconds: float = 3.0) -> list[str]:
    """What the students began in the `seconds` before the RSS peak (to see what made it)."""
    t_peak = max(r.samples, key=lambda s: s[1])[0]
    return [f"{t - t_peak:+.1f} s student {s.i}: {what}" for s in r.students for t, what in s.events
            if t_peak - seconds <= t <= t_peak]


def summary(r: ClassRun) -> str:
    from collections import Counter
    up = Counter(s.upload for s in r.students)
    start = Counter(s.start for s in r.students)
    errors = [e for s in r.students for e in s.errors]
    return (f"{len(r.students)} students ({sum(not s.admitted for s in r.students)} told the class was full): "
            f"uploads {dict(up)}; pages shown {sum(s.pages for s in r.students)}; Start {dict(start)}; "
            f"errors {len(errors)}{' ' + repr(errors[:3]) if errors else ''}; RSS base {r.base:.0f} MB, peak "
            f"{r.peak:.0f} MB, at close {r.closed_at:.0f} MB, then {r.back:.0f} MB "
            f"{f'after {r.back_after} s' if r.back_after is not None else 'at the end of the wait'}; "
            f"class {r.seconds:.0f} s; server {'alive' if r.alive else 'DEAD'}")
