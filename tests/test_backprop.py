"""The Backprop lesson in AppTest, on its two pages (the core and "Backprop, deeper"): it opens on
an example the model gets wrong or is unsure of; a drawing asks for its digit; 10 steps at the
default rate visibly move the true digit's probability and the table shows it, adding up digit
for digit; the update rule shown is the one applied (its predicted change is the weight's real
change, momentum and Adam going on from press to press); the mini-batch shows its 1/m and adds
up; the questions, once checked, are answered by what the step then does; the words fit the
activation; deep, wide and shallow models all run."""
import re
import time

import numpy as np
import pytest

from devtools.apptest import DIGITS, button, captions, draw, fresh, metric, open_backprop, open_draw, use_model
from devtools.shown import differs, half_ulp, html_tables, index, multiplies, number, sums_to, table
from nn_core import MLP, dumps_model


@pytest.fixture(scope="module")
def test_set(mnist):
    return mnist.x_test, mnist.y_test


def html(at) -> str:
    return " ".join(m.value for m in at.markdown)


def open_deeper(at=None):
    """Backprop, deeper, in the same session (the example and the settings of the core page)."""
    at = at or open_backprop()
    at.switch_page("app_pages/backprop_deeper.py").run()
    assert not at.exception, at.exception
    return at


def equations_shown(at) -> list[str]:
    return [t for t in (l.value.strip("$\n ") for l in at.latex) if t.startswith(r"\begin{gathered}\underbrace")]


def probability_table(at) -> dict[int, list[str]]:
    """digit -> [before %, after %, change] from the before/after table."""
    rows = next(rows for cap, rows in html_tables(html(at)) if cap.startswith("Probabilities"))
    return {int(r[0]): r[1:] for r in rows}


def test_the_default_example_is_one_the_model_gets_wrong_or_is_unsure_of(test_set):
    _, y_test = test_set
    at = open_backprop()
    i = at.session_state["example.index"]
    assert at.session_state["example.source"] == "test" and at.session_state["example.label"] == y_test[i]
    assert float(metric(at, "Loss J")) >= 0.5
    assert number(metric(at, f"Probability of {y_test[i]}")) < 60
    assert at.segmented_control(key="backprop.kind").value == "wrong"


def test_the_picker_offers_wrong_unsure_and_confident_cases(test_set):
    _, y_test = test_set
    at = open_backprop()
    at.segmented_control(key="backprop.kind").set_value("confident").run()
    i = at.session_state["example.index"]
    assert number(metric(at, f"Probability of {y_test[i]}")) > 99
    options = at.selectbox(key="backprop.case").options
    assert len(options) == 8 and all(o.startswith("#") and "read right" in o for o in options)
    at.segmented_control(key="backprop.kind").set_value("unsure").run()
    second = at.selectbox(key="backprop.case").options[1]
    at.selectbox(key="backprop.case").set_value(int(second.split(":")[0][1:])).run()
    assert at.session_state["example.index"] == int(second.split(":")[0][1:]) and not at.exception


def test_a_drawing_asks_which_digit_was_meant():
    at = open_backprop(draw(open_draw(), DIGITS["7"]))
    assert at.session_state["example.source"] == "drawing"
    assert any("Which digit did you mean?" in i.value for i in at.info) and not at.latex
    key = "backprop.meant"
    at.segmented_control(key=key).set_value(7).run()
    assert not at.exception and any(m.label == "Probability of 7" for m in at.metric)
    assert len(equations_shown(open_deeper(at))) == 12  # the deeper page knows the digit too
    at.switch_page("app_pages/backprop.py").run()
    at.segmented_control(key="backprop.kind").set_value("wrong").run()  # a test image, then the drawing again
    assert at.session_state["example.source"] == "test"
    at.segmented_control(key="backprop.kind").set_value("drawing").run()
    assert at.session_state["example.source"] == "drawing" and at.segmented_control(key=key).value == 7


