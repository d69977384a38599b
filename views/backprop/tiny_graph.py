"""The tiny network as one picture: every value and every gradient of one example, as in a
computational graph.

Top to bottom, the way the numbers flow forward (solid black arrows):
  the 4 pixels x[i]                      (white ink on black, as the canvas)
  the 2 hidden units, one box each:      its 4 incoming weights W1[i, j] (each under the arrow
                                         from its pixel), its bias b1[j], Z1[j] and A1[j] = relu(Z1[j])
  the 2 outputs, one box each:           its 2 weights W2[j, k], b2[k], Z2[k] and A2[k] = softmax
  the loss J = −log A2[y]
Each number is printed black (forward: its value) with its gradient beside or under it in grey
(backward: dX = ∂J/∂X, which flows up the same arrows the other way). The true class's box
is green. Black and grey only, as the chain-rule picture: blue and red mean a sign elsewhere.
720 px of numbers would not fit a phone, so the layout is tall and 480 wide: 13 px text stays
about 10 px on a 390 px phone, and the page draws it up to 600 px wide on a desktop.
Leaves out: the arithmetic of each number (the equations under it, views/backprop/equations.py).
"""
from __future__ import annotations

import numpy as np

from ui import colors
from ui.charts.svg import drawing, label
from ui.numbers import prob, sig

WIDTH = 480
BOX_W, GAP = 232, 8                 # two boxes side by side
PIX_Y, PIX = 14, 38                 # the pixels' row and size
HID_Y, HID_H = 118, 166
OUT_Y, OUT_H = 344, 166
J_Y, J_H = 560, 52
TITLE = 16                          # a box's title line, above its weights


def _box(x: float, y: float, w: float, h: float, edge: str = colors.EDGE, width: float = 1.2) -> str:
    return f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="{colors.PANEL}" stroke="{edge}" stroke-width="{width}"/>'


def _arrow(x0: float, y0: float, x1: float, y1: float) -> str:
    """A solid black arrow (forward) ending at (x1, y1)."""
    length = float(np.hypot(x1 - x0, y1 - y0))
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    bx, by = x1 - 7 * ux, y1 - 7 * uy
    return (f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{bx:.1f}" y2="{by:.1f}" stroke="{colors.INK}" stroke-width="1.3"/>'
            f'<path d="M{x1:.1f} {y1:.1f} L{bx - 3.5 * uy:.1f} {by + 3.5 * ux:.1f} L{bx + 3.5 * uy:.1f} {by - 3.5 * ux:.1f} z" '
            f'fill="{colors.INK}"/>')


def _value_rows(x: float, y: float, rows: list[tuple[str, str, str]]) -> list[str]:
    """Rows "name  value  gradient" inside a box (value black, gradient grey)."""
    out = [label(x + 130, y, "value", 11, "end", colors.FAINT_TEXT),
           label(x + BOX_W - 8, y, "gradient d·", 11, "end", colors.FAINT_TEXT)]
    for n, (name, v, g) in enumerate(rows):
        yy = y + 18 * (n + 1)
        out += [label(x + 8, yy, name, 13.5, weight="bold"), label(x + 130, yy, v, 13.5, "end"),
                label(x + BOX_W - 8, yy, g, 13.5, "end", colors.FAINT_TEXT)]
    return out


