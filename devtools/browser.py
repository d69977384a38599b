"""Helpers for the real-browser tests: a Streamlit server on a free port, Debian's Chromium."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from devtools.paths import ROOT, SHOTS
from devtools.services import free_port

CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "tests" / "vendor" / "axe.min.js"  # axe-core, vendored (npm's axe-core, minified)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


# Screen sizes the browser tests use: browser.new_context(**SCREENS["phone"]).
SCREENS = {"desktop": {"viewport": {"width": 1400, "height": 900}},
           "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
           # Playwright 1.65's devices["Pixel 5"]: a phone's user agent too (Streamlit closes the
           # sidebar after a page switch only for a mobile agent)
           "pixel5": {"user_agent": "Mozilla/5.0 (Linux; Android 11; Pixel 5) AppleWebKit/537.36 (KHTML, like Gecko) "
                                    "Chrome/159.0.8154.6 Mobile Safari/537.36",
                      "viewport": {"width": 393, "height": 727}, "screen": {"width": 393, "height": 851},
                      "device_scale_factor": 2.75, "is_mobile": True, "has_touch": True}}


def require_chromium() -> None:
    """In CI a missing browser fails the run; on a developer machine the browser tests skip."""
    if Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} not found: install Debian's chromium package (.ci/run does)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def streamlit_server(timeout: float = 60, root: Path = ROOT, preexec_fn=None, env: dict | None = None):
    """root: another checkout to serve (benchmarks compare against one); preexec_fn: e.g. a memory cap;
    env: variables added to the server's environment (e.g. NN_CLASSROOM_KEY_FILE)."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    (ROOT / "artifacts").mkdir(exist_ok=True)  # gitignored: absent in a fresh clone
    log = open(ROOT / "artifacts" / f"streamlit-{port}.log", "w")
    proc = subprocess.Popen(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT, preexec_fn=preexec_fn,
                            env={**os.environ, **env} if env else None)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start (see {log.name})")
            time.sleep(0.2)
        proc.log_path = Path(log.name)  # what the server wrote (tests read its log lines)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextmanager
def chromium():
    """Debian's Chromium driven by Playwright (its own browser builds cannot be downloaded here)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def served_page(viewport: dict | None = None, root: Path = ROOT):
    """For scripts (the benchmarks): a server of the checkout at `root`, Debian's Chromium and one
    page; yields (url, server process, page)."""
    with streamlit_server(root=root) as (url, proc), chromium() as browser:
        yield url, proc, browser.new_page(viewport=viewport or {"width": 1400, "height": 900})


def wait_idle(page, timeout: float = 30_000) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)


_SETTLED = """(frames) => new Promise((resolve) => {
  // the page is settled when its layout (main's size, scroll position, element count) stays the
  // same for `frames` animation frames in a row and every image has loaded
  const main = document.querySelector('[data-testid="stMain"]');
  let last = null, same = 0;
  const look = () => {
    const now = [main.scrollHeight, main.scrollWidth, main.scrollTop, scrollY, document.querySelectorAll('*').length,
                 [...document.images].every(i => i.complete)].join();
    same = now === last ? same + 1 : 0;
    last = now;
    if (same >= frames) resolve(true); else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})"""


def wait_settled(page, frames: int = 10, timeout: float = 30_000) -> None:
    """An idle script and a page whose layout has stopped changing (the browser draws what the
    script sent a little after the script ends; pictures load, charts size themselves)."""
    wait_idle(page, timeout)
    page.wait_for_function(_SETTLED, arg=frames, timeout=timeout)


def screenshot(page, name: str) -> Path:
    """The whole page (Streamlit scrolls an inner container, so grow the viewport to fit)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": min(max(900, height + 40), 8000)})
    try:  # a picture, not a check: while a run trains the page never settles, so shoot it anyway
        page.wait_for_function(_SETTLED, arg=10, timeout=5_000)
    except PlaywrightTimeout:
        pass
    path = SHOTS / f"{name}.png"
    page.screenshot(path=path)
    page.set_viewport_size({"width": width, "height": 900})
    return path


def sidebar_step(page, wait_ms: int = 3000) -> int | None:
    """The step count the sidebar's training progress shows (polled: the fragment may be
    mid-redraw at any one instant), or None if none appears within wait_ms."""
    deadline = time.monotonic() + wait_ms / 1000
    while True:
        m = re.search(r"step ([\d,]+)/", page.get_by_test_id("stSidebar").inner_text())
        if m:
            return int(m.group(1).replace(",", ""))
        if time.monotonic() > deadline:
            return None
        page.wait_for_timeout(100)


def exceptions(page) -> int:
    return page.locator('[data-testid="stException"]').count()


# Digits as mouse strokes, in canvas fractions (0..1): lists of (x, y) points per stroke.
DIGIT_STROKES = {
    "0": [[(0.5, 0.15), (0.32, 0.25), (0.27, 0.5), (0.32, 0.75), (0.5, 0.85), (0.68, 0.75), (0.73, 0.5),
           (0.68, 0.25), (0.5, 0.15)]],
    "1": [[(0.5, 0.15), (0.5, 0.85)]],
    "7": [[(0.28, 0.2), (0.72, 0.2), (0.45, 0.85)]],
    "4": [[(0.4, 0.15), (0.3, 0.55), (0.7, 0.55)], [(0.6, 0.3), (0.6, 0.85)]],
}


def canvas_box(page, timeout_ms: int = 20_000) -> dict:
    """The Draw page's canvas (its key, draw.canvas.N, changes on Clear; dots become dashes in
    the class), once it is on screen: right after Clear the old one may still be unmounting."""
    canvas = page.locator('[class*="st-key-draw-canvas-"] canvas.upper-canvas').last
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        canvas.wait_for(state="visible", timeout=timeout_ms)
        box = canvas.bounding_box()
        if box and box["width"] > 0:
            return box
        if time.monotonic() > deadline:
            raise TimeoutError("the canvas did not appear")
        page.wait_for_timeout(50)


def clear_canvas(page) -> None:
    """Press Clear and wait until the empty canvas is ready for the next stroke."""
    page.locator(".st-key-draw-clear button").first.click()
    page.wait_for_selector(".st-key-prediction", state="detached", timeout=20_000)
    page.get_by_text("Nothing drawn yet").wait_for(timeout=20_000)
    wait_idle(page)
    canvas_box(page)
    wait_settled(page)  # the new canvas sets itself up after it appears


def draw_strokes(page, strokes, box: dict, steps: int = 6) -> None:
    """Each stroke: press, move through its points, release (one stroke = one mouse-up)."""
    for stroke in strokes:
        pts = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in stroke]
        page.mouse.move(*pts[0])
        page.mouse.down()
        for p in pts[1:]:
            page.mouse.move(*p, steps=steps)
        page.mouse.up()


