"""The pages that look inside (Break it, Robustness, Hidden-layer map, Units) in a real
browser, at 1400x900 and on a 390x844 touch phone: each renders without an exception and
nothing on it is wider than the screen; on Break it, switching off units changes the
accuracy shown and Reset restores it. Screenshots go to artifacts/screenshots/ (look at them)."""
import re

import pytest

from devtools.browser import SCREENS, TOO_WIDE, axe_violations, exceptions, nav_link, screenshot, wait_idle
from devtools.pages import HEADINGS, LESSON, SHOWN, heading

pytestmark = pytest.mark.browser


def open_page(browser, server, path: str, screen: str):
    context = browser.new_context(**SCREENS[screen])
    page = context.new_page()
    page.goto(server + path)
    wait_idle(page, 60_000)
    page.get_by_test_id("stMain").get_by_text(HEADINGS[path]).wait_for(timeout=30_000)
    page.wait_for_selector('[data-testid="stMain"] .js-plotly-plot', timeout=30_000)
    page.wait_for_timeout(1000)
    return context, page


def _phone(screen: str) -> bool:
    """A phone's screen (its sidebar opens over the page and is closed to see it)."""
    return bool(SCREENS[screen].get("is_mobile"))


def metric_value(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]', has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text()


@pytest.mark.parametrize("screen", list(SCREENS))
def test_break_it_switch_off_and_reset(browser, server, screen):
    context, page = open_page(browser, server, "/break", screen)
    try:
        before = metric_value(page, "Test accuracy before")
        assert metric_value(page, "Test accuracy after") == before
        page.get_by_test_id("stMain").get_by_role("button", name="Switch off the 5 most active").click()
        page.wait_for_function(f"() => [...document.querySelectorAll('[data-testid=\"stMetricValue\"]')]"
                               f".some(e => e.innerText.trim() !== {before!r})", timeout=30_000)
        wait_idle(page)
        after = metric_value(page, "Test accuracy after")
        assert re.fullmatch(r"\d+\.\d+ %", after) and after != before
        assert page.evaluate(TOO_WIDE) == []
        assert exceptions(page) == 0
        page.mouse.move(1, 1)  # away from the button: its tooltip would cover the controls
        page.wait_for_timeout(400)
        screenshot(page, f"break-{screen}")
        page.get_by_test_id("stMain").get_by_role("button", name="Reset: undo every change").click()
        page.wait_for_function(f"() => [...document.querySelectorAll('[data-testid=\"stMetricValue\"]')]"
                               f".every(e => e.innerText.trim() === {before!r})", timeout=30_000)
        assert exceptions(page) == 0
    finally:
        context.close()


def test_break_it_downloads_the_edited_model_and_it_loads_back(browser, server, tmp_path):
    """The download callable runs outside the session (it used to raise KeyError there and
    give no file): the file arrives, loads as a model, and holds the edit (units switched off)."""
    from nn_core import load_model
    context, page = open_page(browser, server, "/break", "desktop")
    try:
        page.get_by_test_id("stMain").get_by_role("button", name="Switch off the 5 most active").click()
        page.wait_for_selector('[data-testid="stMain"] :text("Changes made to the copy")', timeout=30_000)
        wait_idle(page)
        with page.expect_download(timeout=60_000) as got:
            page.get_by_test_id("stMain").get_by_role("button", name="Download the edited model (.npz)").click()
        path = tmp_path / "edited.npz"
        got.value.save_as(path)
        model, meta = load_model(path)
        assert got.value.suggested_filename.endswith("-edited.npz")
        zero_rows = [j for j in range(model.layer_sizes[1]) if not model.params["W2"][j].any()]
        assert len(zero_rows) >= 5  # the five switched-off units send nothing to layer 2
        assert 0 < meta["metrics"]["test_accuracy"] < 1
        assert exceptions(page) == 0
    finally:
        context.close()


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("path, plots, shown", [
    ("/robustness", 7, "Accuracy against each change"),
    ("/units", 3, "Unit 0 of layer 1 is")])
