"""The dashboard in a real browser: Playwright driving Debian's Chromium against `streamlit run`.

Screenshots of every page go to artifacts/screenshots/ (look at them).
"""

import re

import pytest

from devtools.browser import (
    DIGIT_STROKES,
    canvas_box,
    clear_canvas,
    draw_digit,
    draw_strokes,
    exceptions,
    nav_link,
    screenshot,
    sidebar_step,
    streamlit_server,
    wait_idle,
    wait_prediction,
)
from devtools.pages import LESSON, SHOWN, heading, url_path

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


def test_a_shared_link_works_as_the_first_request_of_a_fresh_server(page):
    """A teacher's link waking the app must land on Train with its settings: on a server of its
    own, whose first request this is (the shared one has served other tests before)."""
    from playwright.sync_api import expect
    with streamlit_server() as (url, _):
        page.goto(f"{url}/train?hidden=32&epochs=7&lr=0.05")
        wait_idle(page)
        page.get_by_test_id("stMain").get_by_text("Train a network").wait_for()
        expect(page.locator(".st-key-hidden input")).to_have_value("32", timeout=15_000)
        expect(page.locator(".st-key-epochs input")).to_have_value("7")
        expect(page.get_by_test_id("stSidebar")).to_contain_text("Current model")
        assert "epochs=7" in page.url and "hidden=32" in page.url
        assert exceptions(page) == 0
        screenshot(page, "train-from-link")


def test_a_bad_link_is_explained_cleaned_and_keeps_working(server, page):
    """issue 9: /train?epochs=inf broke the page (an OverflowError in the number input) for
    everyone who opened the link. Now: a note per problem, the widgets set, the address clean."""
    from playwright.sync_api import expect
    page.goto(f"{server}/train?epochs=inf&seed=1e309&foo=bar&preset=best&preset=column-10&lr=10")
    wait_idle(page)
    main = page.get_by_test_id("stMain")
    main.get_by_text("Train a network").wait_for()
    expect(main).to_contain_text("epochs=inf is not a finite number: ignored", timeout=15_000)
    for note in ("seed=1e309 is not a finite number", "foo=bar is not a setting of this app",
                 "The link gives preset 2 times"):
        expect(main).to_contain_text(note)
    # column-10, the last preset given (the widgets are drawn after the notes above them: on a
    # loaded machine up to ~8 s later, measured, so the same generous wait as for the notes)
    expect(page.locator(".st-key-hidden input")).to_have_value("10", timeout=30_000)
    expect(page.locator(".st-key-epochs input")).to_have_value("500")
    assert "inf" not in page.url and "1e309" not in page.url and "foo" not in page.url
    assert "preset=column-10" in page.url and "lr=10" in page.url and page.url.count("preset=") == 1
    assert exceptions(page) == 0
    screenshot(page, "train-bad-link")
    page.reload()  # the cleaned link, opened again: the same settings, nothing to say
    wait_idle(page)
    expect(page.locator(".st-key-hidden input")).to_have_value("10", timeout=15_000)
    assert main.get_by_text("is not a finite number").count() == 0 and exceptions(page) == 0


