"""The unit explorer in AppTest: its views are the chosen unit's own weights and statistics
(checked against the forward pass over the test set), a dead unit is called dead, the most
active unit of the example is found, and the lab opens with the unit switched off."""
import numpy as np
import pytest

from devtools.apptest import button, decode, derived, figures, fresh, on_page, use_model
from nn_core import ACTIVATIONS, MLP, as_float
from nn_core.activations import leaky_relu

PAGE = "app_pages/units.py"


def fig_with_ytitle(at, title: str) -> dict:
    return next(f for f in figures(at) if f["layout"].get("yaxis", {}).get("title", {}).get("text") == title)


@pytest.fixture
def page():
    return on_page(PAGE)


def test_views_are_the_units_own_numbers(page, mnist):
    at = page
    at.number_input(key="units.unit").set_value(9).run()
    model = at.session_state["model.current"]
    f = next(f for f in figures(at) if f["data"][0]["type"] == "heatmap")
    np.testing.assert_allclose(decode(f["data"][0]["z"]).ravel(), model.params["W1"][:, 9], rtol=1e-6)
    out = fig_with_ytitle(at, "weight W2")
    np.testing.assert_allclose(decode(out["data"][0]["y"]), model.params["W2"][9], rtol=1e-6)
    A = model.forward(as_float(mnist.x_test))[1]["A1"][:, 9]
    boxes = fig_with_ytitle(at, "activation A1[9]")
    means = decode(boxes["data"][1]["y"])
    np.testing.assert_allclose(means, [A[mnist.y_test == d].mean() for d in range(10)], rtol=1e-4)
    top = derived(at, "units.stats")[1].top_index[9]
    assert set(np.argsort(-A)[:12]) == set(top.tolist())
    text = " ".join(c.value for c in at.caption).replace("\n", " ")
    assert f"activations from {A.max():.3f} down to {np.sort(A)[-12]:.3f}" in text


def test_a_dead_unit_is_called_dead():
    at = fresh()
    m = MLP([784, 8, 10], "relu", seed=1)
    m.params["b1"][3] = -1e3
    use_model(at, m)
    at.switch_page(PAGE).run()
    at.number_input(key="units.unit").set_value(3).run()
    assert not at.exception
    assert at.warning and "Unit 3 of layer 1 is dead" in at.warning[0].value
    assert "1 of the 8 units of layer 1 are dead, flat on every one of the 10,000 test images: 3." in \
        [c.value for c in at.caption]
    at.number_input(key="units.unit").set_value(2).run()
    assert at.success and "is alive" in at.success[0].value


def _leaky_unit_3_below_zero_everywhere() -> object:
    at = fresh()
    m = MLP([784, 8, 10], "leaky_relu", seed=1)
    m.params["b1"][3] = -1e3  # Z1[3] <= 0 on every image: the unit lives on its leak
    use_model(at, m)
    at.switch_page(PAGE).run()
    at.number_input(key="units.unit").set_value(3).run()
    assert not at.exception, at.exception
    return at


def test_a_leaky_unit_below_zero_everywhere_is_called_leaking_not_saturated():
    """It passes 1 % of the gradient back (g' = 0.01): Units once called it "saturated, no
    gradient flows back"."""
    at = _leaky_unit_3_below_zero_everywhere()
    words = " ".join(at.warning[0].value.split())
    assert "saturated" not in words and "no gradient" not in words
    assert words.startswith("Unit 3 of layer 1 is leaking: Z ≤ 0 on every one of the 10,000 test images")
    assert "A = 0.01·Z and g′(Z) = 0.01, so 1 % of the gradient still flows back" in words
    assert "1 of the 8 units of layer 1 are leaking, flat on every one of the 10,000 test images: 3." in \
        [" ".join(c.value.split()) for c in at.caption]


def test_the_units_words_quote_the_leak_of_the_activation_in_use(monkeypatch):
    """The slope below zero comes from the activation, not a 0.01 written into the page."""
    monkeypatch.setitem(ACTIVATIONS, "leaky_relu", leaky_relu(0.05))
    at = _leaky_unit_3_below_zero_everywhere()
    words = " ".join(at.warning[0].value.split())
    assert "A = 0.05·Z and g′(Z) = 0.05, so 5 % of the gradient still flows back" in words and "0.01" not in words
    flat = derived(at, "units.stats")[1].flat
    j = int(np.flatnonzero((flat > 0) & (flat < 1))[0])  # a unit on its leak on some images only
    at.number_input(key="units.unit").set_value(j).run()
    off = round(float(flat[j]) * 10_000)
    words = " ".join(at.success[0].value.split())
    assert f"on its leak (Z ≤ 0: slope 0.05, so 5 % of the gradient flows back) on {off:,}." in words
    assert f"active (Z > 0) on {10_000 - off:,} of the 10,000 test images" in words and "0.01" not in words


def test_most_active_unit_and_the_lab_link(page):
    at = page
    button(at, "The unit most active on the current example").click().run()
    model, x = at.session_state["model.current"], at.session_state["example.x"]
    j = int(model.forward(x.reshape(1, -1))[1]["A1"][0].argmax())
    assert at.number_input(key="units.unit").value == j
    button(at, f"Switch unit {j} off in the Break-it lab").click().run()
    assert not at.exception, at.exception
    assert at.multiselect(key="lab.off.1").value == [j]
    assert derived(at, "lab.result").edit.off == ((1, j),)


def test_deeper_layers_of_a_deep_model():
    at = fresh()
    use_model(at, MLP([784, 16, 12, 8, 6, 10], "sigmoid", seed=3))
    at.switch_page(PAGE).run()
    at.selectbox(key="units.layer").set_value(3).run()
    at.number_input(key="units.unit").set_value(7).run()
    assert not at.exception, at.exception
    model = at.session_state["model.current"]
    np.testing.assert_allclose(decode(fig_with_ytitle(at, "weight W3")["data"][0]["y"]), model.params["W3"][:, 7], rtol=1e-6)
    np.testing.assert_allclose(decode(fig_with_ytitle(at, "weight W4")["data"][0]["y"]), model.params["W4"][7], rtol=1e-6)
    at.selectbox(key="units.layer").set_value(4).run()  # 6 units: the unit number follows into range
    assert not at.exception and at.number_input(key="units.unit").value == 5


def test_a_new_model_lets_go_of_what_the_pages_kept(page):
    """Every page's per-model results live in one cache (session/per_model.py); a new model
    empties it, so nothing keeps the old model alive (Backprop's cases once did)."""
    at = use_model(page, MLP([784, 16, 10], seed=3))
    for path in ["app_pages/units.py", "app_pages/lab.py", "app_pages/robust.py", "app_pages/layermap.py",
                 "app_pages/backprop.py", "app_pages/evaluate.py"]:
        at.switch_page(path).run()
        assert not at.exception, path
    kept = at.session_state["model.derived"]
    assert {"lab.result", "robust.curves", "robust.point", "layermap.maps", "example.cases", "units.stats",
            "model.test_scores"} <= set(kept)
    old = at.session_state["model.current"]
    at.switch_page("app_pages/home.py")  # a page that keeps none of them
    at.session_state["model.current"] = None
    at.run()  # state.init() publishes the default model again: a new model for these pages
    assert all(m is at.session_state["model.current"] for m, _, _ in at.session_state["model.derived"].values())
    assert at.session_state["model.current"] is not old
    assert not [v for _, _, v in at.session_state["model.derived"].values()
                if any(x is old for x in vars(v).values()) if hasattr(v, "__dict__")]
