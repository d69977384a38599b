"""The forward and backward pass of one example as LaTeX, with its actual numbers and shapes.

Each equation is its formula with the shapes underneath, then a small table of the entries
that matter (views/backprop/focus.py chooses them) laid out so the arithmetic reads along a row:
Z = ΣA·W + b, A = g(Z), dZ = A − Y, dW = A·dZ (a times table: the outer product), dA as
the sum of its terms, dZ = dA ⊙ g′. Every number has three significant digits
(ui/numbers.py), so the sums and products on screen check out at the precision shown.

Two notations, the same numbers:
  row form (this project's code, batch-first):   Z[l] = A[l-1] W[l] + b[l],  W[l] is (n[l-1], n[l])
  column form (as in some of the source notes):  z[l] = W[l] a[l-1] + b[l],  W[l] is (n[l], n[l-1])
The column form's W is the row form's W transposed, its vectors are columns, and its
gradients follow: dW = dz a^T instead of A^T dZ. Each equation knows its kind and layer
(never parsed back from its name) and carries a caption from assets/text/equations.md.
Nothing is drawn here: pages render the list. Leaves out: batches of more than one
example (views/backprop/batch.py) and the update rule (views/backprop/update.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core import MLP
from ui import text
from ui.numbers import adding_up, prob
from ui.tex import array, gathered, indexed, n, p, shape
from views.backprop.focus import Focus

UNDERSCORE = r"\_"
TERMS = 6      # terms of a long sum written out; the rest are added up in one row
COLUMNS = 3    # columns of a times table: fits a phone


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


def sym(name: str, l: int | str, column: bool = False, t: bool = False, d: bool = False) -> str:
    """Z2 in row form, z2 in column form (W keeps its capital); x for A0, the input; d for
    gradients; ^T for a transpose. The layer is the digit after the letter, as in the code and
    in every word of the lesson (never Z^{[2]} beside Z2)."""
    if name == "A" and str(l) == "0":
        base = "x"
    else:
        base = (name.lower() if column and name != "W" else name) + str(l)
    return rf"{'d' if d else ''}{base}" + (r"^\top" if t else "")


def _w(l: int, i: str, j: str, column: bool, d: bool = False) -> str:
    """The weight from input i to unit j: W2[i,j] in row form, W2[j,i] in column form."""
    return sym("W", l, column, d=d) + (f"[{j},{i}]" if column else f"[{i},{j}]")


def _vshape(name: str, l: int, size: int, column: bool, d: bool = False) -> str:
    return shape(sym(name, l, column, d=d), (size, 1) if column else (1, size))


def _wshape(l: int, W: np.ndarray, column: bool, d: bool = False) -> str:
    return shape(sym("W", l, column, d=d), W.T.shape if column else W.shape)


def _rows(entries, selected: int):
    """(rows, highlighted positions) for table rows keyed by an entry index."""
    entries = list(entries)
    return entries, [k for k, j in enumerate(entries) if j == selected]


def forward(model: MLP, cache: dict[str, np.ndarray], focus: Focus, column: bool = False) -> list[Equation]:
    """Z[l] and A[l] for every layer of one example (cache from model.forward on a (1, 784) batch)."""
    L, g, out = model.L, model.g, []
    for l in range(1, L + 1):
        W, b = model.params[f"W{l}"], model.params[f"b{l}"]
        A_prev, A = cache[f"A{l-1}"][0], cache[f"A{l}"][0]
        # (n_in,) @ (n_in, n_out) -> (n_out,): the weighted sums before the bias, and Z, in float64 from the
        # float32 numbers, so that the row S + b = Z is exact arithmetic before it is rounded for the page
        S = A_prev.astype(np.float64) @ W.astype(np.float64)
        Z = S + b
        Zs, As, bs = (sym(s, l, column) for s in ("Z", "A", "b"))
        Ap = sym("A", l - 1, column)
        if column:
            formula = rf"{_vshape('Z', l, Z.size, True)} = {_wshape(l, W, True)}\,{_vshape('A', l - 1, A_prev.size, True)}" \
                      rf" + {_vshape('b', l, b.size, True)}"
        else:
            formula = rf"{_vshape('Z', l, Z.size, False)} = {_vshape('A', l - 1, A_prev.size, False)}\,{_wshape(l, W, False)}" \
                      rf" + {_vshape('b', l, b.size, False)}"
        term = rf"{_w(l, 'i', 'j', column)}\,{Ap}[i]" if column else rf"{Ap}[i]\,{_w(l, 'i', 'j', column)}"
        entry = rf"{Zs}[j] = \textstyle\sum_i {term} + {bs}[j]"
        rows, marked = _rows(focus.shown(l, Z.size), focus.selected(l))
        table = array([r"j", rf"\sum_i {term}", "", rf"{bs}[j]", "", rf"{Zs}[j]"],
                      [_sum_row(j, S[j], b[j], Z[j]) for j in rows], "r|rcrcr", marked)
        ink = int(np.count_nonzero(A_prev)) if l == 1 else None
        out.append(Equation("Z", l, gathered(formula, entry, table), cache[f"Z{l}"][0],
                            _caption("Z first" if l == 1 < L else "Z output" if l == L else "Z", l=l, n=Z.size, n_in=A_prev.size, ink=ink,
                                     shown=_list(rows))))
        if l < L:
            gname = g.name.replace("_", UNDERSCORE)
            formula = rf"{_vshape('A', l, A.size, column)} = \operatorname{{{gname}}}({Zs}),\quad g(z) = {g.formula}"
            table = array(["j", rf"{Zs}[j]", rf"{As}[j] = g({Zs}[j])"],
                          [[str(j), n(Z[j]), n(A[j])] for j in rows], "r|rr", marked)
            out.append(Equation("A", l, gathered(formula, table), A, _caption("A", l=l, g=g.name)))
        else:
            M = float(Z.max())
            e = np.exp(Z - M)  # (10,) the softmax numerators, largest exactly 1
            formula = rf"{_vshape('A', l, A.size, column)} = \operatorname{{softmax}}({Zs}),\quad " \
                      rf"{As}[j] = \frac{{e^{{{Zs}[j] - M}}}}{{\sum_k e^{{{Zs}[k] - M}}}}"
            table = array(["j", rf"{Zs}[j]", rf"e^{{{Zs}[j] - M}}", rf"{As}[j]"],
                          [[str(j), n(Z[j]), n(e[j]), p(A[j])] for j in rows], "r|rrr", marked,
                          footer=[["", rf"M = {n(M)}", rf"\textstyle\sum = {n(e.sum())}", r"\textstyle\sum = 1"]])
            out.append(Equation("A", l, gathered(formula, table), A, _caption("A output")))
    return out


def _sum_row(j: int, S: float, b: float, Z: float) -> list[str]:
    """j | sum + b = Z, the sum and the bias with enough digits to add up to Z as printed."""
    z = n(Z)
    s, c = adding_up(z, [S, b], tex=True)
    return [str(j), s, "+", c, "=", z]


def _error_row(j: int, A: float, dZ: float, true: bool) -> list[str]:
    """j | A − Y = dZ: for a wrong digit dZ = A; for the true one A − 1, A with the digits it takes."""
    if not true:
        return [str(j), p(A), "-", "0", "=", p(dZ)]
    d = n(dZ)
    a = adding_up(d, [A, "1"], [1, -1], tex=True, fmt=lambda v, digits: prob(v, tex=True, digits=digits))[0]
    return [str(j), a, "-", "1", "=", d]


def _list(entries) -> str:
    return ", ".join(map(str, entries))


def backward(model: MLP, cache: dict[str, np.ndarray], grads: dict[str, np.ndarray], focus: Focus,
             column: bool = False) -> list[Equation]:
    """dZ, dW, db for every layer and dA, g'(Z) for hidden ones, output layer first."""
    L, out, g = model.L, [], model.g
    label = focus.label
    for l in range(L, 0, -1):
        dZ, Z = grads[f"dZ{l}"][0], cache[f"Z{l}"][0]
        dZs = sym("Z", l, column, d=True)
        rows, marked = _rows(focus.shown(l, dZ.size), focus.selected(l))
        if l == L:
            AL = cache[f"A{L}"][0]
            Ys = "y" if column else "Y"
            formula = rf"{_vshape('Z', l, dZ.size, column, d=True)} = {sym('A', L, column)} - {Ys},\quad " \
                      rf"{Ys}[j] = \begin{{cases}}1 & j = {label}\\ 0 & j \ne {label}\end{{cases}}"
            table = array(["j", rf"{sym('A', L, column)}[j]", "", rf"{Ys}[j]", "", rf"{dZs}[j]"],
                          [_error_row(j, AL[j], dZ[j], j == label) for j in rows], "r|rcrcr", marked)
            out.append(Equation("dZ", l, gathered(formula, table), dZ, _caption("dZ output", L=L, label=label)))
        else:
            slope = np.asarray(model.g.derivative(Z, cache[f"A{l}"][0]), np.float64)
            dA = grads[f"dA{l}"][0]
            formula = rf"{_vshape('Z', l, dZ.size, column, d=True)} = {sym('A', l, column, d=True)} \odot " \
                      rf"g'({sym('Z', l, column)})"
            table = array(["j", rf"{sym('A', l, column, d=True)}[j]", "", rf"g'({sym('Z', l, column)}[j])", "", rf"{dZs}[j]"],
                          [[str(j), n(dA[j]), r"\times", n(slope[j]), "=", n(dZ[j])] for j in rows], "r|rcrcr", marked)
            out.append(Equation("dZ", l, gathered(formula, table), dZ, text.for_activation("equations", "dZ", g, l=l)))
        out.append(_dW(model, cache, grads, focus, l, column))
        db = grads[f"db{l}"]
        cols = focus.columns() if l == L else _times_columns(focus, l, dZ)
        tex = gathered(rf"{_vshape('b', l, db.size, column, d=True)} = \textstyle\sum_{{\text{{rows}}}} {dZs} = {dZs}",
                       rf"{sym('b', l, column, d=True)} = " + indexed([db[j] for j in cols], cols, focus.selected(l)))
        out.append(Equation("db", l, tex, db, _caption("db", l=l, shown=_list(cols))))
        if l > 1:
            out.append(_dA(model, grads, focus, l, column))
            slope = np.asarray(model.g.derivative(cache[f"Z{l-1}"], cache[f"A{l-1}"]), np.float32)
            Zp = cache[f"Z{l-1}"][0]
            prev, pmarked = _rows(focus.shown(l - 1, Zp.size), focus.selected(l - 1))
            formula = rf"g'({sym('Z', l - 1, column)}),\quad g'(z) = {model.g.derivative_formula}"
            table = array(["j", rf"{sym('Z', l - 1, column)}[j]", rf"g'({sym('Z', l - 1, column)}[j])"],
                          [[str(j), n(Zp[j]), n(slope[0, j])] for j in prev], "r|rr", pmarked)
            out.append(Equation("slope", l - 1, gathered(formula, table), slope, text.for_activation("equations", "slope", g, l=l - 1)))
    return out


