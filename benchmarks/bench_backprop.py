"""Benchmark the Backprop lesson: what it sends to the browser, and how long it takes the server.

1. Browser (Playwright + Debian Chromium, CDP `Network.webSocketFrameReceived`): bytes over
   the websocket for a fresh load of /backprop (a new session: everything the page sends,
   sidebar included) and for each interaction (1 step, 10 steps, another unit, m = 8, the
   column form, another nudge target, another example), with the time from the action to
   the page being idle again as the browser sees it. Pictures are inline (data: URIs), so
   they are counted; anything fetched over HTTP (the JavaScript bundles) is not.
2. Server (AppTest, in-process, no browser): the time of one script run of the page for
   the default model and for the largest model the caps allow (784-512-512-512-512-10),
   for the first load and for each interaction, median of --runs.

    python -m benchmarks.bench_backprop [--runs 3] [--root PATH]

--root runs part 1 against another checkout (e.g. the main branch) to compare.
"""
from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

from devtools.paths import ROOT


def browser_part(root: Path) -> list[tuple[str, int, float]]:
    from devtools.browser import served_page, wait_idle  # the checkout's own helpers and server
    rows = []
    with served_page(root=root) as (url, proc, page):
        from devtools.browser_hostile import WsMeter  # websocket bytes per interaction, as the browser tests count them
        frames = WsMeter(page)

        def settle(name: str, start: float) -> None:
            page.wait_for_timeout(300)
            wait_idle(page, 60_000)
            page.wait_for_timeout(500)  # late frames (images, charts) of the same rerun
            rows.append((name, frames.take(), time.perf_counter() - start - 0.8))

        t = time.perf_counter()
        page.goto(f"{url}/backprop")
        wait_idle(page, 60_000)
        page.get_by_text("Backpropagation on one digit").first.wait_for()
        page.wait_for_timeout(3000)  # charts and pictures of the first run
        settle("load /backprop (new session)", t)
        main = page.get_by_test_id("stMain")
        step = page.locator(".st-key-backprop-step1 button:visible").first
        if not step.count():  # an older page
            step = main.get_by_role("button", name="Apply one step").first
        for name, act in [("1 step", lambda: step.click()),
                          ("10 steps", lambda: page.locator(".st-key-backprop-step10 button:visible").first.click()),
                          ("another unit (type 5)", lambda: (page.locator(".st-key-backprop-unit input").fill("5"),
                                                             page.keyboard.press("Enter"))),
                          ("mini-batch m = 8", lambda: page.locator(".st-key-backprop-m input").first.press("End")),
                          ("column form", lambda: page.locator(".st-key-backprop-column label").first.click()),
                          ("nudge towards 3", lambda: page.locator(".st-key-backprop-target button", has_text="3")
                           .first.click()),
                          ("another example (Confident)", lambda: page.locator(".st-key-backprop-kind button",
                                                                               has_text="Confident").first.click())]:
            try:
                t = time.perf_counter()
                act()
                settle(name, t)
            except Exception as e:  # an older page without this control
                rows.append((f"{name} (n/a: {type(e).__name__})", 0, 0.0))
                frames.take()
    return rows


def server_part(runs: int) -> list[tuple[str, str, float]]:
    import threadpoolctl
    threadpoolctl.threadpool_limits(1, user_api="blas")  # as the app runs (server/resources.py)
    from streamlit.testing.v1 import AppTest

    from nn_core import MLP
    out = []
    for name, model in [("784-128-10 (default)", None), ("784-512x4-10 (largest)", MLP([784] + [512] * 4 + [10], seed=0))]:
        times: dict[str, list[float]] = {}
        for _ in range(runs):
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
            at.run()
            if model is not None:
                at.session_state["model.current"] = model
                at.session_state["model.info"] = {"name": "largest", "source": "bench", "config": {}, "metrics": {}}
            at.switch_page("app_pages/backprop.py")
            for action, do in [("first load", lambda: None),
                               ("1 step", lambda: next(b for b in at.button if b.label == "1 step").click()),
                               ("10 steps", lambda: next(b for b in at.button if b.label == "10 steps").click()),
                               ("another unit", lambda: at.number_input(key="backprop.unit").set_value(5)),
                               ("m = 8", lambda: at.select_slider(key="backprop.m").set_value(8))]:
                do()
                t = time.perf_counter()
                at.run()
                times.setdefault(action, []).append(time.perf_counter() - t)
                assert not at.exception, at.exception
        out += [(name, action, statistics.median(v)) for action, v in times.items()]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--root", type=Path, default=ROOT)
    ap.add_argument("--skip-server", action="store_true")
    args = ap.parse_args()
    print(f"{platform.platform()} · Python {platform.python_version()} · {args.root}")
    print("\n| interaction | websocket bytes received | to idle (s) |\n|---|---|---|")
    for name, n, s in browser_part(args.root.resolve()):
        print(f"| {name} | {n / 1024:,.1f} KB | {s:.2f} |")
    if not args.skip_server:
        print("\n| model | interaction | server script run (s, median) |\n|---|---|---|")
        for model, action, s in server_part(args.runs):
            print(f"| {model} | {action} | {s:.2f} |")


if __name__ == "__main__":
    main()
