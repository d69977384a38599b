"""The named presets: the networks of the five source documents, plus three of our own.

`fast` is the dashboard's default (a few seconds on a laptop CPU); `best` is the highest
test accuracy we found within a minute of CPU training on the digits as they are;
`augmented` is the same network trained on randomly distorted digits (augment.py), which
reaches higher test accuracy within a minute. Figures are measured by
benchmarks/bench_core.py and recorded in benchmarks/README.md.
Leaves out: what each hyperparameter means (config.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from nn_core.config import TrainConfig


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    description: str
    config: TrainConfig = field(default_factory=TrainConfig)


PRESETS: dict[str, Preset] = {p.name: p for p in [
    Preset("fast", "Fast (dashboard default)",
           "784-128-10 ReLU, Adam with cosine decay: about 97.9 % test accuracy in about 5 seconds.",
           TrainConfig(hidden=(128,), optimizer="adam", lr=2e-3, schedule="cosine", batch_size=64, epochs=5)),
    Preset("best", "Best within a minute",
           "784-512-256-10 ReLU, Adam with cosine decay and a little L2: about 98.5 % test accuracy "
           "in about 30 seconds.",
           TrainConfig(hidden=(512, 256), optimizer="adam", lr=1e-3, schedule="cosine", l2=1e-5,
                       batch_size=128, epochs=12)),
    Preset("augmented", "Augmented, within a minute",
           "best's network, trained on distorted copies of the digits: every batch shifted by up to 2 pixels, "
           "turned by up to 10°, zoomed by up to 10 % and bent elastically by 1 pixel; Adam with cosine decay, "
           "batch 256, 12 epochs: about 99.0 % test accuracy (98.95 %) in under a minute of one core.",
           TrainConfig(hidden=(512, 256), optimizer="adam", lr=3e-3, schedule="cosine", l2=1e-5,
                       batch_size=256, epochs=12, shift=2, rotate=10, scale=0.1, elastic=1)),
    Preset("numpy-ai-32", "MNIST AI using NumPy (784-32-10)",
           "Two layers: W1 is 32x784 with ReLU, W2 10x32 with softmax; plain gradient descent "
           "W <- W - alpha dW on mini-batches.",
           TrainConfig(hidden=(32,), optimizer="sgd", lr=0.1, batch_size=32, epochs=10)),
    Preset("column-10", "NN with math and NumPy (784-10-10, full batch)",
           "The column-layout derivation Z = W X + b: 10 ReLU units, weights and biases drawn "
           "from U(-0.5, 0.5), full-batch gradient descent with alpha = 0.1 for 500 iterations.",
           TrainConfig(hidden=(10,), init="uniform", optimizer="sgd", lr=0.1, batch_size=0, epochs=500)),
    Preset("hidden-128", "Digit recognizer with 128 hidden units",
           "784-128-10 with ReLU and softmax, learning rate 0.1, 500 epochs of full-batch "
           "gradient descent (m = batch size = the whole training set).",
           TrainConfig(hidden=(128,), optimizer="sgd", lr=0.1, batch_size=0, epochs=500)),
    Preset("multidim-16-16", "Network as a multidimensional equation (784-16-16-10)",
           "Two hidden ReLU layers of 16: 13,002 parameters; categorical cross-entropy and "
           "gradient descent on mini-batches.",
           TrainConfig(hidden=(16, 16), optimizer="sgd", lr=0.1, batch_size=32, epochs=10)),
    Preset("configurable", "Configurable layers (ReLU/sigmoid, He/Xavier, mini-batches)",
           "Configurable hidden sizes (here 128-64), ReLU with He initialisation (sigmoid pairs "
           "with Xavier), mini-batch gradient descent with alpha = 0.1.",
           TrainConfig(hidden=(128, 64), optimizer="sgd", lr=0.1, batch_size=64, epochs=10)),
]}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown preset {name!r}; choose one of {list(PRESETS)}") from None
