"""The Backprop page's equations: the numbers in the LaTeX are the ones the math gives (recomputed
here from the weights and the input, not read back from the model), in both notations; every
equation knows its layer; the words fit the activation."""
import re

import numpy as np
import pytest

from nn_core import ACTIVATIONS, MLP
from ui import equations as E

LABEL = 3


@pytest.fixture
def net():
    model = MLP([784, 6, 5, 10], activation="relu", seed=2, dtype=np.float64)
    x = np.random.default_rng(0).random((1, 784))
    _, cache = model.forward(x)
    return model, cache, model.backward(cache, np.array([LABEL]))


def reference(model: MLP, x: np.ndarray, label: int) -> dict[str, np.ndarray]:
    """Every tensor of the forward and backward pass of a ReLU network, from the equations."""
    P, L, out = model.params, model.L, {"A0": x}
    for l in range(1, L + 1):
        out[f"Z{l}"] = out[f"A{l-1}"] @ P[f"W{l}"] + P[f"b{l}"]
        e = np.exp(out[f"Z{l}"] - out[f"Z{l}"].max())
        out[f"A{l}"] = e / e.sum() if l == L else np.maximum(out[f"Z{l}"], 0)
    Y = np.eye(10)[[label]]
    out[f"dZ{L}"] = out[f"A{L}"] - Y
    for l in range(L, 0, -1):
        out[f"dW{l}"] = out[f"A{l-1}"].T @ out[f"dZ{l}"]
        out[f"db{l}"] = out[f"dZ{l}"].sum(axis=0)
        if l > 1:
            out[f"dA{l-1}"] = out[f"dZ{l}"] @ P[f"W{l}"].T
            out[f"slope{l-1}"] = (out[f"Z{l-1}"] > 0).astype(float)
            out[f"dZ{l-1}"] = out[f"dA{l-1}"] * out[f"slope{l-1}"]
    return out


def shown_entries(tex: str) -> list[list[float | None]]:
    """The numbers of the last bracketed tensor in an equation, row by row (None for dots)."""
    body = tex.rsplit(r"\begin{bmatrix}", 1)[1].split(r"\end{bmatrix}")[0]

    def cell(s: str) -> float | None:
        s = s.strip()
        if s in (r"\cdots", r"\vdots", r"\ddots"):
            return None
        return float(s.replace(r"\text{e-}", "e-"))
    return [[cell(c) for c in row.split("&")] for row in body.split(r"\\ ")]


def elided(n: int, show: int) -> list[int | None]:
    """The indices a display of n entries writes out (both ends of a long one), None for the dots."""
    return list(range(n)) if n <= 2 * show + 1 else [*range(show), None, *range(n - show, n)]


def agrees(shown: float, exact: float) -> bool:
    """Equal at the displayed precision: 3 significant digits, one for values below 1e-3."""
    if abs(exact) < 1e-3:
        return shown == float(f"{exact:.0e}")
    return abs(shown - exact) <= max(5e-3 * abs(exact), 0.5 if abs(exact) >= 1e4 else 0)


def test_num_formats_are_short_and_exact_enough():
    assert E.num(0.0) == "0" and E.num(0.123456) == "0.123" and E.num(-12.5) == "-12.5"
    assert E.num(2.4e-6) == r"2\text{e-}6"


def test_vectors_show_both_ends_and_ten_outputs_whole():
    v = np.arange(20.0)
    assert E.vector(v) == r"\begin{bmatrix}0 & 1 & 2 & \cdots & 17 & 18 & 19\end{bmatrix}"
    assert E.vector(np.arange(10.0)).count("&") == 9
    assert r"\\ \vdots\\" in E.vector(v, column=True)


def test_matrix_corners():
    M = np.arange(36.0).reshape(6, 6)
    tex = E.matrix(M)
    assert tex.startswith(r"\begin{bmatrix}0 & 1 & \cdots & 4 & 5\\ 6 & 7")
    assert r"\vdots & \vdots & \ddots & \vdots & \vdots" in tex and tex.endswith(r"34 & 35\end{bmatrix}")


