"""Benchmark the dashboard in a real browser (Playwright + Debian Chromium).

1. Cold start: from launching `streamlit run app.py` until the Home page has rendered all
   of it (text, network diagram, sample digits, tables); then the server's resident memory (RSS) with the dataset and the pretrained
   model loaded. Targets: <= 5 s, <= 400 MB.
2. Training: the same preset trained by `python -m nn_core train` (its train_seconds, one
   BLAS thread like the server) and in the dashboard (wall time from clicking Start until
   the sidebar says "finished"); also the dashboard's wall time over the training seconds
   its own progress bar reports (the overhead alone, whatever the machine's load).
   Target: dashboard <= 1.25 x CLI.

    python -m benchmarks.bench_dashboard [--runs 3] [--preset fast]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

from devtools.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server, wait_idle
from devtools.paths import ROOT
from devtools.server_probe import rss_mb


def cold_start(browser) -> tuple[float, float]:
    t0 = time.perf_counter()
    with streamlit_server() as (url, proc):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url + "/")
        page.get_by_text("The lesson, page by page").wait_for(timeout=60_000)
        page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMain\"] img').length >= 2 && "
                               "[...document.querySelectorAll('[data-testid=\"stMain\"] img')]"
                               ".every(i => i.complete && i.naturalWidth > 0)")
        wait_idle(page)
        seconds = time.perf_counter() - t0
        time.sleep(0.5)
        mem = rss_mb(proc.pid)
        page.close()
    return seconds, mem


def cli_train_seconds(preset: str) -> float:
    """The CLI's train_seconds, with one BLAS thread like the app's server (NN_BLAS_THREADS=1):
    otherwise the ratio compares thread counts, not the dashboard's overhead."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-m", "nn_core", "train", "--preset", preset, "--json"], cwd=ROOT,
                         capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])["train_seconds"]


def dashboard_train_seconds(browser, preset: str) -> tuple[float, float]:
    with streamlit_server() as (url, proc):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{url}/train?preset={preset}")
        wait_idle(page)
        start = page.get_by_test_id("stMain").get_by_role("button", name="Start")
        start.wait_for()
        page.wait_for_timeout(1000)  # let the page settle, as a person would before clicking
        box = start.bounding_box()
        # page.mouse.click dispatches at once; locator.click first waits for actionability
        # checks, measured at up to 1.8 s here, which is not the app's time.
        t0 = time.perf_counter()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.get_by_test_id("stSidebar").get_by_text("finished").wait_for(timeout=600_000)
        seconds = time.perf_counter() - t0
        mem = rss_mb(proc.pid)
        wait_idle(page)
        # the run's own training seconds, from the progress bar: "... · 4.6 s of training"
        shown = re.search(r"([\d.]+) s of training", page.get_by_test_id("stMain").inner_text())
        page.close()
    return seconds, mem, float(shown.group(1)) if shown else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--preset", default="fast")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"# {time.strftime('%Y-%m-%d')} · {platform.machine()} · python {platform.python_version()} · "
          f"{args.runs} runs each, medians")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        starts = [cold_start(browser) for _ in range(args.runs)]
        print(f"\ncold start to rendered Home: {statistics.median(s for s, _ in starts):.2f} s "
              f"(runs: {', '.join(f'{s:.2f}' for s, _ in starts)}); server RSS after: "
              f"{statistics.median(m for _, m in starts):.0f} MB")
        cli, dash, mem, inner = [], [], [], []
        for _ in range(args.runs):  # alternate, so machine noise hits both
            cli.append(cli_train_seconds(args.preset))
            seconds, rss, trained = dashboard_train_seconds(browser, args.preset)
            dash.append(seconds)
            mem.append(rss)
            inner.append(seconds / trained)
        browser.close()
    c, d = statistics.median(cli), statistics.median(dash)
    print(f"\ntraining preset '{args.preset}': CLI {c:.2f} s (runs: {', '.join(f'{v:.2f}' for v in cli)}), "
          f"dashboard {d:.2f} s (runs: {', '.join(f'{v:.2f}' for v in dash)}); ratio {d / c:.2f} "
          f"(per run: {', '.join(f'{a / b:.2f}' for a, b in zip(dash, cli))}); dashboard wall / its own training "
          f"seconds {statistics.median(inner):.2f}; server RSS after training {statistics.median(mem):.0f} MB")


if __name__ == "__main__":
    main()
