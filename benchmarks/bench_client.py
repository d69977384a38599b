"""What the browser pays: per stroke on Draw, and per page load, measured with CDP in Chromium.

Per stroke (Draw, 1400x900, mouse), two kinds: the first stroke on a cleared canvas (the
views appear), and a second stroke on the same drawing (the views update). Measured from the
mouse-up until the page is quiet again (the stroke itself, the canvas drawing under the
pointer, is reported apart: it is the canvas component's, the same before and after):
  task ms     main-thread task time of the page's renderer (CDP Performance.getMetrics
              TaskDuration: wall time of tasks, so it grows when the machine is loaded)
  cpu ms      main-thread CPU time in the same window (Performance.getMetrics ThreadTime)
  ws KB       bytes of websocket frames the page received (CDP Network.webSocketFrameReceived,
              payload as the page sees it, i.e. after any per-message deflate)
  latency ms  mouse-up -> the new prediction in the page: both instants taken by the browser
              (performance.now() in a capturing mouseup listener and in a MutationObserver)
  views ms    mouse-up -> the new layer views in the page (the network's input picture), the
              same way: the answer is first when this comes after the prediction
The strokes run unthrottled and again with CDP Emulation.setCPUThrottlingRate 4 (a weak laptop).
--before DIR serves another checkout (e.g. the main branch) in the same run, side by side: both
servers and both pages stay up, and the rounds alternate between them (ABAB..., the first of
each pair alternating too), so a machine whose load changes during the run loads both alike.
Per page load (a new session for each of the six pages): websocket bytes, HTTP bytes as
transferred (encodedDataLength, so compressed where the server compressed), task time.

Targets (issue 12): per stroke median <= 120 ms task time and <= 60 KB; mouse-up -> prediction
median <= 150 ms at 1x and <= 350 ms at 4x; every page load <= 300 KB over the websocket.

    python -m benchmarks.bench_client [--strokes 12] [--throttled-strokes 8] [--no-pages] [--before DIR]
"""
from __future__ import annotations

import argparse
import base64
import os
import statistics
import time
from contextlib import ExitStack
from pathlib import Path

from devtools import bench
from devtools.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DIGIT_STROKES,
    canvas_box,
    clear_canvas,
    draw_strokes,
    streamlit_server,
    wait_idle,
)
from devtools.pages import LESSON, SHOWN, url_path

PAGES = [url_path(p) for p in LESSON[:SHOWN]]  # the lesson's pages, Home to Evaluate (views/shell/nav.py)
TARGETS = {"task": 120, "ws": 60, "latency": 150, "latency4": 350, "page_ws": 300}

# A new result is on screen when the prediction is there and the probabilities chart is not the
# one of before the mouse-up (a new SVG's values, or a new Plotly chart in older versions).
WATCH = """() => {
  const chart = () => document.querySelector('[data-testid="stMain"] .nn-bars, [data-testid="stMain"] .stPlotlyChart');
  const input = () => document.querySelector('[data-testid="stMain"] img[data-readout="pixels"]');
  const values = (c) => c ? (c.dataset.values || '') : null;
  window.__up = null; window.__shown = null; window.__views = null;
  document.addEventListener('mouseup', () => {
    window.__chart = chart(); window.__values = values(window.__chart);
    window.__input = input(); window.__inputValues = values(window.__input);
    window.__up = performance.now(); window.__shown = null; window.__views = null;
  }, true);
  new MutationObserver(() => {
    if (window.__up === null) return;
    const now = performance.now();
    const i = input();
    if (window.__views === null && i && (i !== window.__input || values(i) !== window.__inputValues)) window.__views = now;
    if (window.__shown !== null || !document.querySelector('.st-key-prediction .predicted-digit')) return;
    const c = chart();
    if (c && (c !== window.__chart || values(c) !== window.__values)) window.__shown = now;
  }).observe(document.body, {childList: true, subtree: true, attributes: true, attributeFilter: ['data-values']});
}"""


def percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