def test_page_renders_and_fits(browser, server, screen, path, plots, shown):
    context, page = open_page(browser, server, path, screen)
    try:
        page.wait_for_function(f"() => document.querySelectorAll('[data-testid=\"stMain\"] .js-plotly-plot').length >= {plots}",
                               timeout=30_000)
        page.get_by_test_id("stMain").get_by_text(shown).first.wait_for()
        if path == "/robustness":
            assert metric_value(page, "Sample accuracy, changed") == metric_value(page, "Sample accuracy, unchanged")
        assert page.evaluate(TOO_WIDE) == []
        assert exceptions(page) == 0
        screenshot(page, f"{path.strip('/')}-{screen}")
    finally:
        context.close()


# Where the map's first point of digit 0 is on the screen (the points are drawn in WebGL: no DOM node to click)
FIRST_POINT = """() => {
  const gd = document.querySelector('.st-key-layermap-map .js-plotly-plot');
  const t = gd._fullData[0], xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const r = gd.querySelector('.nsewdrag').getBoundingClientRect();
  return [r.left + xa.l2p(t.x[0]), r.top + ya.l2p(t.y[0])];
}"""


@pytest.mark.parametrize("screen", list(SCREENS))
def test_layer_map_selection_shows_an_average_image(browser, server, screen):
    from playwright.sync_api import expect
    context, page = open_page(browser, server, "/map", screen)
    try:
        assert page.evaluate(TOO_WIDE) == []
        screenshot(page, f"layermap-{screen}")
        plot = page.locator('.st-key-layermap-map .js-plotly-plot .nsewdrag').first
        plot.scroll_into_view_if_needed()  # the page's question sits above the map
        page.wait_for_timeout(500)
        box = plot.bounding_box()  # after the screenshot, which scrolls
        x0, y0 = box["x"] + box["width"] * 0.15, box["y"] + box["height"] * 0.15
        page.mouse.move(x0, y0)
        page.mouse.down()
        page.mouse.move(x0 + box["width"] * 0.4, y0 + box["height"] * 0.4, steps=8)
        page.mouse.up()
        page.get_by_test_id("stMain").get_by_text(re.compile(r"[\d,]+ images selected")).wait_for(timeout=30_000)
        wait_idle(page)
        page.get_by_test_id("stMain").get_by_text(re.compile(r"average of [\d,]+ images")).wait_for()
        assert page.evaluate(TOO_WIDE) == []
        assert exceptions(page) == 0
        screenshot(page, f"layermap-selected-{screen}")
        page.locator(".st-key-layermap-drag").get_by_text("a point", exact=True).click()  # select by a click
        wait_idle(page)
        page.wait_for_timeout(1000)
        page.locator(".st-key-layermap-map").scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        x, y = page.evaluate(FIRST_POINT)  # a click on one point: that test image
        page.mouse.click(x, y)  # (a CDP touch tap does not reach Plotly's WebGL click handler; a real tap: unverified)
        page.get_by_test_id("stMain").get_by_text(re.compile(r"Test image #[\d,]+, a \d\.")).wait_for(timeout=30_000)
        wait_idle(page)
        # (the browser draws the button a little after the script ends: wait for it, then count)
        expect(page.get_by_test_id("stMain").get_by_role("button", name=re.compile(r"Open test image #"))).to_have_count(
            1, timeout=30_000)
        assert exceptions(page) == 0
    finally:
        context.close()


INSIDE = [p for p in LESSON[SHOWN:] if p.url not in ("compare", "backprop-deeper")]  # the pages that look inside (views/shell/nav.py)


