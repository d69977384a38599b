"""Draw and Evaluate in AppTest (Backprop: test_backprop.py): a drawing injected into the
canvas's session state is predicted with one forward pass, the confusion matrix covers the
whole test set, and the words and numbers on screen fit the model shown (its activation, its
depth) and each other."""
import re

import numpy as np
import pytest

from devtools.apptest import (
    DIGITS,
    button,
    canvas_png,
    captions,
    decode,
    derived,
    draw,
    figures,
    fresh,
    light_charts,
    metric,
    open_backprop,
    open_draw,
    page_html,
    panel,
    prediction,
    use_model,
)
from devtools.paths import ASSETS
from nn_core import MLP, load_model, prepare_drawing
from ui.numbers import percent


@pytest.fixture(scope="module")
def model():
    return load_model(ASSETS / "default_model.npz")[0]


@pytest.fixture(scope="module")
def test_set(mnist):
    return mnist.x_test, mnist.y_test


def test_an_empty_canvas_shows_a_prompt_not_an_error():
    at = open_draw()
    assert any("Nothing drawn yet" in i.value for i in at.info)
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("digit", sorted(DIGITS))
def test_a_drawn_digit_is_predicted(digit, model):
    at = draw(open_draw(), DIGITS[digit])
    assert not at.exception, at.exception
    image, _ = canvas_png(DIGITS[digit])
    expected = int(model.predict(prepare_drawing(image)["x"][None])[0])
    assert prediction(at) == expected == int(digit)
    x = at.session_state["example.x"]
    assert x.shape == (784,) and at.session_state["example.source"] == "drawing"
    np.testing.assert_allclose(x, prepare_drawing(image)["x"])
    # every layer is shown: the input, Z1, A1, the top units, logits, the three softmax steps; no Plotly
    names = list(light_charts(at))
    for part in ("Probabilities", "Z1 = A0 W1 + b1", "A1 = relu(Z1)", "Z2: logits", "1. shift", "2. exponentiate",
                 "3. normalise"):
        assert any(part in n for n in names), (part, names)
    assert not at.get("plotly_chart")
    page = page_html(at)
    assert page.count('<figure class="nn-unit">') == 8 and "most active units" in page
    assert 'data-readout="pixels"' in page  # the input picture
    probs = panel(at, "3. normalise")
    assert probs.sum() == pytest.approx(1, abs=1e-3) and int(probs.argmax()) == int(digit)
    # the hidden table of probabilities says the same as the chart
    rows = re.findall(r"<tr><td>(\d)</td><td>([^<]*)</td></tr>", page)
    assert [d for d, _ in rows[:10]] == [str(i) for i in range(10)]


def test_draw_runs_one_forward_pass_per_stroke_and_per_test_image(monkeypatch):
    at = open_draw()
    calls, real = [], MLP.forward

    def counting(self, X, check=True):
        calls.append(np.shape(X))
        return real(self, X, check)
    monkeypatch.setattr(MLP, "forward", counting)
    draw(at, DIGITS["7"])
    assert calls == [(1, 784)]  # the prediction, the probabilities and every layer share it
    calls.clear()
    at.segmented_control(key="draw.source").set_value("test").run()
    assert calls == [(1, 784)] and not at.exception


def test_the_silent_units_in_the_caption_are_the_zeros_in_the_chart():
    at = draw(open_draw(), DIGITS["0"])
    A1 = panel(at, "A1 = relu(Z1)")
    caption = next(c for c in captions(at) if "Right: A1 = relu(Z1)" in c)
    assert f"{int((A1 == 0).sum())} of 128 units are silent (A = 0)" in caption


@pytest.mark.parametrize("activation, words", [
    ("sigmoid", "no unit is silent; {} of 16 units are above 0.5 (Z > 0)"),
    ("tanh", "no unit is silent; {} of 16 units are positive (Z > 0)"),
    ("leaky_relu", "{} of 16 units have Z ≤ 0 for this input"),
])
def test_draw_speaks_of_silent_units_only_for_relu(activation, words):
    at = use_model(fresh(), MLP([784, 16, 10], activation=activation, seed=1))
    at.switch_page("app_pages/draw.py").run()
    at = draw(at, DIGITS["7"])
    Z1 = panel(at, "Z1 = A0 W1 + b1")
    caption = next(c for c in captions(at) if f"Right: A1 = {activation}(Z1)" in c)
    count = int((Z1 <= 0).sum()) if activation == "leaky_relu" else int((Z1 > 0).sum())
    assert words.format(count) in caption and "silent (A = 0)" not in caption


def test_the_centring_shift_is_said_the_right_way_round():
    at = draw(open_draw(), DIGITS["7"])
    image, _ = canvas_png(DIGITS["7"])
    dy, dx = prepare_drawing(image)["shift"]
    assert dx != dy  # a 7's ink is heavy at the top right: it moves down and left
    shown = captions(at) + [" ".join(page_html(at).split())]  # the pictures' captions are HTML
    assert any(f"shifted by Δx = {dx:+d}, Δy = {dy:+d} px" in c for c in shown)