class Probe:
    """CDP counters of one page: main-thread task seconds, websocket bytes and frames in, HTTP bytes."""

    def __init__(self, page):
        self.page, self.cdp = page, page.context.new_cdp_session(page)
        self.ws_bytes = self.ws_frames = self.http_bytes = 0
        self.last_frame = time.monotonic()
        self.cdp.on("Network.webSocketFrameReceived", self._frame)
        self.cdp.on("Network.loadingFinished", self._loaded)
        self.cdp.send("Network.enable")
        self.cdp.send("Performance.enable")

    def _frame(self, event) -> None:
        r = event["response"]
        data = r["payloadData"]
        self.ws_bytes += len(base64.b64decode(data)) if r.get("opcode") == 2 else len(data.encode())
        self.ws_frames += 1
        self.last_frame = time.monotonic()

    def _loaded(self, event) -> None:
        self.http_bytes += int(event.get("encodedDataLength", 0))

    def metrics(self) -> dict[str, float]:
        return {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}

    def task_seconds(self) -> float:
        return self.metrics()["TaskDuration"]

    def throttle(self, rate: float) -> None:
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})

    def snapshot(self) -> dict[str, float]:
        m = self.metrics()
        return {"task": m["TaskDuration"] * 1000, "cpu": m["ThreadTime"] * 1000, "ws": self.ws_bytes / 1024,
                "frames": self.ws_frames, "http": self.http_bytes / 1024}

    def settle(self, quiet_s: float = 0.6, timeout_s: float = 20) -> None:
        """Until the app is idle, no frame arrived for quiet_s and the main thread stopped working."""
        deadline = time.monotonic() + timeout_s
        wait_idle(self.page, timeout=timeout_s * 1000)
        before = self.task_seconds()
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(quiet_s * 1000 / 3)
            now = self.task_seconds()
            if time.monotonic() - self.last_frame >= quiet_s and now - before < 0.004:
                return
            before = now


SECOND = [(0.3, 0.62), (0.7, 0.62)]  # a bar across the first digit: a further stroke on the same drawing


def one_stroke(page, probe: Probe, stroke) -> dict:
    start = probe.snapshot()
    draw_strokes(page, [stroke], canvas_box(page))
    up = probe.snapshot()
    page.wait_for_function("() => window.__shown !== null && window.__views !== null", timeout=20_000)
    latency, views = page.evaluate("() => [window.__shown - window.__up, window.__views - window.__up]")
    probe.settle()
    end = probe.snapshot()
    row = {k: end[k] - up[k] for k in ("task", "cpu", "ws", "frames")}
    return {**row, "latency": latency, "views": views, "drawing": up["task"] - start["task"]}


def one_round(page, probe: Probe, k: int, out: dict, suffix: str = "") -> None:
    """Clear (not counted), a first stroke of a digit (1, 7, 0 in turn), a further stroke on it."""
    clear_canvas(page)
    probe.settle()
    out["first" + suffix].append(one_stroke(page, probe, DIGIT_STROKES[["1", "7", "0"][k % 3]][0]))
    out["further" + suffix].append(one_stroke(page, probe, SECOND))


def page_loads(browser, url: str) -> dict[str, dict]:
    out = {}
    for where in PAGES:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        probe = Probe(page)
        page.goto(url + where)
        wait_idle(page)
        page.locator('[data-testid="stMain"] h1').first.wait_for()  # its title (any checkout's wording)
        probe.settle(quiet_s=1.0)
        out[where] = probe.snapshot()
        context.close()
    return out


def summary(name: str, rows: list[dict], key: str, unit: str, target: float | None = None) -> str:
    v = [r[key] for r in rows]
    med = statistics.median(v)
    verdict = "" if target is None else f" (target median <= {target:g} {unit}: {'met' if med <= target else 'MISSED'})"
    return f"    {name:<26} median {med:7.1f} {unit}, p95 {percentile(v, 0.95):7.1f}, max {max(v):7.1f}{verdict}"


