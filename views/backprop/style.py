"""The Backprop page's own CSS: equations that fit a phone.

KaTeX draws display maths at 1.21em; on a screen narrower than 640 px the page's
equations are set at 1em instead, so the widest table (about 420 px at desktop size)
fits a 390 px phone's 358 px column. Nothing is hidden behind a sideways scroll. A
highlighted cell (a colorbox) reaches a few pixels past its table: the displays get that
much padding, so it never turns into a scroll bar.
Leaves out: the app's theme (.streamlit/config.toml) and other pages' styles.
"""
from __future__ import annotations

import streamlit as st

CSS = """<style>
[data-testid="stMain"] .katex-display { padding: 0 6px; }
@media (max-width: 640px) {
  [data-testid="stMain"] .katex-display > .katex { font-size: 1em; }
}
</style>"""


def apply() -> None:
    st.html(CSS)
