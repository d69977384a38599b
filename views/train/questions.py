"""Predict-then-reveal questions on the Train page, computed from its live numbers: the
settings on the left (how many steps an epoch takes) and the shown model's training
history (training vs validation accuracy, how far the validation loss fell).
Leaves out: the question widget (questions.py) and the page layout.
"""
from __future__ import annotations

import math

from nn_core import TrainConfig
from ui.numbers import percent
from ui.questions import Question


def steps_question(config: TrainConfig, n_train: int) -> Question:
    """How many gradient steps make one epoch with these settings."""
    m = n_train if config.batch_size == 0 else min(config.batch_size, n_train)
    steps = math.ceil(n_train / m)
    wrong = sorted({n_train // m if n_train % m else steps + 1, n_train, m} - {steps})
    choices = tuple(f"{c:,}" for c in sorted({steps, *wrong[:3]}))
    batch = "the whole training set (full batch)" if config.batch_size == 0 else f"mini-batches of m = {m:,}"
    return Question(
        "train.q.steps", f"With {n_train:,} training images in {batch}, how many gradient steps is one epoch?",
        choices, choices.index(f"{steps:,}"),
        f"An epoch is one pass over the training set: ⌈{n_train:,} / {m:,}⌉ = {steps:,} steps"
        + (" (the last mini-batch is smaller)." if n_train % m else "."))


def gap_question(history: dict) -> Question | None:
    """After the last epoch, which accuracy was higher: on the training set or on validation?"""
    tr, va = history.get("train_acc") or [], history.get("val_acc") or []
    if not tr or not va or len(tr) != len(va):
        return None
    t, v = tr[-1], va[-1]
    answer = 0 if t > v else 1 if v > t else 2
    why = {0: "The network has fitted the images it learns from a little better than ones it has never seen; "
              "a gap that grows with the epochs is overfitting.",
           1: "Here the validation images were read better: the training accuracy is a running mean over the "
              "epoch, taken while the weights were still improving (and with any dropout or augmentation on).",
           2: "They are equal at the shown precision."}[answer]
    return Question("train.q.gap", "After the last epoch of the shown model's training, which accuracy was higher?",
                    ("on the training set", "on the validation set", "they were equal"), answer,
                    f"Training {percent(t)}, validation {percent(v)}. {why}")


def fall_question(history: dict) -> Question | None:
    """Did the validation loss fall by more than half between the first and the last epoch?"""
    va = history.get("val_loss") or []
    if len(va) < 2 or not all(map(math.isfinite, va)) or va[0] <= 0:
        return None
    ratio = va[-1] / va[0]
    answer = 0 if ratio < 0.5 else 1 if ratio <= 1 else 2
    return Question("train.q.fall", f"The validation loss was {va[0]:.3g} after epoch 1. After epoch {len(va)}, was it…",
                    ("less than half of that", "lower, but more than half", "higher"), answer,
                    f"It was {va[-1]:.3g}, {ratio:.3g}× the first value. Most of the learning happens in the first "
                    "epoch; later epochs refine it" + (", and a loss that rises again is a sign of overfitting."
                                                        if answer == 2 else "."))


def questions(config: TrainConfig | None, n_train: int, history: dict | None) -> list[Question]:
    qs = [steps_question(config, n_train)] if config is not None else []
    if history:
        qs += [q for q in (gap_question(history), fall_question(history)) if q is not None]
    return qs
