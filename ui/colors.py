"""The one colour module: every colour a page draws with, and the one thing each means.

One meaning per colour, on every page (Home shows them once, as a legend):

  POSITIVE, NEGATIVE  blue and red: the SIGN of the number a chart names, and nothing else.
                      Blue is above zero, red below. A change: blue went up, red went down.
                      A gradient dJ/dθ: blue means J rises with θ, so a step θ ← θ − α·dJ/dθ
                      moves θ down (every legend of a gradient says so).
  DIVERGING           the scale between them: red at −max, white at 0, blue at +max (ColorBrewer
                      RdBu), always centred on zero, always with a colour bar that names the number.
  SELECTED            orange: the one YOU selected (a unit, a digit, a cell, a slider's setting),
                      and nothing else; SELECTED_BG behind selected entries of tables and equations.
  TRUE                bluish green: the true digit, a correct answer.
  INK                 near black: what the page points out (the network's answer, the most
                      active units, a mean), and text.
  DATA                grey: values without a sign (probabilities, activations, accuracies).
  CONTEXT             light grey: the rest, beside something marked TRUE or INK (the other
                      digits, each batch's raw value).
  Styles, not colours: train solid, validation dashed with markers (TRAIN, VALIDATION);
                      before plain, after hatched (BEFORE, AFTER); now filled, at
                      initialisation a dashed outline (NOW, INIT).
  RUNS                Compare only: each kept run a colour, a dash and a marker (RUN_DASHES,
                      RUN_SYMBOLS), so runs are told apart without colour too.
  DIGITS              Layer map only: the ten digits, each a colour and a marker shape.
  PIXELS              white ink on black, as on the canvas.  COUNTS: how many, light to dark grey.

Colour-blind safe and projector-readable (tests/test_colors.py checks both): every pair that
must be told apart (APART) stays apart under simulated protanopia, deuteranopia and tritanopia,
and every colour of a line or mark has a contrast of at least 3:1 on white (text 4.5:1). The
Okabe-Ito orange (#E69F00) is 2.3:1, so SELECTED is a darker orange.
Controls (sliders, toggles, selected options) keep the theme's dark blue (.streamlit/config.toml):
it marks what can be operated, never a number.
Leaves out: where each colour is used (ui/charts/, ui/pictures.py, ui/images.py, assets/app.css
through css_variables()).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

# ---------------------------------------------------------------- sign: blue and red only here
POSITIVE = "#2166AC"   # RdBu's blue end: > 0, up
NEGATIVE = "#B2182B"   # RdBu's red end: < 0, down
# ColorBrewer RdBu, 11 classes, from -max (red) through white-ish 0 to +max (blue). Written out
# here (not Plotly's named "RdBu", which plotly.js runs the other way with a grey middle).
RDBU = ["#67001F", "#B2182B", "#D6604D", "#F4A582", "#FDDBC7", "#F7F7F7",
        "#D1E5F0", "#92C5DE", "#4393C3", "#2166AC", "#053061"]
DIVERGING = [[k / (len(RDBU) - 1), c] for k, c in enumerate(RDBU)]  # a Plotly colour scale

# ---------------------------------------------------------------- the one you selected
SELECTED = "#C27C00"     # orange, 3.4:1 on white (Okabe-Ito's #E69F00 is 2.3:1: too pale to project)
SELECTED_BG = "#FFE0A3"  # behind a selected table or equation entry; dark text on it is above 12:1

# ---------------------------------------------------------------- truth, and the neutral inks
TRUE = "#007A5A"     # bluish green (Okabe-Ito's, darker): the true digit, a correct answer; 5.3:1
TRUE_BG = "#D5EFE6"  # behind the true digit's row
TRUE_ON_BLACK = "#2FC497"  # TRUE on a black picture (a label on a digit); 9.5:1 there
INK = "#262730"      # what the page points out (the network's answer, a mean), and text; 15:1
DATA = "#767676"     # values without a sign; 4.5:1
CONTEXT = "#C4C4C4"  # the unmarked rest beside TRUE or INK marks (not information on its own)
# Furniture, no meaning: axes, grid lines, rules and frames, secondary text, a diagram's boxes
AXIS, GRID, EDGE, FAINT_TEXT = "#555555", "#E3E3E8", "#888888", "#55545A"   # FAINT_TEXT 7.4:1
PAPER, PANEL, FRAME_ON_BLACK = "#FFFFFF", "#F4F4F6", "#9A9A9A"
CLEAR = "rgba(0,0,0,0)"  # an invisible mark that still takes clicks and hovers (the confusion matrix's squares)
CANVAS_INK, CANVAS_BG = "#FFFFFF", "#000000"   # the drawing canvas: white ink on black, as MNIST
CONTROL = "#005A8C"  # controls and the focus ring (the theme's primaryColor): what you operate, not data

# ---------------------------------------------------------------- pairs told apart by style
TRAIN = {"color": DATA, "dash": "solid"}
VALIDATION = {"color": INK, "dash": "dash", "markers": True}
BEFORE = {"color": "#8C8C8C", "pattern": ""}      # plain, 3.4:1
AFTER = {"color": INK, "pattern": "/"}            # hatched
NOW = {"color": DATA}                             # filled bars
INIT = {"color": INK, "dash": "dash"}             # a dashed outline
LAYER_GREYS = ["#000000", "#404040", "#5E5E5E", "#767676", "#8C8C8C"]  # per-layer lines (all >= 3:1), each labelled at its end

# ---------------------------------------------------------------- categorical: one page each
RUNS = ["#000000", "#AA4499", "#6E6E00"]  # Compare: black, purple, olive (then again, with other dashes)
RUN_DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
RUN_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "star"]
RUN_PATTERNS = ["", "/", ".", "x", "-", "+"]
# Layer map: Okabe-Ito's eight plus two, each digit with its own marker shape too
DIGITS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442",
          "#882255", "#999999"]
DIGIT_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "triangle-down", "cross", "x", "star",
                 "pentagon", "hexagon"]

# ---------------------------------------------------------------- pixels and counts
PIXELS = [[0.0, CANVAS_BG], [1.0, CANVAS_INK]]   # the canvas's own colours: ink white on black
COUNTS = [[0.0, "#F0F0F0"], [1.0, "#252525"]]   # ColorBrewer Greys, light (few) to dark (many)

# Pairs a reader must tell apart where they meet (tests/test_colors.py: under colour blindness too)
APART = [(POSITIVE, NEGATIVE), (SELECTED, POSITIVE), (SELECTED, NEGATIVE), (SELECTED, DATA), (SELECTED, INK),
         (SELECTED, TRUE), (TRUE, INK), (TRUE, CONTEXT), (INK, CONTEXT), (INK, DATA), (DATA, POSITIVE),
         (DATA, NEGATIVE), (BEFORE["color"], AFTER["color"]), (RUNS[0], RUNS[1]), (RUNS[0], RUNS[2]),
         (RUNS[1], RUNS[2])]
# Colours of lines and marks a reader must see on white (>= 3:1); text colours (>= 4.5:1)
MARKS = [POSITIVE, NEGATIVE, SELECTED, TRUE, INK, DATA, BEFORE["color"], *RUNS, *LAYER_GREYS]
TEXTS = [INK, TRUE, FAINT_TEXT, AXIS, CONTROL]


def rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


@lru_cache(maxsize=8)
def diverging_lut(levels: int = 256) -> np.ndarray:
    """RDBU as `levels` colours (levels, 3) uint8, linear between its stops: index 0 is −max,
    the last +max (as Plotly interpolates DIVERGING, so pictures and charts agree)."""
    stops = np.array([rgb(c) for c in RDBU], np.float64)
    t = np.linspace(0, 1, levels)
    at = np.linspace(0, 1, len(stops))
    lut = np.stack([np.interp(t, at, stops[:, k]) for k in range(3)], axis=1).round().astype(np.uint8)
    lut.flags.writeable = False
    return lut


def diverging_rgb(a: np.ndarray, vmax: float, levels: int = 256) -> np.ndarray:
    """Signed values -> RGB uint8 (..., 3) on DIVERGING: red below 0, white-ish at 0, blue above,
    saturating at ±vmax. NaN is 0."""
    a = np.nan_to_num(np.asarray(a, np.float64))
    q = np.round((np.clip(a / (vmax or 1.0), -1, 1) + 1) / 2 * (levels - 1)).astype(np.intp)
    return diverging_lut(levels)[q]


def gradient_stops(n: int = 11) -> list[tuple[float, str]]:
    """(offset 0..1, "rgb(r,g,b)") along DIVERGING, for a CSS or SVG gradient of a colour bar."""
    lut = diverging_lut()
    return [(t, "rgb({},{},{})".format(*lut[int(round(t * 255))])) for t in np.linspace(0, 1, n)]


def css_variables() -> str:
    """The colours CSS needs, as custom properties (views/shell/style.py puts them in the page)."""
    return (f":root {{ --nn-positive: {POSITIVE}; --nn-negative: {NEGATIVE}; --nn-selected: {SELECTED}; "
            f"--nn-selected-bg: {SELECTED_BG}; --nn-true: {TRUE}; --nn-true-bg: {TRUE_BG}; --nn-ink: {INK}; "
            f"--nn-data: {DATA}; --nn-paper: {PAPER}; --nn-panel: {PANEL}; "
            f"--nn-faint-text: {FAINT_TEXT}; --nn-edge: {EDGE}; --nn-grid: {GRID}; --nn-control: {CONTROL}; }}")


def bar_colors(values, signed: bool = False, marked=(), selected=(), true=()) -> list[str]:
    """One colour per bar, by meaning: signed bars blue (>= 0) or red; unsigned ones DATA grey,
    or CONTEXT beside a TRUE bar. marked (INK, unsigned bars only: a signed bar keeps its sign),
    true (TRUE) and selected (SELECTED) are indices; selected wins, then true, then marked."""
    v = np.ravel(np.asarray(values, np.float64))
    marked, selected, true = (set(np.atleast_1d(np.asarray(i, np.intp)).tolist()) if i is not None else set()
                              for i in (marked, selected, true))
    if signed and marked:
        raise ValueError("a signed bar keeps its sign's colour: mark it another way")
    base = DATA if not true else CONTEXT
    out = [(POSITIVE if x >= 0 else NEGATIVE) if signed else base for x in v]
    for group, color in ((marked, INK), (true, TRUE), (selected, SELECTED)):
        for i in group:
            out[i] = color
    return out


# The legend Home shows once: (the part of assets/text/home.md with its words, what the swatch
# draws). Swatches: ("bars", colours) side by side, ("scale",) the diverging bar, ("lines",
# [(colour, dash, marker)]), ("patterns", [(colour, pattern)]), ("symbols", [(colour, symbol)]).
LEGEND = [
    ("Colour sign", ("bars", [POSITIVE, NEGATIVE])),
    ("Colour scale", ("scale",)),
    ("Colour selected", ("bars", [SELECTED])),
    ("Colour true", ("bars", [TRUE])),
    ("Colour ink", ("bars", [INK])),
    ("Colour data", ("bars", [DATA, CONTEXT])),
    ("Colour styles", ("lines", [(TRAIN["color"], "solid", False), (VALIDATION["color"], "dash", True)])),
    ("Colour patterns", ("patterns", [(BEFORE["color"], ""), (AFTER["color"], "/")])),
    ("Colour own", ("symbols", [(RUNS[0], "circle"), (RUNS[1], "square"), (RUNS[2], "diamond")])),
]
