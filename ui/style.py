"""The page-level style every page shares (assets/app.css): caption contrast, focus rings,
visually hidden text alternatives, the light charts, and the phone layout of Draw.

Colours and fonts of the theme itself are in .streamlit/config.toml. Leaves out: the style
of single elements (set where they are made).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import streamlit as st

CSS = Path(__file__).resolve().parent.parent / "assets" / "app.css"


@lru_cache(maxsize=1)
def _css() -> str:
    return CSS.read_text(encoding="utf-8")


def apply() -> None:
    st.html(f"<style>{_css()}</style>")
