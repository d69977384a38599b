"""Predict-first questions of the pages that look inside, each answered from the numbers the
page then shows:

  spread     Weights: are W1's weights more spread out than at initialisation? (the histograms)
  hardest    Evaluate: which digit is read wrongly most often? (accuracy per digit)
  overlap    Layer map: which two digits overlap most on the map? (the points drawn)
  digit      Units: which digit does this unit answer most strongly? (its mean by digit)
  unit_off   Break it: switch a unit off, which digit gets the most new mistakes? (the
             mistakes per digit the page shows for that edit)
  rotation   Robustness: from which rotation is accuracy below the line? (the rotation curve)

Three choices (the answer, the opposite end and one between) unless the numbers give more.
Leaves out: the question widget (ui/questions.py) and computing the numbers (each page's parts).
"""
from __future__ import annotations

import math
from itertools import combinations

import numpy as np

from ui.numbers import percent, sig
from ui.questions import Question

SAME = 0.10  # within 10 %: "about as spread"


def _three(order: np.ndarray) -> list[int]:
    """The first, a middle and the last of an ordering (distinct)."""
    picks = [int(order[0]), int(order[len(order) // 2]), int(order[-1])]
    return list(dict.fromkeys(picks))


def spread(W_now: np.ndarray, W_init: np.ndarray, label: str) -> Question:
    """W1 (784, n) shown (`label`: "in the current model", "after epoch 3 ...") against W1 at initialisation."""
    s1, s0 = float(W_now.std()), float(W_init.std())
    r = s1 / s0 if s0 else math.inf
    answer = 0 if r > 1 + SAME else 2 if r < 1 / (1 + SAME) else 1
    return Question("weights.q.spread", f"Are the first layer's {W_now.size:,} weights W1, {label}, more spread out "
                    "than at initialisation (a larger standard deviation)?",
                    ("more spread out", "about as spread (within 10 %)", "less spread out"), answer,
                    f"Their standard deviation is {sig(s1)} {label} and was {sig(s0)} at initialisation: "
                    f"{r:.2f} times as much (the histograms below show both).")


def hardest(accuracy: np.ndarray) -> Question:
    """accuracy: (10,) share of each digit's test images read right (Evaluate's chart)."""
    acc = np.where(np.isnan(accuracy), np.inf, accuracy)
    order = np.argsort(acc, kind="stable")  # hardest first
    digits = sorted(_three(order))
    worst = int(order[0])
    return Question("eval.q.hardest", "Which digit does the network read wrongly most often (the lowest share of its "
                    "test images read right)?", tuple(str(d) for d in digits), digits.index(worst),
                    "Read right: " + ", ".join(f"{d}s {percent(accuracy[d])}" for d in sorted(digits, key=lambda d: acc[d]))
                    + " (every digit: the chart beside the matrix).")


def overlap(P: np.ndarray, y: np.ndarray, where: str) -> Question | None:
    """P: (m, 2) the map's points, y: (m,) their digits; `where` names the map ("A1, after epoch 3").
    Two digits overlap by the share of their images that lie nearer the other digit's centre."""
    centres = np.stack([P[y == d].mean(axis=0) if np.any(y == d) else np.full(2, np.nan) for d in range(10)])
    share = {}
    for a, b in combinations(range(10), 2):
        pts, lab = P[(y == a) | (y == b)], y[(y == a) | (y == b)]
        if len(pts) == 0 or np.isnan(centres[[a, b]]).any():
            continue
        da = np.linalg.norm(pts - centres[a], axis=1)  # (k,)
        db = np.linalg.norm(pts - centres[b], axis=1)
        wrong = np.where(lab == a, db < da, da < db)
        share[(a, b)] = (float(wrong.mean()), len(pts))
    if len(share) < 3:
        return None
    pairs = sorted(share, key=lambda p: (-share[p][0], p))  # most overlap first
    picks = [pairs[0], pairs[len(pairs) // 2], pairs[-1]]
    shown = sorted(picks)
    names = tuple(f"{a} and {b}" for a, b in shown)
    return Question("layermap.q.overlap", f"On the map of {where}, which two digits overlap most?", names,
                    shown.index(pairs[0]),
                    "Share of the two digits' images that lie nearer the other digit's centre: "
                    + ", ".join(f"{a} and {b}: {percent(share[(a, b)][0])} of {share[(a, b)][1]:,}" for a, b in picks) + ".")


def digit(means: np.ndarray, l: int, j: int) -> Question | None:
    """means: (10,) unit j of layer l's mean activation over each digit's test images (the Units chart's means)."""
    if not np.all(np.isfinite(means)) or float(means.max() - means.min()) <= 1e-9 * max(1.0, float(abs(means).max())):
        return None  # a unit that answers every digit alike: nothing to predict
    order = np.argsort(-means, kind="stable")  # strongest first
    digits = sorted(_three(order))
    return Question("units.q.digit", f"Which digit's test images make unit {j} of layer {l} most active "
                    "(the largest mean activation)?", tuple(str(d) for d in digits), digits.index(int(order[0])),
                    f"Mean A{l}[{j}] over the test images of " + ", ".join(
                        f"{d}: {sig(float(means[d]))}" for d in sorted(digits, key=lambda d: -means[d])) + ".")


def unit_off(before: np.ndarray, after: np.ndarray, l: int, j: int) -> Question:
    """before, after: (10,) mistakes on each digit's test images with unit j of layer l on, and switched off."""
    more = after - before
    order = np.argsort(-more, kind="stable")  # most new mistakes first
    digits = sorted(_three(order))
    return Question("lab.q.unit", f"Switch unit {j} of layer {l} off (its outgoing weights set to 0). Which digit's "
                    "test images get the most new mistakes?", tuple(str(d) for d in digits),
                    digits.index(int(order[0])),
                    "Mistakes before → after: " + ", ".join(
                        f"{d}s {int(before[d])} → {int(after[d])}" for d in sorted(digits, key=lambda d: -more[d]))
                    + f" (switch unit {j} off on the left to see every digit).")


def line_for(clean: float) -> float:
    """The accuracy line the rotation question asks about: 90 %, or for a weaker model a
    multiple of 5 % at least 5 points below its unrotated accuracy."""
    return 0.9 if clean >= 0.95 else max(0.05, math.floor((clean - 0.05) * 20) / 20)


def rotation(strengths: np.ndarray, accuracy: np.ndarray, n: int) -> Question:
    """strengths: rotations in degrees (the curve's), accuracy: at each, on n images."""
    clean = float(accuracy[strengths == 0][0])
    line = line_for(clean)
    turns = [float(s) for s in strengths if s > 0]
    below = next((s for s in turns if accuracy[strengths == s][0] < line), None)
    choices = tuple(f"{s:g}°" for s in turns) + (f"not even at {turns[-1]:g}°",)
    answer = len(turns) if below is None else turns.index(below)
    shown = ", ".join(f"{percent(float(accuracy[strengths == s][0]))} at {s:g}°" for s in [0.0, *turns])
    return Question("robust.q.rotation", f"Turning the digits anticlockwise, from which of these angles is the "
                    f"accuracy below {line * 100:g} %?", choices, answer,
                    f"Accuracy on {n:,} images: {shown} (the rotation curve below).")
