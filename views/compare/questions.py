"""Compare's predict-first question, from the runs on the charts: which run's first-layer
gradients are smaller? Answered by the numbers the gradient chart draws (each run's median
RMS of dW1, session/runs.py), and asked before the chart and before the pair's "What to
see" note, which would give it away.
Leaves out: the question widget (ui/questions.py).
"""
from __future__ import annotations

from ui.numbers import sig
from ui.questions import Question


def gradients(runs: list, name) -> Question | None:
    """runs: the kept runs on the charts (two or more, each with grad_rms["W1"]); name: run id -> its name."""
    with_w1 = [r for r in runs if "W1" in r.grad_rms]
    if len(with_w1) < 2:
        return None
    size = {r.id: float(r.grad_rms["W1"]) for r in with_w1}
    smallest = min(size, key=lambda i: (size[i], i))
    ids = sorted(size)
    ratio = max(size.values()) / size[smallest] if size[smallest] > 0 else float("inf")
    return Question("compare.q.gradients", "Which run's first-layer gradients dW1 are smaller (their median size over "
                    "the run)?", tuple(name(i) for i in ids), ids.index(smallest),
                    "Median √mean(dW1²): " + ", ".join(f"{name(i)}: {sig(size[i])}" for i in ids)
                    + (f", {ratio:.3g} times smaller." if len(ids) == 2 else ". ") + " The gradient chart below shows it "
                    "for every layer.")
