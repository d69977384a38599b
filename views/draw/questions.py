"""Predict-then-reveal questions on Draw, computed from the digit's own forward pass: which
unit is silent for it, which unit pushes the predicted digit's logit hardest, and what adding
a constant to every logit does to the probabilities.
Leaves out: the question widget (questions.py) and the page layout.
"""
from __future__ import annotations

import numpy as np

from nn_core import MLP
from ui.numbers import percent, sig
from ui.questions import Question


def silent_unit(model: MLP, cache: dict, rng: np.random.Generator) -> Question | None:
    """Which of three first-layer units gives 0 (or the least) for this digit?"""
    a = cache["A1"][0]  # (n1,)
    zero = np.flatnonzero(a == 0)
    live = np.flatnonzero(a > 0)
    if len(live) < 2:
        return None
    if len(zero):
        pick, word = int(rng.choice(zero)), "is silent (A1 = 0)"
    else:
        pick, word = int(a.argmin()), "is least active"
    others = [int(j) for j in rng.choice(live[live != pick], size=min(2, len(live[live != pick])), replace=False)]
    units = sorted([pick, *others])
    return Question("draw.q.silent", f"Which of these first-layer units {word} for this digit?",
                    tuple(f"unit {j}" for j in units), units.index(pick),
                    "A1 = " + ", ".join(f"{sig(float(a[j]))} for unit {j}" for j in units)
                    + f". {int((a == 0).sum())} of the {a.size} units give exactly 0 for this digit: "
                    "a unit answers only to the strokes its weights look for.")


def top_contribution(model: MLP, cache: dict, probs: np.ndarray, rng: np.random.Generator) -> Question | None:
    """Which unit adds most to the predicted digit's logit, A[L-1][j] · W[L][j, k]?"""
    L, k = model.L, int(probs[0].argmax())
    if L < 2:
        return None
    a, w = cache[f"A{L - 1}"][0], model.params[f"W{L}"][:, k]  # (n,), (n,)
    c = a * w
    best = int(c.argmax())
    rest = np.flatnonzero((c > 0) & (np.arange(c.size) != best))
    pool = rest if len(rest) >= 2 else np.setdiff1d(np.arange(c.size), [best])
    units = sorted([best, *[int(j) for j in rng.choice(pool, size=min(2, len(pool)), replace=False)]])
    return Question("draw.q.top", f"The logit for **{k}** is Z{L}[{k}] = Σⱼ A{L - 1}[j]·W{L}[j, {k}] + b{L}[{k}]. "
                    "Which unit adds the most to it?",
                    tuple(f"unit {j}" for j in units), units.index(best),
                    "A·W = " + ", ".join(f"{sig(float(a[j]))} × {sig(float(w[j]))} = {sig(float(c[j]))} for unit {j}"
                                         for j in units) + ".")


def shift_logits(model: MLP, cache: dict, probs: np.ndarray) -> Question:
    """Adding the same number to every logit leaves the probabilities as they are."""
    z = cache[f"Z{model.L}"][0]
    k = int(probs[0].argmax())
    return Question("draw.q.shift", f"The logit of **{k}** is {sig(float(z[k]))} and its probability "
                    f"{percent(float(probs[0, k]))}. If 10 were added to all ten logits, its probability would…",
                    ("go up", "stay the same", "go down"), 1,
                    "Softmax divides e^(z + 10) by Σ e^(z + 10): the factor e^10 cancels. Only the differences "
                    "between logits matter (which is why the code subtracts the largest logit first).")


def questions(model: MLP, cache: dict, probs: np.ndarray, seed: int) -> list[Question]:
    rng = np.random.default_rng(seed)  # the same digit gets the same choices on every rerun
    return [q for q in (silent_unit(model, cache, rng), top_contribution(model, cache, probs, rng),
                        shift_logits(model, cache, probs)) if q is not None]
