"""Hostile uploads in the app (AppTest): every refused file is explained and loses nothing
(the model, the paused run and the drawing stay exactly as they were), files with bad
metadata load with notes, file text is never Markdown, and the largest model the caps
allow runs on every page while sending little to the browser."""
import re

import pytest

from devtools.apptest import (
    DIGITS,
    PAGES,
    button,
    draw,
    figures,
    fresh,
    light_charts,
    page_html,
    texts,
    tiny_training,
    upload_model,
)
from devtools.hostile import ACCEPTED, BIG_OK, GOOD, MODEL_CASES, OVER_APP_CAPS, with_meta
from nn_core import MLP, dumps_model
from ui.numbers import percent

CAPPED = re.compile(r"(units in a hidden layer|hidden layers|weights and biases)$")
APP_CASES = {**MODEL_CASES, **OVER_APP_CAPS,
             "784 inputs to 5 classes": (lambda: dumps_model(MLP([784, 8, 5])), "MNIST needs 784 inputs and 10 classes")}
HOSTILE_NAME = "![x](http://127.0.0.1:9/x.png) <b>bold</b>.npz"
PAGE_BYTES = 3_000_000  # figure specs and Markdown per page


def _state(at) -> tuple:
    """What a refused upload must not touch (compared by identity: not even a copy may replace them)."""
    s = at.session_state
    return (s["model.current"], s["model.info"], s["model.snapshots"], s["train.trainer"], s["example.x"],
            s["train.trainer"].step_count)


def _expected(name: str, fragment: str, size: int) -> str:
    if size > 10 * 1024 * 1024:
        return "model files here are at most 10 MB"
    return "this server allows at most" if CAPPED.search(fragment) else fragment


@pytest.mark.slow  # ~7 s (make quick leaves it to test-core)
def test_every_refused_upload_is_explained_and_nothing_is_lost(one_step_ticks):
    at = tiny_training(fresh(), epochs=50)
    at.run()
    button(at, "Pause").click().run()
    at = draw(at.switch_page("app_pages/draw.py").run(), DIGITS["7"])
    at.switch_page("app_pages/train.py").run()
    before = _state(at)
    assert before[3].step_count >= 2 and before[4] is not None
    for name, (build, fragment) in APP_CASES.items():
        data = build()
        upload_model(at, "bad.npz", data)
        assert not at.exception, (name, at.exception)
        errors = texts(at.error)
        assert "`bad.npz`" in errors and _expected(name, fragment, len(data)) in errors, (name, errors)
        assert "The current model is unchanged." in errors and not at.success, name
        assert _state(at) == before, name
    for page in PAGES:  # every page, after all of them
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
    assert _state(at) == before and not at.session_state["train.running"]


def test_a_cap_is_named_in_the_message():
    at = fresh()
    at.switch_page("app_pages/train.py").run()
    upload_model(at, "wide.npz", OVER_APP_CAPS["784-600-10, over max_hidden"][0]())
    assert ("Could not use `wide.npz`: this server allows at most 512 units in a hidden layer; the file has 600."
            in texts(at.error))


# What reads a file's metadata: the sidebar (on every page) and Train (the history chart); one
# case goes through every page as well.
READERS = ["app_pages/train.py", "app_pages/home.py"]


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_bad_metadata_loads_with_a_note_and_the_pages_run(case):
    build, note = ACCEPTED[case]
    at = fresh()
    at.switch_page("app_pages/train.py").run()
    upload_model(at, HOSTILE_NAME, build())
    assert not at.exception and not at.error
    assert texts(at.success).startswith("Loaded `![x](http://127.0.0.1:9/x.png) <b>")  # as inline code: no markup
    shown = " ".join(t.value for t in at.text)
    if note:
        assert note in shown and "Not everything the file says is used" in texts(at.markdown)
    else:
        assert "Not everything the file says is used" not in texts(at.markdown)
    for page in PAGES if case == "markup in every text" else READERS:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        # the file's name is plain text in the sidebar, never Markdown
        assert HOSTILE_NAME in [t.value for t in at.sidebar.text]
        assert not any("![" in m.value or "<b>" in m.value for m in [*at.sidebar.markdown, *at.sidebar.caption])


