"""Home's predict-first question, from the shown model's layer sizes: how many numbers does
training adjust? (The parameter table below it answers.)
Leaves out: the question widget (ui/questions.py).
"""
from __future__ import annotations

from nn_core import n_params
from ui.questions import Question


def params_question(sizes: tuple[int, ...]) -> Question:
    """sizes: (784, n1, ..., 10). Right: every weight and every bias, n_params(sizes)."""
    pairs = list(zip(sizes[:-1], sizes[1:]))
    weights = sum(a * b for a, b in pairs)
    total = n_params(sizes)
    # distractors: the weights alone, the first layer's weights, one number per unit
    values = sorted({total, weights, pairs[0][0] * pairs[0][1], sum(sizes)})  # distinct, smallest first
    terms = " + ".join(f"{a:,}×{b:,} + {b:,}" for a, b in pairs)
    return Question("home.q.params", f"Training adjusts this {'-'.join(map(str, sizes))} network's numbers. "
                    "How many are there?", tuple(f"{v:,}" for v in values), values.index(total),
                    f"{terms} = {total:,}: a weight for every connection between two layers and a bias for every unit "
                    "after the input.")
