"""The Backprop page's equations: the numbers in the LaTeX are the ones the math gives (recomputed
here from the weights and the input, not read back from the model), in both notations; every
table adds up at the precision it is printed with: the sums as a student with a calculator
checks them (sum + bias = Z, A − Y = dZ, the terms of dA add up to dA: the printed parts, added
and rounded to the total's last digit, are the printed total), the products within the rounding
of their factors (A·dZ = dW, dA·g′ = dZ); the entries shown are the ones that matter; every
equation knows its layer; one notation for layers and indices (Z2[j], W2[i,j], never Z^{[2]}_j);
the words fit the activation."""
import re

import numpy as np
import pytest

from devtools.shown import COLORBOX, UNDERSET, adds_up, close, half_ulp, index, multiplies, number, sums_to, table
from nn_core import ACTIVATIONS, MLP
from ui import colors
from views.backprop import equations as E
from views.backprop import focus as F

LABEL = 3


@pytest.fixture
def net():
    model = MLP([784, 6, 5, 10], activation="relu", seed=2, dtype=np.float64)
    x = np.random.default_rng(0).random((1, 784)) * (np.arange(784) % 3 == 0)  # a third of the pixels inked
    _, cache = model.forward(x)
    grads = model.backward(cache, np.array([LABEL]))
    return model, cache, grads, F.choose(model, cache, grads, LABEL)


def reference(model: MLP, x: np.ndarray, label: int) -> dict[str, np.ndarray]:
    """Every tensor of the forward and backward pass of a ReLU network, from the equations."""
    P, L, out = model.params, model.L, {"A0": x[0]}
    for l in range(1, L + 1):
        out[f"S{l}"] = out[f"A{l-1}"] @ P[f"W{l}"]
        out[f"Z{l}"] = out[f"S{l}"] + P[f"b{l}"]
        e = np.exp(out[f"Z{l}"] - out[f"Z{l}"].max())
        out[f"A{l}"] = e / e.sum() if l == L else np.maximum(out[f"Z{l}"], 0)
    out[f"dZ{L}"] = out[f"A{L}"] - np.eye(10)[label]
    for l in range(L, 0, -1):
        out[f"dW{l}"] = np.outer(out[f"A{l-1}"], out[f"dZ{l}"])
        if l > 1:
            out[f"dA{l-1}"] = P[f"W{l}"] @ out[f"dZ{l}"]
            out[f"slope{l-1}"] = (out[f"Z{l-1}"] > 0).astype(float)
            out[f"dZ{l-1}"] = out[f"dA{l-1}"] * out[f"slope{l-1}"]
    return out


def by_name(model, cache, grads, focus, column=False) -> dict[str, E.Equation]:
    return {e.name: e for e in E.forward(model, cache, focus, column) + E.backward(model, cache, grads, focus, column)}


def test_every_layer_has_its_equations_in_order(net):
    model, cache, grads, focus = net
    assert [e.name for e in E.forward(model, cache, focus)] == ["Z1", "A1", "Z2", "A2", "Z3", "A3"]
    assert [e.name for e in E.backward(model, cache, grads, focus)] == [
        "dZ3", "dW3", "db3", "dA2", "slope2", "dZ2", "dW2", "db2", "dA1", "slope1", "dZ1", "dW1", "db1"]


def test_layers_from_ten_up_are_their_own():
    """The layer is a field, not the last character of the name: layer 11 is not layer 1."""
    model = MLP([784] + [3] * 10 + [10], seed=1, dtype=np.float64)
    _, cache = model.forward(np.random.default_rng(0).random((1, 784)))
    grads = model.backward(cache, np.array([2]))
    eqs = by_name(model, cache, grads, F.choose(model, cache, grads, 2))
    assert eqs["dW11"].layer == 11 and eqs["dW11"].value.shape == (3, 10)
    assert eqs["dA10"].layer == 10 and eqs["slope10"].layer == 10 and eqs["dW1"].layer == 1
    assert all(e.name == f"{e.kind}{e.layer}" for e in eqs.values())
    assert "Layer 11's weighted sums" not in eqs["Z11"].caption and "output layer" in eqs["Z11"].caption
    assert "Layer 10's weighted sums" in eqs["Z10"].caption and "layer 10" in eqs["dA10"].caption


