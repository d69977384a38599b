"""The app on phones, tablets and keyboards, and for screen readers, in a real browser.

Playwright device emulation (touch, mobile viewport, device pixel ratio) against the session's
server (tests/conftest.py): no page scrolls sideways at 390x844 or 768x1024; on Draw a touch stroke
(CDP Input.dispatchTouchEvent) draws without scrolling the page, and the canvas and the
prediction fit on one screen; chart titles never overlap; axe-core (vendored, tests/vendor)
finds no serious or critical violation on any page; Start is within the first 10 Tab stops
on Train and the focused control shows a focus ring. Screenshots of every page at 1400x900,
768x1024 and 390x844 go to artifacts/screenshots/ (look at them).
"""
from __future__ import annotations

import pytest

from devtools.browser import (
    DIGIT_STROKES,
    axe_violations,
    canvas_box,
    draw_digit,
    exceptions,
    screenshot,
    shown_prediction,
    wait_idle,
    wait_settled,
)
from devtools.pages import HEADINGS, LESSON, heading
from devtools.paths import ROOT
from views.shell.nav import TEACHER

pytestmark = pytest.mark.browser

PAGES = HEADINGS  # every page (views/shell/nav.py) -> its heading
DEVICES = {  # viewport, and what Playwright's device descriptors set for touch devices of that size
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True},
    "tablet": {"viewport": {"width": 768, "height": 1024}, "device_scale_factor": 2, "is_mobile": True,
               "has_touch": True},
    "desktop": {"viewport": {"width": 1400, "height": 900}},
}
NAME = {"/": "home"}


def open_page(browser, server, path: str, device: str):
    context = browser.new_context(**DEVICES[device])
    page = context.new_page()
    page.goto(server + path)
    wait_idle(page)
    page.get_by_test_id("stMain").get_by_text(PAGES[path]).first.wait_for()
    if path in ("/weights", "/evaluate", "/backprop"):
        page.wait_for_selector('[data-testid="stMain"] .js-plotly-plot', timeout=30_000)
    wait_settled(page)  # charts and pictures drawn
    return page


def sideways(page) -> dict:
    """Horizontal overflow of the document and of Streamlit's main container (px; 0 = none)."""
    return page.evaluate("""() => {
      const d = document.scrollingElement, m = document.querySelector('[data-testid="stMain"]');
      return {document: d.scrollWidth - d.clientWidth, main: m.scrollWidth - m.clientWidth};
    }""")


def scroll_state(page) -> dict:
    return page.evaluate("""() => ({document: document.scrollingElement.scrollTop,
      main: document.querySelector('[data-testid="stMain"]').scrollTop, x: window.scrollX, y: window.scrollY})""")


def touch_stroke(page, points, box: dict, steps: int = 8) -> None:
    """One finger stroke through points (canvas fractions) with CDP touch events."""
    cdp = page.context.new_cdp_session(page)
    pts = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    touch = lambda kind, x, y: cdp.send("Input.dispatchTouchEvent",  # noqa: E731
                                        {"type": kind, "touchPoints": [{"x": x, "y": y}] if kind != "touchEnd" else []})
    touch("touchStart", *pts[0])
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        for k in range(1, steps + 1):
            touch("touchMove", x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps)
    touch("touchEnd", 0, 0)
    cdp.detach()


def viewport_shot(page, name: str) -> None:
    """What the screen shows right now (screenshot() grows the viewport to the whole page)."""
    from devtools.browser import SHOTS
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png")