def picture(model, cache: dict, grads: dict, label_: int, classes: tuple[str, ...], J: float) -> str:
    """cache, grads: the forward and backward pass of one example (1, 4) through the 4-2-2 net."""
    P = model.params
    x, Z1, A1, Z2, A2 = (cache[k][0] for k in ("A0", "Z1", "A1", "Z2", "A2"))
    dZ1, dA1, dZ2 = grads["dZ1"][0], grads["dA1"][0], grads["dZ2"][0]
    dW1, db1, dW2, db2 = grads["dW1"], grads["db1"], grads["dW2"], grads["db2"]
    body = []
    pix_x = [WIDTH * (i + 0.5) / 4 for i in range(4)]
    box_x = [(WIDTH - 2 * BOX_W - GAP) / 2 + j * (BOX_W + GAP) for j in range(2)]
    for i in range(4):  # the pixels
        fill = colors.CANVAS_INK if x[i] > 0 else colors.CANVAS_BG
        body.append(f'<rect x="{pix_x[i] - PIX / 2:.1f}" y="{PIX_Y}" width="{PIX}" height="{PIX}" fill="{fill}" '
                    f'stroke="{colors.FRAME_ON_BLACK}"/>')
        body.append(label(pix_x[i], PIX_Y + PIX + 15, f"x[{i}] = {sig(x[i])}", 12.5, "middle"))
    col = lambda j, c, n: box_x[j] + BOX_W * (c + 0.5) / n  # noqa: E731  (the centre of weight column c of n)
    for j in range(2):  # the hidden units
        bx, y = box_x[j], HID_Y + TITLE
        body.append(_box(bx, HID_Y, BOX_W, HID_H))
        body.append(label(bx + 8, HID_Y + 14, f"hidden unit {j}", 12.5, weight="bold"))
        for i in range(4):
            body.append(_arrow(pix_x[i], PIX_Y + PIX + 20, col(j, i, 4), HID_Y))
            body += [label(col(j, i, 4), y + 18, f"W1[{i},{j}]", 10.5, "middle", colors.FAINT_TEXT),
                     label(col(j, i, 4), y + 34, sig(P["W1"][i, j]), 13, "middle"),
                     label(col(j, i, 4), y + 50, sig(dW1[i, j]), 13, "middle", colors.FAINT_TEXT)]
        body += _value_rows(bx, y + 70, [(f"b1[{j}]", sig(P["b1"][j]), sig(db1[j])),
                                              (f"Z1[{j}]", sig(Z1[j]), sig(dZ1[j])),
                                              (f"A1[{j}]", sig(A1[j]), sig(dA1[j]))])
    for k in range(2):  # the outputs
        bx, y = box_x[k], OUT_Y + TITLE
        true = k == label_
        body.append(_box(bx, OUT_Y, BOX_W, OUT_H, colors.TRUE if true else colors.EDGE, 2.5 if true else 1.2))
        body.append(label(bx + 8, OUT_Y + 14, f"class {k}: {classes[k]}" + (" (true)" if true else ""),
                          12.5, color=colors.TRUE if true else colors.INK, weight="bold"))
        for j in range(2):
            body.append(_arrow(box_x[j] + BOX_W / 2, HID_Y + HID_H, col(k, j, 2), OUT_Y))
            body += [label(col(k, j, 2), y + 18, f"W2[{j},{k}]", 10.5, "middle", colors.FAINT_TEXT),
                     label(col(k, j, 2), y + 34, sig(P["W2"][j, k]), 13, "middle"),
                     label(col(k, j, 2), y + 50, sig(dW2[j, k]), 13, "middle", colors.FAINT_TEXT)]
        body += _value_rows(bx, y + 70, [(f"b2[{k}]", sig(P["b2"][k]), sig(db2[k])),
                                              (f"Z2[{k}]", sig(Z2[k]), sig(dZ2[k])),
                                              (f"A2[{k}]", prob(A2[k]), "")])
        body.append(_arrow(bx + BOX_W / 2, OUT_Y + OUT_H, WIDTH / 2 + (k - 0.5) * 60, J_Y))
    jx = WIDTH / 2 - 110
    body.append(_box(jx, J_Y, 220, J_H))
    body += [label(WIDTH / 2, J_Y + 21, f"J = −log A2[{label_}] = {sig(J)}", 13.5, "middle", weight="bold"),
             label(WIDTH / 2, J_Y + 40, "dJ = ∂J/∂J = 1", 12, "middle", colors.FAINT_TEXT)]
    title = (f"The tiny network on one example: pixels {', '.join(sig(v) for v in x)}; hidden Z1 = "
             f"{', '.join(sig(v) for v in Z1)}, A1 = {', '.join(sig(v) for v in A1)}; scores Z2 = "
             f"{', '.join(sig(v) for v in Z2)}, probabilities {', '.join(prob(v) for v in A2)}; J = {sig(J)}; "
             f"gradients dW1 = {', '.join(sig(v) for v in dW1.ravel())}, dW2 = {', '.join(sig(v) for v in dW2.ravel())}")
    return drawing(WIDTH, J_Y + J_H + 6, body, title, max_width=600)
