"""Text from outside (a link, a file name) shown inside a message, so that no markup renders.

Pure: no Streamlit, so the link reader (links.py) and its fuzz test use it too.
"""
from __future__ import annotations


def quote(text: str, limit: int = 40) -> str:
    """User text echoed in a message: shortened, and as inline code, so no markup renders."""
    text = str(text).replace("`", "'").replace("\n", " ")
    return f"`{text[:limit]}{'…' if len(text) > limit else ''}`"
