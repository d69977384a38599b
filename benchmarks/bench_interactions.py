"""What one pointer or slider interaction costs the browser on the pages issue 19 §3 lists:
Backprop's step (and its undo), Layer map's and Weights' snapshot sliders, Robustness' noise
and rotation sliders, Break it's bias switch and weight-scale slider.

Each interaction is made as a person would (a click on the button or the switch; a slider
focused and moved one notch with the arrow keys, alternately right and left so the page keeps
to two states that both differ from the one before), then the page is left to settle (script
idle, no websocket frame for 0.6 s, main thread quiet). Per interaction, from Chromium's CDP:
  task ms     main-thread task time (Performance.getMetrics TaskDuration), press -> settled
  cpu ms      main-thread CPU time (ThreadTime): steadier than task time on a loaded machine
  ws KB       websocket bytes received (the payload as the page sees it)
  messages    websocket frames received: one ForwardMsg each (the run's deltas, i.e. elements
              and containers sent, plus ~4 of bookkeeping: new_session, status, script_finished)
Unthrottled and again with CDP Emulation.setCPUThrottlingRate 4 (a weak laptop). Target
(issue 19): task time <= 150 ms at 1x. `--before DIR` measures another checkout in the same
run, its rounds alternating with this one's.

    python -m benchmarks.bench_interactions [--before DIR] [--n 6] [--n4 4] [--only NAME]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from contextlib import ExitStack
from pathlib import Path

from benchmarks.bench_client import Probe
from devtools import bench
from devtools.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server, wait_idle, wait_settled

TARGET = 150  # ms of main-thread task time per interaction at 1x


def _click(selector: str):
    return lambda page, k: page.locator(selector).first.click()


def _slide(key: str):
    def go(page, k: int) -> None:
        thumb = page.locator(f".st-key-{key} input[type=range]").first
        thumb.focus()
        page.keyboard.press("ArrowLeft" if k % 2 == 0 else "ArrowRight")
    return go


# name -> (page path, what must be on the page first, the interaction)
INTERACTIONS = {
    "Backprop: take a step": ("/backprop", ".st-key-backprop-step1 button", _click(".st-key-backprop-step1 button")),
    "Backprop: undo the step": ("/backprop", ".st-key-backprop-step1 button", None),  # measured after each step
    "Layer map: snapshot slider": ("/map", ".st-key-layermap-snapshot input[type=range]", _slide("layermap-snapshot")),
    "Weights: snapshot slider": ("/weights", ".st-key-weights-snapshot input[type=range]", _slide("weights-snapshot")),
    "Robustness: noise slider": ("/robustness", ".st-key-robust-noise input[type=range]", _slide("robust-noise")),
    "Robustness: rotation slider": ("/robustness", ".st-key-robust-rotation input[type=range]", _slide("robust-rotation")),
    "Break it: biases b1 to 0": ("/break", ".st-key-lab-nobias-1 label", _click(".st-key-lab-nobias-1 label")),
    "Break it: scale W1 slider": ("/break", ".st-key-lab-scale-1 input[type=range]", _slide("lab-scale-1")),
}
UNDO = ".st-key-backprop-undo button"


def once(page, probe: Probe, action, k: int) -> dict:
    probe.settle()
    start = probe.snapshot()
    action(page, k)
    deadline = time.monotonic() + 20
    while probe.ws_frames == start["frames"] and time.monotonic() < deadline:  # the interaction's answer
        page.wait_for_timeout(20)
    probe.settle()
    end = probe.snapshot()
    return {"task": end["task"] - start["task"], "cpu": end["cpu"] - start["cpu"], "ws": end["ws"] - start["ws"], "messages": end["frames"] - start["frames"]}


def open_page(browser, url: str, path: str, ready: str):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    probe = Probe(page)
    page.goto(url + path)
    wait_idle(page, 60_000)
    page.wait_for_selector(ready, timeout=60_000)
    wait_settled(page, timeout=60_000)
    return page, probe


def measure(browser, roots: dict[str, Path], names: list[str], n: int, n4: int) -> dict:
    out = {root: {name: {"1x": [], "4x": []} for name in names} for root in roots}
    with ExitStack() as stack:
        urls = {root: stack.enter_context(streamlit_server(root=path))[0] for root, path in roots.items()}
        for name in names:
            path, ready, action = INTERACTIONS[name]
            if action is None:
                continue
            pages = {root: open_page(browser, urls[root], path, ready) for root in roots}
            order = list(roots)
            for rate, rounds in ((1, n), (4, n4)):
                for page, probe in pages.values():
                    probe.throttle(rate)
                for k in range(rounds):
                    for root in (order if k % 2 == 0 else order[::-1]):
                        page, probe = pages[root]
                        out[root][name][f"{rate}x"].append(once(page, probe, action, k))
                        if name == "Backprop: take a step":
                            page.locator(UNDO).first.wait_for(timeout=20_000)
                            out[root]["Backprop: undo the step"][f"{rate}x"].append(
                                once(page, probe, _click(UNDO), k))
            for page, probe in pages.values():
                probe.throttle(1)
                page.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", type=Path, help="another checkout, measured in the same run")
    ap.add_argument("--n", type=int, default=6, help="interactions of each kind unthrottled")
    ap.add_argument("--n4", type=int, default=4, help="... and at 4x CPU throttling")
    ap.add_argument("--only", action="append", help="a name (or part of one) of INTERACTIONS; repeatable")
    args = ap.parse_args()
    names = [k for k in INTERACTIONS if not args.only or any(o.lower() in k.lower() for o in args.only)]
    if "Backprop: undo the step" in names and "Backprop: take a step" not in names:
        names.append("Backprop: take a step")
    from playwright.sync_api import sync_playwright
    print(bench.header())
    roots = bench.checkouts(args.before)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            res = measure(browser, roots, names, args.n, args.n4)
        finally:
            browser.close()
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    for root, r in res.items():
        print(f"== {root} (medians; task time target <= {TARGET} ms at 1x)")
        print(f"  {'interaction':<30} {'task 1x':>8} {'cpu 1x':>8} {'task 4x':>8} {'cpu 4x':>8} {'ws KB':>7} {'messages':>8}")
        for name, rows in r.items():
            if not rows["1x"]:
                continue
            med = lambda rs, key: statistics.median(x[key] for x in rs) if rs else float("nan")  # noqa: E731
            t1 = med(rows["1x"], "task")
            print(f"  {name:<30} {t1:8.0f} {med(rows['1x'], 'cpu'):8.0f} {med(rows['4x'], 'task'):8.0f} "
                  f"{med(rows['4x'], 'cpu'):8.0f} {med(rows['1x'], 'ws'):7.1f} "
                  f"{med(rows['1x'], 'messages'):8.0f}  {'met' if t1 <= TARGET else 'MISSED'}")


if __name__ == "__main__":
    main()