def test_ten_steps_at_the_default_rate_move_the_true_digit_and_undo_restores_it():
    at = open_backprop()
    y = at.session_state["example.label"]
    before = at.session_state["model.current"]
    W1 = before.params["W1"].copy()
    p0 = number(metric(at, f"Probability of {y}"))
    assert at.select_slider(key="backprop.lr").value == 0.001 and at.selectbox(key="backprop.rule").value == "sgd"
    button(at, "10 steps").click().run()
    assert not at.exception, at.exception
    p1 = number(metric(at, f"Probability of {y}"))
    assert p1 - p0 >= 10
    rows = probability_table(at)
    b, a, d = rows[y]
    assert number(a) - number(b) >= 10 and number(b) == pytest.approx(p0, abs=0.06)
    for r in rows.values():  # every row reads across: after − before = change, digit for digit
        assert differs(r[0], r[1], r[2]) and r[0].endswith(" %") and r[1].endswith(" %"), r
    assert "10 steps on one digit" in at.session_state["model.info"]["name"]
    np.testing.assert_array_equal(before.params["W1"], W1)  # the shared pretrained model was not touched
    button(at, "Undo").click().run()
    assert at.session_state["model.current"] is before and button(at, "Undo").disabled


@pytest.mark.parametrize("rule, l2", [("sgd", 0.0), ("sgd", 0.01), ("momentum", 0.0), ("adam", 0.0), ("adam", 1e-3)])
def test_the_update_rule_shown_is_the_step_taken(rule, l2):
    """The deeper page predicts the change of one weight; pressing 1 step (twice) makes exactly it.
    The rule and λ set on the core page are the deeper page's too."""
    at = open_backprop()
    at.selectbox(key="backprop.rule").set_value(rule)
    at.select_slider(key="backprop.l2").set_value(l2).run()
    at = open_deeper(at)
    assert at.selectbox(key="backprop.deeper.rule").value == rule and at.select_slider(key="backprop.deeper.l2").value == l2
    for press in (1, 2):
        tex = next(l.value for l in at.latex if r"\leftarrow" in l.value)
        m = re.search(r"W(\d+)\[(\d+),(\d+)\]:\\ ([^\s\\]+) \\rightarrow ([^\s\\]+)", tex)
        l, a, b = (int(g) for g in m.groups()[:3])
        w0, w1 = number(m.group(4)), number(m.group(5))
        if rule == "adam":
            assert f"^{{{press}}}" in tex  # bias correction with t = press
        if l2:  # J with its penalty, as printed: J = ce + λ/2 × ΣW² = ce + pen = J
            assert r"\lambda" in tex and r"\frac{\lambda}{2}\,\Sigma W^2" in tex
            ce, pen, J = re.search(r"\\times [^\s]+ = ([^\s]+) \+ ([^\s]+) = ([^\s\\]+)", tex).groups()
            assert sums_to([ce, pen], J), (ce, pen, J)
        button(at, "1 step").click().run()
        w = float(at.session_state["model.current"].params[f"W{l}"][a, b])
        assert abs(w - w1) <= 1.5 * 10 ** -len(m.group(5).split(".")[1]) and abs(w - w0) > 0, (press, w, w0, w1)


def test_the_mini_batch_shows_its_1_over_m_and_adds_up():
    at = open_deeper()
    at.select_slider(key="backprop.m").set_value(6).run()
    batch = [l.value for l in at.latex if r"\frac{1}{m}" in l.value]
    assert len(batch) == 3 and all(r"\frac{1}{6}" in t or "{6}" in t for t in batch)
    J, dZ, dW = batch
    _, rows, foot = table(J)
    assert len(rows) == 6  # J = the mean of the six losses shown
    for r in rows:  # each −log A[i, yᵢ] on a calculator, from the A printed beside it
        assert sums_to([f"{-np.log(number(r[2])):.12g}"], r[3]), r
    assert abs(sum(number(r[3]) for r in rows) / 6 - number(foot[0][3])) <= 5e-3 * number(foot[0][3])
    _, rows, foot = table(dZ)
    for r in rows:  # (A − Y) / 6 = dZ
        slack = (half_ulp(r[1]) + half_ulp(r[2])) / 6 + half_ulp(r[3])
        assert abs((number(r[1]) - number(r[2])) / 6 - number(r[3])) <= slack * 1.0001, r
    assert sums_to([r[3] for r in rows], foot[0][3])  # db = the sum over the rows, as printed
    _, rows, foot = table(dW)
    for r in rows:
        assert multiplies(r[1], r[2], r[3]), r
    assert abs(sum(number(r[3]) for r in rows) / 6 - number(foot[0][3])) <= 5e-3 * max(abs(number(foot[0][3])), 1e-3)
    pictures = re.findall(r'alt="example \d+(?:\'|&#x27;)s gradient', html(at))
    assert len(pictures) == 6
    next(b for b in at.button if b.key == "backprop.batch.step1").click().run()  # the batch's own step
    last = at.session_state["model.undo"][-1]
    assert last.X.shape == (6, 784) and "6 digits" in at.session_state["model.info"]["name"]
    at.switch_page("app_pages/backprop.py").run()  # the core page's before -> after shows each example of the batch
    rows = next(rows for cap, rows in html_tables(html(at)) if cap.startswith("Each example"))
    assert len(rows) == 6 and all(differs(*r[1:4]) for r in rows)


