"""Teaching text lives in assets/text/*.md; pages show it with `show(name)`."""
from __future__ import annotations

from functools import lru_cache

import streamlit as st

from .plaintext import quote  # noqa: F401 (re-exported: messages quote user text with it)
from .resources import ASSETS


@lru_cache(maxsize=None)
def load(name: str) -> str:
    return (ASSETS / "text" / f"{name}.md").read_text(encoding="utf-8")


def section(name: str, part: str) -> str:
    """The part of assets/text/NAME.md under the heading `## part` (up to the next `## `)."""
    text = load(name)
    marker = f"## {part}\n"
    start = text.index(marker) + len(marker)
    end = text.find("\n## ", start)
    return text[start:end if end >= 0 else None].strip()


def show(name: str, part: str | None = None) -> None:
    st.markdown(section(name, part) if part else load(name))