@pytest.mark.parametrize("column", [False, True])
def test_the_numbers_shown_are_the_ones_the_math_gives(net, column):
    model, cache, grads, focus = net
    ref = reference(model, cache["A0"], LABEL)
    eqs = by_name(model, cache, grads, focus, column)
    for l in (1, 2, 3):
        _, rows, _ = table(eqs[f"Z{l}"].tex)
        assert [index(r[0]) for r in rows] == list(focus.shown(l, model.layer_sizes[l]))
        for r in rows:
            j = index(r[0])
            assert close(r[1], ref[f"S{l}"][j]) and close(r[3], model.params[f"b{l}"][j]) and close(r[5], ref[f"Z{l}"][j])
        _, rows, _ = table(eqs[f"dW{l}"].tex)
        head = table(eqs[f"dW{l}"].tex)[0][0]
        cols = [int(re.search(r"\[(\d+)\]", COLORBOX.sub(r"\1", c)).group(1)) for c in head[2:]]
        for r in rows:
            i = index(r[0])
            assert close(r[1], ref[f"A{l-1}"][i])
            for c, cell in zip(cols, r[2:]):
                assert close(cell, ref[f"dW{l}"][i, c]), (l, i, c, cell)
    _, rows, _ = table(eqs["dZ3"].tex)
    for r in rows:
        assert close(r[1], ref["A3"][index(r[0])]) and close(r[5], ref["dZ3"][index(r[0])])
    for l in (1, 2):
        _, rows, _ = table(eqs[f"dZ{l}"].tex)
        for r in rows:
            assert close(r[1], ref[f"dA{l}"][index(r[0])]) and close(r[5], ref[f"dZ{l}"][index(r[0])])
    shape = r"_{6\times 784}" if column else r"_{784\times 6}"
    assert shape in eqs["dW1"].tex and shape in eqs["Z1"].tex


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_every_table_adds_up_at_the_precision_shown(activation):
    """What a student checks with a calculator: each row's numbers give its last number."""
    model = MLP([784, 16, 12, 10], activation=activation, seed=4)  # float32, as the app runs
    x = (np.random.default_rng(1).random((1, 784)) > 0.8) * np.random.default_rng(2).random((1, 784))
    _, cache = model.forward(x)
    grads = model.backward(cache, np.array([7]))
    eqs = by_name(model, cache, grads, F.choose(model, cache, grads, 7))
    g = model.g
    checked = 0
    for name, eq in eqs.items():
        if eq.kind == "db":  # one example: db is dZ, entry by entry
            dz = {index(r[0]): r[5] for r in table(eqs[f"dZ{eq.layer}"].tex)[1]}
            for j, v in UNDERSET.findall(eq.tex):
                assert number(v) == number(dz[int(j)]) if int(j) in dz else close(v, grads[f"db{eq.layer}"][int(j)])
            continue
        _, rows, foot = table(eq.tex)
        for r in rows:
            if eq.kind == "Z":                                     # sum + b = Z, as printed
                ok = sums_to([r[1], r[3]], r[5])
            elif eq.kind == "A" and eq.layer < model.L:            # A = g(Z), from the Z shown
                Z = number(r[1])
                ok = abs(float(g.forward(np.array([Z]))[0]) - number(r[2])) <= half_ulp(r[1]) + half_ulp(r[2]) + 1e-9
            elif eq.kind == "A":                                   # A = e / Σe
                ok = abs(number(r[2]) / number(foot[0][2].split("=")[1]) - number(r[3])) <= 5e-3 * number(r[3]) + 1e-12
            elif eq.kind == "dZ" and eq.layer == model.L:          # A − Y = dZ, as printed
                ok = sums_to([r[1], r[3]], r[5], [1, -1])
            elif eq.kind == "dZ":                                  # dA × g′ = dZ
                ok = multiplies(r[1], r[3], r[5])
            elif eq.kind == "dW":                                  # A_i × dZ_j = dW_ij
                dz = table(eq.tex)[0][1][2:]
                ok = all(multiplies(r[1], d, c) for d, c in zip(dz, r[2:]))
            elif eq.kind == "dA":                                  # dZ_j × W_ij = term
                ok = r[1].startswith(r"\text") or multiplies(r[1], r[3], r[5])
            elif eq.kind == "slope":
                ok = abs(float(np.asarray(g.derivative(np.array([number(r[1])]), g.forward(np.array([number(r[1])]))))[0])
                         - number(r[2])) <= 2e-3 or abs(number(r[1])) < 1e-2
            else:
                continue
            assert ok, (name, r)
            checked += 1
        if eq.kind == "dA":                                        # the terms add up to dA, as printed
            assert sums_to([r[5] for r in rows], foot[0][5]), (name, rows, foot)
    assert checked > 60


