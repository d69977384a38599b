"""Backprop's predict-then-check questions, each answered from the live numbers, each asked
above the chart or table that will answer it (views/backprop/ask.py shows them).

  move     which way will WL[j, k] move with the next press of "1 step"? (the update rule's
           own preview: the sign of its change, 0 if its input is silent)  -> the loss along it
  flips1   after 1 press of "1 step", will the network read the true digit?
  flips10  after 1 press of "10 steps"?                                 -> the before -> after table
  rises    which score (logit) rises most with the next press?           -> why each score moved
  loss     after the next press, how does J change, compared with what the tangent of the one
           followed weight predicts (G·Δw)? (every weight moves at once) -> the loss along the weight
  silent   (deeper page) which of these units passes no gradient back on this digit (its slope
           g′ is 0), or the least?
The press's outcomes come from a trial on a copy (`Trial`): the same rule, rate, penalty and
optimizer state as the real press, starting from the page's own gradients (no second forward
pass of the shown model), 10 steps, recording after 1 and after 10.
Leaves out: the question widget (views/backprop/ask.py on ui/questions.py's Question).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core import MLP
from session import state
from ui.numbers import change, percent, sig
from ui.questions import Question
from views.backprop.focus import Focus
from views.backprop.outputs import forward64, outputs
from views.backprop.step import RULES, Settings
from views.backprop.update import preview


@dataclass(frozen=True)
class Trial:
    """What the next press would do, on a copy: the model after 1 and after 10 steps."""
    one: MLP
    ten: MLP


def trial(model: MLP, grads, x: np.ndarray, label: int, s: Settings) -> Trial:
    X, y = x.reshape(1, -1), np.array([label])
    opt = state.next_optimizer(s.rule, s.l2)  # the state the real press will go on from
    after = model.copy()
    opt.update(after.params, grads, s.lr)     # step 1 from the page's gradients (the same numbers)
    one = after.copy()
    for _ in range(9):
        _, cache = after.forward(X)
        opt.update(after.params, after.backward(cache, y), s.lr)
    return Trial(one, after)


def questions(model: MLP, grads, focus: Focus, s: Settings, x: np.ndarray, t: Trial, now) -> dict[str, Question]:
    """now: the example's Outputs (views/backprop/outputs.py) on the shown model."""
    L, y = model.L, focus.label
    p1 = outputs(forward64(t.one, x)[f"Z{L}"], y)
    p10 = outputs(forward64(t.ten, x)[f"Z{L}"], y)
    return {"move": _move(model, grads, focus, s), "flips1": _flips(now, p1, y, s, 1),
            "flips10": _flips(now, p10, y, s, 10), "rises": _rises(now, p1, y, s, L)}


def _move(model: MLP, grads, focus: Focus, s: Settings) -> Question:
    q = preview(model, grads, focus, s)
    L, a, b = model.L, q["a"], q["b"]
    name = f"W{L}[{a}, {b}]"
    answer = 0 if q["delta"] > 0 else 1 if q["delta"] < 0 else 2
    why = (f"with {RULES[s.rule]} and α = {s.lr:g} its change is Δw = {sig(q['delta'])}: " +
           (f"the gradient G = dW{L}[{a}, {b}] = {sig(q['G'])}, and a step moves against it (the tangent below slopes "
            f"{'up' if q['G'] > 0 else 'down'})." if s.rule == "sgd" else
            f"the gradient G = {sig(q['G'])}, with the rule's state, decides the sign."))
    if q["delta"] == 0:
        why = f"dW = {sig(q['dw'])}: its input is 0 on this digit, so this example gives it no gradient."
    return Question("backprop.q.move", f"Which way will the weight **{name}** (from "
                    f"{'pixel' if L == 1 else 'unit'} {a} to digit {b}) move with the next press of **1 step**?",
                    ("up", "down", "it stays"), answer, why[0].upper() + why[1:])


def _flips(now, later, y: int, s: Settings, n: int) -> Question:
    right, was = int(later.p.argmax()) == y, int(now.p.argmax()) == y
    b, a, _ = change(now.p[y], later.p[y], 100, probability=True)
    why = (f"After {'one step' if n == 1 else 'ten steps'}, P({y}) goes from {b} % to {a} %, and the answer from "
           f"{int(now.p.argmax())} to {int(later.p.argmax())}" + ("" if right or not was else " (it got worse)") + ".")
    press = "**1 step**" if n == 1 else "**10 steps**"
    return Question(f"backprop.q.flips{n}", f"After one press of {press} (α = {s.lr:g}), will the network read this "
                    f"digit as {y}?", ("yes", "no"), 0 if right else 1, why)