def test_a_claimed_test_accuracy_is_measured_instead():
    at = fresh()
    at.switch_page("app_pages/train.py").run()
    upload_model(at, "boast.npz", with_meta(GOOD, metrics={"test_accuracy": 0.99}))
    acc = at.session_state["model.info"]["metrics"]["test_accuracy"]
    assert acc < 0.5                                           # untrained weights read about one digit in ten
    assert f"Test accuracy {percent(acc)}" in texts(at.sidebar.caption)
    assert f"The file says its test accuracy is 99.00%; measured here it is {acc:.2%}" in texts(at.text)


@pytest.mark.slow  # ~7 s (make quick leaves it to test-core)
def test_the_largest_allowed_model_runs_everywhere_and_sends_little():
    at = fresh()
    at.switch_page("app_pages/train.py").run()
    upload_model(at, "big.npz", dumps_model(BIG_OK))
    assert "784-512-512-512-512-10" in texts(at.success)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        sent = sum(len(c.proto.spec) for c in at.get("plotly_chart")) + len(page_html(at))  # Markdown and HTML
        assert sent < PAGE_BYTES, (page, sent)
    at.switch_page("app_pages/weights.py").run()
    window = at.segmented_control(key="weights.units")
    assert window.options == ["0–127", "128–255", "256–383", "384–511"]
    window.set_value(384).run()
    first, shown = re.search(r'data-tiles="\d+ \d+ 28 1 (\d+)" data-units="(\d+)"', page_html(at)).groups()
    assert (int(first), int(shown)) == (384, 128) and "Showing units 384–511 of 512" in texts(at.caption)
    assert "Units 384 to 511 as 28×28 pictures" in page_html(at)  # the mosaic's alt text
    # a drawing and a test image flow through all four hidden layers
    at = draw(at.switch_page("app_pages/draw.py").run(), DIGITS["0"])
    charts = light_charts(at)
    assert not at.exception and all(any(t.startswith(f"A{l} = relu(Z{l})") for t in charts) for l in range(1, 5))
    assert any(t.startswith("Z5: logits") for t in charts) and any(t.startswith("3. normalise: A5") for t in charts)
    at.switch_page("app_pages/backprop.py").run()
    at.segmented_control(key="backprop.meant").set_value(0).run()  # the page asks which digit the drawing is
    at.switch_page("app_pages/backprop_deeper.py").run()  # every equation is on Backprop, deeper
    # layers 1 and 5 only: layers 2 to 4 repeat the same equations
    middle = lambda: [l.value for l in at.latex if "Z3" in l.value]  # noqa: E731  (Z3, dZ3: layer 3's)
    assert not at.exception and middle() == [] and "layers 2 to 4 follow the same equations" in texts(at.caption)
    at.toggle(key="backprop.all_layers").set_value(True).run()
    assert not at.exception and len(middle()) >= 4  # Z3, A3, dZ3, dW3, ...
    at.switch_page("app_pages/weights.py").run()  # 512 x 512 matrices are drawn pooled
    assert any("(4 × 4 blocks)" in f["layout"]["title"]["text"] for f in figures(at) if f["layout"].get("title"))


def test_a_loader_bug_is_a_message_not_a_traceback(monkeypatch, caplog):
    """Any exception the loader did not mean is still a message (and a line in the log)."""
    import views.train.files

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.train.files, "load_model", broken)
    at = fresh()
    before = at.session_state["model.current"]
    at.switch_page("app_pages/train.py").run()
    upload_model(at, "fine.npz", dumps_model(GOOD))
    assert not at.exception and at.session_state["model.current"] is before
    assert "Could not use `fine.npz`: it could not be read. The current model is unchanged." in texts(at.error)
    assert "unexpected error loading an uploaded model" in caplog.text
