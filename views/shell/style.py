"""The page-level style every page shares (assets/app.css): caption contrast, focus rings,
visually hidden text alternatives, the light charts, and the phone layout of Draw; and a
script that makes regions scrolling sideways (long equations) reachable with the keyboard.

The colours CSS uses come from ui/colors.py as custom properties (--nn-ink, ...); the theme's
own colours and fonts are in .streamlit/config.toml. Leaves out: the style of single elements
(set where they are made).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import streamlit as st

from ui import colors

CSS = Path(__file__).resolve().parents[2] / "assets" / "app.css"


@lru_cache(maxsize=1)
def _css() -> str:
    return colors.css_variables() + CSS.read_text(encoding="utf-8")


# A region that scrolls sideways (a long equation) must be reachable with the keyboard: the
# browser only lets Tab reach it, and arrow keys scroll it, when it is focusable.
_SCROLL_REGIONS = """<script>
(() => {
  if (window.__nnScrollRegions) return;
  window.__nnScrollRegions = true;
  const mark = () => {
    for (const el of document.querySelectorAll('.katex-display')) {
      if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute('tabindex')) {
        el.setAttribute('tabindex', '0');
        el.setAttribute('role', 'region');
        el.setAttribute('aria-label', 'Equation, wider than the page: scroll it sideways');
      }
    }
  };
  let queued = false;
  new MutationObserver(() => {
    if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; mark(); }); }
  }).observe(document.body, {childList: true, subtree: true});
  addEventListener('resize', mark);
  mark();
})();
</script>"""


def apply() -> None:
    st.html(f"<style>{_css()}</style>{_SCROLL_REGIONS}", unsafe_allow_javascript=True)