def with_the_largest_model(browser, server, screen: str):
    """A new session (context, page, its websocket meter) showing the largest model the caps
    allow (784-512-512-512-512-10), uploaded through the Train page."""
    from devtools.browser_hostile import WsMeter, upload
    from devtools.hostile import BIG_OK
    from nn_core import dumps_model
    context = browser.new_context(**SCREENS[screen])
    page = context.new_page()
    meter = WsMeter(page)
    page.goto(server + "/train")
    wait_idle(page, 60_000)
    assert "784-512-512-512-512-10" in upload(page, "largest.npz", dumps_model(BIG_OK))
    return context, page, meter


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_largest_allowed_model_on_the_inside_pages(browser, server, screen):
    """4 hidden layers of 512, uploaded through Train: each inside page renders without an
    exception, fits the screen and costs at most 300 KB over the websocket to open."""
    context, page, meter = with_the_largest_model(browser, server, screen)
    try:
        meter.take()
        for inside in INSIDE:
            name, title = inside.title, heading(inside)
            expand = page.get_by_test_id("stExpandSidebarButton")
            if _phone(screen) and expand.count():
                expand.click()
            nav_link(page, name).click()
            page.get_by_test_id("stMain").get_by_text(title).first.wait_for(timeout=60_000)
            page.wait_for_selector('[data-testid="stMain"] .js-plotly-plot', timeout=60_000)
            wait_idle(page, 120_000)
            page.wait_for_timeout(1000)
            if _phone(screen) and page.get_by_test_id("stSidebarCollapseButton").count():
                page.get_by_test_id("stSidebarCollapseButton").first.click()
                page.wait_for_timeout(500)
            sent = meter.take()
            print(f"largest model, {screen}, open {name}: {sent / 1024:.1f} KB")
            assert exceptions(page) == 0, name
            assert sent < 300_000, (name, sent)
            assert page.evaluate(TOO_WIDE) == [], name
            screenshot(page, f"largest-{name.lower().replace(' ', '')}-{screen}")
    finally:
        context.close()


@pytest.mark.parametrize("screen", list(SCREENS))
def test_compare_two_runs_and_the_largest_model_side_by_side(browser, server, screen):
    """A teaching pair overlays two runs; the largest allowed model (uploaded) then goes
    side by side with one of them on the same digit; each interaction costs at most 300 KB
    over the websocket, nothing is wider than the screen, axe finds nothing serious."""
    context, page, meter = with_the_largest_model(browser, server, screen)
    try:
        if _phone(screen) and page.get_by_test_id("stExpandSidebarButton").count():
            page.get_by_test_id("stExpandSidebarButton").click()
        nav_link(page, "Compare").click()
        main = page.get_by_test_id("stMain")
        main.get_by_text("No runs yet").wait_for(timeout=60_000)
        wait_idle(page)
        if _phone(screen) and page.get_by_test_id("stSidebarCollapseButton").count():
            page.get_by_test_id("stSidebarCollapseButton").first.click()
        meter.take()
        main.get_by_role("button", name="ReLU vs sigmoid").click()
        main.get_by_text("Validation accuracy after each epoch").first.wait_for(timeout=60_000)
        wait_idle(page, 60_000)
        pressed = meter.take()
        legend = page.locator(".st-key-compare-chart-accuracy .legendtext").all_text_contents()
        assert legend == ["Run 1: ReLU", "Run 2: sigmoid"], legend  # two runs overlay
        assert "vanishing gradient" not in main.inner_text()  # the pair's "What to see" waits for the question
        question = page.locator(".st-key-compare-q-gradients")
        question.get_by_role("radio").first.check(force=True)  # predict first ...
        question.get_by_role("button", name="Check my answer").click()
        main.get_by_text("vanishing gradient").first.wait_for(timeout=30_000)  # ... then the why
        wait_idle(page, 60_000)
        combobox = page.locator(".st-key-compare-a").get_by_role("combobox")
        if "Mobile" in SCREENS[screen].get("user_agent", ""):  # a phone: tap the box, then the option
            combobox.tap()
            page.get_by_role("option", name=re.compile("The model every page")).tap()
        else:  # type to filter, Enter to choose
            combobox.click()
            page.keyboard.type("The model every page")
            page.keyboard.press("Enter")
        main.get_by_text("A: 784-512-512-512-512-10, relu").wait_for(timeout=60_000)
        wait_idle(page, 60_000)
        switched = meter.take()
        print(f"compare, {screen}: pair {pressed / 1024:.1f} KB, largest model as A {switched / 1024:.1f} KB")
        assert pressed < 300_000 and switched < 300_000, (pressed, switched)
        assert page.evaluate(TOO_WIDE) == []
        assert exceptions(page) == 0
        assert axe_violations(page) == []
        page.mouse.move(1, 1)
        page.wait_for_timeout(400)
        screenshot(page, f"compare-{screen}")
    finally:
        context.close()
