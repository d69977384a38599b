"""LaTeX building blocks for equations that fit a phone: numbers, small tables, shapes.

Every display is built to stay narrower than a 390 px phone's column: no matrix is written
out whole; a long vector or matrix becomes a table of the entries that matter, each with
its index (a unit, a pixel, a digit), laid out so the arithmetic reads along a row
(A − Y = dZ, A·dZ = dW). Numbers come from ui/numbers.py (three significant digits).
Leaves out: which entries matter (views/backprop/focus.py) and what the equations say
(views/backprop/equations.py).
"""
from __future__ import annotations

from typing import Iterable, Sequence

from ui.colors import SELECTED_BG as HL  # behind the selected unit's entries (the one you selected)
from ui.numbers import prob, sig

TIMES = r"\times "


def n(v: float) -> str:
    """A number, 3 significant digits, as LaTeX."""
    return sig(v, tex=True)


def p(v: float) -> str:
    """A probability: 3 significant digits of p or of 1 - p."""
    return prob(v, tex=True)


def hl(cell: str, on: bool = True) -> str:
    """A cell on the selected background (light orange): the selected unit, pixel or digit."""
    return rf"\colorbox{{{HL}}}{{${cell}$}}" if on and cell else cell


def shape(sym: str, dims: Sequence[int]) -> str:
    """A symbol with its shape underneath: Z^{[1]} over 1 x 128."""
    return rf"\underbrace{{{sym}}}_{{{TIMES.join(map(str, dims))}}}"


def sup(name: str, l: int | str, t: bool = False, d: bool = False) -> str:
    """W^{[2]}, dZ^{[1]}, A^{[1]\\top}."""
    top = r"\top" if t else ""
    return rf"{'d' if d else ''}{name}^{{[{l}]{top}}}"


def gathered(*lines: str, gap: str = "6pt") -> str:
    """Lines centred one under the other (each line must fit on its own)."""
    return r"\begin{gathered}" + rf"\\[{gap}] ".join(lines) + r"\end{gathered}"


def array(header: Sequence[str], rows: Iterable[Sequence[str]], align: str, highlight: Iterable[int] = (),
          more_header: Sequence[Sequence[str]] = (), footer: Sequence[Sequence[str]] = (),
          columns: Iterable[int] = ()) -> str:
    """A table: header row(s), a rule, the rows, optionally a rule and footer rows.
    align: one letter per column (r, c, l), "|" for a vertical rule. Rows whose position is
    in `highlight`, and columns whose position is in `columns`, get their non-operator cells
    on the highlight background."""
    marked, cols = set(highlight), set(columns)
    lines = [" & ".join(hl(c, k in cols) for k, c in enumerate(h)) for h in [header, *more_header]]
    body = []
    for i, row in enumerate(rows):
        body.append(" & ".join(hl(c, (i in marked or k in cols) and c not in OPERATORS) for k, c in enumerate(row)))
    tail = [" & ".join(f) for f in footer]
    text = r"\\ ".join(lines) + r"\\ \hline " + r"\\ ".join(body)
    if tail:
        text += r"\\ \hline " + r"\\ ".join(tail)
    return rf"\begin{{array}}{{{align}}}{text}\end{{array}}"


OPERATORS = {"-", "+", "=", r"\times", r"\cdot", r"\odot", ""}


def indexed(values: Sequence[float], indices: Sequence[int], selected: int | None = None,
            fmt=n) -> str:
    """A few entries of a vector, each with its index under it: [0.725 (350)  1 (351)]."""
    cells = [hl(rf"\underset{{{i}}}{{{fmt(v)}}}", i == selected) for v, i in zip(values, indices)]
    return r"\left[\;" + r"\quad ".join(cells) + r"\;\right]"
