"""Load: several people on one server at once (loopback only, bounded in count and time).

N browser sessions (default 8) for DURATION seconds (default 60): all but two draw digits
over and over, two train (long runs, so they train for the whole time). Reported:
errors (exceptions shown in any page), draw -> prediction latency (median, p95, max, over
every stroke of every drawing session), server RSS (sampled every 0.25 s: start, max,
end), the steps the two trainings made. Afterwards one more session tries to start a
training while two run: it must get the "busy, try again shortly" note (the default limit
is 2 concurrent trainings; NN_MAX_TRAININGS changes it).
Targets (issue 5): no errors; p95 <= 1 s; RSS <= 600 MB.

    python -m benchmarks.bench_load [--sessions 8] [--trainers 2] [--seconds 60]
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import threading
import time

from benchmarks.bench_client import WATCH, percentile
from devtools.browser import CHROMIUM, CHROMIUM_ARGS, DIGIT_STROKES, streamlit_server
from devtools.server_probe import rss_mb

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CANVAS = '[class*="st-key-draw-canvas-"] canvas.upper-canvas'
TRAIN_URL = "/train?hidden=128&epochs=100&n_train=20000&batch=64"
# When the server's answer (the delta holding the prediction) reaches the page, before any
# rendering: separates the server's share from the browsers' (which here share its 2 cores).
WS_HOOK = """(() => {
  const Orig = window.WebSocket;
  window.__wsAt = null;
  window.WebSocket = function (...args) {
    const ws = new Orig(...args);
    ws.addEventListener('message', (ev) => {
      if (window.__up == null || window.__wsAt !== null || !(ev.data instanceof ArrayBuffer)) return;
      if (new TextDecoder().decode(ev.data).includes('predicted-digit')) window.__wsAt = performance.now();
    });
    return ws;
  };
  window.WebSocket.prototype = Orig.prototype;
  document.addEventListener('mouseup', () => { window.__wsAt = null; }, true);
})()"""


class RssSampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.samples, self.stop = pid, [], threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.samples.append(rss_mb(self.pid))
            time.sleep(0.25)


async def draw_stroke(page, stroke) -> None:
    canvas = page.locator(CANVAS).last
    box = None
    while box is None:  # after Clear the canvas is mounted anew
        await canvas.wait_for(state="visible", timeout=20_000)
        box = await canvas.bounding_box()
    pts = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in stroke]
    await page.mouse.move(*pts[0])
    await page.mouse.down()
    for p in pts[1:]:
        await page.mouse.move(*p, steps=6)
    await page.mouse.up()


async def drawer(page, url: str, deadline: float, latencies: list, errors: list, server: list) -> None:
    await page.add_init_script(WS_HOOK)
    await page.goto(url + "/draw")
    await page.wait_for_selector(IDLE, timeout=60_000)
    await page.locator(CANVAS).first.wait_for(timeout=60_000)
    await page.evaluate(WATCH)
    k = 0
    while time.monotonic() < deadline:
        await page.locator(".st-key-draw-clear button").first.click()
        await page.wait_for_selector(".st-key-prediction", state="detached", timeout=20_000)
        await page.get_by_text("Nothing drawn yet").wait_for(timeout=20_000)
        await page.wait_for_timeout(200)
        await draw_stroke(page, DIGIT_STROKES[["1", "7", "0"][k % 3]][0])
        try:
            await page.wait_for_function("() => window.__shown !== null", timeout=20_000)
            shown, arrived = await page.evaluate("() => [window.__shown - window.__up, window.__wsAt - window.__up]")
            latencies.append(shown)
            if arrived > 0:
                server.append(arrived)
        except Exception as e:  # no prediction within 20 s counts as an error
            errors.append(f"draw: {type(e).__name__}")
        k += 1
        await page.wait_for_timeout(300)
    if await page.locator('[data-testid="stException"]').count():
        errors.append("draw page shows an exception")


async def trainer(page, url: str, deadline: float, errors: list, steps: list) -> None:
    await page.goto(url + TRAIN_URL)
    await page.wait_for_selector(IDLE, timeout=60_000)
    await page.get_by_test_id("stMain").get_by_role("button", name="Start").click()
    while time.monotonic() < deadline:
        await page.wait_for_timeout(1000)
    text = await page.get_by_test_id("stSidebar").inner_text()
    import re
    m = re.search(r"step ([\d,]+)/", text)
    steps.append(int(m.group(1).replace(",", "")) if m else 0)
    if await page.locator('[data-testid="stException"]').count():
        errors.append("train page shows an exception")


async def late_trainer(browser, url: str) -> str:
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    await page.goto(url + TRAIN_URL)
    await page.wait_for_selector(IDLE, timeout=60_000)
    await page.get_by_test_id("stMain").get_by_role("button", name="Start").click()
    await page.wait_for_timeout(2000)
    alerts = await page.get_by_test_id("stMain").locator('[data-testid="stAlert"]').all_inner_texts()
    await context.close()
    return " | ".join(a.replace("\n", " ") for a in alerts)


async def main_async(args) -> None:
    from playwright.async_api import async_playwright
    with streamlit_server() as (url, proc):
        sampler = RssSampler(proc.pid)
        sampler.start()
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = []
            for _ in range(args.sessions):
                context = await browser.new_context(viewport={"width": 1400, "height": 900})
                pages.append(await context.new_page())
            latencies, errors, steps, server = [], [], [], []
            deadline = time.monotonic() + args.seconds + 15  # + time to open the pages
            t0 = time.monotonic()
            await asyncio.gather(*[trainer(pg, url, deadline, errors, steps) for pg in pages[:args.trainers]],
                                 *[drawer(pg, url, deadline, latencies, errors, server) for pg in pages[args.trainers:]])
            wall = time.monotonic() - t0
            busy = await late_trainer(browser, url)
            await browser.close()
        sampler.stop.set()
        sampler.join()
    rss = sampler.samples
    print(f"{time.strftime('%Y-%m-%d')} · {args.sessions} sessions ({args.sessions - args.trainers} drawing, "
          f"{args.trainers} training) for {wall:.0f} s on loopback")
    print(f"errors: {len(errors)} {errors[:5]}")
    if latencies:
        print(f"draw -> prediction: {len(latencies)} strokes, median {statistics.median(latencies):.0f} ms, "
              f"p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms (target p95 <= 1000 ms: "
              f"{'met' if percentile(latencies, 0.95) <= 1000 else 'MISSED'})")
    if server:
        print(f"  of which until the prediction reached the page (server + loopback, before rendering): "
              f"{len(server)} strokes, median {statistics.median(server):.0f} ms, p95 {percentile(server, 0.95):.0f} ms")
    print(f"training steps reached: {steps}")
    print(f"server RSS: start {rss[0]:.0f} MB, max {max(rss):.0f} MB, end {rss[-1]:.0f} MB (target max <= 600 MB: "
          f"{'met' if max(rss) <= 600 else 'MISSED'})")
    print(f"one more training while {args.trainers} run: {busy!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=8)
    ap.add_argument("--trainers", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=60)
    asyncio.run(main_async(ap.parse_args()))


if __name__ == "__main__":
    main()
