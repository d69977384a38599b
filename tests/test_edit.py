"""Edits of a network (nn_core/inside/edit.py) against the forward pass done by hand: a switched-off
unit is an activation set to 0, a temperature divides the logits, a scale multiplies the
weights; the original model never changes (even a read-only one), and the edited copy
saves and loads like any model."""
import numpy as np
import pytest

from nn_core import MLP, dumps_model, load_model, softmax
from nn_core.inside.edit import Edit, check_edit, edited


@pytest.fixture
def model():
    return MLP([784, 12, 9, 10], "relu", seed=3)


@pytest.fixture
def X(rng):
    return rng.random((20, 784)).astype(np.float32)


def forward_by_hand(model, X, off=None):
    """The forward pass with chosen hidden activations forced to 0: off = {l: [j, ...]}."""
    A = X
    for l in range(1, model.L + 1):
        Z = A @ model.params[f"W{l}"] + model.params[f"b{l}"]
        A = softmax(Z) if l == model.L else model.g.forward(Z)
        if off and l in off:
            A = A.copy()
            A[:, off[l]] = 0
    return A, Z


def test_identity_edit_is_an_equal_copy(model, X):
    twin = edited(model, Edit())
    assert twin is not model and Edit().is_identity
    for k in model.params:
        assert twin.params[k] is not model.params[k]
        np.testing.assert_array_equal(twin.params[k], model.params[k])


def test_switched_off_units_send_nothing(model, X):
    twin = edited(model, Edit(off=((1, 2), (1, 5), (2, 0))))
    expected, _ = forward_by_hand(model, X, off={1: [2, 5], 2: [0]})
    np.testing.assert_allclose(twin.forward(X)[0], expected, rtol=1e-5, atol=1e-7)


def test_no_bias_scale_and_temperature(model, X):
    twin = edited(model, Edit(no_bias=(2,), scale=((1, 0.5),), temperature=3.0))
    ref = model.copy()
    ref.params["b2"][:] = 0
    ref.params["W1"] *= 0.5
    _, Z = forward_by_hand(ref, X)
    probs = twin.forward(X)[0]
    np.testing.assert_allclose(probs, softmax(Z / 3.0), rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(probs.argmax(1), softmax(Z).argmax(1))  # temperature never changes the answer
    hot = edited(model, Edit(temperature=0.25)).forward(X)[0]
    cold = edited(model, Edit(temperature=4.0)).forward(X)[0]
    base = model.forward(X)[0]
    assert np.all(hot.max(1) >= base.max(1) - 1e-6) and np.all(cold.max(1) <= base.max(1) + 1e-6)


def test_noise_is_seeded_and_sized_by_the_weights_rms(model):
    a = edited(model, Edit(noise=((1, 0.5),), seed=7))
    b = edited(model, Edit(noise=((1, 0.5),), seed=7))
    c = edited(model, Edit(noise=((1, 0.5),), seed=8))
    np.testing.assert_array_equal(a.params["W1"], b.params["W1"])
    assert not np.array_equal(a.params["W1"], c.params["W1"])
    W = model.params["W1"]
    added = a.params["W1"] - W
    assert abs(np.sqrt(np.mean(added ** 2)) / np.sqrt(np.mean(W ** 2)) - 0.5) < 0.02
    np.testing.assert_array_equal(a.params["W2"], model.params["W2"])


def test_the_original_never_changes_even_read_only(model, X):
    before = {k: v.copy() for k, v in model.params.items()}
    for p in model.params.values():
        p.flags.writeable = False  # as the shared pretrained model is
    edit = Edit(off=((1, 0), (2, 3)), no_bias=(1, 2, 3), scale=((2, 3.0),), noise=((3, 1.0),), temperature=2.0)
    twin = edited(model, edit)
    for k, v in model.params.items():
        np.testing.assert_array_equal(v, before[k])
    assert not np.allclose(twin.forward(X)[0], model.forward(X)[0])


def test_edited_model_saves_and_loads(model, X):
    twin = edited(model, Edit(off=((1, 4),), temperature=2.0))
    back, meta = load_model(dumps_model(twin, {}, {"edits": Edit(off=((1, 4),)).describe()}))
    np.testing.assert_allclose(back.forward(X)[0], twin.forward(X)[0], rtol=1e-6)


def test_describe_writes_runs_of_units_as_ranges():
    assert Edit(off=tuple((1, j) for j in [*range(0, 60), 61, 63, 64])).describe() == [
        "layer 1: 63 units switched off (0–59, 61, 63, 64)"]


def test_describe_says_each_edit(model):
    lines = Edit(off=((1, 5), (1, 2)), no_bias=(2,), scale=((1, 1.0), (3, 0.5)), noise=((1, 0.2),),
                 temperature=2.0, seed=4).describe()
    assert lines == ["layer 1: 2 units switched off (2, 5)", "layer 2: biases b2 set to 0",
                     "layer 3: weights W3 times 0.5", "layer 1: noise of 0.2 x RMS added to W1 (seed 4)",
                     "softmax temperature 2"]


@pytest.mark.parametrize("edit, message", [
    (Edit(off=((3, 0),)), "no hidden unit"),      # layer 3 is the output layer
    (Edit(off=((1, 12),)), "no hidden unit"),
    (Edit(no_bias=(4,)), "no layer 4"),
    (Edit(scale=((0, 2.0),)), "no layer 0"),
    (Edit(scale=((1, float("nan")),)), "finite"),
    (Edit(noise=((1, -0.1),)), ">= 0"),
    (Edit(temperature=0.0), "positive"),
])
def test_edits_that_do_not_fit_are_refused(model, edit, message):
    with pytest.raises(ValueError, match=message):
        check_edit(model, edit)