PREDICTION = ".st-key-prediction .predicted-digit"  # the digit itself: its container appears (empty) first


INPUT = '[data-testid="stMain"] img[data-readout="pixels"]'  # Draw's 28x28 input, its values as data


def _input_values(page) -> str | None:
    return page.evaluate(f"() => document.querySelector('{INPUT}')?.dataset.values ?? null")


def draw_digit(page, strokes, timeout_ms: int = 20_000) -> str:
    """Draw `strokes` on Draw's canvas, each stroke once the page shows the input the stroke
    before it made (a stroke's value reaches the server ~200 ms after mouse-up, so waiting for
    an idle page alone can see the answer to an earlier stroke); returns the predicted digit."""
    for stroke in strokes:
        before = _input_values(page)
        draw_strokes(page, [stroke], canvas_box(page))
        page.wait_for_function(f"(before) => {{ const el = document.querySelector('{INPUT}');"
                               " return el && el.dataset.values !== before; }", arg=before, timeout=timeout_ms)
    wait_idle(page)
    return wait_prediction(page, timeout_ms)


def shown_prediction(page) -> str | None:
    loc = page.locator(PREDICTION)
    return loc.first.inner_text() if loc.count() else None


def wait_prediction(page, timeout_ms: int = 20_000) -> str:
    """The predicted digit, once it is on the page (not just the container it will go in)."""
    page.wait_for_selector(PREDICTION, timeout=timeout_ms)
    return shown_prediction(page)


def nav_link(page, name: str):
    """The sidebar's link to a page, after "View N more" if the page is one of those it folds away."""
    side = page.get_by_test_id("stSidebarNav")
    link = side.get_by_role("link", name=name, exact=True)
    more = side.get_by_role("button", name=re.compile(r"View \d+ more"))
    if not link.count() and more.count():
        more.first.click()
        link.wait_for(timeout=10_000)
    return link


