"""Hostile uploads against a real server, and what each page sends for the largest allowed model.

    python -m benchmarks.bench_hostile uploads [--root DIR] [--cap-gb 6] [--only TEXT]
    python -m benchmarks.bench_hostile pages [--root DIR] [--phone]

uploads: `streamlit run app.py` and one Chromium session on the Train page; every hostile
model file of devtools/hostile.py (MODEL_CASES, OVER_APP_CAPS, ACCEPTED) is uploaded through
the file uploader while the server's RSS is sampled every 10 ms, from just before the
upload until the page shows its message (each case in a new session, after a first visit
has loaded the dataset). Per case: the file's size, the seconds until the message, the
peak RSS above the RSS just before, and the message. --root serves another
checkout (e.g. the code before the loader was hardened), under an address-space cap of
--cap-gb so a bomb cannot take the machine. Files over the 10 MB upload cap are skipped
(Streamlit refuses them before the app sees them).

pages: uploads the largest model the default caps allow (784-512-512-512-512-10, 1.2 M
parameters), then opens Home, Train, Weights, Draw (a test image), Backprop and Evaluate
through the sidebar, and records for each the bytes the server sent over the websocket
(CDP Network.webSocketFrameReceived), the seconds until the page was idle with its charts
drawn, and the server's RSS; then the same for the pretrained 784-128-10 model.
Target (issue 9): every hostile file explained, peak RSS growth well under 50 MB; a few MB
per page at most, and no page taking more than a few seconds.
"""
from __future__ import annotations

import argparse
import resource
import threading
import time
from pathlib import Path

from devtools.browser import CHROMIUM, CHROMIUM_ARGS, exceptions, streamlit_server, wait_idle
from devtools.browser_hostile import WsMeter, upload, visit
from devtools.hostile import ACCEPTED, BIG_OK, MODEL_CASES, OVER_APP_CAPS
from devtools.paths import ROOT
from devtools.server_probe import rss_mb

MAX_UPLOAD = 10 * 1024 * 1024


class Peak(threading.Thread):
    """The highest RSS of a process while running (sampled every `every` seconds)."""

    def __init__(self, pid: int, every: float = 0.01):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak, self.stop = pid, every, 0.0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(self.every)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.join()


def _cap(gb: float):
    def preexec():
        limit = int(gb * 1024 ** 3)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return preexec


def uploads(root: Path, cap_gb: float, only: str | None) -> None:
    from playwright.sync_api import sync_playwright
    cases = {k: v for k, v in {**MODEL_CASES, **OVER_APP_CAPS, **ACCEPTED}.items() if only is None or only in k}
    with streamlit_server(root=root, preexec_fn=_cap(cap_gb) if root != ROOT else None) as (url, proc), \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url + "/")  # Home loads the dataset and the pretrained model once
        wait_idle(page)
        page.close()
        time.sleep(2)
        start = rss_mb(proc.pid)
        print(f"server {root}: RSS {start:.0f} MB after Home; cap {cap_gb if root != ROOT else '-'} GB", flush=True)
        print("| case | file | seconds | peak RSS above before (MB) | the page says |\n|---|---|---|---|---|")
        for i, (name, (build, _)) in enumerate(cases.items()):
            data = build()
            if len(data) > MAX_UPLOAD:
                print(f"| {name} | {len(data) / 1e6:.1f} MB | | | over the upload cap: not sent |")
                continue
            if proc.poll() is not None:
                print(f"| {name} | | | | the server is gone (exit {proc.returncode}) |")
                break
            page = browser.new_page(viewport={"width": 1400, "height": 900})  # a new session for each case
            page.goto(url + "/train")
            wait_idle(page)
            before = rss_mb(proc.pid)
            t = time.perf_counter()
            with Peak(proc.pid) as peak:
                try:
                    said = upload(page, f"case{i:02d}.npz", data, timeout=60_000)
                except Exception as e:  # noqa: BLE001  (the old code's failures are the finding)
                    said = f"NO MESSAGE: {' '.join(str(e).split())}"
            seconds = time.perf_counter() - t
            said = " ".join(said.split()).replace("|", "/")
            print(f"| {name} | {len(data) / 1e3:,.0f} kB | {seconds:.2f} | {peak.peak - before:+.1f} | {said[:110]} |",
                  flush=True)
            page.close()
        print(f"server RSS at the end {rss_mb(proc.pid):.0f} MB (started {start:.0f} MB)")
        browser.close()


def pages(root: Path, phone: bool) -> None:
    from playwright.sync_api import sync_playwright
    viewport = {"width": 390, "height": 844} if phone else {"width": 1400, "height": 900}
    with streamlit_server(root=root) as (url, proc), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for label, data in (("784-512-512-512-512-10", _dumps(BIG_OK)), ("784-128-10 (pretrained)", None)):
            context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
            page = context.new_page()
            meter = WsMeter(page)
            page.goto(url + "/train")
            wait_idle(page)
            if data is not None:
                upload(page, "largest.npz", data)
            meter.take()
            print(f"\n{label}, {'390x844 phone' if phone else '1400x900 desktop'}")
            print("| page | sent over the websocket | seconds to idle | server RSS |\n|---|---|---|---|")
            for name in ("Home", "Train", "Weights", "Draw", "Backprop", "Evaluate"):
                t = time.perf_counter()
                visit(page, name)
                if name == "Draw":  # a test image flows through every layer
                    page.get_by_test_id("stMain").get_by_text("Pick a test image").click()
                    page.wait_for_selector(".st-key-prediction .predicted-digit", timeout=60_000)
                    wait_idle(page)
                seconds = time.perf_counter() - t
                assert exceptions(page) == 0, name
                print(f"| {name} | {meter.take() / 1e6:.2f} MB | {seconds:.1f} | {rss_mb(proc.pid):.0f} MB |",
                      flush=True)
            context.close()
        browser.close()


def _dumps(model) -> bytes:
    from nn_core import dumps_model
    return dumps_model(model)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["uploads", "pages"])
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve")
    ap.add_argument("--cap-gb", type=float, default=6.0, help="address-space cap for a --root server")
    ap.add_argument("--phone", action="store_true", help="pages at 390x844")
    ap.add_argument("--only", help="uploads: only the cases whose name contains this")
    args = ap.parse_args()
    if args.what == "uploads":
        uploads(args.root.resolve(), args.cap_gb, args.only)
    else:
        pages(args.root.resolve(), args.phone)


if __name__ == "__main__":
    main()
