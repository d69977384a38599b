"""Backprop's predict-then-reveal questions, each answered from the live numbers.

  move     which way will W[L][j, k] move with the next press of "1 step"? (from the
           update rule's own preview: the sign of its change, 0 if its input is silent)
  silent   which of these units passes no gradient back on this digit (its slope g′ is 0:
           ReLU's Z <= 0), or the least (the smallest g′: leaky ReLU's Z <= 0, sigmoid's
           and tanh's saturated units)? Asked from the slopes themselves, whatever the activation
  pushed   which digit's score does this example push down most? (the largest dZ[L])
  flips    will one step make the network read the true digit? (a trial step on a copy)
Leaves out: the question widget (ui/questions.py).
"""
from __future__ import annotations

import numpy as np

from nn_core import MLP
from session import state
from ui.numbers import percent, sig
from ui.questions import Question
from views.backprop.focus import Focus
from views.backprop.step import RULES, Settings
from views.backprop.update import preview


def questions(model: MLP, cache, grads, focus: Focus, s: Settings, x: np.ndarray) -> list[Question]:
    qs = [_move(model, grads, focus, s), _pushed(cache[f"A{model.L}"][0], focus)]
    silent = _silent(model, cache, grads, focus)
    if silent is not None:
        qs.append(silent)
    qs.append(_flips(model, cache, grads, focus, s, x))
    return qs


def _move(model: MLP, grads, focus: Focus, s: Settings) -> Question:
    q = preview(model, grads, focus, s)
    L, a, b = model.L, q["a"], q["b"]
    name = f"W{L}[{a}, {b}]"
    answer = 0 if q["delta"] > 0 else 1 if q["delta"] < 0 else 2
    why = (f"With {RULES[s.rule]} and α = {s.lr:g} its change is {sig(q['delta'])}: " +
           (f"dW = {sig(q['dw'])}, and a step moves against the gradient." if s.rule == "sgd" and not s.l2 else
            f"the gradient g = {sig(q['g'])} (with the rule's state) decides the sign."))
    if q["delta"] == 0:
        why = f"dW = {sig(q['dw'])}: its input is 0 on this digit, so this example gives it no gradient."
    return Question("backprop.q.move", f"Which way will the weight **{name}** (from "
                    f"{'pixel' if L == 1 else 'unit'} {a} to digit {b}) move with the next press "
                    "of **1 step**?", ("up", "down", "it stays"), answer, why)


def _pushed(A: np.ndarray, focus: Focus) -> Question:
    """A: (10,) the output probabilities."""
    y = focus.label
    wrong = [int(k) for k in np.argsort(-A) if k != y][:3]
    choices = sorted(wrong[:2] + [y])
    answer = choices.index(wrong[0])
    return Question("backprop.q.pushed", "Which digit's score does this example push **down** the most?",
                    tuple(str(k) for k in choices), answer,
                    f"For a wrong digit dZ = A: the largest is A[{wrong[0]}] = {percent(A[wrong[0]])}. "
                    f"The true digit {y} is the only score pushed up (dZ = A − 1 < 0).")


def _silent(model: MLP, cache, grads, focus: Focus) -> Question | None:
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


def _flips(model: MLP, cache, grads, focus: Focus, s: Settings, x: np.ndarray) -> Question:
    """Answered by taking the step on a copy, with the same rule state the real press uses,
    from the page's gradients (the copy's before the step are the same numbers)."""
    X = x.reshape(1, -1)
    trial = model.copy()
    opt = state.next_optimizer(s.rule, s.l2)  # the state the real press will go on from
    opt.update(trial.params, grads, s.lr)
    p0, p1 = cache[f"A{model.L}"][0], trial.forward(X)[0][0]
    right = int(p1.argmax()) == focus.label
    was = int(p0.argmax()) == focus.label
    prompt = (f"After one press of **1 step** (α = {s.lr:g}), will the network read this digit as {focus.label}?")
    why = (f"P({focus.label}) goes from {percent(p0[focus.label])} to {percent(p1[focus.label])}, and the "
           f"prediction from {int(p0.argmax())} to {int(p1.argmax())}" + ("" if right or not was else " (it got worse)") + ".")
    return Question("backprop.q.flips", prompt, ("yes", "no"), 0 if right else 1, why)
