"""What the browser pays: per stroke on Draw, and per page load, measured with CDP in Chromium.

Per stroke (Draw, 1400x900, mouse): the canvas is cleared (not counted), then one single-stroke
digit is drawn. From just before the mouse goes down until the page is quiet again:
  task ms     main-thread task time of the page's renderer (CDP Performance.getMetrics
              TaskDuration, the same counter DevTools' performance monitor shows)
  ws KB       bytes of websocket frames the page received (CDP Network.webSocketFrameReceived,
              payload as the page sees it, i.e. after any per-message deflate)
  latency ms  mouse-up -> the predicted digit in the page: both instants taken by the browser
              (performance.now() in a capturing mouseup listener and in a MutationObserver)
The strokes run unthrottled and again with CDP Emulation.setCPUThrottlingRate 4 (a weak laptop).
Per page load (a new session for each of the six pages): websocket bytes, HTTP bytes as
transferred (encodedDataLength, so compressed where the server compressed), task time.

Targets (issue 12): per stroke median <= 120 ms task time and <= 60 KB; mouse-up -> prediction
median <= 150 ms at 1x and <= 350 ms at 4x; every page load <= 300 KB over the websocket.

    python benchmarks/bench_client.py [--strokes 15] [--throttled-strokes 10] [--no-pages]
"""
from __future__ import annotations

import argparse
import base64
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import (CHROMIUM, CHROMIUM_ARGS, DIGIT_STROKES, canvas_box, clear_canvas, draw_strokes,  # noqa: E402
                     streamlit_server, wait_idle)

PAGES = {"/": "How a neural network learns", "/train": "Train a network", "/weights": "What the network learned",
         "/draw": "Your digit, through the network", "/backprop": "Backpropagation on one digit",
         "/evaluate": "How good is it? The test set"}
TARGETS = {"task": 120, "ws": 60, "latency": 150, "latency4": 350, "page_ws": 300}

WATCH = """() => {
  window.__up = null; window.__shown = null;
  document.addEventListener('mouseup', () => { window.__up = performance.now(); window.__shown = null; }, true);
  new MutationObserver(() => {
    if (window.__up !== null && window.__shown === null &&
        document.querySelector('.st-key-prediction .predicted-digit')) window.__shown = performance.now();
  }).observe(document.body, {childList: true, subtree: true});
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

    def task_seconds(self) -> float:
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        return next(m["value"] for m in metrics if m["name"] == "TaskDuration")

    def throttle(self, rate: float) -> None:
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})

    def snapshot(self) -> tuple[float, int, int]:
        return self.task_seconds(), self.ws_bytes, self.http_bytes

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


def strokes(page, probe: Probe, n: int) -> list[dict]:
    """n strokes, each on a cleared canvas: task ms, ws KB and latency ms of each."""
    page.evaluate(WATCH)
    digits, rows = ["1", "7", "0"], []
    for k in range(n):
        clear_canvas(page)
        probe.settle()
        task0, ws0, _ = probe.snapshot()
        draw_strokes(page, DIGIT_STROKES[digits[k % 3]], canvas_box(page))
        page.wait_for_function("() => window.__shown !== null", timeout=20_000)
        latency = page.evaluate("() => window.__shown - window.__up")
        probe.settle()
        task1, ws1, _ = probe.snapshot()
        rows.append({"task": (task1 - task0) * 1000, "ws": (ws1 - ws0) / 1024, "latency": latency})
    return rows


def page_loads(browser, url: str) -> dict[str, dict]:
    out = {}
    for path, title in PAGES.items():
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        probe = Probe(page)
        page.goto(url + path)
        wait_idle(page)
        page.get_by_test_id("stMain").get_by_text(title).first.wait_for()
        probe.settle(quiet_s=1.0)
        task, ws, http = probe.snapshot()
        out[path] = {"ws": ws / 1024, "http": http / 1024, "task": task * 1000}
        context.close()
    return out


def summary(name: str, rows: list[dict], key: str, unit: str, target: float | None) -> str:
    v = [r[key] for r in rows]
    verdict = "" if target is None else f" (target median <= {target:g} {unit}: {'met' if statistics.median(v) <= target else 'MISSED'})"
    return (f"  {name:<28} median {statistics.median(v):7.1f} {unit}, p95 {percentile(v, 0.95):7.1f}, "
            f"max {max(v):7.1f}{verdict}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--strokes", type=int, default=15)
    ap.add_argument("--throttled-strokes", type=int, default=10)
    ap.add_argument("--no-pages", action="store_true", help="skip the six page loads")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright
    print(f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()} · Python {platform.python_version()} · "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with streamlit_server() as (url, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            probe = Probe(page)
            page.goto(url + "/draw")
            wait_idle(page)
            draw_strokes(page, DIGIT_STROKES["1"], canvas_box(page))  # warm-up: first render, caches
            page.wait_for_selector(".st-key-prediction .predicted-digit", timeout=30_000)
            probe.settle()
            fast = strokes(page, probe, args.strokes)
            probe.throttle(4)
            slow = strokes(page, probe, args.throttled_strokes) if args.throttled_strokes else []
            probe.throttle(1)
            loads = {} if args.no_pages else page_loads(browser, url)
        finally:
            browser.close()
    print(f"Draw, per stroke at 1x ({len(fast)} strokes):")
    print(summary("main-thread task time", fast, "task", "ms", TARGETS["task"]))
    print(summary("websocket bytes received", fast, "ws", "KB", TARGETS["ws"]))
    print(summary("mouse-up -> prediction", fast, "latency", "ms", TARGETS["latency"]))
    if slow:
        print(f"Draw, per stroke at 4x CPU throttling ({len(slow)} strokes):")
        print(summary("main-thread task time", slow, "task", "ms", None))
        print(summary("websocket bytes received", slow, "ws", "KB", None))
        print(summary("mouse-up -> prediction", slow, "latency", "ms", TARGETS["latency4"]))
    if loads:
        print("Page loads (a new session each, 1400x900):")
        for path, r in loads.items():
            ok = "met" if r["ws"] <= TARGETS["page_ws"] else "MISSED"
            print(f"  {path:<10} websocket {r['ws']:7.1f} KB ({ok}), HTTP {r['http']:7.1f} KB, task {r['task']:6.0f} ms")


if __name__ == "__main__":
    main()
