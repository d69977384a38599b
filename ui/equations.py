"""The forward and backward pass of one example as LaTeX, with its actual numbers and shapes.

Two notations, the same numbers:
  row form (this project's code, batch-first):   Z[l] = A[l-1] W[l] + b[l],  W[l] is (n[l-1], n[l])
  column form (as in some of the source notes):  z[l] = W[l] a[l-1] + b[l],  W[l] is (n[l], n[l-1])
The column form's W is the row form's W transposed and its vectors are columns; the
gradients follow: dW = dz a^T instead of A^T dZ. Each equation knows its kind and layer
(never parsed back from its name) and carries a caption from assets/text/equations.md.
Nothing is drawn here: pages render the list. Leaves out: batches of more than one example.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core import MLP

from . import text

TIMES, TOP, UNDERSCORE = r"\times ", r"\top", r"\_"
SHOW = 3  # entries shown at each end of a long vector: "a b c ⋯ z"


@dataclass(frozen=True)
class Equation:
    kind: str           # "Z", "A", "dZ", "dW", "db", "dA" or "slope" (g'(Z))
    layer: int          # l, the layer of the left-hand side: Z[l], dA[l], g'(Z[l]), ...
    tex: str            # the equation with its numbers
    value: np.ndarray   # the tensor on the left-hand side, as the code holds it (row form)
    caption: str        # what it means, in words

    @property
    def name(self) -> str:
        """"Z1", "dW12", "slope3": the kind followed by the layer."""
        return f"{self.kind}{self.layer}"


def _caption(part: str, **values) -> str:
    return text.fill("equations", part, **values)


def num(v: float) -> str:
    """3 significant digits; tiny values as 2e-8 (one digit: their size is what matters)."""
    if v == 0:
        return "0"
    if abs(v) >= 1e4:
        return f"{v:.0f}"
    if abs(v) >= 1e-3:
        return f"{v:.3g}"
    mant, exp = f"{v:.0e}".split("e")
    return rf"{mant}\text{{e-}}{abs(int(exp))}"


def _shown(v: np.ndarray, show: int = SHOW) -> np.ndarray:
    """The entries of a vector that `vector` writes out: all of a short one, else both ends."""
    v = np.ravel(v)
    return v if len(v) <= max(2 * show + 1, 10) else np.concatenate([v[:show], v[-show:]])


def _entries(v: np.ndarray, show: int = SHOW) -> list[str]:
    v = np.ravel(v)
    if len(v) <= max(2 * show + 1, 10):  # ten outputs are always shown whole
        return [num(x) for x in v]
    return [num(x) for x in v[:show]] + ["⋯"] + [num(x) for x in v[-show:]]


def vector(v: np.ndarray, column: bool = False) -> str:
    items = _entries(v)
    if column:
        items = [r"\vdots" if s == "⋯" else s for s in items]
        return r"\begin{bmatrix}" + r"\\ ".join(items) + r"\end{bmatrix}"
    return r"\begin{bmatrix}" + " & ".join(r"\cdots" if s == "⋯" else s for s in items) + r"\end{bmatrix}"


def matrix(M: np.ndarray, show: int = 2) -> str:
    """The corners of a matrix: first and last `show` rows and columns, with dots between."""
    M = np.asarray(M)
    rows = list(range(M.shape[0])) if M.shape[0] <= 2 * show + 1 else list(range(show)) + [None] + \
        list(range(M.shape[0] - show, M.shape[0]))
    cols = list(range(M.shape[1])) if M.shape[1] <= 2 * show + 1 else list(range(show)) + [None] + \
        list(range(M.shape[1] - show, M.shape[1]))
    lines = []
    for r in rows:
        if r is None:
            lines.append(" & ".join(r"\ddots" if c is None else r"\vdots" for c in cols))
        else:
            lines.append(" & ".join(r"\cdots" if c is None else num(M[r, c]) for c in cols))
    return r"\begin{bmatrix}" + r"\\ ".join(lines) + r"\end{bmatrix}"


def shaped(tex: str, shape: tuple[int, ...]) -> str:
    """The tensor with its shape written underneath."""
    dims = TIMES.join(map(str, shape))
    return rf"\underbrace{{{tex}}}_{{{dims}}}"


def _v(a: np.ndarray, column: bool) -> str:
    """A (1, n) row of the code as a row vector, or as a column in column form."""
    a = np.ravel(a)
    return shaped(vector(a, column), (len(a), 1) if column else (1, len(a)))


def _W(W: np.ndarray, column: bool) -> str:
    W = W.T if column else W
    return shaped(matrix(W), W.shape)


def _sym(name: str, l: int | str, column: bool, transpose: bool = False, d: bool = False) -> str:
    base = name.lower() if column and name != "W" else name
    top = TOP if transpose else ""
    return rf"{'d' if d else ''}{base}^{{[{l}]{top}}}"


MORE = ("+", "-", r"\odot")  # a right-hand side starting with one of these continues the line above


def _eq(lhs: str, *rhs: str) -> str:
    """lhs = rhs[0] = rhs[1] = ..., one right-hand side per line, aligned on the = signs
    (a part starting with + or - continues the previous line, indented, so long lines fit)."""
    lines = [rf"{lhs} &= {rhs[0]}"] + [rf"&\qquad {r}" if r.startswith(MORE) else rf"&= {r}" for r in rhs[1:]]
    return r"\begin{aligned}" + r"\\[4pt] ".join(lines) + r"\end{aligned}"


def forward(model: MLP, cache: dict[str, np.ndarray], column: bool = False) -> list[Equation]:
    """Z[l] and A[l] for every layer of one example (cache from model.forward on a (1, 784) batch)."""
    L, out = model.L, []
    g = model.g
    for l in range(1, L + 1):
        W, b = model.params[f"W{l}"], model.params[f"b{l}"]
        A_prev, Z, A = cache[f"A{l-1}"], cache[f"Z{l}"], cache[f"A{l}"]
        Zs, As, Ws, bs = _sym("Z", l, column), _sym("A", l, column), _sym("W", l, column), _sym("b", l, column)
        Ap = _sym("A", l - 1, column)
        rhs = rf"{Ws}\,{Ap}" if column else rf"{Ap}\,{Ws}"
        vals = rf"{_W(W, column)}\,{_v(A_prev, column)}" if column else rf"{_v(A_prev, column)}\,{_W(W, column)}"
        tex = _eq(Zs, rf"{rhs} + {bs}", vals, rf"+ {_v(b, column)}", _v(Z, column))
        out.append(Equation("Z", l, tex, Z, _caption("Z", l=l, n=Z.size, n_in=A_prev.size)))
        if l < L:
            gname = g.name.replace("_", UNDERSCORE)
            tex = _eq(As, rf"\operatorname{{{gname}}}({Zs}), \quad g(z) = {g.formula}", _v(A, column))
            caption = _caption("A", l=l, g=g.name)
        else:
            tex = _eq(As, rf"\operatorname{{softmax}}({Zs}),\quad {_sym('A', l, column)}_j = "
                          rf"\frac{{e^{{z_j - \max z}}}}{{\sum_k e^{{z_k - \max z}}}}", _v(A, column))
            caption = _caption("A output")
        out.append(Equation("A", l, tex, A, caption))
    return out


def backward(model: MLP, cache: dict[str, np.ndarray], grads: dict[str, np.ndarray], label: int,
             column: bool = False) -> list[Equation]:
    """dZ, dW, db for every layer and dA, g'(Z) for hidden ones, output layer first."""
    L, out, g = model.L, [], model.g.name
    AL = cache[f"A{L}"]
    Y = np.zeros_like(AL)
    Y[0, label] = 1
    for l in range(L, 0, -1):
        dZ = grads[f"dZ{l}"]
        dZs = _sym("Z", l, column, d=True)
        if l == L:
            tex = _eq(dZs, rf"{_sym('A', L, column)} - {'y' if column else 'Y'}",
                      _v(AL, column), rf"- {_v(Y, column)}", _v(dZ, column))
            caption = _caption("dZ output", L=L, label=label)
        else:
            slope = model.g.derivative(cache[f"Z{l}"], cache[f"A{l}"])
            tex = _eq(dZs, rf"{_sym('A', l, column, d=True)} \odot g'({_sym('Z', l, column)})",
                      _v(grads[f"dA{l}"], column), rf"\odot {_v(slope, column)}", _v(dZ, column))
            caption = _caption(f"dZ {g}", l=l)
        out.append(Equation("dZ", l, tex, dZ, caption))
        A_prev, dW = cache[f"A{l-1}"], grads[f"dW{l}"]
        if column:
            tex = _eq(_sym("W", l, column, d=True), rf"{dZs}\,{_sym('A', l - 1, column, transpose=True)}",
                      rf"{_v(dZ, True)}\,{_v(A_prev, False)}", _W(dW, True))
        else:
            tex = _eq(_sym("W", l, column, d=True), rf"{_sym('A', l - 1, column, transpose=True)}\,{dZs}",
                      rf"{_v(A_prev, True)}\,{_v(dZ, False)}", _W(dW, False))
        caption = _caption("dW", l=l, prev=l - 1)
        if l == 1 and not np.any(_shown(A_prev)):  # every input entry on screen is a black pixel
            caption += " " + _caption("dW1 black")
        out.append(Equation("dW", l, tex, dW, caption))
        out.append(Equation("db", l, _eq(_sym("b", l, column, d=True), dZs, _v(grads[f"db{l}"], column)),
                            grads[f"db{l}"], _caption("db", l=l)))
        if l > 1:
            dA = grads[f"dA{l-1}"]
            dAs = _sym("A", l - 1, column, d=True)
            if column:
                tex = _eq(dAs, rf"{_sym('W', l, column, transpose=True)}\,{dZs}",
                          rf"{_W(model.params[f'W{l}'], False)}\,{_v(dZ, True)}", _v(dA, True))
            else:
                tex = _eq(dAs, rf"{dZs}\,{_sym('W', l, column, transpose=True)}",
                          rf"{_v(dZ, False)}\,{_W(model.params[f'W{l}'], True)}", _v(dA, False))
            out.append(Equation("dA", l - 1, tex, dA, _caption("dA", l=l - 1, next=l)))
            slope = np.asarray(model.g.derivative(cache[f"Z{l-1}"], cache[f"A{l-1}"]), np.float32)
            tex = _eq(rf"g'({_sym('Z', l - 1, column)})", model.g.derivative_formula, _v(slope, column))
            out.append(Equation("slope", l - 1, tex, slope, _caption(f"slope {g}", l=l - 1)))
    return out
