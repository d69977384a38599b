"""Benchmark the pages that look inside (Break it, Robustness, Layer map, Units) and Compare:
what each sends to the browser per interaction, and how long the server takes (on Compare, a
teaching pair's press includes training its two runs).

1. Browser (Playwright + Debian Chromium, CDP `Network.webSocketFrameReceived`, as
   bench_backprop.py): bytes over the websocket for a fresh load of each page (a new
   session: everything, sidebar included) and for each interaction, with the time from the
   action to the page being idle again.
2. Server (AppTest, in-process): one script run of each page for the default model and for
   the largest model the caps allow (784-512-512-512-512-10, random weights, no
   snapshots), first load and each interaction, median of --runs.

    python -m benchmarks.bench_inside [--runs 3] [--skip-browser] [--skip-server]
"""
from __future__ import annotations

import argparse
import platform
import statistics
import time

from devtools.browser_hostile import WsMeter  # (bytes over the websocket, as the browser tests count them)
from devtools.paths import ROOT


def _slider(page, key: str, press: str, times: int = 1):
    def act():
        thumb = page.locator(f".st-key-{key} input[type='range']").first
        for _ in range(times):
            thumb.press(press)
    return act


def _box_select(page):
    plot = page.locator(".st-key-layermap-map .js-plotly-plot .nsewdrag").first
    b = plot.bounding_box()
    x0, y0 = b["x"] + b["width"] * 0.15, b["y"] + b["height"] * 0.15
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + b["width"] * 0.4, y0 + b["height"] * 0.4, steps=8)
    page.mouse.up()


def browser_part() -> list[tuple[str, str, int, float]]:
    from devtools.browser import served_page, wait_idle
    rows = []
    with served_page() as (url, proc, page):
        frames = WsMeter(page)
        main = page.get_by_test_id("stMain")

        def settle(where: str, name: str, start: float) -> None:
            page.wait_for_timeout(300)
            wait_idle(page, 60_000)
            page.wait_for_timeout(500)  # late frames of the same rerun
            rows.append((where, name, frames.take(), time.perf_counter() - start - 0.8))

        def button(name):
            return lambda: main.get_by_role("button", name=name).first.click()

        plan = {
            "/break": [("switch off the 5 most active", button("Switch off the 5 most active")),
                       ("scale W1 (slider, 4 key presses)", _slider(page, "lab-scale-1", "ArrowLeft", 4)),
                       ("temperature (slider)", _slider(page, "lab-temperature", "ArrowRight")),
                       ("reset", button("Reset: undo every change"))],
            "/robustness": [("noise (slider)", _slider(page, "robust-noise", "ArrowRight", 4)),
                            ("rotation (slider)", _slider(page, "robust-rotation", "ArrowRight", 3)),
                            ("threshold (slider)", _slider(page, "robust-threshold", "ArrowLeft", 5))],
            "/map": [("snapshot (slider)", _slider(page, "layermap-snapshot", "ArrowLeft")),
                     ("box selection", lambda: _box_select(page))],
            "/units": [("unit 5 (typed)", lambda: (page.locator(".st-key-units-unit input").fill("5"),
                                                   page.keyboard.press("Enter"))),
                       ("most active unit", button("The unit most active on the current example"))],
            "/compare": [("ReLU vs sigmoid (trains 2 runs)", button("ReLU vs sigmoid")),
                         ("SGD vs Adam (trains 2 runs, 4 kept)", button("SGD vs Adam")),
                         ("model A: the shown model (typed)", lambda: (
                             page.locator(".st-key-compare-a").get_by_role("combobox").click(),
                             page.keyboard.type("The model every page"), page.keyboard.press("Enter")))],
        }
        first = True
        for path, actions in plan.items():
            t = time.perf_counter()
            page.goto(url + path) if first else main.page.goto(url + path)
            first = False
            wait_idle(page, 60_000)
            if path != "/compare":  # (Compare has no chart before its first run)
                page.wait_for_selector('[data-testid="stMain"] .js-plotly-plot', timeout=60_000)
            page.wait_for_timeout(2000)
            settle(path, "load (new session)", t)
            for name, act in actions:
                t = time.perf_counter()
                act()
                settle(path, name, t)
    return rows


def server_part(runs: int) -> list[tuple[str, str, str, float]]:
    import threadpoolctl
    threadpoolctl.threadpool_limits(1, user_api="blas")  # as the app runs (server/resources.py)
    from streamlit.testing.v1 import AppTest

    from nn_core import MLP
    pages = {
        "app_pages/lab.py": [("switch off 64 units", lambda at: at.multiselect(key="lab.off.1").set_value(list(range(64)))),
                             ("temperature 2", lambda at: at.select_slider(key="lab.temperature").set_value(2.0))],
        "app_pages/robust.py": [("noise 0.3", lambda at: at.slider(key="robust.noise").set_value(0.3)),
                                ("threshold 0.8", lambda at: at.slider(key="robust.threshold").set_value(0.8))],
        "app_pages/layermap.py": [("layer Z (logits)", lambda at: at.selectbox(key="layermap.layer").set_value(
            f"Z{at.session_state['model.current'].L}"))],
        "app_pages/units.py": [("unit 5", lambda at: at.number_input(key="units.unit").set_value(5))],
        "app_pages/compare.py": [("ReLU vs sigmoid (trains 2 runs)",
                                  lambda at: next(b for b in at.button if b.label == "ReLU vs sigmoid").click()),
                                 ("model A: the shown model", lambda at: at.selectbox(key="compare.a").set_value("shown"))],
    }
    out = []
    for name, model in [("784-128-10 (default)", None), ("784-512x4-10 (largest)", MLP([784] + [512] * 4 + [10], seed=0))]:
        for path, actions in pages.items():
            times: dict[str, list[float]] = {}
            for _ in range(runs):
                at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
                at.run()
                if model is not None:
                    at.session_state["model.current"] = model.copy()  # a new model: nothing kept from a run before
                    at.session_state["model.info"] = {"name": "largest", "source": "bench", "config": {}, "metrics": {}}
                    at.session_state["model.snapshots"] = []
                at.switch_page(path)
                for action, do in [("first load", lambda at: None), *actions]:
                    do(at)
                    t = time.perf_counter()
                    at.run()
                    times.setdefault(action, []).append(time.perf_counter() - t)
                    assert not at.exception, at.exception
            out += [(name, path, action, statistics.median(v)) for action, v in times.items()]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-browser", action="store_true")
    ap.add_argument("--skip-server", action="store_true")
    args = ap.parse_args()
    print(f"{platform.platform()} · Python {platform.python_version()}")
    if not args.skip_browser:
        print("\n| page | interaction | websocket bytes received | to idle (s) |\n|---|---|---|---|")
        for where, name, n, s in browser_part():
            print(f"| {where} | {name} | {n / 1024:,.1f} KB | {s:.2f} |")
    if not args.skip_server:
        print("\n| model | page | interaction | server script run (s, median) |\n|---|---|---|---|")
        for model, path, action, s in server_part(args.runs):
            print(f"| {model} | {path} | {action} | {s:.2f} |")


if __name__ == "__main__":
    main()