# Every display equation, and every table, picture and SVG of the page, inside its column:
# page.evaluate(TOO_WIDE) is the list of what is not ([] when everything fits).
TOO_WIDE = """() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]') || document.querySelector('[data-testid="stMain"]');
  const limit = main.getBoundingClientRect().right + 0.5, bad = [];
  for (const d of document.querySelectorAll('[data-testid="stMain"] .katex-display')) {
    const r = d.getBoundingClientRect();
    if (!r.width) continue;  // inside a closed expander
    const col = (d.closest('[data-testid="stColumn"]') || main).getBoundingClientRect();
    const html = d.querySelector('.katex-html').getBoundingClientRect();
    if (d.scrollWidth > d.clientWidth || html.right > r.right + 0.5 || html.left < r.left - 0.5 ||
        r.right > col.right + 0.5 || r.right > limit)
      bad.push(['katex', d.scrollWidth, d.clientWidth, Math.round(html.right), Math.round(col.right),
                d.querySelector('annotation') ? d.querySelector('annotation').textContent.slice(0, 60) : '']);
  }
  for (const e of document.querySelectorAll('[data-testid="stMain"] table, [data-testid="stMain"] img, [data-testid="stMain"] figure, [data-testid="stMain"] svg[role="img"]')) {
    const r = e.getBoundingClientRect();
    if (e.closest('.nn-sr-only')) continue;  // for screen readers, visually hidden (its wrapper clips it)
    if (r.width && r.right > limit) bad.push([e.tagName, Math.round(r.right), Math.round(limit)]);
  }
  const page = document.scrollingElement;
  if (page.scrollWidth > window.innerWidth) bad.push(['page scrolls sideways', page.scrollWidth, window.innerWidth]);
  return bad;
}"""


# Every visible text node (HTML and SVG, its size as drawn: an SVG's text scaled by its viewBox)
# smaller than `least` px: page.evaluate(SMALL_TEXT, 18) lists [size, tag, st-key class, class,
# text] ([] when none). Left out: icon ligatures (Material Symbols: pictures), what is off screen
# or only for screen readers (KaTeX's MathML, .nn-sr-only), tooltips, Plotly's hover labels, the header.
SMALL_TEXT = r"""(least) => {
  // every visible text node (HTML and SVG) whose computed font size is below `least` px
  const bad = [], seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n.textContent.trim();
    if (!t || !/[^\u200b\u200c\u200d\ufeff]/.test(t)) continue;  // zero-width spaces (KaTeX's struts)
    const el = n.parentElement;
    if (!el || el.closest('script, style, noscript, .katex-mathml, .nn-sr-only')) continue;  // MathML: for screen readers, not shown
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.display === 'none' || parseFloat(cs.opacity) === 0) continue;
    if (/Material/.test(cs.fontFamily)) continue;  // icon ligatures (home, draw, …): pictures, not text
    if (r.right < 0 || r.bottom < 0 || r.left > document.documentElement.scrollWidth) continue;  // off screen (the skip link)
    if (el.closest('[data-testid="stTooltipContent"], .hoverlayer, [data-testid="stToolbar"], header, [data-testid="stHeader"]')) continue;
    let size = parseFloat(cs.fontSize);
    if (el instanceof SVGElement) {  // an SVG's text is drawn scaled by its viewBox
      const svg = el.ownerSVGElement || el;
      const m = el.getScreenCTM && el.getScreenCTM();
      if (m) size = size * Math.hypot(m.a, m.b);
    }
    if (size < least - 0.05) {
      const k = (el.closest('[class*="st-key-"]') || {}).className || '';
      const key = (String(k).match(/st-key-[\w-]+/) || [''])[0];
      const id = el.tagName + '|' + key.replace(/-[0-9a-f]{10}.*$/, '') + '|' + Math.round(size) + '|' + (el.getAttribute('class') || '').slice(0, 30);
      if (!seen.has(id)) { seen.add(id); bad.push([Math.round(size * 10) / 10, el.tagName, key, (el.getAttribute('class') || '').slice(0, 30), t.slice(0, 30)]); }
    }
  }
  return bad;
}"""


# Captions (st.caption, <figcaption>, <caption>) on screen whose text contrast with the colour
# behind them is below `least` (WCAG's ratio): page.evaluate(LOW_CONTRAST, 7) ([] when none).
LOW_CONTRAST = r"""(least) => {
  const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const behind = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
                             if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c; } return [255, 255, 255]; };
  const bad = [];
  for (const el of document.querySelectorAll('[data-testid="stCaptionContainer"], figcaption, caption')) {
    if (el.closest('.nn-sr-only')) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || !el.textContent.trim()) continue;
    for (const t of [el, ...el.querySelectorAll('*')]) {
      if (![...t.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
      const cs = getComputedStyle(t), fg = rgb(cs.color), bg = behind(t);
      const a = fg.length > 3 ? fg[3] * parseFloat(cs.opacity) : parseFloat(cs.opacity);
      const mixed = fg.slice(0, 3).map((v, i) => v * a + bg[i] * (1 - a));
      const [hi, lo] = [lum(mixed), lum(bg)].sort((x, y) => y - x);
      const ratio = (hi + 0.05) / (lo + 0.05);
      if (ratio < least) bad.push([Math.round(ratio * 100) / 100, cs.color, t.textContent.trim().slice(0, 40)]);
    }
  }
  return bad;
}"""


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now ([] for none)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ['violations']});
      return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + (n.failureSummary || ''))}));
    }""")