def box_of(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("device", ["phone", "tablet"])
def test_touch_drawing_on_draw_fits_one_screen_and_does_not_scroll(browser, server, device):
    page = open_page(browser, server, "/draw", device)
    canvas = page.locator('[class*="st-key-draw-canvas-"] canvas.upper-canvas').last
    canvas.scroll_into_view_if_needed()
    wait_settled(page)
    viewport_shot(page, f"draw-{device}-before-touch")
    before, where = scroll_state(page), canvas_box(page)
    touch_stroke(page, DIGIT_STROKES["7"][0], where)
    assert scroll_state(page) == before, "a touch stroke on the canvas scrolled the page"
    page.wait_for_selector(".st-key-prediction .predicted-digit", timeout=20_000)
    wait_settled(page)
    # the answer appearing above may change the page's height; the canvas stays under the finger
    assert abs(canvas_box(page)["y"] - where["y"]) <= 2, (where, canvas_box(page))
    column = box_of(page, '.st-key-draw-top [data-testid="stColumn"]')  # the canvas's, not cut off by the next
    assert column["x"] <= where["x"] and where["x"] + where["width"] <= column["x"] + column["width"] + 1, (where, column)
    assert shown_prediction(page) == "7"
    # the answer is above the canvas or beside it, and both fit on one screen below the header:
    # with the answer scrolled to the top, the whole canvas is on screen
    page.evaluate("() => document.querySelector('.st-key-prediction').scrollIntoView({block: 'start'})")
    wait_settled(page)
    pred, cnv = box_of(page, ".st-key-prediction"), canvas_box(page)
    header = box_of(page, '[data-testid="stHeader"]')
    top = header["y"] + header["height"] if header else 0
    assert pred["y"] + pred["height"] <= cnv["y"] + 1 or pred["x"] >= cnv["x"] + cnv["width"] - 1, (pred, cnv)
    assert pred["y"] >= top - 1, ("the answer is under the header", pred, top)
    assert cnv["y"] + cnv["height"] <= DEVICES[device]["viewport"]["height"], (
        f"the canvas ends at {cnv['y'] + cnv['height']:.0f} px, below the screen", pred, cnv)
    assert sideways(page) == {"document": 0, "main": 0}
    assert exceptions(page) == 0
    viewport_shot(page, f"draw-{device}-after-touch")
    screenshot(page, f"draw-{device}-after-touch-whole-page")
    page.context.close()


@pytest.mark.parametrize("device", ["phone", "tablet", "desktop"])
@pytest.mark.parametrize("path", list(PAGES))
def test_no_page_scrolls_sideways(browser, server, path, device):
    page = open_page(browser, server, path, device)
    overflow = sideways(page)
    screenshot(page, f"{NAME.get(path, path.strip('/'))}-{DEVICES[device]['viewport']['width']}")
    assert overflow == {"document": 0, "main": 0}, (path, device, overflow)
    assert exceptions(page) == 0
    page.context.close()


TITLES = """() => {
  // Plotly: the figure title and the annotations used as panel titles; light charts: the bold title text.
  const out = [];
  for (const plot of document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')) {
    const frame = plot.getBoundingClientRect();
    const boxes = [...plot.querySelectorAll('.gtitle, .annotation-text, .g-xtitle, .g-ytitle, .legendtext')]
      .map(e => e.getBoundingClientRect()).filter(r => r.width > 0)
      .map(r => ({l: r.left, r: r.right, t: r.top, b: r.bottom}));
    out.push({frame: {l: frame.left, r: frame.right, t: frame.top, b: frame.bottom}, boxes});
  }
  for (const fig of document.querySelectorAll('[data-testid="stMain"] figure.nn-chart')) {
    const frame = fig.getBoundingClientRect(), r = fig.querySelector('.nn-chart-title').getBoundingClientRect();
    out.push({frame: {l: frame.left, r: frame.right, t: frame.top, b: frame.bottom},
              boxes: [{l: r.left, r: r.right, t: r.top, b: r.bottom}]});
  }
  return out;
}"""


def _overlap(a: dict, b: dict) -> bool:
    return min(a["r"], b["r"]) - max(a["l"], b["l"]) > 1 and min(a["b"], b["b"]) - max(a["t"], b["t"]) > 1


@pytest.mark.parametrize("path", ["/draw", "/weights", "/evaluate", "/backprop"])
def test_chart_titles_neither_overlap_nor_leave_their_chart_on_a_phone(browser, server, path):
    page = open_page(browser, server, path, "phone")
    if path == "/draw":
        page.get_by_text("Pick a test image").click()
        page.wait_for_selector('[data-testid="stMain"] figure.nn-chart', timeout=20_000)
        wait_idle(page)
    charts = page.evaluate(TITLES)
    assert charts, "no chart found"
    titles = [b for c in charts for b in c["boxes"]]
    for c in charts:
        for b in c["boxes"]:
            assert c["frame"]["l"] - 1 <= b["l"] and b["r"] <= c["frame"]["r"] + 1, (path, "title cut off", b, c["frame"])
    clashes = [(a, b) for i, a in enumerate(titles) for b in titles[i + 1:] if _overlap(a, b)]
    assert not clashes, (path, clashes[:3])
    page.context.close()


@pytest.mark.parametrize("path", list(PAGES))
def test_axe_finds_no_serious_or_critical_violation(browser, server, path):
    page = open_page(browser, server, path, "desktop")
    if path == "/draw":  # with every view of a digit on the page
        page.get_by_text("Pick a test image").click()
        page.wait_for_selector(".st-key-prediction .predicted-digit", timeout=20_000)
        wait_idle(page)
    assert axe_violations(page) == []
    missing = page.evaluate("() => [...document.querySelectorAll('[data-testid=\"stMain\"] img')]"
                            ".filter(i => !(i.getAttribute('alt') || '').trim()).length")
    assert missing == 0, f"{missing} images without alt text on {path}"
    page.context.close()


def test_pages_are_all_here():
    """The pages these tests visit are every page script there is (but the teacher's view, which
    only a teacher's link opens: tests/test_browser_poll.py), each with its heading."""
    scripts = sorted(f"app_pages/{f.name}" for f in (ROOT / "app_pages").glob("*.py"))
    assert sorted([*(p.script for p in LESSON), TEACHER.script]) == scripts
    assert len(PAGES) == len(LESSON) and all(heading(p) for p in LESSON)


def test_axe_on_draw_after_a_stroke_on_a_phone(browser, server):
    page = open_page(browser, server, "/draw", "phone")
    page.locator('[class*="st-key-draw-canvas-"] canvas.upper-canvas').last.scroll_into_view_if_needed()
    touch_stroke(page, DIGIT_STROKES["1"][0], canvas_box(page))
    page.wait_for_selector(".st-key-prediction .predicted-digit", timeout=20_000)
    wait_idle(page)
    assert axe_violations(page) == []
    page.context.close()


def test_headings_go_down_one_level_at_a_time(browser, server):
    """h1, then h2, then h3...: a heading is never more than one level below the one before it."""
    context = browser.new_context(**DEVICES["desktop"])
    page = context.new_page()
    for path in PAGES:
        page.goto(server + path)
        wait_idle(page)
        page.get_by_test_id("stMain").get_by_text(PAGES[path]).first.wait_for()
        wait_settled(page)
        levels = page.evaluate("() => [...document.querySelectorAll('[data-testid=\"stMain\"] h1, [data-testid=\"stMain\"] "
                               "h2, [data-testid=\"stMain\"] h3, [data-testid=\"stMain\"] h4')].map(h => +h.tagName[1])")
        assert levels and levels[0] == 1, (path, levels)
        jumps = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
        assert not jumps, (path, levels)
    context.close()


def test_start_is_within_ten_tab_stops_on_train_and_shows_its_focus(browser, server):
    """A keyboard user reaches Start from the top of the page: the first Tab stop is the skip link
    (the sidebar lists the lesson's seven pages and the projector switch before the page), and
    after it Start is among the next ten."""
    page = open_page(browser, server, "/train", "desktop")
    page.get_by_test_id("stMain").get_by_role("button", name="Start").wait_for()
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    page.keyboard.press("Tab")
    first = page.evaluate("() => (document.activeElement.innerText || '').trim()")
    assert first == "Skip to main content", first
    page.keyboard.press("Enter")
    stops = []
    for _ in range(10):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("() => (document.activeElement.innerText || document.activeElement.getAttribute("
                                   "'aria-label') || document.activeElement.tagName).trim()"))
        if stops[-1].endswith("Start"):
            break
    assert stops[-1].endswith("Start"), f"Start not among the first 10 Tab stops: {stops}"
    ring = page.evaluate("() => { const s = getComputedStyle(document.activeElement); "
                         "return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert ring[0] != "none" and ring[1] >= 2, ring
    screenshot(page, "train-start-focused")
    page.context.close()


def _readout(page) -> str:
    return page.evaluate("() => [...document.body.children].filter(e => e.getAttribute('aria-hidden') === 'true' "
                         "&& e.style.position === 'fixed' && e.style.display === 'block').map(e => e.textContent)[0] || ''")


def test_hover_read_outs_name_the_pixel_the_unit_and_the_bar(browser, server):
    page = open_page(browser, server, "/draw", "desktop")
    page.get_by_text("Pick a test image").click()
    page.wait_for_selector('[data-testid="stMain"] figure.nn-chart img', timeout=20_000)
    wait_settled(page)  # the pictures stay where they are measured
    picture = page.locator('img[data-readout="pixels"]').first
    picture.scroll_into_view_if_needed()
    wait_settled(page)
    box = picture.bounding_box()
    page.mouse.move(box["x"] + box["width"] * (15.5 / 28), box["y"] + box["height"] * (10.5 / 28))  # row 10, col 15
    value = picture.get_attribute("data-values").split()[10 * 28 + 15]
    assert _readout(page) == f"x[295] = {value} (row 10, col 15)"
    chart = page.locator('img[data-readout="bars"][data-name="A1"]').first
    chart.scroll_into_view_if_needed()
    wait_settled(page)
    box, (x0, x1), width = chart.bounding_box(), map(float, chart.get_attribute("data-plot").split()), 420
    values = chart.get_attribute("data-values").split()
    page.mouse.move(box["x"] + box["width"] * (x0 + (x1 - x0) * (17.5 / len(values))) / width, box["y"] + box["height"] / 2)
    assert _readout(page) == f"unit 17: A1 = {values[17]}"
    page.context.close()

    page = open_page(browser, server, "/weights", "desktop")
    mosaic = page.locator('img[data-readout="tiles"]').first
    box = mosaic.bounding_box()
    cols, rows = (int(v) for v in mosaic.get_attribute("data-tiles").split()[:2])
    step_x, step_y = box["width"] / (cols * 29 - 1), box["height"] / (rows * 29 - 1)
    page.mouse.move(box["x"] + (29 * 2 + 5.5) * step_x, box["y"] + (29 + 20.5) * step_y)  # tile row 1, col 2
    assert _readout(page) == f"unit {cols + 2}, pixel (row 20, col 5)"
    page.context.close()


def test_draw_answers_its_questions_in_the_browser_and_a_stroke_keeps_the_canvas(browser, server):
    """The questions are HTML answered by a script in the page (ui/questions.py): a choice shows its
    verdict at once, in the page; the canvas a stroke was drawn on is the one still there after it."""
    page = open_page(browser, server, "/draw", "desktop")
    canvas = page.locator('[class*="st-key-draw-canvas-"] canvas.upper-canvas').last
    canvas.scroll_into_view_if_needed()
    canvas.evaluate("c => { window.__canvas = c; }")
    draw_digit(page, DIGIT_STROKES["4"])
    wait_settled(page)
    assert canvas.evaluate("c => c === window.__canvas && c.isConnected")  # the same canvas, not re-mounted
    box = page.locator("fieldset.nn-q").first
    box.scroll_into_view_if_needed()
    answer = int(box.get_attribute("data-answer"))
    wrong = (answer + 1) % box.locator("input[type=radio]").count()
    box.locator("input[type=radio]").nth(wrong).check()
    assert box.locator(".nn-q-wrong").is_visible() and not box.locator(".nn-q-right").is_visible()
    assert "Not quite:" in box.locator(".nn-q-wrong").inner_text()
    box.locator("input[type=radio]").nth(answer).check()
    assert box.locator(".nn-q-right").is_visible() and not box.locator(".nn-q-wrong").is_visible()
    assert box.locator(".nn-q-right").inner_text().startswith("Right:")
    page.context.close()
