"""Memory: does one long session leak? (Playwright + Debian Chromium, server on loopback)

One browser session: a warm-up (one drawing, one short training run, every page once), then
the server's RSS is the baseline. Then DRAWS strokes on the Draw page (each a rerun that
preprocesses, predicts and redraws the layer charts; Clear every 5 strokes) and RUNS full
training runs of the `fast` preset on 5,000 images, visiting Weights after each. RSS is read
after every 50 strokes and after each run (after a 2 s pause, so transient arrays are
freed). Target (issue 5): the final RSS is at most 20 MB above the baseline.

    python -m benchmarks.bench_memory [--draws 200] [--runs 3]
"""
from __future__ import annotations

import argparse
import time

from devtools.browser import DIGIT_STROKES, canvas_box, clear_canvas, draw_strokes, served_page, wait_idle
from devtools.server_probe import rss_mb

TRAIN_URL = "/train?preset=fast&n_train=5000"


def train_once(page, url: str) -> None:
    page.goto(url + TRAIN_URL)
    wait_idle(page)
    page.get_by_test_id("stMain").get_by_role("button", name="Start").click()
    page.get_by_test_id("stSidebar").get_by_text("finished").wait_for(timeout=120_000)
    wait_idle(page)
    page.get_by_role("link", name="Weights").click()
    page.get_by_test_id("stMain").get_by_text("What the network learned").wait_for()
    wait_idle(page)


def draw_many(page, url: str, n: int, on_every=None) -> None:
    page.goto(url + "/draw")
    wait_idle(page)
    digits = ["1", "7", "0"]
    for k in range(n):
        if k % 5 == 0:
            clear_canvas(page)
        box = canvas_box(page)
        stroke = DIGIT_STROKES[digits[k % 3]][0]
        shift = (k % 5) * 0.02  # each stroke a little different: a new picture every time
        draw_strokes(page, [[(x + shift, y) for x, y in stroke]], box)
        try:
            page.wait_for_selector(".st-key-prediction .predicted-digit", timeout=10_000)
        except Exception:  # a stroke drawn while the page was still busy can be lost: draw it again
            draw_strokes(page, [[(x + shift, y) for x, y in stroke]], canvas_box(page))
            page.wait_for_selector(".st-key-prediction .predicted-digit", timeout=20_000)
        wait_idle(page)
        if on_every and (k + 1) % 50 == 0:
            on_every(k + 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--draws", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(f"{time.strftime('%Y-%m-%d')} · {args.draws} draw reruns, {args.runs} training runs, one session")
    with served_page() as (url, proc, page):

        def rss(label: str) -> float:
            time.sleep(2)
            value = rss_mb(proc.pid)
            print(f"  {label:<34} RSS {value:6.1f} MB")
            return value

        # warm-up: every page, one drawing, one training (first imports, first figures, caches)
        for path in ("/", "/weights", "/backprop", "/evaluate"):
            page.goto(url + path)
            wait_idle(page)
        draw_many(page, url, 5)
        train_once(page, url)
        base = rss("baseline after warm-up")
        draw_many(page, url, args.draws, on_every=lambda k: rss(f"after {k} draw reruns"))
        for r in range(1, args.runs + 1):
            train_once(page, url)
            rss(f"after training run {r}")
        draw_many(page, url, 10)
        final = rss("final")
    growth = final - base
    print(f"growth {growth:+.1f} MB over the baseline (target <= 20 MB: {'met' if growth <= 20 else 'MISSED'})")


if __name__ == "__main__":
    main()
