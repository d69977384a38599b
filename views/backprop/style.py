"""The Backprop page's own CSS: equations that fit a phone.

KaTeX draws display maths at 1.21em; on a screen narrower than 640 px the page's
equations are set at 0.92em instead (about 14.7 px), so the widest tables (the tiny network's
Z2 row and the mini-batch's dZ2, whose sums carry the digits it takes to add up: 378 px at
1em) fit a 390 px phone's 358 px column. Nothing is hidden behind a sideways scroll. A
highlighted cell (a colorbox) reaches a few pixels past its table: the displays get that
much padding, so it never turns into a scroll bar. The tiny network's equations, two columns
side by side on a desktop, are set at 1em everywhere. The table of why each score moved (six
columns of numbers) is set smaller and tighter on a phone, so it fits its column too.
Leaves out: the app's theme (.streamlit/config.toml) and other pages' styles.
"""
from __future__ import annotations

import streamlit as st

CSS = """<style>
[data-testid="stMain"] .katex-display { padding: 0 6px; }
.st-key-tiny-view-equations .katex-display > .katex { font-size: 1em; }
@media (max-width: 640px) {
  [data-testid="stMain"] .katex-display > .katex { font-size: 0.92em; }
  table.nn-why { font-size: 0.74rem !important; }
  table.nn-why th, table.nn-why td { padding: 2px 3px !important; }
}
</style>"""


def apply() -> None:
    st.html(CSS)
