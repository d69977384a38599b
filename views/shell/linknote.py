"""A note for Train settings in a link that opens another page.

The Train page reads its settings (lr, hidden, preset, ...) from the link it is opened with
(views/train/settings.py); a link such as /draw?lr=10 used to be silently ignored. Here, at
a session's first run, the link's Train keys on any other page are named in one plain note
(shown on that page). `lesson`, `projector` and `step` hold on every page and are not Train keys.
Leaves out: reading the values (links/query.py).
"""
from __future__ import annotations

import streamlit as st

from links.query import REGISTRY
from ui.plaintext import quote

APP_WIDE = {"lesson", "projector", "step", "teacher"}
KEY = "links.elsewhere"  # (page url, note) found at the session's first run, or None


def read_once(page_url: str) -> None:
    if "links.elsewhere.read" in st.session_state:
        return
    st.session_state["links.elsewhere.read"] = True
    st.session_state[KEY] = None
    if page_url == "train":
        return
    keys = [k for k in st.query_params if k in REGISTRY and k not in APP_WIDE]
    if keys:
        shown = ", ".join(f"{k}={quote(st.query_params.get(k, ''), 20)}" for k in keys[:4]) + (", …" if len(keys) > 4 else "")
        st.session_state[KEY] = (page_url, f"The link's {shown} {'is a setting' if len(keys) == 1 else 'are settings'} "
                                           "of the Train page, which reads them only from a link that opens Train "
                                           "(…/train?…): not used here.")


def show(page_url: str) -> None:
    found = st.session_state.get(KEY)
    if found and found[0] == page_url:
        st.info(found[1], icon=":material/link:")
