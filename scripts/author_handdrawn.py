"""Write tests/data/handdrawn.json: 64 digits authored as mouse strokes, frozen before any model saw them.

Each glyph below is a handful of strokes in a unit box (x right, y down, height 1), written
by hand from how people draw digits with a mouse: lines and arcs, with the stroke order
and direction a hand would use. Each of the 64 entries of DRAWINGS then places one glyph
on the 280x280 canvas: centre, height, width factor, slant (shear: the top moves right by
`slant` x the height), a small rotation, the brush width, and a seed for a small smooth
wobble of the hand (about 1 % of the canvas). Points are resampled about 5 canvas pixels
apart, like a mouse's move events.

    python -m scripts.author_handdrawn            # rewrites tests/data/handdrawn.json
    python -m scripts.author_handdrawn --sheet P  # also a contact sheet PNG of the renders

The set is frozen: it was written and committed before any model was measured on it, and
it must not be edited to suit a model (see tests/data/README.md).
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from devtools.paths import ROOT
from nn_core.preprocess import CANVAS

OUT = ROOT / "tests" / "data" / "handdrawn.json"
SPACING = 5 / CANVAS   # canvas fraction between resampled points
WOBBLE = 0.010      # canvas fraction: amplitude of the hand's smooth wobble


def arc(cx, cy, rx, ry, a0, a1, n=None):
    """Points of an ellipse arc, angles in degrees, 90 = top; increasing angle is anticlockwise on screen."""
    n = n or max(8, int(abs(a1 - a0) / 10))
    t = np.radians(np.linspace(a0, a1, n))
    return [(cx + rx * math.cos(a), cy - ry * math.sin(a)) for a in t]


def eight(top_w, bottom_w):
    """A one-stroke figure eight: from the top right, anticlockwise round the top loop, down across the
    middle, round the bottom loop clockwise, back up across the middle to the start."""
    pts = []
    for t in np.linspace(-0.15 * math.pi, 2.05 * math.pi, 64):
        y = 0.5 - 0.5 * math.cos(t)
        w = top_w if y < 0.5 else bottom_w  # the loops meet at y = 0.5, where sin(2t) = 0
        pts.append((0.5 - w * math.sin(2 * t), y))
    return pts


GLYPHS: dict[str, tuple[float, list[list[tuple[float, float]]]]] = {
    # name: (width of the unit box, strokes)
    "0-oval": (0.65, [arc(0.325, 0.5, 0.31, 0.5, 95, 460)]),
    "0-round": (0.9, [arc(0.45, 0.5, 0.44, 0.48, 100, 450)]),
    "0-open": (0.6, [arc(0.3, 0.5, 0.29, 0.5, 70, 410)]),  # ends before it closes: a small gap top right
    "1-stick": (0.05, [[(0.03, 0.0), (0.02, 1.0)]]),
    "1-flag": (0.35, [[(0.02, 0.2), (0.3, 0.0), (0.3, 1.0)]]),
    "1-flag-base": (0.6, [[(0.1, 0.18), (0.33, 0.0), (0.32, 1.0)], [(0.05, 1.0), (0.6, 1.0)]]),
    "2-flat": (0.75, [arc(0.38, 0.28, 0.34, 0.28, 165, -35) + [(0.02, 1.0), (0.75, 0.98)]]),
    "2-loop": (0.75, [arc(0.38, 0.27, 0.34, 0.27, 160, -40) + arc(0.15, 0.87, 0.1, 0.09, -90, -400)
                      + [(0.75, 0.97)]]),
    "2-z": (0.75, [[(0.05, 0.08), (0.4, 0.0), (0.68, 0.1), (0.7, 0.3), (0.0, 1.0), (0.75, 1.0)]]),
    "3-round": (0.72, [arc(0.35, 0.25, 0.33, 0.25, 155, -90) + arc(0.35, 0.75, 0.37, 0.25, 90, -155)]),
    "3-flat-top": (0.72, [[(0.05, 0.0), (0.7, 0.0), (0.35, 0.4)] + arc(0.35, 0.7, 0.37, 0.3, 90, -160)]),
    "4-open": (0.8, [[(0.2, 0.0), (0.05, 0.62), (0.8, 0.62)], [(0.58, 0.1), (0.6, 1.0)]]),
    "4-closed": (0.8, [[(0.6, 1.0), (0.6, 0.0), (0.02, 0.66), (0.8, 0.66)]]),
    "4-closed-2": (0.8, [[(0.55, 0.0), (0.02, 0.65), (0.8, 0.65)], [(0.6, 0.0), (0.62, 1.0)]]),
    "5-two": (0.72, [[(0.15, 0.0), (0.1, 0.45)] + arc(0.38, 0.68, 0.33, 0.3, 145, -140),
                     [(0.15, 0.0), (0.72, 0.0)]]),
    "5-one": (0.72, [[(0.72, 0.0), (0.15, 0.0), (0.1, 0.45)] + arc(0.38, 0.68, 0.33, 0.3, 145, -140)]),
    "6-loop": (0.7, [[(0.6, 0.0), (0.3, 0.2), (0.08, 0.55)] + arc(0.37, 0.71, 0.3, 0.28, 180, 530)]),
    "6-straight": (0.65, [[(0.45, 0.0), (0.1, 0.6)] + arc(0.35, 0.73, 0.28, 0.26, 180, 520)]),
    "7-plain": (0.75, [[(0.0, 0.0), (0.75, 0.0), (0.3, 1.0)]]),
    "7-bar": (0.75, [[(0.0, 0.0), (0.75, 0.0), (0.3, 1.0)], [(0.3, 0.5), (0.72, 0.5)]]),
    "7-curved": (0.75, [[(0.0, 0.03), (0.75, 0.0), (0.55, 0.35), (0.42, 0.7), (0.38, 1.0)]]),
    "8-one": (0.7, [[((x - 0.1) * 0.875, y) for x, y in eight(0.3, 0.4)]]),
    "8-two": (0.75, [arc(0.375, 0.24, 0.27, 0.24, 30, 390), arc(0.375, 0.73, 0.36, 0.27, 90, 450)]),
    "9-straight": (0.65, [arc(0.33, 0.27, 0.31, 0.27, 10, 370) + [(0.62, 1.0)]]),
    "9-curved": (0.65, [arc(0.33, 0.27, 0.31, 0.27, 10, 370) + [(0.6, 0.65), (0.45, 1.0)]]),
    "9-two": (0.65, [arc(0.33, 0.27, 0.31, 0.27, 20, 375), [(0.64, 0.1), (0.62, 1.0)]]),
}

# (id, glyph, centre x, centre y, height, width factor, slant, rotation degrees, brush px, wobble seed)
# Heights are canvas fractions; slant > 0 leans the top to the right; rotation > 0 is anticlockwise.
DRAWINGS = [
    ("0a", "0-oval", 0.50, 0.50, 0.70, 1.0, 0.00, 0, 20, 1),
    ("0b", "0-round", 0.45, 0.55, 0.60, 1.0, 0.10, 0, 30, 2),
    ("0c", "0-oval", 0.22, 0.24, 0.30, 1.0, 0.15, 0, 12, 3),
    ("0d", "0-open", 0.55, 0.50, 0.80, 0.8, 0.25, 0, 16, 4),
    ("0e", "0-oval", 0.50, 0.45, 0.55, 1.3, -0.10, 0, 36, 5),
    ("0f", "0-round", 0.70, 0.72, 0.40, 0.9, 0.00, 10, 10, 6),
    ("1a", "1-stick", 0.50, 0.50, 0.75, 1.0, 0.00, 0, 20, 7),
    ("1b", "1-stick", 0.45, 0.50, 0.70, 1.0, 0.30, 0, 25, 8),
    ("1c", "1-flag", 0.52, 0.52, 0.70, 1.0, 0.05, 0, 18, 9),
    ("1d", "1-flag-base", 0.50, 0.50, 0.72, 1.0, 0.00, 0, 20, 10),
    ("1e", "1-stick", 0.80, 0.78, 0.28, 1.0, 0.10, 0, 10, 11),
    ("1f", "1-flag", 0.40, 0.48, 0.80, 1.2, 0.20, 0, 34, 12),
    ("1g", "1-flag-base", 0.25, 0.30, 0.35, 1.0, 0.15, 0, 12, 13),
    ("2a", "2-flat", 0.50, 0.50, 0.70, 1.0, 0.00, 0, 20, 14),
    ("2b", "2-loop", 0.50, 0.55, 0.65, 1.0, 0.15, 0, 18, 15),
    ("2c", "2-z", 0.45, 0.45, 0.60, 1.0, 0.00, 0, 26, 16),
    ("2d", "2-flat", 0.22, 0.75, 0.30, 1.0, 0.20, 0, 10, 17),
    ("2e", "2-flat", 0.55, 0.50, 0.80, 1.2, 0.25, -5, 32, 18),
    ("2f", "2-loop", 0.70, 0.30, 0.40, 0.9, -0.05, 0, 14, 19),
    ("3a", "3-round", 0.50, 0.50, 0.72, 1.0, 0.00, 0, 20, 20),
    ("3b", "3-flat-top", 0.50, 0.50, 0.70, 1.0, 0.10, 0, 22, 21),
    ("3c", "3-round", 0.75, 0.25, 0.32, 1.0, 0.20, 0, 12, 22),
    ("3d", "3-round", 0.50, 0.52, 0.80, 1.15, 0.25, 0, 30, 23),
    ("3e", "3-flat-top", 0.30, 0.70, 0.40, 0.9, 0.00, 8, 10, 24),
    ("3f", "3-round", 0.50, 0.45, 0.55, 0.8, -0.10, 0, 36, 25),
    ("4a", "4-open", 0.50, 0.50, 0.72, 1.0, 0.00, 0, 20, 26),
    ("4b", "4-closed", 0.50, 0.50, 0.70, 1.0, 0.05, 0, 22, 27),
    ("4c", "4-closed-2", 0.45, 0.55, 0.65, 1.0, 0.25, 0, 16, 28),
    ("4d", "4-open", 0.25, 0.25, 0.32, 1.0, 0.10, 0, 12, 29),
    ("4e", "4-closed", 0.55, 0.50, 0.80, 1.2, 0.00, -6, 32, 30),
    ("4f", "4-open", 0.72, 0.70, 0.42, 0.9, 0.20, 0, 10, 31),
    ("5a", "5-two", 0.50, 0.50, 0.70, 1.0, 0.00, 0, 20, 32),
    ("5b", "5-one", 0.50, 0.52, 0.72, 1.0, 0.15, 0, 18, 33),
    ("5c", "5-two", 0.78, 0.75, 0.30, 1.0, 0.10, 0, 10, 34),
    ("5d", "5-one", 0.45, 0.50, 0.80, 1.2, 0.30, 0, 28, 35),
    ("5e", "5-two", 0.50, 0.45, 0.55, 0.9, -0.05, 5, 34, 36),
    ("5f", "5-one", 0.28, 0.30, 0.40, 1.0, 0.20, 0, 14, 37),
    ("6a", "6-loop", 0.50, 0.50, 0.72, 1.0, 0.00, 0, 20, 38),
    ("6b", "6-straight", 0.50, 0.50, 0.70, 1.0, 0.20, 0, 18, 39),
    ("6c", "6-loop", 0.25, 0.75, 0.32, 1.0, 0.10, 0, 12, 40),
    ("6d", "6-loop", 0.55, 0.50, 0.80, 1.2, 0.25, 0, 30, 41),
    ("6e", "6-straight", 0.70, 0.30, 0.42, 0.9, 0.00, -8, 10, 42),
    ("6f", "6-loop", 0.50, 0.45, 0.55, 0.9, 0.05, 0, 36, 43),
    ("7a", "7-plain", 0.50, 0.50, 0.70, 1.0, 0.00, 0, 20, 44),
    ("7b", "7-bar", 0.50, 0.50, 0.72, 1.0, 0.05, 0, 20, 45),
    ("7c", "7-curved", 0.50, 0.52, 0.75, 1.0, 0.15, 0, 24, 46),
    ("7d", "7-plain", 0.78, 0.25, 0.30, 1.0, 0.10, 0, 10, 47),
    ("7e", "7-bar", 0.45, 0.55, 0.80, 1.2, 0.25, 0, 32, 48),
    ("7f", "7-plain", 0.30, 0.65, 0.45, 0.9, -0.05, 6, 14, 49),
    ("7g", "7-curved", 0.55, 0.45, 0.55, 1.1, 0.00, 0, 36, 50),
    ("8a", "8-one", 0.50, 0.50, 0.75, 1.0, 0.00, 0, 20, 51),
    ("8b", "8-two", 0.50, 0.50, 0.72, 1.0, 0.05, 0, 18, 52),
    ("8c", "8-one", 0.22, 0.72, 0.32, 1.0, 0.15, 0, 12, 53),
    ("8d", "8-one", 0.55, 0.50, 0.82, 1.2, 0.25, 0, 28, 54),
    ("8e", "8-two", 0.72, 0.30, 0.42, 0.9, 0.10, -6, 10, 55),
    ("8f", "8-one", 0.50, 0.45, 0.55, 1.0, -0.05, 0, 34, 56),
    ("9a", "9-straight", 0.50, 0.50, 0.72, 1.0, 0.00, 0, 20, 57),
    ("9b", "9-curved", 0.50, 0.50, 0.70, 1.0, 0.15, 0, 18, 58),
    ("9c", "9-two", 0.48, 0.52, 0.72, 1.0, 0.05, 0, 22, 59),
    ("9d", "9-straight", 0.75, 0.75, 0.30, 1.0, 0.20, 0, 10, 60),
    ("9e", "9-curved", 0.45, 0.50, 0.80, 1.2, 0.25, 0, 30, 61),
    ("9f", "9-straight", 0.28, 0.30, 0.42, 0.9, 0.00, 7, 14, 62),
    ("9g", "9-two", 0.50, 0.45, 0.55, 1.0, -0.05, 0, 36, 63),
    ("0g", "0-open", 0.75, 0.28, 0.35, 1.0, 0.05, 0, 14, 64),
]

STYLE = {  # plain words for each glyph, stored with the drawing
    "0-oval": "oval 0", "0-round": "round 0", "0-open": "0 left open at the top",
    "1-stick": "1 as one straight stroke", "1-flag": "1 with a flag, no base", "1-flag-base": "1 with a flag and a base",
    "2-flat": "2 with a flat base", "2-loop": "2 with a loop at the bottom", "2-z": "angular, Z-like 2",
    "3-round": "3 with two round bowls", "3-flat-top": "3 with a flat top", "4-open": "open 4 (two strokes)",
    "4-closed": "closed 4 in one stroke", "4-closed-2": "closed 4 in two strokes",
    "5-two": "5 in two strokes (bar last)", "5-one": "5 in one stroke (bar first)",
    "6-loop": "6 with a curved top", "6-straight": "6 with a straight top", "7-plain": "7 without a cross bar",
    "7-bar": "7 with a cross bar", "7-curved": "7 with a curved stem", "8-one": "8 in one stroke",
    "8-two": "8 as two loops", "9-straight": "9 with a straight stem", "9-curved": "9 with a curved stem",
    "9-two": "9 in two strokes",
}


def resample(points: list[tuple[float, float]], spacing: float) -> np.ndarray:
    """Points along the polyline about `spacing` apart (its corners kept), (n, 2)."""
    P = np.asarray(points, dtype=float)
    out = [P[0]]
    for a, b in zip(P[:-1], P[1:]):
        n = max(1, int(np.ceil(np.linalg.norm(b - a) / spacing)))
        out.extend(a + (b - a) * t for t in np.arange(1, n + 1) / n)
    return np.array(out)


def place(glyph: str, cx, cy, h, wf, slant, rot, seed) -> list[list[list[float]]]:
    width, strokes = GLYPHS[glyph]
    rng = np.random.default_rng(seed)
    c, s = math.cos(math.radians(rot)), math.sin(math.radians(rot))
    placed = []
    for k, stroke in enumerate(strokes):
        P = np.asarray(stroke, dtype=float)
        x = (P[:, 0] - width / 2) * wf + slant * (0.5 - P[:, 1])  # unit box, centred; shear leans the top right
        y = P[:, 1] - 0.5
        x, y = h * (c * x + s * y), h * (-s * x + c * y)          # scale to the canvas, rotate anticlockwise
        Q = resample(list(zip(x + cx, y + cy)), SPACING)
        # The hand's wobble: two slow sinusoids per axis along the stroke, random phases.
        u = np.linspace(0, 1, len(Q))[:, None]
        f, phase = rng.uniform(0.5, 2.0, (2, 2)), rng.uniform(0, 2 * np.pi, (2, 2))
        Q = Q + WOBBLE * 0.5 * (np.sin(2 * np.pi * f[0] * u + phase[0]) + np.sin(2 * np.pi * f[1] * u + phase[1]))
        placed.append([[round(float(a), 4), round(float(b), 4)] for a, b in Q])
    return placed


def build() -> dict:
    digits = []
    for id_, glyph, cx, cy, h, wf, slant, rot, brush, seed in DRAWINGS:
        digits.append({"id": id_, "digit": int(glyph[0]), "brush": brush, "style": STYLE[glyph],
                       "strokes": place(glyph, cx, cy, h, wf, slant, rot, seed)})
    digits.sort(key=lambda d: d["id"])
    return {"canvas": CANVAS, "units": "fractions of the canvas side, x to the right, y down",
            "made": "authored as point lists by scripts/author_handdrawn.py on 2026-12-01; frozen before tuning",
            "digits": digits}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sheet", type=Path, help="also write a contact sheet of the offline renders here")
    args = ap.parse_args()
    data = build()
    ids = [d["id"] for d in data["digits"]]
    assert len(set(ids)) == len(ids), "duplicate ids"
    outside = sorted({d["id"] for d in data["digits"] for stroke in d["strokes"] for x, y in stroke
                      if not (0.03 <= x <= 0.97 and 0.05 <= y <= 0.97)})
    if outside:  # off the canvas, or too close to its edge for the mouse
        raise SystemExit(f"points outside the drawing area: {outside}")
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"{len(data['digits'])} digits -> {OUT}")
    if args.sheet:
        from PIL import Image, ImageDraw

        from devtools.handdrawn import load_set, render
        drawn = load_set(OUT)
        cell, cols = 140, 8
        sheet = Image.new("L", (cols * cell, -(-len(drawn) // cols) * (cell + 16)), 60)
        pen = ImageDraw.Draw(sheet)
        for i, d in enumerate(drawn):
            x, y = (i % cols) * cell, (i // cols) * (cell + 16)
            sheet.paste(Image.fromarray(render(d)).resize((cell - 4, cell - 4)), (x + 2, y + 2))
            pen.text((x + 4, y + cell - 2), f"{d.id} b{d.brush}", fill=255)
        sheet.save(args.sheet)
        print(f"contact sheet -> {args.sheet}")


if __name__ == "__main__":
    main()