def test_probabilities_near_one_keep_the_arithmetic_visible():
    """A[y] = 0.9999104 is not printed as 1: 0.9999104 − 1 = −8.96e-5 reads off the screen."""
    model = MLP([784, 8, 10], seed=0, dtype=np.float64)
    model.params["b2"] = np.array([0.0] * 3 + [12.0] + [0.0] * 6)
    _, cache = model.forward(np.zeros((1, 784)))
    grads = model.backward(cache, np.array([3]))
    dZ = by_name(model, cache, grads, F.choose(model, cache, grads, 3))["dZ2"]
    row = next(r for r in table(dZ.tex)[1] if index(r[0]) == 3)
    a = COLORBOX.sub(r"\1", row[1])
    assert a != "1" and not a.startswith("1.0") and a.startswith("0.9999")
    assert adds_up([row[1], row[3]], row[5], [1, -1])


def test_focus_shows_what_matters(net):
    model, cache, grads, focus = net
    x = cache["A0"][0]
    assert focus.path[1] == int(np.abs(grads["dZ1"][0]).argmax()) and focus.digit == LABEL
    assert focus.path[0] in focus.pixels and all(x[i] > 0 for i in focus.pixels) and len(focus.pixels) == 4
    silent = set(np.flatnonzero(cache["Z1"][0] <= 0))
    assert focus.path[1] in focus.units[0] and (not silent or silent & set(focus.units[0]))
    assert int(cache["A1"][0].argmax()) in focus.units[0]
    chosen = F.choose(model, cache, grads, LABEL, unit=2, pixel=int(np.flatnonzero(x)[5]), digit=9, deeper={2: 4})
    assert chosen.path == (int(np.flatnonzero(x)[5]), 2, 4, 9) and 2 in chosen.units[0] and 4 in chosen.units[1]
    assert F.choose(model, cache, grads, LABEL, unit=99).path[1] == focus.path[1]  # out of range: automatic


def test_the_selected_unit_is_highlighted_wherever_it_appears(net):
    model, cache, grads, focus = net
    j = focus.unit
    eqs = by_name(model, cache, grads, focus)
    for name in ("Z1", "A1", "dZ1", "slope1"):
        marked = [r[0] for r in table(eqs[name].tex)[1] if r[0].startswith(r"\colorbox")]
        assert marked == [rf"\colorbox{{{colors.SELECTED_BG}}}{{${j}$}}"], name
    assert rf"\colorbox{{{colors.SELECTED_BG}}}{{$\underset{{{j}}}" in eqs["db1"].tex
    assert any(r[0].startswith(r"\colorbox") and str(j) in r[0] for r in table(eqs["dW2"].tex)[1])  # row j of dW2
    head, rows, _ = table(eqs["dW1"].tex)  # column j of dW1, header and every row
    k = next(k for k, c in enumerate(head[0]) if c.endswith(f"[{j}]$}}"))
    assert head[0][k].startswith(r"\colorbox") and all(r[k].startswith(r"\colorbox") for r in rows)


def test_column_form_uses_transposed_weights(net):
    model, cache, grads, focus = net
    row, col = E.forward(model, cache, focus, False)[0].tex, E.forward(model, cache, focus, True)[0].tex
    assert r"\underbrace{x}_{1\times 784}\,\underbrace{W1}_{784\times 6}" in row
    assert r"\underbrace{W1}_{6\times 784}\,\underbrace{x}_{784\times 1}" in col
    assert "W1[j,i]" in col and "W1[i,j]" in row


