"""The Backprop lesson in a real browser, at 1400x900 and on a 390x844 touch phone: the default
example has a loss of at least 0.5; 10 steps at the default rate move the true digit's
probability by at least 10 points and the table shows it; no equation is wider than its
column (nor anything else on the page: tables, pictures, the chain-rule SVG), with every
"Show why" open and after a step; the mini-batch shows its 1/m. Each section is saved as a
screenshot per screen size in artifacts/screenshots/ (look at them)."""
import re

import pytest

from devtools.browser import SCREENS, SHOTS, TOO_WIDE, exceptions, wait_idle, wait_settled

pytestmark = pytest.mark.browser

VIEWS = ["example", "wants", "step", "chain", "equations", "update", "batch", "pixels", "check"]

def open_backprop(browser, server, screen: str):
    context = browser.new_context(**SCREENS[screen])
    page = context.new_page()
    page.goto(f"{server}/backprop")
    wait_idle(page, 60_000)
    page.get_by_test_id("stMain").get_by_text("Backpropagation on one digit").wait_for()
    page.locator(".st-key-backprop-view-check").wait_for(timeout=30_000)
    wait_settled(page, timeout=60_000)
    wait_idle(page, 60_000)
    return context, page


def open_every_why(page) -> int:
    """Open every closed "Show why" expander; how many there are."""
    details = page.locator('[data-testid="stExpander"] details', has_text="Show why")
    for k in range(details.count()):
        if not details.nth(k).evaluate("d => d.open"):
            details.nth(k).locator("summary").click()
    wait_settled(page)
    assert all(details.nth(k).evaluate("d => d.open") for k in range(details.count()))
    return details.count()


def sections(page, tag: str) -> None:
    """Each section of the page as its own screenshot (the viewport grown to the page's height)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": min(height + 40, 30_000)})
    wait_settled(page)
    for view in VIEWS:
        page.locator(f".st-key-backprop-view-{view}").screenshot(path=SHOTS / f"backprop-{view}-{tag}.png")
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})


def metric_value(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]', has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def true_digit_row(page) -> list[str]:
    table = page.locator("table", has=page.locator("caption", has_text="Probabilities"))
    label = int(re.search(r"Probability of (\d)", page.locator('[data-testid="stMetricLabel"]',
                                                               has_text="Probability of").first.inner_text()).group(1))
    row = table.locator("tbody tr").nth(label)
    return [c.inner_text() for c in row.locator("td").all()]


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_the_default_example_ten_steps_and_every_display_fits(browser, server, screen):
    context, page = open_backprop(browser, server, screen)
    try:
        assert float(metric_value(page, "Loss J")) >= 0.5
        assert open_every_why(page) >= 4
        assert page.evaluate(TOO_WIDE) == []
        sections(page, f"{screen}-before")
        page.locator(".st-key-backprop-step10 button:visible").first.click()
        page.locator(".st-key-backprop-table table").first.wait_for(timeout=30_000)
        wait_idle(page, 60_000)
        digit, before, after, delta = true_digit_row(page)
        assert float(after) - float(before) >= 10 and float(delta.replace("−", "-")) >= 10
        assert abs(float(after) - float(before) - float(delta.replace("−", "-"))) < 0.02
        wait_settled(page)
        open_every_why(page)  # new equations after the step: their expanders are closed again
        assert page.evaluate(TOO_WIDE) == []
        sections(page, f"{screen}-after-10-steps")
        assert exceptions(page) == 0
    finally:
        context.close()


def test_the_mini_batch_shows_1_over_m(browser, server):
    context, page = open_backprop(browser, server, "desktop")
    try:
        batch = page.locator(".st-key-backprop-view-batch")
        sources = [a.text_content() for a in batch.locator("annotation").all()]
        assert any(r"\frac{1}{m}\left(A^{[2]} - Y\right)" in s for s in sources)  # dZ[L] = (A[L] − Y)/m
        assert sum(r"\frac{1}{4}" in s for s in sources) >= 2 and sum("{4}" in s for s in sources) >= 3
        page.locator(".st-key-backprop-m input").first.press("End")  # m = 8
        batch.locator("annotation", has_text=r"\frac{1}{8}").first.wait_for(state="attached", timeout=30_000)
        wait_settled(page, timeout=60_000)
        sources = [a.text_content() for a in batch.locator("annotation").all()]
        assert sum(r"\frac{1}{8}" in s for s in sources) >= 2
        assert batch.locator("figure img").count() == 8 + 8 + 1  # the batch, its own gradients, their average
        assert page.evaluate(TOO_WIDE) == []
    finally:
        context.close()


def test_the_largest_model_fits_a_phone_too(browser, server, tmp_path):
    """4 hidden layers of 512 (the caps' largest): three-digit indices everywhere, still no sideways scroll."""
    from playwright.sync_api import expect

    from nn_core import MLP, save_model
    path = save_model(tmp_path / "largest.npz", MLP([784, 512, 512, 512, 512, 10], seed=0))
    context = browser.new_context(**SCREENS["phone"])
    page = context.new_page()
    try:
        page.goto(f"{server}/train")
        wait_idle(page, 60_000)
        page.get_by_text("Save or load a model").click()
        page.locator("input[type=file]").first.set_input_files(path)
        expect(page.get_by_test_id("stSidebar")).to_contain_text("784-512-512-512-512-10", timeout=60_000)
        wait_idle(page, 60_000)
        page.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button').first.click()
        page.locator('[data-testid="stSidebar"] a[href$="/backprop"]').first.evaluate("a => a.click()")  # same session
        page.locator(".st-key-backprop-view-check").wait_for(timeout=60_000)
        wait_idle(page, 60_000)
        if page.get_by_test_id("stSidebarCollapseButton").count():
            page.get_by_test_id("stSidebarCollapseButton").locator("button").first.evaluate("b => b.click()")
        assert "784-512-512-512-512-10" in page.get_by_test_id("stSidebar").inner_text()
        open_every_why(page)
        assert page.evaluate(TOO_WIDE) == []
        assert exceptions(page) == 0
    finally:
        context.close()
