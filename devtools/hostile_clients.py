"""Hostile clients: what a few lines of Python can send a public Streamlit app over its
websocket and its upload endpoint, with no browser and no login (issue 21), and what each
costs the server, measured from outside.

Each case is an async function `case(url, pid) -> Outcome` against a running server (one of
devtools.browser.streamlit_server). It first does what a person would (the warm-up: the
same page, a real drawing, a real selection), then samples the server's RSS (VmRSS of the
process tree) every 50 ms for half a second (`base`), does the hostile thing and keeps
sampling until the server has answered and one more second has passed (`peak`). `grew` is
peak - base. `notes` are the warnings and errors the page showed (what a person would read),
`exceptions` the tracebacks it showed, `closed` whether the server closed the connection.

Used by tests/test_hostile_clients.py (assertions) and benchmarks/bench_hostile_clients.py
(figures, against this checkout or another one, such as the code before issue 21).
Left out: denial of service by sheer numbers of connections or CPU (rate limits belong to a
proxy), and the browser-only paths (tests/test_browser_*.py).
"""
from __future__ import annotations

import asyncio
import base64
import json
import random
import statistics
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field

import numpy as np
from streamlit.proto.BackMsg_pb2 import BackMsg

from devtools.canvas_value import DIGITS, canvas_value, jitter
from devtools.server_probe import rss_mb
from devtools.st_client import Session, dumps

MB = 1_000_000
BIG = 24 * MB   # one widget message of 24 MB (Streamlit's default cap is 25 MB)


@dataclass
class Outcome:
    name: str
    base: float = float("nan")       # MB, RSS just before the hostile part
    peak: float = float("nan")       # MB, the highest sample during it
    after: float = float("nan")      # MB, the last sample
    notes: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    closed: bool = False
    seconds: float = float("nan")
    extra: dict = field(default_factory=dict)

    @property
    def grew(self) -> float:
        return self.peak - self.base

    def row(self) -> str:
        return (f"{self.name:<44} base {self.base:7.0f} MB  peak {self.peak:7.0f} MB  (+{self.grew:5.0f})  "
                f"after {self.after:5.0f} MB  "
                f"{self.seconds:5.1f} s  {'closed ' if self.closed else ''}"
                f"{'notes: ' + repr([n[:70] for n in self.notes[:2]]) if self.notes else ''}"
                f"{' TRACEBACK ' + repr(self.exceptions[0][:90]) if self.exceptions else ''} {self.extra or ''}")


class RssSampler:
    """VmRSS of the server's process tree every `every` seconds, in a thread, while in a `with`."""

    def __init__(self, pid: int, every: float = 0.05):
        self.pid, self.every, self.samples = pid, every, []
        self._halt = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._halt.is_set():
            try:
                self.samples.append((time.monotonic(), rss_mb(self.pid)))
            except OSError:
                return
            self._halt.wait(self.every)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._halt.set()
        self._thread.join()

    def since(self, t0: float) -> list[float]:
        return [v for t, v in self.samples if t >= t0]


class Measure:
    """base = median RSS over `settle` seconds before the hostile part; peak = highest after it."""

    def __init__(self, pid: int, outcome: Outcome, settle: float = 0.5, tail: float = 1.0):
        self.pid, self.out, self.settle, self.tail = pid, outcome, settle, tail

    async def __aenter__(self) -> "Measure":
        self.sampler = RssSampler(self.pid).__enter__()
        await asyncio.sleep(self.settle)
        self.out.base = statistics.median(v for _, v in self.sampler.samples) if self.sampler.samples else rss_mb(self.pid)
        self.t0 = time.monotonic()
        return self

    async def __aexit__(self, *exc) -> None:
        self.out.seconds = time.monotonic() - self.t0
        await asyncio.sleep(self.tail)
        self.sampler.__exit__()
        after = self.sampler.since(self.t0) or [rss_mb(self.pid)]
        self.out.peak, self.out.after = max(after), after[-1]


def page_texts(session: Session, out: Outcome, run_elements=None) -> None:
    """The notes (warning, error, info boxes) and tracebacks on the page into the outcome."""
    elements = run_elements if run_elements is not None else session.elements.values()
    for el in elements:
        if el.kind in ("alert",) or el.kind in ("warning", "error"):
            out.notes.append(getattr(el.proto, "body", ""))
        if el.kind == "exception":
            out.exceptions.append(f"exception on the page: {el.proto.type}: {el.proto.message}"[:200])
    out.exceptions += [e[:200] for e in session.errors if e.startswith("exception") and e[:200] not in out.exceptions]


async def settle_rerun(session: Session, widget, timeout: float = 120):
    """Send the rerun a changed widget causes; the run, or None if the server closed the connection."""
    try:
        req = await session.wait(await session.interact(widget), timeout)
        return req.run
    except (ConnectionError, RuntimeError, asyncio.TimeoutError):
        return None


