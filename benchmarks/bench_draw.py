"""Benchmark Draw -> prediction latency in a real browser (Playwright + Debian Chromium).

For each of N strokes: clear the canvas, draw one single-stroke digit with the mouse, and
time from the mouse-up to the predicted digit appearing on screen. Both instants are taken
by the browser itself (performance.now() in a capturing `mouseup` listener, and in a
MutationObserver that sees the prediction element), so Playwright's own overhead is not
counted. The server runs on loopback, on the same machine as the browser.
Target: median <= 300 ms over 20 strokes (issue 4); p95 is recorded too.

    python benchmarks/bench_draw.py [--strokes 20]
"""
from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import DIGIT_STROKES, canvas_box, clear_canvas, draw_strokes, served_page, wait_idle  # noqa: E402

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


def measure(page, n: int) -> tuple[list[float], list[str]]:
    page.evaluate(WATCH)
    digits = ["1", "7", "0"]  # single strokes: one mouse-up each
    latencies, shown = [], []
    for k in range(n):
        clear_canvas(page)
        draw_strokes(page, DIGIT_STROKES[digits[k % 3]], canvas_box(page))
        page.wait_for_function("() => window.__shown !== null", timeout=10_000)
        latencies.append(page.evaluate("() => window.__shown - window.__up"))
        shown.append(page.locator(".st-key-prediction .predicted-digit").first.inner_text())
        page.wait_for_timeout(200)
    return latencies, shown


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--strokes", type=int, default=20)
    args = ap.parse_args()
    print(f"{time.strftime('%Y-%m-%d')} · {platform.machine()} · Python {platform.python_version()}")
    with served_page() as (url, _, page):
        page.goto(url + "/draw")
        wait_idle(page)
        canvas_box(page)
        draw_strokes(page, DIGIT_STROKES["1"], canvas_box(page))  # warm-up: first Plotly render, caches
        page.wait_for_selector(".st-key-prediction .predicted-digit", timeout=20_000)
        latencies, shown = measure(page, args.strokes)
    expected = [["1", "7", "0"][k % 3] for k in range(args.strokes)]
    right = sum(a == b for a, b in zip(shown, expected))
    print(f"strokes {len(latencies)}, predictions as drawn {right}/{len(latencies)}")
    print("latencies ms: " + ", ".join(f"{v:.0f}" for v in latencies))
    med, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    print(f"mouse-up -> prediction on screen: median {med:.0f} ms, p95 {p95:.0f} ms, max {max(latencies):.0f} ms "
          f"(target median <= 300 ms: {'met' if med <= 300 else 'MISSED'})")


if __name__ == "__main__":
    main()