def test_the_train_page_on_a_phone(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    page = context.new_page()
    try:
        page.goto(f"{server}/train?hidden=512,512,512,512&batch=16&epochs=500")
        wait_idle(page)
        main = page.get_by_test_id("stMain")
        main.get_by_role("button", name="Start").wait_for()
        main.get_by_text("This run would take about").wait_for()
        width = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth")
        assert width <= 390 and exceptions(page) == 0  # nothing wider than the phone
        screenshot(page, "train-phone")
    finally:
        context.close()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_train_page_previews_augmentation_and_updates_it(server, browser, phone):
    """The augmented preset's link opens the section with its preview picture; switching the
    distortions off replaces the picture by a note, and the link follows the widgets."""
    size = {"width": 390, "height": 844} if phone else {"width": 1400, "height": 900}
    context = browser.new_context(viewport=size, is_mobile=phone, has_touch=phone, device_scale_factor=2 if phone else 1)
    page = context.new_page()
    try:
        page.goto(f"{server}/train?preset=augmented")
        wait_idle(page)
        section = page.get_by_test_id("stExpander").filter(has_text="Augmentation and dropout")
        picture = section.get_by_role("img")
        picture.wait_for()
        loaded = picture.evaluate("img => img.complete && img.naturalWidth")
        box = picture.bounding_box()
        assert loaded == 4 * 58 - 2 and box["width"] >= 220  # four digits of about 55 px or more
        section.get_by_text("first eight training images").wait_for()
        width = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth")
        assert width <= size["width"] and exceptions(page) == 0
        screenshot(page, f"train-augmentation-{'phone' if phone else 'desktop'}")
        page.goto(f"{server}/train?preset=augmented&shift=off&rotate=off&scale=off&elastic=off")
        wait_idle(page)
        section = page.get_by_test_id("stExpander").filter(has_text="Augmentation and dropout")
        section.get_by_text("Augmentation and dropout").click()  # closed: nothing in it is on
        section.get_by_text("the network trains on the images as stored").wait_for()
        assert section.get_by_role("img").count() == 0
    finally:
        context.close()


@pytest.mark.parametrize("lesson", LESSON[:SHOWN], ids=url_path)  # the lesson's pages, Home to Evaluate
def test_every_page_renders(server, page, lesson):
    path = url_path(lesson)
    page.goto(server + path)
    wait_idle(page)
    page.get_by_test_id("stMain").get_by_text(heading(lesson)).wait_for()
    if path == "/train":
        page.get_by_test_id("stMain").get_by_role("button", name="Start").wait_for()
    elif path == "/draw":
        canvas_box(page)
        page.get_by_text("Nothing drawn yet").wait_for()
    elif path == "/tiny":  # the network drawn whole (no Plotly on this page)
        page.locator(".st-key-tiny-view-graph svg[role=img]").wait_for(timeout=20_000)
    elif path == "/":
        page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMain\"] img').length >= 2 && "
                               "[...document.querySelectorAll('[data-testid=\"stMain\"] img')]"
                               ".every(i => i.complete && i.naturalWidth > 0)")
        page.get_by_text("The lesson, page by page").wait_for()
    else:
        page.wait_for_selector('[data-testid="stMain"] .js-plotly-plot', timeout=20_000)
    assert exceptions(page) == 0
    screenshot(page, {"/": "home", "/draw": "draw-empty"}.get(path, path.strip("/")))


def _first_trace_path(page) -> str:
    return page.locator('[data-testid="stMain"] .js-plotly-plot .scatterlayer path.js-line').first.get_attribute("d")


def test_training_live_pause_and_pages(server, page):
    page.goto(f"{server}/train?epochs=100&n_train=20000")  # long enough never to finish during the test
    wait_idle(page)
    main = page.get_by_test_id("stMain")
    main.get_by_role("button", name="Start").click()

    # the curves move and the step count rises
    page.wait_for_selector('[data-testid="stMain"] .js-plotly-plot', timeout=20_000)
    page.wait_for_timeout(1500)
    steps, paths = [], []
    for _ in range(4):
        steps.append(sidebar_step(page))
        paths.append(_first_trace_path(page))
        page.wait_for_timeout(1200)
    assert steps == sorted(steps) and steps[-1] > steps[0] > 0, steps
    assert len(set(paths)) > 1, "the loss curve did not change while training"
    screenshot(page, "train-running")

    # pause: it stops
    main.get_by_role("button", name="Pause").click()
    page.wait_for_timeout(1500)
    paused = sidebar_step(page)
    page.wait_for_timeout(2000)
    assert sidebar_step(page) == paused
    screenshot(page, "train-paused")

    # resume, leave for another page, come back: training went on meanwhile
    main.get_by_role("button", name="Resume").click()
    page.wait_for_timeout(800)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Weights", exact=True).click()
    # (not wait_idle: while training, a chunk is queued every 0.1 s, so the app is rarely idle)
    page.get_by_test_id("stMain").get_by_text("What the network learned").wait_for()
    on_weights = sidebar_step(page)
    assert on_weights >= paused
    for _ in range(16):  # the step count must rise while this page is open (polled: the browser is busy drawing it)
        page.wait_for_timeout(500)
        if sidebar_step(page) > on_weights:
            break
    assert sidebar_step(page) > on_weights
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Train", exact=True).click()
    page.get_by_test_id("stMain").get_by_text("Train a network").wait_for()
    page.wait_for_timeout(1500)
    assert sidebar_step(page) > on_weights
    page.get_by_test_id("stMain").get_by_role("button", name="Pause").click()
    page.wait_for_timeout(800)
    assert exceptions(page) == 0