def _times_columns(focus: Focus, l: int, dZ: np.ndarray) -> tuple[int, ...]:
    """Up to COLUMNS units of layer l for a times table: the selected one, then the largest |dZ|.
    Between two wide hidden layers the row indices have three digits too: one column fewer."""
    shown = sorted(focus.shown(l, dZ.size), key=lambda j: (j != focus.selected(l), -abs(float(dZ[j]))))
    wide = l > 1 and dZ.size >= 100
    return tuple(sorted(shown[:COLUMNS - wide]))


def _dW(model: MLP, cache, grads, focus: Focus, l: int, column: bool) -> Equation:
    """dW = A^T dZ as a times table: rows are inputs i with A_i, columns units j with dZ_j."""
    L = model.L
    A_prev, dZ, dW = cache[f"A{l-1}"][0], grads[f"dZ{l}"][0], grads[f"dW{l}"]
    cols = focus.columns() if l == L else _times_columns(focus, l, dZ)
    rows, marked = _rows(focus.shown(l - 1, A_prev.size), focus.selected(l - 1))
    Ap, dZs = sym("A", l - 1, column), sym("Z", l, column, d=True)
    if column:
        formula = rf"{_wshape(l, dW, True, d=True)} = {_vshape('Z', l, dZ.size, True, d=True)}\," \
                  rf"{shape(sym('A', l - 1, True, t=True), (1, A_prev.size))}"
        entry = rf"{_w(l, 'i', 'j', True, d=True)} = {dZs}[j]\,{Ap}[i]"
    else:
        formula = rf"{_wshape(l, dW, False, d=True)} = {shape(sym('A', l - 1, t=True), (A_prev.size, 1))}\," \
                  rf"{_vshape('Z', l, dZ.size, False, d=True)}"
        entry = rf"{_w(l, 'i', 'j', False, d=True)} = {Ap}[i]\,{dZs}[j]"
    header = ["i", rf"{Ap}[i]"] + [rf"{dZs}[{j}]" for j in cols]
    values = [["", r"\times"] + [n(dZ[j]) for j in cols]]
    selected = [2 + k for k, j in enumerate(cols) if j == focus.selected(l) and l < L]  # the unit's dW column
    table = array(header, [[str(i), n(A_prev[i])] + [n(dW[i, j]) for j in cols] for i in rows],
                  "r|r|" + "r" * len(cols), marked, more_header=values, columns=selected)
    if l == 1:
        ink = int(np.count_nonzero(A_prev))
        caption = _caption("dW1", shown=_list(rows), more=ink - len(rows), black=A_prev.size - ink,
                           units=_list(cols))
    else:
        caption = _caption("dW", l=l, prev=l - 1, shown=_list(rows), units=_list(cols))
    return Equation("dW", l, gathered(formula, entry, table), dW, caption)


