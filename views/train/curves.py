"""What the Train page's dead-units chart is called for the model's activation, from its traits.

The trainer records, per hidden layer, the share of units with Z <= 0 on every example of
a batch (and of the validation set). That says how a unit learns only where the slope below
zero is one number: 0 for ReLU (such a unit is dead), 0.01 for leaky ReLU (it leaks 1 % of
the gradient). Where the slope changes with Z (sigmoid, tanh), Z <= 0 says nothing about
learning, and the page says why there is no chart (the activation's "Dead" part of train.md).
Leaves out: drawing the chart (ui/charts/lines.py) and its caption (assets/text/train.md).
"""
from __future__ import annotations

from nn_core.activations import Activation


def dead_title(g: Activation) -> str | None:
    """"Dead hidden units" (ReLU), "Leaking hidden units" (leaky ReLU), or None: no chart."""
    return None if g.negative_slope is None else f"{g.flat_word.capitalize()} hidden units"