def _wait_for_prediction(page, timeout_ms: int = 15_000) -> str:
    return wait_prediction(page, timeout_ms)


def test_drawn_digits_are_read_and_open_in_backprop(server, page):
    page.goto(f"{server}/draw")
    wait_idle(page)
    main = page.get_by_test_id("stMain")
    for digit in ("1", "0", "7", "4"):
        clear_canvas(page)
        assert draw_digit(page, DIGIT_STROKES[digit]) == digit  # the answer to its last stroke
        # the preprocessing steps and every layer are on the page
        assert page.locator(".st-key-draw-preprocessing img").count() == 5
        # every layer is drawn as light charts and pictures (no Plotly on Draw), each image with alt text
        page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMain\"] figure.nn-chart img').length >= 7",
                               timeout=20_000)
        assert page.locator('[data-testid="stMain"] .js-plotly-plot').count() == 0
        assert page.locator('[data-testid="stMain"] figure.nn-unit img').count() == 8
        assert page.evaluate("() => [...document.querySelectorAll('[data-testid=\"stMain\"] img')]"
                             ".every(i => (i.alt || '').trim() && i.complete && i.naturalWidth > 0)")
    assert exceptions(page) == 0
    screenshot(page, "draw")

    nav_link(page, "Backprop").click()  # the same session: the drawing goes along
    main.get_by_text("Backpropagation on one digit").wait_for()
    wait_idle(page)
    main.get_by_text("Your drawing").first.wait_for()
    main.get_by_text("Which digit did you mean?").first.wait_for()  # a drawing's true digit is asked for
    page.locator(".st-key-backprop-meant button", has_text="4").first.click()
    page.locator(".st-key-backprop-view-weight").wait_for(timeout=30_000)
    wait_idle(page)
    assert exceptions(page) == 0
    screenshot(page, "backprop")

    page.locator(".st-key-backprop-step1 button:visible").first.click()
    main.get_by_text("Before → after the last press").wait_for(timeout=15_000)
    wait_idle(page)
    assert "1 step on one digit" in page.get_by_test_id("stSidebar").inner_text()
    screenshot(page, "backprop-step")
    main.get_by_role("button", name="Undo", exact=True).first.click()
    main.get_by_text("Before → after the last press").wait_for(state="detached", timeout=15_000)
    assert "Pretrained" in page.get_by_test_id("stSidebar").inner_text()
    assert exceptions(page) == 0
    nav_link(page, "Backprop, deeper").click()  # every equation and the gradient check, for the digit meant
    main.get_by_text("They agree: relative error").wait_for(timeout=30_000)
    wait_idle(page)
    assert page.locator('[data-testid="stMain"] .st-key-backprop-view-equations .katex-display').count() >= 12
    assert exceptions(page) == 0


def test_a_confusion_cell_filters_the_gallery(server, page):
    page.goto(f"{server}/evaluate")
    wait_idle(page)
    squares = page.locator(".st-key-eval-matrix .scatterlayer .trace").first.locator("path.point")
    squares.first.wait_for(timeout=20_000)
    assert squares.count() == 100
    squares.nth(4 * 10 + 9).scroll_into_view_if_needed()  # the page's question sits above the matrix
    page.wait_for_timeout(500)
    box = squares.nth(4 * 10 + 9).bounding_box()  # row 4 (true), column 9 (predicted)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    gallery = page.locator(".st-key-eval-gallery")
    gallery.get_by_text("images of 4 read as 9").wait_for(timeout=15_000)
    wait_idle(page)
    n = int(gallery.get_by_text("images of 4 read as 9").inner_text().split()[0])
    captions = gallery.locator('[data-testid="stImageCaption"]').all_inner_texts()
    assert len(captions) == min(n, 24) > 0
    assert all("a 4, read as 9" in c for c in captions), captions
    screenshot(page, "evaluate-4-as-9")

    from playwright.sync_api import expect
    first = int(captions[0].split(":")[0].strip("#").replace(",", ""))
    gallery.get_by_role("button", name="Draw").first.click()
    page.get_by_test_id("stMain").get_by_text("Your digit, through the network").wait_for()
    wait_idle(page)
    # The script is done before the browser has drawn all it sent (the number box first shows its
    # minimum, 0, for a moment): wait for the box to show the opened image.
    expect(page.locator(".st-key-draw-index input")).to_have_value(str(first), timeout=15_000)
    assert _wait_for_prediction(page) == "9"
    assert exceptions(page) == 0
    screenshot(page, "draw-test-image")