def verdicts(at) -> list[str]:
    return [m.value for m in [*at.success, *at.error] if m.value.startswith(("Right", "Not quite"))]


def _reveal(at, key: str, choice: int) -> str:
    """Answer question `key` with `choice`, then press its Check: the revealed right answer
    (its choice text). Choosing alone reveals nothing."""
    radio = next(r for r in at.radio if r.key.startswith(key + "."))
    before = verdicts(at)
    radio.set_value(choice).run()
    assert verdicts(at) == before  # choosing alone reveals nothing
    next(b for b in at.button if b.key == radio.key + ".check").click().run()  # committed, then revealed
    shown = [m for m in verdicts(at) if m not in before]
    assert len(shown) == 1
    if shown[0].startswith("Right"):
        return radio.options[choice]
    return re.search(r"the answer is (.+?)\. ", shown[0]).group(1)


@pytest.mark.parametrize("lr", [0.001, 0.1])
def test_the_questions_are_answered_by_what_the_step_then_does(lr):
    """Each question is answered (after Check) by what the press then does: the weight's
    direction, whether the answer flips after 1 and after 10 steps, which score rises most,
    how J changes against the one weight's tangent. Asked before the table or chart that shows it."""
    at = open_backprop()
    at.select_slider(key="backprop.lr").set_value(lr).run()
    asked = [r.key.rsplit(".", 1)[0] for r in at.radio]
    assert set(asked) >= {"backprop.q.move", "backprop.q.pushed", "backprop.q.flips1", "backprop.q.flips10",
                          "backprop.q.rises", "backprop.q.loss"}
    label = next(r.label for r in at.radio if r.key.startswith("backprop.q.move."))
    l, a, b = (int(g) for g in re.search(r"W(\d+)\[(\d+), (\d+)\]", label).groups())
    answers = {k: _reveal(at, f"backprop.q.{k}", 0) for k in ("move", "flips1", "flips10", "rises", "loss")}
    model0, x, y = at.session_state["model.current"], at.session_state["example.x"], at.session_state["example.label"]
    w0, z0, J0 = (float(model0.params[f"W{l}"][a, b]), model0.forward(x[None])[1][f"Z{l}"][0].astype(np.float64),
                  float(model0.loss(x[None], [y])))
    button(at, "1 step").click().run()
    model = at.session_state["model.current"]
    w1 = float(model.params[f"W{l}"][a, b])
    assert answers["move"] == ("up" if w1 > w0 else "down" if w1 < w0 else "it stays")
    assert answers["flips1"] == ("yes" if int(model.predict(x[None])[0]) == y else "no")
    rise = model.forward(x[None])[1][f"Z{l}"][0].astype(np.float64) - z0
    assert answers["rises"] == f"digit {int(rise.argmax())}"
    J1 = float(model.loss(x[None], [y]))
    assert (answers["loss"] == "rise") == (J1 >= J0)
    button(at, "Undo").click().run()
    button(at, "10 steps").click().run()
    assert answers["flips10"] == ("yes" if int(at.session_state["model.current"].predict(x[None])[0]) == y else "no")


def test_the_selected_unit_drives_the_highlights_and_the_unit_card():
    """The unit chosen on the core page is the deeper page's too (its card, its highlights)."""
    at = open_backprop()
    at.number_input(key="backprop.unit").set_value(5).run()
    at = open_deeper(at)
    assert any(m.value.startswith("**Unit 5 of layer 1**") for m in at.markdown)
    z1 = next(l.value for l in at.latex if r"\sum_i x[i]" in l.value)
    assert any(index(r[0]) == 5 and r[0].startswith(r"\colorbox") for r in table(z1)[1])
    assert "template W1[:, 5]" in html(at) and "Row 5 of W2" in html(at)
    at.switch_page("app_pages/backprop.py").run()
    assert at.number_input(key="backprop.unit").value == 5  # kept across the pages
    at.number_input(key="backprop.unit").set_value(None).run()  # empty: back to the most blamed unit
    at = open_deeper(at)
    grads = at.session_state["model.current"].backward(
        at.session_state["model.current"].forward(at.session_state["example.x"][None])[1],
        np.array([at.session_state["example.label"]]))
    blamed = int(np.abs(grads["dZ1"][0]).argmax())
    assert blamed != 5 and any(m.value.startswith(f"**Unit {blamed} of layer 1**") for m in at.markdown)


