"""Draw's questions: answers computed from the digit's forward pass."""
import numpy as np

from devtools.apptest import fresh
from nn_core import as_float
from server import resources
from views.draw import questions as dq


def test_the_answers_follow_the_forward_pass(mnist):
    model, _ = resources.default_model()
    probs, cache = model.forward(as_float(mnist.x_test[:1], model.dtype))  # (1, 784) -> (1, 10)
    rng = np.random.default_rng(0)
    q = dq.silent_unit(model, cache, rng)
    picked = int(q.choices[q.answer].split()[1])
    a = cache["A1"][0]
    assert a[picked] == 0 or a[picked] == a.min()
    assert all(a[int(c.split()[1])] > a[picked] for i, c in enumerate(q.choices) if i != q.answer)
    q = dq.top_contribution(model, cache, probs, rng)
    k = int(probs[0].argmax())
    contrib = cache["A1"][0] * model.params["W2"][:, k]
    units = [int(c.split()[1]) for c in q.choices]
    assert units[q.answer] == int(contrib.argmax()) and contrib[units[q.answer]] == max(contrib[u] for u in units)
    q = dq.shift_logits(model, cache, probs)
    shifted = np.exp(cache["Z2"][0] + 10) / np.exp(cache["Z2"][0] + 10).sum()
    assert q.choices[q.answer] == "stay the same" and np.allclose(shifted, probs[0], atol=1e-6)


def test_the_draw_page_asks_them_about_the_digit_shown():
    at = fresh()
    at.switch_page("app_pages/draw.py").run()
    at.segmented_control(key="draw.source").set_value("test").run()
    assert not at.exception
    labels = " ".join(r.label for r in at.radio)
    assert "Which of these first-layer units" in labels and "adds the most" in labels and "all ten logits" in labels