# ------------------------------------------------------------------ building hostile values
def png_bomb(px: int) -> str:
    """A valid px x px RGBA PNG of black pixels, deflated to almost nothing, as a data URL."""
    row = b"\x00" + bytes(px * 4)
    comp = zlib.compressobj(9)
    body = b"".join(comp.compress(row) for _ in range(px)) + comp.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", px, px, 8, 6, 0, 0, 0))
           + chunk(b"IDAT", body) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(raw).decode()


def big_value(field_name: str, size: int):
    """A widget value of about `size` bytes for a WidgetState field."""
    if field_name == "string_value":
        return "9" * size
    if field_name == "string_array_value":
        return ["x"] * (size // 3)           # 3 bytes each on the wire
    if field_name == "double_array_value":
        return [0.5] * (size // 8)
    if field_name == "json_value":           # a Plotly selection of empty points (or any JSON)
        n = (size - 40) // 3
        return '{"selection":{"points":[' + ",".join(["{}"] * n) + '],"point_indices":[],"box":[],"lasso":[]}}'
    raise ValueError(field_name)


# ------------------------------------------------------------------ the cases
async def canvas_bomb(url: str, pid: int, px: int) -> Outcome:
    """Draw a real 7, then send the canvas's state with a px x px PNG (twice: every rerun decodes it)."""
    out = Outcome(f"canvas PNG {px} x {px}")
    s = Session(url, "draw")
    await s.open()
    canvas = s.widget(kind="bidi_component", key_prefix="draw.canvas.")
    s.set_value(canvas, "json_value", dumps(canvas_value(jitter(DIGITS["7"], random.Random(1)))))
    await settle_rerun(s, canvas)
    bomb = dumps({"drawing": {"raw": {"version": "7.4.0", "objects": [], "background": "#000000"},
                              "data": png_bomb(px)}})
    out.extra["message KB"] = round(len(bomb) / 1000)
    async with Measure(pid, out):
        s.set_value(canvas, "json_value", bomb)
        run = await settle_rerun(s, canvas)
        if run is not None:
            await settle_rerun(s, canvas)
    out.closed = s.closed
    page_texts(s, out)
    out.extra["prediction kept"] = any('class="predicted-digit"' in getattr(e.proto, "body", "")
                                       for e in s.elements.values())
    await s.close()
    return out


# (page, how to find the widget, WidgetState field, warm-up value or None)
WIDGET_KINDS = {
    "text input (hidden sizes)": ("train", dict(kind="text_input"), "string_value"),
    "multiselect (share panel)": ("train", dict(kind="multiselect", key="train.share.fixed"), "string_array_value"),
    "selectbox (preset)": ("train", dict(kind="selectbox", key="preset"), "string_value"),
    "select slider (learning rate)": ("train", dict(kind="slider", key="lr"), "string_array_value"),
    "canvas (bidi component)": ("draw", dict(kind="bidi_component", key_prefix="draw.canvas."), "json_value"),
    "slider (brush)": ("draw", dict(kind="slider", key="draw.brush"), "double_array_value"),
    "segmented control (source)": ("draw", dict(kind="button_group", key="draw.source"), "string_array_value"),
    "plotly selection (layer map)": ("map", dict(kind="plotly_chart", key="layermap.map"), "json_value"),
    "multiselect (Break it units)": ("break", dict(kind="multiselect", key="lab.off.1"), "string_array_value"),
}


async def big_widget(url: str, pid: int, kind: str, size: int = BIG) -> Outcome:
    """One widget message of `size` bytes to a widget of this kind."""
    page, find, field_name = WIDGET_KINDS[kind]
    out = Outcome(f"{size / MB:.1f} MB to {kind}")
    s = Session(url, page)
    await s.open()
    widget = s.widget(**find)
    value = big_value(field_name, size)
    async with Measure(pid, out):
        s.set_value(widget, field_name, value)
        del value
        run = await settle_rerun(s, widget)
        if run is not None:
            await settle_rerun(s, widget)   # the state is sent again with every rerun
    await asyncio.sleep(0.2)
    out.closed = s.closed
    page_texts(s, out)
    await s.close()
    return out


async def put_flood(url: str, pid: int, files: int = 30, mb: int = 10) -> Outcome:
    """`files` PUTs of `mb` MB each to the upload endpoint for the script's own session, with
    file ids of its own making (no uploader asked for them); then the same through upload
    URLs the server issued (as many as asked for)."""
    out = Outcome(f"{files} PUTs of {mb} MB")
    s = Session(url, "train")
    await s.open()
    data = bytes(mb * 1024 * 1024 - 1024)
    statuses = []
    async with Measure(pid, out):
        for i in range(files):
            statuses.append(await asyncio.to_thread(s.put_file, f"/_stcore/upload_file/{s.session_id}/f{i}",
                                                    f"m{i}.npz", data))
        try:
            urls = await s.upload_urls([f"n{i}.npz" for i in range(files)], timeout=10)
        except asyncio.TimeoutError:
            urls = []
        for u in urls:
            statuses.append(await asyncio.to_thread(s.put_file, u.upload_url, "x.npz", data))
    out.extra["accepted"] = sum(st == 204 for st in statuses)
    out.extra["issued urls"] = len(urls)
    await s.close()
    return out


def model_file(sizes: list[int], dtype=np.float64, seed: int = 3) -> bytes:
    from nn_core import MLP, dumps_model
    return dumps_model(MLP(sizes, seed=seed, dtype=dtype), {}, {})


LARGEST = [784, 512, 512, 512, 512, 10]


async def open_page(s: Session, page: str, timeout: float = 300):
    """Switch an open session to another page, as the navigation menu does."""
    s.page = page
    req = await s._send_rerun(fragment_id="", page_name=page)
    return (await s.wait(req, timeout)).run


async def upload_model(url: str, data: bytes, name: str = "big64.npz") -> Session:
    s = Session(url, "train")
    await s.open()
    await s.upload(s.widget(kind="file_uploader"), name, data, timeout=300)
    return s


async def evaluate_float64(url: str, pid: int, sessions: int = 3) -> Outcome:
    """`sessions` sessions each upload the largest allowed model as float64, then open Evaluate together."""
    out = Outcome(f"float64 {'-'.join(map(str, LARGEST))} x{sessions} on Evaluate")
    data = model_file(LARGEST, np.float64)
    out.extra["file MB"] = round(len(data) / MB, 2)
    ss = [await upload_model(url, data) for _ in range(sessions)]
    for s in ss:
        page_texts(s, out)
    out.notes = [n for n in out.notes if "Loaded" not in n]
    out.extra["loaded"] = sum(any("Loaded" in getattr(e.proto, "body", "") for e in s.elements.values()) for s in ss)
    async with Measure(pid, out, tail=2.0):
        runs = await asyncio.gather(*(open_page(s, "evaluate") for s in ss), return_exceptions=True)
    out.extra["pages"] = sum(not isinstance(r, BaseException) for r in runs)
    for s in ss:
        page_texts(s, out)
        await s.close()
    return out


async def send_clear_cache(url: str, n: int) -> list[str]:
    s = Session(url, "")
    await s.open()
    msg = BackMsg()
    msg.clear_cache = True
    for _ in range(n):
        await s.send_back(msg)
        await asyncio.sleep(0.05)
    await asyncio.sleep(1)
    errors = s.errors
    await s.close()
    return errors


async def clear_cache_during_training(url: str, pid: int, trainers: int = 5, messages: int = 30,
                                      query: str = "hidden=16&epochs=500") -> Outcome:
    """`trainers` sessions press Start (2 train, the others wait in line), then another session
    sends clear_cache `messages` times; how many runs advance at once is watched throughout.
    The runs are of a small network (their own memory stays flat), so what grows is clear_cache's."""
    out = Outcome(f"clear_cache x{messages} while {trainers} sessions train or wait")
    ss = []
    for _ in range(trainers):
        s = Session(url, "train", query=query)
        await s.open()
        await s.wait(await s.click(s.widget(kind="button", label="Start")), 60)
        ss.append(s)
    await asyncio.sleep(6)  # the runs settle (their first snapshots, history)
    running_max = 0
    last = [None] * trainers

    def steps(s: Session):
        import re
        for e in s.find(kind="progress"):
            m = re.search(r"step ([\d,]+) of", e.proto.text)
            if m:
                return int(m.group(1).replace(",", ""))
        return None

    async def watch(seconds: float):
        nonlocal running_max
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            await asyncio.sleep(1.5)
            now = [steps(s) for s in ss]
            advancing = sum(1 for a, b in zip(last, now) if a is not None and b is not None and b > a)
            running_max = max(running_max, advancing)
            last[:] = now

    await watch(4)
    before = running_max
    async with Measure(pid, out, tail=1.0):
        errors, _ = await asyncio.gather(send_clear_cache(url, messages), watch(messages * 0.05 + 25))  # the line ticks, then new runs show steps
    out.extra.update({"advancing before": before, "advancing at most": running_max})
    out.exceptions += [e for e in errors if e.startswith("exception")]
    for s in ss:
        page_texts(s, out)
        await s.close()
    out.notes = [n for n in out.notes if n]
    return out


async def legit_sizes(url: str) -> dict[str, int]:
    """The largest widget states a person's browser sends: a long drawing (40 strokes), and a
    layer-map selection of all 2,000 points in the shape the frontend sends them."""
    rng = np.random.default_rng(0)
    strokes = [[(float(x), float(y)) for x, y in rng.uniform(0.05, 0.95, (60, 2))] for _ in range(40)]
    drawing = dumps(canvas_value(strokes))
    points = [{"curve_number": d, "point_number": i, "point_index": i, "x": float(rng.normal()), "y": float(rng.normal()),
               "customdata": [int(rng.integers(10000))], "legendgroup": str(d)} for d in range(10) for i in range(200)]
    selection = json.dumps({"selection": {"points": points, "point_indices": list(range(2000)),
                                          "box": [{"x": [-9.5, 9.5], "y": [-9.5, 9.5], "xref": "x", "yref": "y"}],
                                          "lasso": []}})
    return {"long drawing": len(drawing), "2,000-point selection": len(selection)}


async def largest_model_pages(url: str, pid: int, dtype=np.float64) -> list[Outcome]:
    """One session with the largest allowed model (uploaded as `dtype`): the first visit of
    Evaluate, Units, Break it and Robustness, then one interaction on each of the last two
    (a Break-it switch, a Robustness slider): each measured on its own."""
    s = await upload_model(url, model_file(LARGEST, dtype), name="largest.npz")
    outs = []
    for page in ("evaluate", "units", "break", "robustness"):
        out = Outcome(f"largest {np.dtype(dtype).name}: open {page}")
        async with Measure(pid, out):
            await open_page(s, page)
        page_texts(s, out)
        outs.append(out)
    for page, find, field_name, value in [("break", dict(kind="checkbox", key="lab.nobias.1"), "bool_value", True),
                                          ("break", dict(kind="slider", key="lab.scale.2"), "double_array_value", [0.5]),
                                          ("robustness", dict(kind="slider", key="robust.noise"), "double_array_value", [0.3]),
                                          ("robustness", dict(kind="slider", key="robust.rotation"), "double_array_value", [30.0])]:
        if s.page != page:
            await open_page(s, page)
        out = Outcome(f"largest {np.dtype(dtype).name}: {page} {find['key']}")
        widget = s.widget(**find)
        async with Measure(pid, out):
            s.set_value(widget, field_name, value)
            await settle_rerun(s, widget, timeout=300)
        page_texts(s, out)
        outs.append(out)
    await s.close()
    return outs


async def _class_member(url: str, i: int, data: bytes) -> None:
    """One student: a drawing, an uploaded model, Evaluate and the Layer map; then the tab closes."""
    s = Session(url, "draw")
    await s.open(timeout=300)
    canvas = s.widget(kind="bidi_component", key_prefix="draw.canvas.")
    s.set_value(canvas, "json_value", dumps(canvas_value(jitter(DIGITS[str(i % 10)], random.Random(i)))))
    await settle_rerun(s, canvas)
    await open_page(s, "train")
    await s.upload(s.widget(kind="file_uploader"), f"student{i}.npz", data, timeout=300)
    await open_page(s, "evaluate")
    await open_page(s, "map")
    await s.close()


async def sessions_close(url: str, pid: int, n: int = 30, wait: float = 180, sizes=(784, 256, 256, 10)) -> Outcome:
    """`n` sessions (ten at a time) each draw, upload a model, open Evaluate and the Layer map,
    and close. base = RSS after one such session (warmed up), peak = after all n, after = the
    first sample within 100 MB of base, or the last one after `wait` seconds (extra: seconds)."""
    out = Outcome(f"{n} sessions closed")
    data = model_file(list(sizes), np.float32)
    await _class_member(url, 0, data)
    await asyncio.sleep(3)
    out.base = rss_mb(pid)
    t0 = time.monotonic()
    for batch in range(0, n, 10):
        await asyncio.gather(*(_class_member(url, 1 + batch + i, data) for i in range(min(10, n - batch))))
    out.peak = rss_mb(pid)
    closed = time.monotonic()
    out.after = out.peak
    while time.monotonic() - closed < wait:
        out.after = rss_mb(pid)
        if out.after <= out.base + 100:
            break
        await asyncio.sleep(2)
    out.seconds = time.monotonic() - t0
    out.extra["back after s"] = round(time.monotonic() - closed) if out.after <= out.base + 100 else None
    return out


async def stroke_times(url: str, strokes: int = 20) -> list[float]:
    """What the doors cost a person: send -> finished of `strokes` real drawings (ms each)."""
    s = Session(url, "draw")
    await s.open(timeout=120)
    canvas = s.widget(kind="bidi_component", key_prefix="draw.canvas.")
    times = []
    for i in range(strokes + 2):
        s.set_value(canvas, "json_value", dumps(canvas_value(jitter(DIGITS[str(i % 10)], random.Random(i)))))
        req = await s.wait(await s.interact(canvas), 60)
        if i >= 2:  # the first two warm the page
            times.append(req.latency * 1000)
    await s.close()
    return times
