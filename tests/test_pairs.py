"""Teaching pairs (nn_core/pairs.py): each pair's runs differ in exactly one setting, and
trained, each shows what its caption says it shows."""
import dataclasses

import numpy as np
import pytest

from nn_core import PAIRS, TrainConfig, Trainer


def trained(config, mnist) -> Trainer:
    t = Trainer(config, mnist)
    while not t.done:
        t.run_for(5.0)
    return t


@pytest.mark.parametrize("name", list(PAIRS))
def test_the_two_runs_differ_in_one_setting_only(name):
    a, b = PAIRS[name].configs()
    differ = [f.name for f in dataclasses.fields(TrainConfig) if getattr(a, f.name) != getattr(b, f.name)]
    assert differ == [PAIRS[name].field]
    assert (getattr(a, differ[0]), getattr(b, differ[0])) == PAIRS[name].values
    assert len(PAIRS[name].labels) == 2 and a.seed == b.seed


def median_grad(t: Trainer) -> dict:
    return {k: float(np.median(v)) for k, v in t.history.consistent().grad_rms.items()}


def test_sigmoid_gradients_vanish_towards_the_input_and_relu_ones_do_not(mnist):
    relu, sigmoid = (trained(c, mnist) for c in PAIRS["relu-sigmoid"].configs())
    g_relu, g_sig = median_grad(relu), median_grad(sigmoid)
    assert list(g_sig) == ["W1", "W2", "W3", "W4"]
    assert g_sig["W1"] < g_sig["W2"] < g_sig["W3"] < g_sig["W4"]            # shrinking layer by layer
    assert g_sig["W1"] / g_sig["W4"] < 0.1 < g_relu["W1"] / g_relu["W4"]      # ReLU's reach the first layer
    assert g_relu["W1"] > 5 * g_sig["W1"]
    assert relu.history.val_acc[-1] > 0.9 and sigmoid.history.val_acc[-1] < relu.history.val_acc[-1] - 0.3


def test_adam_gets_further_than_sgd_at_the_same_step_size(mnist):
    sgd, adam = (trained(c, mnist) for c in PAIRS["sgd-adam"].configs())
    assert sgd.config.lr == adam.config.lr
    assert adam.history.val_acc[0] > sgd.history.val_acc[0] + 0.1             # after one epoch
    assert adam.history.val_acc[-1] > sgd.history.val_acc[-1] + 0.03


def test_a_learning_rate_too_high_stays_far_worse(mnist):
    low, high = (trained(c, mnist) for c in PAIRS["lr-too-high"].configs())
    assert high.status == "done" and low.status == "done"                    # it wanders, it does not stop
    assert high.history.val_acc[-1] < low.history.val_acc[-1] - 0.3
    assert np.mean(high.history.step_loss[-50:]) > 3 * np.mean(low.history.step_loss[-50:])
