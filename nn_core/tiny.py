"""A network you can see whole: the warm-up before the 101,770 weights of the MNIST network.

Images of 2 x 2 pixels (row-major: x[0] x[1] on top, x[2] x[3] below) holding one stroke,
and two classes:

    vertical    left column  [1 0 / 1 0]     right column  [0 1 / 0 1]
    horizontal  top row      [1 1 / 0 0]     bottom row    [0 0 / 1 1]

No single weighted sum tells them apart: both verticals and both horizontals have the same
total w0 + w1 + w2 + w3, so w.x can not be above a threshold for both verticals and below it
for both horizontals. A hidden layer can (one unit for "left minus right", one for "right
minus left"). The network is the project's own MLP, 4-2-2 with ReLU: 4 inputs, 2 hidden
units, 2 outputs, 16 parameters, so every value and every gradient fits on one picture.
Its starting weights are drawn like the big network's (He) and rounded to one decimal, so
the first numbers a student reads are short.
Leaves out: training on all four at once (the lesson steps on one example, as the big one does).
"""
from __future__ import annotations

import numpy as np

from nn_core.model import MLP

SIZES = (4, 2, 2)
IMAGES = np.array([[1, 0, 1, 0], [0, 1, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1]], np.float32)  # (4, 4): 4 images of 4 pixels
LABELS = np.array([0, 0, 1, 1])                                                          # (4,)
CLASSES = ("vertical", "horizontal")
NAMES = ("left column", "right column", "top row", "bottom row")
SEED = 4  # a start where both hidden units fire on some images and the right column is read wrongly (9 %)


def start() -> MLP:
    """The tiny network before any step: He-initialised with SEED, rounded to one decimal."""
    model = MLP(SIZES, activation="relu", seed=SEED)
    model.set_params({k: np.round(v, 1) + 0.0 for k, v in model.params.items()})  # + 0.0: no "−0"
    return model
