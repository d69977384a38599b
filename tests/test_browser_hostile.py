"""Hostile uploads and the largest allowed model in a real browser (Playwright + Debian's Chromium).

A session with a drawing uploads hostile files through the real uploader: each is explained
on the page, nothing is lost (model, drawing), no exception anywhere, and a file name that is
a Markdown image makes the browser fetch nothing. Then the largest model the caps allow
(4 hidden layers of 512) goes through Weights, Draw, Backprop and Evaluate with a bounded
number of bytes per page, on a desktop and on a 390x844 phone. Screenshots go to
artifacts/screenshots/ (look at them).
"""
import pytest

from devtools.browser import DIGIT_STROKES, canvas_box, draw_strokes, exceptions, screenshot, wait_idle, wait_prediction
from devtools.browser_hostile import WsMeter, upload, visit
from devtools.hostile import ACCEPTED, BIG_OK, MODEL_CASES, OVER_APP_CAPS
from nn_core import dumps_model

pytestmark = pytest.mark.browser
PAGE_BYTES = 3_000_000
SHOWN = ["deflate bomb, 1.6 GB member", "bzip2 bomb, 64 MB member", "JSON nested 200,000 levels",
         "pickle member", "layer_sizes [784, 300000, 10]", "784-20000-10, a real file", "seed Infinity"]


def _page(chromium, phone: bool = False):
    viewport = {"width": 390, "height": 844} if phone else {"width": 1400, "height": 900}
    return chromium.new_context(viewport=viewport, is_mobile=phone, has_touch=phone).new_page()


def _sidebar(page) -> str:
    """The sidebar's current-model and training text (not the navigation, whose buttons come and go)."""
    text = page.get_by_test_id("stSidebar").inner_text()
    return text[text.index("Current model"):]


def test_hostile_uploads_are_explained_and_lose_nothing(server, browser):  # noqa: F811 (fixtures)
    page = _page(browser)
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(server + "/draw")
    wait_idle(page)
    draw_strokes(page, DIGIT_STROKES["7"], canvas_box(page))
    drawn = wait_prediction(page)
    visit(page, "Train")
    model = _sidebar(page)
    for i, name in enumerate(SHOWN + list(OVER_APP_CAPS)):
        build, fragment = {**MODEL_CASES, **OVER_APP_CAPS}[name]
        said = upload(page, f"hostile-{i}.npz", build())
        assert said.startswith(f"Could not use hostile-{i}.npz:") and "The current model is unchanged." in said, said
        assert _sidebar(page) == model and exceptions(page) == 0
        if i == 0:
            screenshot(page, "upload-refused")
    assert "this server allows at most 512 units in a hidden layer; the file has 600" in said or \
        "this server allows at most 4 hidden layers; the file has 5" in said
    for name in ("Home", "Weights", "Backprop", "Evaluate", "Draw"):
        visit(page, name)
        assert exceptions(page) == 0 and _sidebar(page) == model, name
    page.get_by_text("Showing your last drawing").wait_for(timeout=20_000)  # the drawing is still there
    assert wait_prediction(page) == drawn

    visit(page, "Train")  # a file whose name is a Markdown image, with bad metadata: loaded, with notes
    evil = "![x](http://127.0.0.1:9/evil.png).npz"
    said = upload(page, evil, ACCEPTED["history with missing series"][0]())
    assert said.startswith("Loaded ![x](http://127.0.0.1:9/evil.png).npz")
    page.get_by_text("history is incomplete").wait_for()
    assert evil in _sidebar(page) and exceptions(page) == 0
    screenshot(page, "upload-with-notes")
    assert not any("evil.png" in u for u in fetched), [u for u in fetched if "evil" in u]
    page.context.close()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_largest_allowed_model_on_every_page(server, browser, phone):  # noqa: F811 (fixtures)
    page = _page(browser, phone)
    meter = WsMeter(page)
    page.goto(server + "/train")
    wait_idle(page)
    said = upload(page, "largest.npz", dumps_model(BIG_OK))
    assert "784-512-512-512-512-10" in said
    if phone:
        screenshot(page, "upload-largest-phone")
    meter.take()
    for name in ("Weights", "Draw", "Backprop", "Evaluate", "Home"):
        visit(page, name)
        if name == "Draw":
            page.get_by_test_id("stMain").get_by_text("Pick a test image").click()
            wait_prediction(page, 60_000)
            wait_idle(page)
        sent = meter.take()
        assert exceptions(page) == 0, name
        assert sent < PAGE_BYTES, (name, sent)
        screenshot(page, f"largest-{name.lower()}{'-phone' if phone else ''}")
    page.context.close()
