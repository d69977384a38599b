"""Weights: dead first-layer units are named, and any unit opens in the Units explorer."""
import re

import numpy as np

from devtools.apptest import decode, figures, fresh
from nn_core import as_float
from server import resources


def _count(pattern: str, texts) -> int:
    return next(int(m.group(1)) for t in texts if (m := re.search(pattern, " ".join(t.split()))))


def test_weights_and_units_count_the_same_flat_units_on_the_same_images():
    """One definition (Activation.flat), one sample (the 10,000 test images), shown with its size
    on both pages: the default model once had "6 of 128" dead units on Weights (the 2,000-image
    sample) and 4 on Units (the whole test set)."""
    at = fresh()
    at.switch_page("app_pages/weights.py").run()
    weights = [m.value for m in at.markdown]
    on_weights = _count(r"Dead units, [^:]*: (\d+) of 128", weights)
    at.switch_page("app_pages/units.py").run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    on_units = _count(r"(\d+) of the 128 units of layer 1 are", captions)
    model = at.session_state["model.current"]
    A0 = as_float(resources.dataset().x_test)                       # (10000, 784)
    Z1 = A0 @ model.params["W1"] + model.params["b1"]                # (10000, 128)
    assert on_weights == on_units == int(np.count_nonzero((Z1 <= 0).all(axis=0)))
    assert any("every one of the 10,000 test images" in " ".join(t.split()) for t in weights)
    assert any("every one of the 10,000 test images" in " ".join(t.split()) for t in captions)


def test_the_weights_page_names_dead_units_and_opens_one_in_the_explorer():
    at = fresh()
    at.switch_page("app_pages/weights.py").run()
    assert not at.exception
    assert any("Dead units" in m.value or "No dead units" in m.value for m in at.markdown)
    at.number_input(key="weights.unit").set_value(17).run()
    next(b for b in at.button if b.key == "weights.open_unit").click().run()
    assert not at.exception
    assert at.session_state["units.unit"] == 17 and at.session_state["units.layer"] == 1
    assert any("One unit at a time" in t.value for t in at.title)
    assert at.number_input(key="units.unit").value == 17


def test_draw_and_backprop_open_their_unit_in_the_explorer():
    at = fresh()
    at.switch_page("app_pages/draw.py").run()
    at.segmented_control(key="draw.source").set_value("test").run()
    top = next(b for b in at.button if b.key == "draw.open_unit")
    j = int(top.label.split()[2].rstrip(","))
    top.click().run()
    assert not at.exception and at.session_state["units.unit"] == j
    assert any("One unit at a time" in t.value for t in at.title)
    at.switch_page("app_pages/backprop.py").run()
    b = next(b for b in at.button if b.key == "backprop.open_unit")
    j = int(b.label.split()[2])
    b.click().run()
    assert not at.exception and at.session_state["units.unit"] == j and at.number_input(key="units.unit").value == j


def test_sorting_w2_by_favoured_digit_only_reorders_its_columns():
    at = fresh()
    at.switch_page("app_pages/weights.py").run()
    W2 = at.session_state["model.current"].params["W2"]  # (128, 10)
    at.toggle(key="weights.sort").set_value(True).run()
    assert not at.exception
    fig = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("W2ᵀ"))
    order = [int(u) for u in fig["data"][0]["x"]]
    assert sorted(order) == list(range(128))                          # a permutation of the units
    z = decode(fig["data"][0]["z"]).reshape(10, 128)
    np.testing.assert_array_equal(z, W2.T[:, order])                   # the weights themselves unchanged
    favoured = z.argmax(axis=0)
    assert np.all(np.diff(favoured) >= 0)                              # grouped digit by digit
    for d in range(10):                                                # strongest first within a group
        assert np.all(np.diff(z[d, favoured == d]) <= 0)
    counts = ", ".join(f"{d}: {n}" for d, n in enumerate(np.bincount(W2.argmax(axis=1), minlength=10)))
    assert any(counts in c.value for c in at.caption)