def test_the_gradient_check_agrees_on_the_path_and_elsewhere():
    at = open_deeper()
    assert float(metric(at, "Relative error")) < 1e-5
    for param in ("b1", "W1", "b2"):
        at.selectbox(key="backprop.check.param").set_value(param).run()
        assert float(metric(at, "Relative error")) < 1e-5 or any("Both are exactly 0" in i.value for i in at.info), param


def test_nudging_fools_the_network_with_few_pixels():
    at = open_deeper()
    cap = next(c for c in captions(at) if c.startswith("Nudged towards"))
    changed = int(re.search(r"(\d+) pixels changed", cap).group(1))
    assert 0 < changed <= 80 and "the network reads" in cap


def test_a_new_model_after_a_step_leaves_nothing_to_undo():
    """The undo stack belongs to the model it stepped: a new one (here an upload) clears it."""
    at = open_backprop()
    button(at, "1 step").click().run()
    at.switch_page("app_pages/train.py").run()
    model = MLP([784, 16, 10], seed=3)
    at.file_uploader(key="upload.model").set_value(("new.npz", dumps_model(model), "application/octet-stream")).run()
    at = open_backprop(at)  # the before/after of the old step would mix 128 and 16 units
    assert button(at, "Undo").disabled and not any("Before → after" in m.value for m in at.markdown)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "leaky_relu"])
def test_backprop_words_fit_the_activation(activation):
    at = open_deeper(open_backprop(use_model(fresh(), MLP([784, 16, 10], activation=activation, seed=1))))
    words = " ".join(captions(at))
    assert "Only units that were active" not in words and "the ReLU mask" not in words
    if activation == "leaky_relu":
        assert "the others 1 % of it" in words
    else:
        assert "Units with small slope g′(Z)" in words and "pass little gradient back" in words
    assert any(f"the slope g′ of {activation}" in e.label for e in at.expander)


@pytest.mark.parametrize("sizes", [[784, 10], [784] + [3] * 10 + [10], [784, 16, 12, 10]])
def test_backprop_runs_for_shallow_and_deep_models(sizes):
    at = open_backprop(use_model(fresh(), MLP(sizes, activation="tanh", seed=3)))
    button(at, "10 steps").click().run()
    assert not at.exception, at.exception
    at = open_deeper(at)
    L = len(sizes) - 1
    if L > 3:  # beyond two hidden layers the page shows layers 1 and L until asked for all
        at.toggle(key="backprop.all_layers").set_value(True).run()
    eqs = equations_shown(at)
    assert len([t for t in eqs if "underbrace{Z" in t.split("=")[0]]) == L
    assert float(metric(at, "Relative error")) < 1e-5
    button(at, "10 steps").click().run()
    assert not at.exception, at.exception


def test_backprop_on_the_largest_model_the_caps_allow():
    """4 hidden layers of 512: the page and 10 steps run (time recorded in benchmarks, not asserted)."""
    at = use_model(fresh(), MLP([784, 512, 512, 512, 512, 10], seed=0))
    t = time.perf_counter()
    at = open_backprop(at)
    first = time.perf_counter() - t
    button(at, "10 steps").click().run()
    assert not at.exception, at.exception
    t = time.perf_counter()
    open_deeper(at)
    print(f"largest model: page {first:.2f} s, deeper {time.perf_counter() - t:.2f} s")


