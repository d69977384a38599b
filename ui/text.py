"""Teaching text lives in assets/text/*.md, one `## part` per piece; pages show it with
`show(name, part)` or take it with `section(name, part)`.

Text that quotes live numbers has str.format placeholders ("{n} units"); `fill` puts the
numbers in, so the words stay in Markdown and every number is computed where it is shown.
Text that depends on the activation has one part per activation ("## Layer relu", ...).
Leaves out: labels of controls and chart titles (they stay next to the code they name).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import streamlit as st

from ui.plaintext import quote  # noqa: F401 (re-exported: messages quote user text with it)

TEXT = Path(__file__).resolve().parent.parent / "assets" / "text"


@lru_cache(maxsize=None)
def load(name: str) -> str:
    return (TEXT / f"{name}.md").read_text(encoding="utf-8")


def section(name: str, part: str) -> str:
    """The part of assets/text/NAME.md under the heading `## part` (up to the next `## `)."""
    text = load(name)
    marker = f"## {part}\n"
    start = text.index(marker) + len(marker)
    end = text.find("\n## ", start)
    return text[start:end if end >= 0 else None].strip()


def fill(name: str, part: str, /, **values) -> str:
    """section(name, part) with its {placeholders} replaced by values (str.format)."""
    return section(name, part).format(**values)


def show(name: str, part: str | None = None) -> None:
    st.markdown(section(name, part) if part else load(name))
