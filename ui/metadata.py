"""The text a model file brings with it, as the app shows it: the file's name and the notes
about what of its header was left out.

The header itself has been through `nn_core.files.header.clean_metadata` (inside `load_model`):
its settings, scores and history are well-formed or absent, and `meta["notes"]` says in
plain sentences what was dropped. What is left here is text that a stranger chose: the
uploaded file's name, and notes that may quote the file. Both are shown as plain text
(`st.text`), never as Markdown: a name such as `![x](https://example.org/x.png)` must not
make the visitor's browser fetch anything. A score the file claims is measured instead
(session/scores.py: `measured`): the test accuracy shown is the model's own. Leaves out: the checks
themselves (nn_core).
"""
from __future__ import annotations

import streamlit as st

MAX_NAME = 60


def file_name(name: object) -> str:
    """A file name fit to show: printable characters only, one line, at most MAX_NAME long."""
    text = " ".join("".join(c if c.isprintable() else " " for c in str(name)).split()) or "unnamed file"
    return text if len(text) <= MAX_NAME else text[:MAX_NAME - 1] + "…"


def show_name(name: str) -> None:
    """A model's name (perhaps a stranger's file name) as plain text."""
    st.text(name)


def show_notes(notes: list[str]) -> None:
    """What was left out of a file or replaced, in one box, a plain-text line each (a note may quote the file)."""
    if notes:
        with st.container(border=True, key="upload.notes"):
            st.markdown(":material/info: **Not everything the file says is used:**")
            st.text("\n".join(f"• {n}" for n in notes))
