"""The Break-it lab in AppTest: switching units off changes the accuracy shown and Reset
restores it; the numbers shown are the edited copy's own; the session's model and the
shared pretrained model never change; every layer of a deep model gets its controls."""
import numpy as np
import pytest

from devtools.apptest import button, decode, derived, figures, fresh, on_page, use_model
from devtools.paths import ASSETS
from nn_core import MLP, Edit, accuracy, edited, evaluate, load_model
from ui.numbers import change

PAGE = "app_pages/lab.py"


def accuracies(at) -> tuple[float, float]:
    shown = {m.label: float(m.value.rstrip(" %")) / 100 for m in at.metric}
    return shown["Test accuracy after"], shown["Test accuracy before"]


def probability_bars(at) -> tuple[np.ndarray, np.ndarray]:
    f = next(f for f in figures(at) if f["layout"]["yaxis"]["title"]["text"] == "probability")
    return decode(f["data"][0]["y"]), decode(f["data"][1]["y"])


@pytest.fixture
def lab():
    return on_page(PAGE)


def test_switching_units_off_changes_the_accuracy_and_reset_restores_it(lab, mnist):
    after, before = accuracies(lab)
    model = lab.session_state["model.current"]
    base = accuracy(evaluate(model, mnist.x_test, mnist.y_test)[1], mnist.y_test)
    assert after == before == pytest.approx(base, abs=5e-5)
    lab.multiselect(key="lab.off.1").set_value(list(range(64))).run()
    after, same_before = accuracies(lab)
    expected = accuracy(evaluate(edited(model, Edit(off=tuple((1, j) for j in range(64)))), mnist.x_test, mnist.y_test)[1],
                        mnist.y_test)
    shown = {m.label: m.value for m in lab.metric}["Test accuracy after"]
    assert shown == f"{change(base, expected, 100, probability=True)[1]} %"  # as printed, at its decimals
    assert after < before - 0.02 and same_before == before
    assert "layer 1: 64 units switched off (0–63)" in " ".join(m.value for m in lab.markdown)
    button(lab, "Reset: undo every change").click().run()
    assert accuracies(lab) == (before, before)
    assert lab.multiselect(key="lab.off.1").value == []


def test_the_session_model_and_the_shared_default_never_change(lab):
    model = lab.session_state["model.current"]
    kept = {k: v.copy() for k, v in model.params.items()}
    lab.slider(key="lab.scale.1").set_value(0.3).run()
    lab.slider(key="lab.noise.2").set_value(1.0).run()
    lab.toggle(key="lab.nobias.1").set_value(True).run()
    assert not lab.exception
    assert lab.session_state["model.current"] is model
    shipped = load_model(ASSETS / "default_model.npz")[0]
    for k, v in model.params.items():
        np.testing.assert_array_equal(v, kept[k])
        np.testing.assert_array_equal(v, shipped.params[k])
    res = derived(lab, "lab.result")
    assert res.model is not model
    np.testing.assert_allclose(res.model.params["b1"], 0)
    assert res.edit == Edit(no_bias=(1,), scale=((1, 0.3),), noise=((2, 1.0),))


def test_temperature_changes_the_probabilities_but_not_the_answers(lab):
    before_acc = accuracies(lab)[1]
    lab.select_slider(key="lab.temperature").set_value(5.0).run()
    p0, p1 = probability_bars(lab)
    assert accuracies(lab) == (before_acc, before_acc)
    assert p0.argmax() == p1.argmax() and p1.max() < p0.max()
    np.testing.assert_allclose(p0.sum(), 1, atol=1e-5) and np.testing.assert_allclose(p1.sum(), 1, atol=1e-5)


def test_most_active_units_of_the_example_are_switched_off(lab):
    button(lab, "Switch off the 5 most active").click().run()
    chosen = lab.multiselect(key="lab.off.1").value
    model = lab.session_state["model.current"]
    _, cache = model.forward(lab.session_state["example.x"].reshape(1, -1))
    assert sorted(chosen) == sorted(np.argsort(-cache["A1"][0])[:5].tolist())
    p0, p1 = probability_bars(lab)
    assert not np.allclose(p0, p1)


def test_a_deep_model_gets_controls_for_every_layer():
    at = fresh()
    use_model(at, MLP([784, 24, 20, 16, 12, 10], "tanh", seed=4))
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert [t.label for t in at.tabs] == ["Layer 1", "Layer 2", "Layer 3", "Layer 4", "Output"]
    at.multiselect(key="lab.off.4").set_value([0, 1, 2]).run()
    at.slider(key="lab.scale.5").set_value(2.0).run()
    assert not at.exception
    assert derived(at, "lab.result").edit == Edit(off=((4, 0), (4, 1), (4, 2)), scale=((5, 2.0),))


def test_the_edited_model_file_loads_back_with_its_own_accuracy(lab, mnist):
    import views.inside.lab
    lab.multiselect(key="lab.off.1").set_value([1, 2, 3]).run()
    lab.select_slider(key="lab.temperature").set_value(2.0).run()
    res = derived(lab, "lab.result")
    config = lab.session_state["model.info"]["config"]
    back, meta = load_model(views.inside.lab.model_file(res, config))
    for k, v in res.model.params.items():
        np.testing.assert_array_equal(back.params[k], v)
    assert meta["metrics"] == {"test_accuracy": res.accuracy} and not meta["notes"]
    assert meta["config"] == config
    assert accuracy(evaluate(back, mnist.x_test, mnist.y_test)[1], mnist.y_test) == pytest.approx(res.accuracy)