def measure(browser, roots: dict[str, Path], args) -> dict[str, dict]:
    """Every figure for each checkout (name -> root), each on a server of its own, the stroke
    rounds alternating between them."""
    with ExitStack() as stack:
        open_ = {}
        for name, root in roots.items():
            url, _ = stack.enter_context(streamlit_server(root=root))
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            probe = Probe(page)
            page.goto(url + "/draw")
            wait_idle(page)
            draw_strokes(page, DIGIT_STROKES["1"], canvas_box(page))  # warm-up: first render, caches
            page.wait_for_selector(".st-key-prediction .predicted-digit", timeout=30_000)
            probe.settle()
            page.evaluate(WATCH)
            open_[name] = (url, page, probe)
        out = {name: {kind: [] for kind in ("first", "further", "first 4x", "further 4x")} for name in roots}
        names = list(roots)
        for rate, rounds, suffix in ((1, args.strokes, ""), (4, args.throttled_strokes, " 4x")):
            for _, _, probe in open_.values():
                probe.throttle(rate)
            for k in range(rounds):
                for name in (names if k % 2 == 0 else names[::-1]):
                    _, page, probe = open_[name]
                    one_round(page, probe, k, out[name], suffix)
        for name, (url, page, probe) in open_.items():
            probe.throttle(1)
            page.close()
            out[name]["pages"] = {} if args.no_pages else page_loads(browser, url)
    return out


def report(name: str, r: dict) -> None:
    print(f"== {name}")
    for kind, rows in r.items():
        if kind == "pages" or not rows:
            continue
        fast = "4x" not in kind
        print(f"  Draw, {kind.replace(' 4x', '')} stroke{' at 4x CPU throttling' if not fast else ''} ({len(rows)} strokes):")
        print(summary("main-thread task time", rows, "task", "ms", TARGETS["task"] if fast else None))
        print(summary("main-thread CPU time", rows, "cpu", "ms"))
        print(summary("websocket bytes received", rows, "ws", "KB", TARGETS["ws"] if fast else None))
        print(summary("mouse-up -> prediction", rows, "latency", "ms", TARGETS["latency" if fast else "latency4"]))
        print(summary("mouse-up -> layer views", rows, "views", "ms"))
        print(f"    {'answer before the views':<26} {sum(r['latency'] < r['views'] for r in rows)} of {len(rows)} strokes")
        print(summary("websocket frames", rows, "frames", ""))
        print(summary("(drawing the stroke)", rows, "drawing", "ms"))
    if r["pages"]:
        print("  Page loads (a new session each, 1400x900):")
        for path, p in r["pages"].items():
            ok = "met" if p["ws"] <= TARGETS["page_ws"] else "MISSED"
            print(f"    {path:<10} websocket {p['ws']:7.1f} KB ({ok}), HTTP {p['http']:7.1f} KB, "
                  f"task {p['task']:6.0f} ms, CPU {p['cpu']:6.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--strokes", type=int, default=12)
    ap.add_argument("--throttled-strokes", type=int, default=8)
    ap.add_argument("--no-pages", action="store_true", help="skip the six page loads")
    ap.add_argument("--before", type=Path, help="another checkout to measure in the same run (e.g. the main branch)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright
    print(bench.header())
    roots = bench.checkouts(args.before)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            results = measure(browser, roots, args)
        finally:
            browser.close()
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    for name, r in results.items():
        report(name, r)
    if len(results) == 2:
        compare(*results.values())


def compare(before: dict, after: dict) -> None:
    """Medians side by side, and after / before."""
    print("== this checkout / before (medians, same run)")
    for kind in ("first", "further", "first 4x", "further 4x"):
        if not before[kind] or not after[kind]:
            continue
        cells = []
        for key, unit in (("task", "ms"), ("cpu", "ms"), ("ws", "KB"), ("latency", "ms"), ("views", "ms")):
            b, a = (statistics.median(r[key] for r in rows) for rows in (before[kind], after[kind]))
            cells.append(f"{key} {b:.0f} -> {a:.0f} {unit} ({a / b:.2f})")
        print(f"  {kind + ' stroke':<20} " + " · ".join(cells))


if __name__ == "__main__":
    main()