def test_every_layer_has_its_equations_in_order(net):
    model, cache, grads = net
    fwd = E.forward(model, cache)
    bwd = E.backward(model, cache, grads, LABEL)
    assert [e.name for e in fwd] == ["Z1", "A1", "Z2", "A2", "Z3", "A3"]
    assert [e.name for e in bwd] == ["dZ3", "dW3", "db3", "dA2", "slope2", "dZ2", "dW2", "db2", "dA1", "slope1",
                                     "dZ1", "dW1", "db1"]
    assert [(e.kind, e.layer) for e in bwd[:5]] == [("dZ", 3), ("dW", 3), ("db", 3), ("dA", 2), ("slope", 2)]


def test_layers_from_ten_up_are_their_own():
    """The layer is a field, not the last character of the name: layer 11 is not layer 1."""
    model = MLP([784] + [3] * 10 + [10], seed=1, dtype=np.float64)
    _, cache = model.forward(np.random.default_rng(0).random((1, 784)))
    eqs = E.forward(model, cache) + E.backward(model, cache, model.backward(cache, np.array([2])), 2)
    by_name = {e.name: e for e in eqs}
    assert by_name["dW11"].layer == 11 and by_name["dW11"].value.shape == (3, 10)
    assert by_name["dA10"].layer == 10 and by_name["slope10"].layer == 10 and by_name["dW1"].layer == 1
    assert all(e.name == f"{e.kind}{e.layer}" for e in eqs)
    assert sorted(e.layer for e in eqs if e.kind == "dW") == list(range(1, 12))
    assert "Layer 11's weighted sums" in by_name["Z11"].caption and "layer 10" in by_name["dA10"].caption


@pytest.mark.parametrize("column", [False, True])
def test_the_numbers_shown_are_the_ones_the_math_gives(net, column):
    model, cache, grads = net
    ref = reference(model, cache["A0"], LABEL)
    eqs = E.forward(model, cache, column) + E.backward(model, cache, grads, LABEL, column)
    assert len(eqs) == 19
    for eq in eqs:
        exact = np.atleast_2d(ref[eq.name])
        if min(exact.shape) > 1:  # a matrix: its corners; column form shows W and dW as n_out x n_in
            exact = exact.T if column else exact
            rows, cols = elided(exact.shape[0], 2), elided(exact.shape[1], 2)
        else:  # a vector: both ends (ten outputs whole), as a row, or as a column in column form
            exact = exact.reshape(-1, 1) if column else exact.reshape(1, -1)
            ends = elided(exact.size, 3 if exact.size > 10 else exact.size)
            rows, cols = (ends, [0]) if column else ([0], ends)
        shown = shown_entries(eq.tex)
        assert (len(shown), len(shown[0])) == (len(rows), len(cols)), eq.name
        for r, row in zip(rows, shown):
            for c, value in zip(cols, row):
                if r is None or c is None:
                    assert value is None, eq.name
                else:
                    assert agrees(value, exact[r, c]), (eq.name, r, c, value, exact[r, c])
    shape = r"_{6\times 784}" if column else r"_{784\times 6}"
    by_name = {e.name: e for e in eqs}
    assert shape in by_name["dW1"].tex and shape in by_name["Z1"].tex


def test_the_displayed_output_error_is_the_displayed_probabilities_minus_y(net):
    model, cache, grads = net
    dZ3 = next(e for e in E.backward(model, cache, grads, LABEL) if e.name == "dZ3")
    lines = dZ3.tex.split(r"\\[4pt]")  # A3 - Y = [A3 values] - [Y] = [dZ3 values]
    A3, Y, D = shown_entries(lines[1])[0], shown_entries(lines[2])[0], shown_entries(lines[3])[0]
    assert Y == [float(k == LABEL) for k in range(10)]
    for a, y, d in zip(A3, Y, D):
        assert abs(d - (a - y)) <= 5e-3 * max(abs(d), 1e-3) or agrees(d, a - y), (a, y, d)


def test_column_form_uses_transposed_weights(net):
    model, cache, grads = net
    row = E.forward(model, cache, column=False)[0].tex
    col = E.forward(model, cache, column=True)[0].tex
    assert r"A^{[0]}\,W^{[1]}" in row and r"W^{[1]}\,a^{[0]}" in col
    assert re.search(r"_\{784\\times 6\}", row) and re.search(r"_\{6\\times 784\}", col)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_the_words_fit_the_activation(activation):
    model = MLP([784, 6, 5, 10], activation=activation, seed=2, dtype=np.float64)
    _, cache = model.forward(np.random.default_rng(0).random((1, 784)))
    eqs = {e.name: e for e in E.backward(model, cache, model.backward(cache, np.array([1])), 1)}
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