def test_one_notation_for_layers_and_indices(net):
    """Z2[j] and W2[i,j] as the words and the code say them: no Z^{[2]}, no subscript indices."""
    model, cache, grads, focus = net
    for column in (False, True):
        for eq in by_name(model, cache, grads, focus, column).values():
            assert "^{[" not in eq.tex, eq.name
            assert not re.search(r"[A-Za-z]\d?_\{?[ijk0-9]", eq.tex.replace(r"\sum_i", "").replace(r"\sum_j", "")
                                 .replace(r"\sum_k", "").replace("_{1", "").replace("_{2", "")), eq.name


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_the_words_fit_the_activation(activation):
    model = MLP([784, 6, 5, 10], activation=activation, seed=2, dtype=np.float64)
    _, cache = model.forward(np.random.default_rng(0).random((1, 784)))
    grads = model.backward(cache, np.array([1]))
    eqs = by_name(model, cache, grads, F.choose(model, cache, grads, 1))
    dZ, slope = (" ".join(eqs[name].caption.split()) for name in ("dZ1", "slope1"))  # Markdown wraps lines
    relu_words = ("Only units that were active", "the ReLU mask")
    if activation == "relu":
        assert relu_words[0] in dZ and relu_words[1] in slope
    else:
        assert not any(w in dZ + slope for w in relu_words)
    if activation in ("sigmoid", "tanh"):
        assert "Units with small slope g′(Z)" in dZ and "pass little gradient back" in dZ
        assert "saturated" in slope and activation in slope
    if activation == "leaky_relu":
        assert "1 %" in dZ and "0.01" in slope


def test_a_network_without_hidden_layers_has_its_equations():
    """784-10 softmax regression: no dA, no slope, the first layer's columns are the digits."""
    model = MLP([784, 10], seed=0, dtype=np.float64)
    _, cache = model.forward(np.random.default_rng(0).random((1, 784)))
    grads = model.backward(cache, np.array([5]))
    focus = F.choose(model, cache, grads, 5)
    assert focus.unit is None and len(focus.path) == 2
    eqs = by_name(model, cache, grads, focus)
    assert sorted(eqs) == ["A1", "Z1", "dW1", "dZ1", "db1"]
    assert [index(r[0]) for r in table(eqs["dZ1"].tex)[1]] == list(range(10))


@pytest.fixture(scope="module")
def trained():
    from devtools.paths import ASSETS
    from nn_core import load_dataset, load_model
    return load_model(ASSETS / "default_model.npz")[0], load_dataset(ASSETS)


SUMS = {"Z": lambda r: ([r[1], r[3]], r[5], [1, 1]), "dZ": lambda r: ([r[1], r[3]], r[5], [1, -1])}


def printed_sum_problems(model, x, label: int) -> tuple[list, int]:
    """Every printed sum row of one example's equations that does not add up as printed."""
    _, cache = model.forward(x[None])
    grads = model.backward(cache, np.array([label]))
    eqs = by_name(model, cache, grads, F.choose(model, cache, grads, label))
    bad, checked = [], 0
    for name, eq in eqs.items():
        if eq.kind == "Z" or (eq.kind == "dZ" and eq.layer == model.L):
            for r in table(eq.tex)[1]:
                parts, total, signs = SUMS[eq.kind](r)
                checked += 1
                if not sums_to(parts, total, signs):
                    bad.append((name, r))
        elif eq.kind == "dA":
            _, rows, foot = table(eq.tex)
            checked += 1
            if not sums_to([r[5] for r in rows], foot[0][5]):
                bad.append((name, foot))
    return bad, checked


def test_the_trained_networks_sums_add_up_as_printed(trained):
    """Issue 17: on the pretrained model 4 of the 10 rows of Z2 = A1 W2 + b2 failed for the default
    example (−5.52 + −0.167 printed as −5.68). Several test images, every printed sum row."""
    model, data = trained
    total = 0
    for i in (1395, 0, 7, 42, 591, 1782):
        x = data.x_test[i].reshape(-1).astype(np.float32) / 255
        bad, checked = printed_sum_problems(model, x, int(data.y_test[i]))
        assert bad == [], (i, bad[:3])
        total += checked
    assert total > 90


def test_rows_with_biases_add_up_for_every_activation():
    """The same with biases that are not zero (the fresh networks above start with b = 0)."""
    rng = np.random.default_rng(5)
    for activation in sorted(ACTIVATIONS):
        model = MLP([784, 16, 12, 10], activation=activation, seed=4)
        model.params.update({k: (rng.normal(size=v.shape) * 0.7).astype(np.float32)
                             for k, v in model.params.items() if k.startswith("b")})
        x = (rng.random(784) > 0.8) * rng.random(784)
        bad, checked = printed_sum_problems(model, x.astype(np.float32), 3)
        assert bad == [] and checked > 20, (activation, bad[:3])