def _dA(model: MLP, grads, focus: Focus, l: int, column: bool) -> Equation:
    """dA[l-1] = dZ[l] W[l]^T, with the sum for the selected unit written term by term (its row of W)."""
    W, dZ, dA = model.params[f"W{l}"], grads[f"dZ{l}"][0], grads[f"dA{l-1}"][0]
    i = focus.selected(l - 1)
    terms = dZ.astype(np.float64) * W[i]  # (n_out,): what each unit of layer l sends back to unit i (float64: they add up exactly)
    if terms.size <= 10:
        shown, rest = list(range(terms.size)), None
    else:
        shown = sorted(np.argsort(-np.abs(terms), kind="stable")[:TERMS].tolist())
        rest = float(terms.sum() - terms[shown].sum())
    dZs, Wi = sym("Z", l, column, d=True), _w(l, str(i), "j", column)
    if column:
        formula = rf"{_vshape('A', l - 1, dA.size, True, d=True)} = {shape(sym('W', l, True, t=True), W.shape)}\," \
                  rf"{_vshape('Z', l, dZ.size, True, d=True)}"
    else:
        formula = rf"{_vshape('A', l - 1, dA.size, False, d=True)} = {_vshape('Z', l, dZ.size, False, d=True)}\," \
                  rf"{shape(sym('W', l, t=True), W.T.shape)}"
    entry = rf"{sym('A', l - 1, column, d=True)}[{i}] = \textstyle\sum_j {dZs}[j]\,{Wi}"
    total = n(float(terms.sum()))
    printed = adding_up(total, [float(terms[j]) for j in shown] + ([rest] if rest is not None else []), tex=True)
    rows = [[str(j), n(dZ[j]), r"\times", n(W[i, j]), "=", t] for j, t in zip(shown, printed)]
    marked = [k for k, j in enumerate(shown) if j == focus.selected(l)]
    if rest is not None:
        rows.append([r"\cdots", rf"\text{{{terms.size - len(shown)} more}}", "", "", "=", printed[-1]])
    table = array(["j", rf"{dZs}[j]", "", Wi, "", r"\text{term}"], rows, "r|rcrcr", marked,
                  footer=[["", "", "", "", r"\textstyle\sum", total]])
    return Equation("dA", l - 1, gathered(formula, entry, table), dA,
                    _caption("dA", l=l - 1, next=l, unit=i, n=terms.size,
                             rest="" if rest is None else _caption("dA rest", shown=len(shown))))