def test_switching_off_centring_changes_the_input_of_an_off_centre_digit():
    at = draw(open_draw(), DIGITS["1"], scale=0.4)  # a small 1 near the top-left corner
    centred = at.session_state["example.x"].reshape(28, 28).copy()
    for key in ("draw.centre", "draw.crop", "draw.fit"):
        at.run()  # a full run: AppTest shows only the last run's elements, and a switch reruns the drawing's alone
        at.toggle(key=key).set_value(False).run()
    raw = at.session_state["example.x"].reshape(28, 28)
    rows, cols = np.nonzero(raw > 0.1)
    assert cols.mean() < 10 and rows.mean() < 10  # left in the top-left corner, as drawn
    shown = re.search(r'data-readout="pixels"[^>]*data-values="([^"]*)"', page_html(at)).group(1).split()
    np.testing.assert_allclose(np.array(shown, float).reshape(28, 28), raw, atol=6e-4)  # and the page shows it
    rows, cols = np.nonzero(centred > 0.1)
    assert abs(cols.mean() - 14) < 2 and abs(rows.mean() - 14) < 2
    assert not at.exception


def test_clear_empties_the_canvas_and_the_example():
    at = draw(open_draw(), DIGITS["7"])
    assert at.session_state["example.x"] is not None
    button(at, "Clear").click().run()
    assert at.session_state["draw.canvas"] == 1 and at.session_state["example.x"] is None
    assert any("Nothing drawn yet" in i.value for i in at.info)


def test_a_test_image_is_shown_with_its_label(model, test_set):
    x_test, y_test = test_set
    at = open_draw()
    at.segmented_control(key="draw.source").set_value("test").run()
    at.number_input(key="draw.index").set_value(1234).run()
    assert not at.exception, at.exception
    expected = int(model.predict(x_test[1234].reshape(1, -1).astype(np.float32) / 255)[0])
    assert prediction(at) == expected
    assert at.session_state["example.label"] == int(y_test[1234]) and at.session_state["example.index"] == 1234


# ------------------------------------------------------------------ Evaluate
def confusion_counts(at) -> np.ndarray:
    fig = next(f for f in figures(at) if f["layout"]["xaxis"].get("title", {}).get("text") == "predicted digit")
    trace = next(t for t in fig["data"] if t["type"] == "scatter")  # the clickable squares carry the counts
    counts = decode(trace["customdata"]).astype(int)
    t, p = decode(trace["y"]).astype(int), decode(trace["x"]).astype(int)
    cm = np.zeros((10, 10), int)
    cm[t, p] = counts
    return cm


def test_evaluate_confusion_matrix_covers_the_test_set(model, test_set):
    x_test, y_test = test_set
    at = fresh()
    at.switch_page("app_pages/evaluate.py").run()
    assert not at.exception, at.exception
    cm = confusion_counts(at)
    assert cm.sum() == len(y_test) == 10_000
    pred = model.predict(x_test.reshape(len(x_test), -1).astype(np.float32) / 255)
    assert np.trace(cm) == (pred == y_test).sum()
    assert metric(at, "Test accuracy") == percent((pred == y_test).mean())
    assert any("the 100 squares' counts sum to 10,000, the test-set size" in c for c in captions(at))
    assert metric(at, "Mistakes") == f"{10_000 - np.trace(cm):,} of 10,000"


def test_a_gallery_draw_button_opens_the_image_on_draw(test_set):
    _, y_test = test_set
    at = fresh()
    at.switch_page("app_pages/evaluate.py").run()
    first = next(b for b in at.button if b.label == "Draw")
    i = int(first.key.rsplit(".", 1)[1])
    first.click().run()  # the callback asks for Draw; app.py switches on the same run
    assert not at.exception, at.exception
    assert "Your digit, through the network" in at.title[0].value
    assert at.segmented_control(key="draw.source").value == "test" and at.number_input(key="draw.index").value == i
    assert at.session_state["example.index"] == i and prediction(at) != int(y_test[i])  # a mistake, as listed


def test_choosing_a_cell_filters_the_gallery_and_opens_backprop(test_set):
    _, y_test = test_set
    at = fresh()
    at.switch_page("app_pages/evaluate.py").run()
    at.selectbox(key="eval.true").set_value(4).run()
    at.selectbox(key="eval.pred").set_value(9).run()
    cm = confusion_counts(at)
    captions = [b.help for b in at.button if b.label == "Backprop"]
    assert len(captions) == min(cm[4, 9], 24) > 0
    shown = [int(b.key.rsplit(".", 1)[1]) for b in at.button if b.label == "Backprop"]
    assert all(y_test[i] == 4 for i in shown)
    assert any(f"{cm[4, 9]} images of 4 read as 9" in m.value for m in at.markdown)
    next(b for b in at.button if b.label == "Backprop").click().run()  # callback, then st.switch_page
    assert not at.exception, at.exception
    assert at.session_state["example.index"] == shown[0] and at.session_state["example.label"] == 4
    assert "Backpropagation on one digit" in at.title[0].value


def test_evaluate_scores_the_model_shown_after_a_step(test_set):
    x_test, y_test = test_set
    at = fresh()
    at.switch_page("app_pages/evaluate.py").run()
    first = derived(at, "model.test_scores")
    at = open_backprop(at)
    at.select_slider(key="backprop.lr").set_value(1.0).run()
    button(at, "1 step").click().run()  # a big step on one digit: other digits suffer
    assert derived(at, "model.test_scores") is None  # the old scores (and the old model) are let go
    at.switch_page("app_pages/evaluate.py").run()
    stepped = at.session_state["model.current"]
    pred = stepped.predict(x_test.reshape(len(x_test), -1).astype(np.float32) / 255)
    assert metric(at, "Test accuracy") == percent((pred == y_test).mean()) != percent(first.accuracy)
