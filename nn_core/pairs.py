"""Teaching pairs: two short training runs that differ in exactly one setting.

Each pair answers one question a student asks about the settings on the Train page by
training both runs from the same seed on the same 10,000 images (same first weights,
same batches), so whatever differs in their curves comes from the one setting:

relu-sigmoid  Why ReLU? Three hidden layers of sigmoid units pass back gradients that
              shrink layer by layer (g'(Z) <= 1/4 at every layer: vanishing gradients):
              dW1's RMS is ~20x smaller than with ReLU, and the network barely learns.
sgd-adam      Why Adam? At the same step size alpha, plain SGD moves every weight by
              alpha * dW, Adam by about alpha per weight (its steps are normalised by
              each weight's running gradient size), so it gets much further in two epochs.
lr-too-high   What does a learning rate that is too large do? At alpha = 1.5 each step
              overshoots: the loss jumps about and stays high (validation ~30 % after
              three epochs, against ~93 % at 0.1); at 2 it explodes within four steps.

Each run takes about half a second of one core (benchmarks/README.md; its estimate against the
real time: benchmarks/bench_pairs.py).
Leaves out: training them (trainer.py; in the app, in the background: session/pairs.py) and
showing them (session/runs.py, the Compare page).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from nn_core.activations import get_activation
from nn_core.config import TrainConfig

PAIR_IMAGES = 10_000  # training images per run: enough for the curves to part, quick on one core


@dataclass(frozen=True)
class Pair:
    name: str
    title: str      # the button
    question: str   # what it answers
    base: TrainConfig
    field: str      # the one setting that differs
    values: tuple   # its value in the first and the second run
    labels: tuple[str, str]

    def configs(self) -> tuple[TrainConfig, TrainConfig]:
        return tuple(dataclasses.replace(self.base, **{self.field: v}) for v in self.values)


PAIRS: dict[str, Pair] = {p.name: p for p in [
    Pair("relu-sigmoid", "ReLU vs sigmoid", "Why ReLU? Vanishing gradients in a deep sigmoid network.",
         TrainConfig(hidden=(64, 64, 64), optimizer="sgd", lr=0.1, batch_size=64, epochs=3, n_train=PAIR_IMAGES),
         "activation", ("relu", "sigmoid"), tuple(get_activation(g).title for g in ("relu", "sigmoid"))),
    Pair("sgd-adam", "SGD vs Adam", "Why Adam? The same step size α, two update rules.",
         TrainConfig(hidden=(64,), lr=0.01, batch_size=64, epochs=3, n_train=PAIR_IMAGES),
         "optimizer", ("sgd", "adam"), ("SGD", "Adam")),
    Pair("lr-too-high", "A learning rate too high", "What happens when α is too large?",
         TrainConfig(hidden=(64,), optimizer="sgd", batch_size=64, epochs=3, n_train=PAIR_IMAGES),
         "lr", (0.1, 1.5), ("α = 0.1", "α = 1.5")),
]}