def _rises(now, later, y: int, s: Settings, L: int) -> Question:
    dz = later.Z - now.Z  # (C,) each logit's change
    top = int(dz.argmax())
    choices = sorted({y, int(now.p.argmax()), *(int(k) for k in np.argsort(-dz, kind="stable")[:2])})[:4]
    if top not in choices:
        choices = sorted(choices[:3] + [top])
    _, _, d = change(now.Z[top], later.Z[top])
    pushed = "the true digit, the one score the loss pushes up" if top == y else \
        "not the true digit: the step moved the hidden layer too (see why each score moved)"
    return Question("backprop.q.rises", f"Which score Z{L}[k] will rise most with the next press of **1 step**?",
                    tuple(f"digit {k}" for k in choices), choices.index(top),
                    f"Z{L}[{top}] changes by {d}, the most: {pushed}.")


def loss_question(a, s: Settings, t: Trial, now, x: np.ndarray, label: int, n_params: int) -> Question:
    """a: the loss along the followed weight (views/backprop/along.Along). Asked above its chart."""
    L = t.one.L
    after = outputs(forward64(t.one, x)[f"Z{L}"], label, t.one, s.l2)
    one_weight = a.G * a.delta                 # the tangent's prediction for this weight alone
    real = after.J - now.J
    answer = 2 if real >= 0 else 1 if abs(real) > 3 * abs(one_weight) else 0
    jb, ja, jd = change(now.J, after.J)
    why = (f"J goes from {jb} to {ja} ({jd}). Along {a.name} alone the tangent predicts G·Δw = {sig(one_weight)}; "
           f"the other {n_params - 1:,} parameters each moved against their own slope too, and their drops add up.")
    if answer == 2:
        why = f"J goes from {jb} to {ja} ({jd}): the step is too long, it jumps past the bottom of the valley."
    return Question("backprop.q.loss", "With the next press of **1 step**, the loss J (every weight moves at once) will…",
                    ("fall by about what the tangent of this one weight predicts",
                     "fall by much more than that", "rise"), answer, why)


def silent(model: MLP, cache, grads, focus: Focus) -> Question | None:
    if model.L < 2:
        return None
    Z = cache["Z1"][0]
    slope = np.asarray(model.g.derivative(cache["Z1"], cache["A1"]), np.float64)[0]
    shown = list(focus.units[0])
    low = min(shown, key=lambda j: (slope[j], j))
    if slope[low] == max(slope[j] for j in shown):
        return None  # every shown unit passes the gradient back alike: nothing to ask
    others = [j for j in shown if j != low][:3]
    choices = sorted([low] + others)
    if slope[low] == 0:
        prompt = "Which of these units of layer 1 passes **no** gradient back on this digit?"
        why = (f"Z1[{low}] = {sig(Z[low])}, where the slope g′ is 0: dZ1[{low}] = dA1[{low}] × 0 = 0 whatever "
               "dA1 says.")
    else:
        prompt = "Which of these units of layer 1 passes the **least** gradient back on this digit (smallest slope g′)?"
        why = f"g′(Z1[{low}]) = {sig(slope[low])}, the smallest of the four: dZ1 = dA1 × g′ is damped most there."
    return Question("backprop.q.silent", prompt, tuple(f"unit {j}" for j in choices), choices.index(low), why)


def pushed(now, focus: Focus, L: int) -> Question:
    """Which digit's score does this example push down the most? (the largest dZL: a wrong
    digit's probability). now: the example's Outputs."""
    y = focus.label
    wrong = [int(k) for k in np.argsort(-now.p) if k != y][:3]
    choices = sorted(wrong[:2] + [y])
    return Question("backprop.q.pushed", "Which digit's score does this example push **down** the most?",
                    tuple(str(k) for k in choices), choices.index(wrong[0]),
                    f"For a wrong digit dZ{L} = A{L}: the largest is A{L}[{wrong[0]}] = {percent(now.p[wrong[0]])}. "
                    f"The true digit {y} is the only score pushed up (dZ{L} = A{L} − 1 < 0).")