def _finish_training(page, hidden: int) -> None:
    page.goto(f"{page.context.server}/train?hidden={hidden}&epochs=2&n_train=2000&batch=128")
    wait_idle(page)
    page.get_by_test_id("stMain").get_by_role("button", name="Start").click()


def test_two_sessions_train_draw_and_upload_without_seeing_each_other(server, browser, tmp_path):
    from playwright.sync_api import expect

    from nn_core import MLP, load_model, save_model
    pages = []
    for hidden in (16, 24):  # both start before either finishes: two trainings at once
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.server = server
        page = context.new_page()
        _finish_training(page, hidden)
        pages.append(page)
    alice, bob = pages
    for page, arch in ((alice, "784-16-10"), (bob, "784-24-10")):
        expect(page.get_by_test_id("stSidebar")).to_contain_text("finished", timeout=60_000)
        expect(page.get_by_test_id("stSidebar")).to_contain_text(arch, timeout=15_000)
    assert "784-24-10" not in alice.get_by_test_id("stSidebar").inner_text()
    assert "784-16-10" not in bob.get_by_test_id("stSidebar").inner_text()

    alice.get_by_test_id("stSidebarNav").get_by_role("link", name="Draw", exact=True).click()
    alice.get_by_text("Nothing drawn yet").wait_for()
    draw_strokes(alice, DIGIT_STROKES["1"], canvas_box(alice))
    assert re.fullmatch(r"[0-9]", _wait_for_prediction(alice) or "")  # one digit: her small model may misread it
    bob.get_by_test_id("stSidebarNav").get_by_role("link", name="Draw", exact=True).click()
    bob.get_by_text("Nothing drawn yet").wait_for()     # Alice's drawing is hers
    assert bob.locator(".st-key-prediction").count() == 0

    save_model(tmp_path / "bobs-model.npz", MLP([784, 12, 10], activation="tanh", seed=5))
    bob.get_by_test_id("stSidebarNav").get_by_role("link", name="Train", exact=True).click()
    bob.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(tmp_path / "bobs-model.npz"))
    expect(bob.get_by_test_id("stSidebar")).to_contain_text("bobs-model.npz", timeout=15_000)
    expect(bob.get_by_test_id("stSidebar")).to_contain_text("784-12-10")
    bob.get_by_test_id("stMain").get_by_text("Save or load a model").click()  # the expander
    with bob.expect_download(timeout=30_000) as download:  # built when pressed, in a worker thread
        bob.get_by_role("button", name="Download the current model (.npz)").click()
    mine, _ = load_model(download.value.path())
    assert mine.layer_sizes == (784, 12, 10) and mine.activation == "tanh" and download.value.suggested_filename == \
        "mlp-784-12-10.npz"
    alice.get_by_test_id("stSidebarNav").get_by_role("link", name="Weights", exact=True).click()
    alice.get_by_test_id("stMain").get_by_text("What the network learned").wait_for()
    wait_idle(alice)
    assert "bobs-model" not in alice.get_by_test_id("stSidebar").inner_text()
    assert "784-16-10" in alice.get_by_test_id("stSidebar").inner_text()
    assert exceptions(alice) == exceptions(bob) == 0
    screenshot(alice, "isolation-alice")
    screenshot(bob, "isolation-bob")
    for page in pages:
        page.context.close()