def test_home_backprop_and_train_write_j_dz_and_the_update_alike():
    """One symbol for the learning rate (α), and the same J, dZ[L] and update on all three pages (the
    Backprop lesson writes the layer it means: A2, not A[L]; the gradient the rule uses is G)."""
    from devtools.paths import ROOT
    at = fresh()
    home = " ".join(l.value for l in at.latex)
    assert r"\frac{1}{m}\sum_{i=1}^{m} \log A^{[L]}_{i,\,y_i}" in home and r"\frac{1}{m}\left(A^{[L]} - Y\right)" in home
    assert r"W \leftarrow W - \alpha\, dW" in home
    at = open_deeper(open_backprop(at))
    page = " ".join(l.value for l in at.latex)
    assert r"\frac{1}{m}\sum_{i=1}^{m} \log A2[i,\,y_i]" in page and r"\frac{1}{m}\left(A2 - Y\right)" in page
    assert r"W \leftarrow W - \alpha\, G" in page and at.select_slider(key="backprop.deeper.lr").label == "Learning rate α"
    at.switch_page("app_pages/train.py").run()
    train = " ".join(m.value for m in at.markdown)
    assert "J = −(1/m) Σᵢ log A[L]ᵢ,yᵢ" in train and "dZ[L] = (A[L] − Y)/m" in train and "W ← W − α·dW" in train
    assert at.select_slider(key="lr").label == "Learning rate α"
    for path in [*(ROOT / "app_pages").glob("*.py"), *(ROOT / "ui").rglob("*.py"), *(ROOT / "assets" / "text").glob("*.md")]:
        assert "η" not in path.read_text(encoding="utf-8"), path


def test_adams_step_shown_for_a_tiny_gradient_is_the_step_taken():
    """Where |g| is near ε, how ε enters the step decides its size: the lesson's Δ (and the
    weight's after value) must be the core's, not a formula that differs from it there."""
    at = open_backprop()
    at.segmented_control(key="backprop.kind").set_value("confident").run()
    model, x = at.session_state["model.current"], at.session_state["example.x"].reshape(1, -1)
    probs, cache = model.forward(x)
    k, j = int(probs[0].argmin()), int(cache["A1"][0].argmax())  # the least likely digit, the most active unit
    g = float(cache["A1"][0, j] * probs[0, k])  # dW2[j, k] = A1[j] (A2[k] − 0)
    assert model.L == 2 and 0 < g < 1e-7, g      # tiny: of the order of ε = 1e-8
    at.number_input(key="backprop.unit").set_value(j)
    at.selectbox(key="backprop.digit").set_value(k)
    at.select_slider(key="backprop.lr").set_value(1.0)  # a step float32 weights can show
    at.selectbox(key="backprop.rule").set_value("adam").run()
    at = open_deeper(at)
    tex = next(l.value for l in at.latex if r"\leftarrow" in l.value and r"\hat m" in l.value)
    delta = re.search(r"\\Delta W2\[(\d+),(\d+)\] = .* = ([^\s\\]+(?:\\text\{e-\}\d+)?)\\\\", tex + r"\\")
    assert (int(delta.group(1)), int(delta.group(2))) == (j, k), delta.groups()
    shown = delta.group(3)
    w0 = float(model.params["W2"][j, k])
    button(at, "1 step").click().run()
    real = float(at.session_state["model.current"].params["W2"][j, k]) - w0
    # 3 significant digits shown; a float32 weight below 1 is rounded to within 6e-8
    assert abs(number(shown) - real) <= half_ulp(shown) + 1e-7, (shown, real)


def test_one_forward_pass_of_the_example_per_run(monkeypatch):
    """Every section reads the page's one forward pass (its probabilities, cache and
    gradients) instead of running the network again on the same model and digit."""
    at = fresh()
    seen = []
    forward = MLP.forward

    def counted(self, X, *args, **kwargs):
        seen.append((self, np.array(X, copy=True)))
        return forward(self, X, *args, **kwargs)

    def same_pass() -> int:
        """Forward passes of the shown model's weights (or an unchanged copy) on the example."""
        model, x = at.session_state["model.current"], at.session_state["example.x"].reshape(1, -1)
        return sum(1 for m, X in seen if X.shape == x.shape and np.array_equal(X, x) and m.dtype == model.dtype
                   and all(np.array_equal(p, model.params[k]) for k, p in m.params.items()))

    monkeypatch.setattr(MLP, "forward", counted)
    at.switch_page("app_pages/backprop.py").run()  # the first visit
    assert not at.exception and same_pass() == 1, same_pass()
    for rule in ("sgd", "adam"):  # a rerun, with another rule (the questions take a trial step)
        seen.clear()
        at.selectbox(key="backprop.rule").set_value(rule).run()
        assert not at.exception and same_pass() == 1, (rule, same_pass())
    seen.clear()
    at.switch_page("app_pages/backprop_deeper.py").run()  # the deeper page: one pass too
    assert not at.exception and same_pass() == 1, same_pass()
