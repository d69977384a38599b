"""The Backprop page's equations: the numbers in the LaTeX are the tensors' own, in both notations."""
import re

import numpy as np
import pytest

from nn_core import MLP
from ui import equations as E


@pytest.fixture
def net():
    model = MLP([784, 6, 5, 10], activation="relu", seed=2, dtype=np.float64)
    x = np.random.default_rng(0).random((1, 784))
    _, cache = model.forward(x)
    return model, cache, model.backward(cache, np.array([3]))


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
    fwd = [e.name for e in E.forward(model, cache)]
    bwd = [e.name for e in E.backward(model, cache, grads, 3)]
    assert fwd == ["Z1", "A1", "Z2", "A2", "Z3", "A3"]
    assert bwd == ["dZ3", "dW3", "db3", "dA2", "slope2", "dZ2", "dW2", "db2", "dA1", "slope1", "dZ1", "dW1", "db1"]


@pytest.mark.parametrize("column", [False, True])
def test_the_numbers_shown_are_the_tensors(net, column):
    model, cache, grads = net
    eqs = {e.name: e for e in E.forward(model, cache, column) + E.backward(model, cache, grads, 3, column)}
    for name, eq in eqs.items():
        ref = grads.get(name, cache.get(name))
        if ref is not None:
            np.testing.assert_array_equal(eq.value, ref)
        # the left-hand side's values close the equation: its last line shows them
        last = eq.tex.split("&=")[-1]
        shown = E.matrix(eq.value.T if column else eq.value) if eq.value.ndim == 2 and min(eq.value.shape) > 1 \
            else E.vector(eq.value, column)
        assert shown in last, name
    dZ3 = eqs["dZ3"].value.ravel()
    A3 = cache["A3"].ravel()
    assert dZ3[3] == pytest.approx(A3[3] - 1) and np.delete(dZ3, 3) == pytest.approx(np.delete(A3, 3))
    shape = r"_{6\times 784}" if column else r"_{784\times 6}"
    assert shape in eqs["dW1"].tex and shape in eqs["Z1"].tex


def test_column_form_uses_transposed_weights(net):
    model, cache, grads = net
    row = E.forward(model, cache, column=False)[0].tex
    col = E.forward(model, cache, column=True)[0].tex
    assert r"A^{[0]}\,W^{[1]}" in row and r"W^{[1]}\,a^{[0]}" in col
    assert re.search(r"_\{784\\times 6\}", row) and re.search(r"_\{6\\times 784\}", col)
