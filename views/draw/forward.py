"""One example's forward pass on screen (the Draw page): the prediction in large type, the
ten probabilities, and every layer: the input, Z and A of each hidden layer, the most
active first-layer units as pictures, the logits and the three softmax steps.

Every view is drawn from one forward pass that the caller has already run
(`probs, cache = model.forward(x)`), so a stroke costs one pass, not one per view. The views
are redrawn on every stroke, so each is one piece of HTML for one st.html element (the
browser parses it natively, and a stroke re-renders a handful of elements instead of one per
heading, chart and caption): bar charts as SVG pictures (ui/charts/svg.py), pictures as
small PNGs (ui/pictures.py), the words of assets/text/draw.md as HTML (ui/markup.py), no
Plotly; each chart has a visually hidden table of its key numbers for screen readers.
Leaves out: the backward pass (views/backprop/equations.py) and where the views go (page.py).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import MLP, softmax_steps
from session import state
from ui import colors, markup, pictures, text
from ui.charts import svg
from ui.numbers import percent
from ui.pictures import html

TOP_UNITS = 8
DIGITS = [str(i) for i in range(10)]
TILE = 84  # px: a unit's 28x28 picture on screen, three screen pixels per weight


def prediction(probs: np.ndarray, label: int | None = None) -> str:
    """The predicted digit in large type with its confidence (and the true label, if known)."""
    probs = np.ravel(probs)
    k = int(probs.argmax())
    verdict = ""
    if label is not None:
        verdict, color = ("correct", colors.TRUE) if k == label else (f"wrong: it is a {label}", colors.INK)
        verdict = f'<div class="verdict" style="font-size:1.2rem;font-weight:600;color:{color}">{verdict}</div>'
    return (f'<div class="nn-prediction" role="status" aria-live="polite" aria-atomic="true">'
            f'<span class="reads">The network reads</span>'
            f'<div class="predicted-digit">{k}</div>'
            f'<div class="confidence">{percent(float(probs[k]))} sure</div>{verdict}</div>')


def probabilities(probs: np.ndarray, label: int | None = None) -> str:
    """The ten probabilities as bars (the prediction black, the true digit green), a hidden
    table of them, and the caption."""
    probs = np.ravel(probs)
    k = int(np.argmax(probs))
    labels = [percent(float(p), 2) if p >= 0.01 else "" for p in probs]
    chart = svg.bars(probs, "Probabilities A = softmax(Z)", "digit", "probability", labels=DIGITS, marked=k,
                     true=() if label is None else label,
                     y_range=(0, 1.12), value_labels=labels, name="P", item="digit",
                     summary=f"Largest: digit {k} at {percent(float(probs[k]))}.", width=340)
    rows = [[d, percent(float(p))] for d, p in zip(DIGITS, probs)]
    return (chart + svg.table("Probability of each digit", ["digit", "probability"], rows)
            + markup.caption(text.section("draw", "Probabilities") if label is None else
                             text.fill("draw", "Probabilities labelled", label=label)))


def layers(model: MLP, cache: dict[str, np.ndarray], after: str = "") -> None:
    """Every layer of one example (cache is model.forward's for a (1, 784) batch) as two HTML
    elements with one button between them: the input and the first hidden layer with its most
    active units; "Open unit j"; the later hidden layers, the output layer and `after` (markup:
    the page's questions)."""
    html(layers_markup(model, cache, part=1), flow=True)
    if model.L > 1:
        top = int(np.argmax(cache["A1"].ravel()))  # the first of the most active units shown above
        if st.button(f"Open unit {top}, the most active, in the Units explorer", key="draw.open_unit",
                     icon=":material/open_in_new:", on_click=state.open_unit, args=(1, top),
                     help="Its weights, the test images that excite it most, its activation by digit, "
                          "its outgoing weights."):
            st.rerun(scope="app")  # from a fragment: the page switch happens in a full run
    html(layers_markup(model, cache, part=2) + after, flow=True)


def layers_markup(model: MLP, cache: dict[str, np.ndarray], part: int) -> str:
    """Part 1: the input and the first hidden layer; part 2: the other hidden layers and the output."""
    if part == 2:
        return "".join(_hidden_layer(model, cache, l) for l in range(2, model.L)) + _output_layer(model, cache)
    x = cache["A0"].ravel()  # (784,)
    picture = pictures.pixels(x.reshape(28, 28), 224, f"The network's input: 28×28 pixels, {int((x > 0).sum())} of "
                                                       "784 with ink, white on black")
    words = markup.md(text.fill("draw", "Input", sizes=" → ".join(map(str, model.layer_sizes)), g=model.activation))
    out = markup.heading("The input A0 = x") + f'<div class="nn-input"><div>{picture}</div><div>{words}</div></div>'
    return out + (_hidden_layer(model, cache, 1) if model.L > 1 else "")


def _hidden_layer(model: MLP, cache: dict[str, np.ndarray], l: int) -> str:
    Z, A = cache[f"Z{l}"].ravel(), cache[f"A{l}"].ravel()  # (n,) each
    n, g = Z.size, model.activation
    top = np.argsort(-A, kind="stable")[:min(TOP_UNITS, n)]
    facts = {"l": l, "prev": l - 1, "n_in": model.layer_sizes[l - 1], "n": n, "top": len(top),
             "nonpositive": int((Z <= 0).sum()), "positive": int((Z > 0).sum())}
    unit = f"unit of layer {l}"
    charts = svg.panels([
        svg.bars(Z, f"Z{l} = A{l - 1} W{l} + b{l}: weighted sums", unit, f"Z{l}", diverging=True, name=f"Z{l}",
                 summary=f"{facts['positive']} of {n} positive."),
        svg.bars(A, f"A{l} = {g}(Z{l}): activations", unit, f"A{l}", marked=top, name=f"A{l}",
                 summary=f"Largest: unit {int(top[0])}, {A[top[0]]:.3g}.")])
    table = svg.table(f"The {len(top)} units of layer {l} with the largest A{l}", ["unit", f"Z{l}", f"A{l}"],
                      [[int(j), f"{Z[j]:.3g}", f"{A[j]:.3g}"] for j in top])
    words = markup.caption(text.fill("draw", "Layer", **facts) + " "
                           + text.for_activation("draw", "Layer", model.g, **facts))
    return (markup.heading(f"Hidden layer {l}: {n} units") + charts + table + words
            + (_top_units(model, cache, top) if l == 1 else ""))


def _top_units(model: MLP, cache: dict[str, np.ndarray], top: np.ndarray) -> str:
    """Each of the most active first-layer units as one picture: its template W1[:, j] above
    what this input makes of it, x ⊙ W1[:, j] (which sums to Z1[j] − b1[j])."""
    W1, b1, Z1, A1 = model.params["W1"][:, top], model.params["b1"], cache["Z1"].ravel(), cache["A1"].ravel()
    x = cache["A0"].reshape(-1, 1)  # (1, 784) -> (784, 1): one pixel per row of W1
    zmax = float(np.abs(W1).max()) or 1.0
    cards = []
    for i, j in enumerate(top):
        pair = np.full((57, 28), np.nan)
        pair[:28], pair[29:] = W1[:, i].reshape(28, 28), (W1[:, i] * x[:, 0]).reshape(28, 28)
        s = float(Z1[j] - b1[j])
        alt = f"Unit {j}: its template W1[:, {j}] (top) and x ⊙ W1[:, {j}] (bottom), which sums to {s:.3f}"
        img = pictures.img_tag(pictures.diverging(pair, zmax, levels=32), alt, TILE, round(TILE * 57 / 28))
        cards.append(f'<figure class="nn-unit">{img}<figcaption><b>unit {j}</b><br>A1 = {A1[j]:.3g}'
                     f'</figcaption></figure>')
    return (markup.md(f"**The {len(top)} most active units: template (top), template × your pixels (bottom)**")
            + f'<div class="nn-units">{"".join(cards)}</div>' + pictures.colorbar(zmax, "weight (× pixel)", width=300)
            + markup.caption(text.section("draw", "Templates")))


def _output_layer(model: MLP, cache: dict[str, np.ndarray]) -> str:
    L = model.L
    Z, steps = cache[f"Z{L}"].ravel(), softmax_steps(cache[f"Z{L}"])
    shifted, e, probs = (np.ravel(steps[k]) for k in ("shifted", "exp", "probs"))
    k = int(Z.argmax())
    three = [[f"{v:.3g}" for v in a] for a in (Z, shifted, e)]
    charts = svg.panels([
        svg.bars(Z, f"Z{L}: logits", "digit", f"Z{L}", labels=DIGITS, diverging=True, value_labels=three[0],
                 name=f"Z{L}", item="digit", summary=f"Largest: digit {k}."),
        svg.bars(shifted, "1. shift: z − max z", "digit", "z − max z", labels=DIGITS, diverging=True,
                 value_labels=three[1], name="z − max z", item="digit", summary=f"Digit {k} is 0, the others negative."),
        svg.bars(e, "2. exponentiate", "digit", "e^(z − max z)", labels=DIGITS, marked=k, value_labels=three[2],
                 name="e^(z − max z)", item="digit", summary=f"Digit {k} is 1."),
        svg.bars(probs, f"3. normalise: A{L}", "digit", f"A{L}", labels=DIGITS, marked=k, y_range=(0, 1.12),
                 value_labels=[percent(float(p), 2) if p >= 0.01 else "" for p in probs], name=f"A{L}", item="digit",
                 summary=f"Digit {k} at {percent(float(probs[k]))}.")])
    table = svg.table("The output layer, digit by digit", ["digit", f"Z{L}", "z − max z", "e^(z − max z)", f"A{L}"],
                      [[d, *(t[i] for t in three), percent(float(probs[i]))] for i, d in enumerate(DIGITS)])
    return (markup.heading(f"Output layer: logits Z{L}, then softmax") + charts + table
            + markup.caption(text.fill("draw", "Output", L=L, prev=L - 1, sum=float(np.ravel(steps["sum"])[0]))))
