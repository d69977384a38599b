"""Compare's teaching pairs: one button per pair (nn_core/pairs.py), each training two short
runs one setting apart, and what the press did.

Drawn before the widgets the pairs set (the runs shown, models A and B), so a finished pair
can choose them. Leaves out: training the pair (session/runs.py).
"""
from __future__ import annotations

import streamlit as st

from nn_core import PAIRS, specs
from session import runs
from ui import text

FIELDS = specs()


def section() -> None:
    """The pair buttons; a press trains the pair and shows it on every view below."""
    st.caption(text.section("compare", "Pairs"))
    busy = runs.busy()
    pressed = None
    for col, pair in zip(st.columns(len(PAIRS)), PAIRS.values()):
        a = pair.configs()[0]
        differs = f"{FIELDS[pair.field].label or pair.field}: {pair.labels[0]} vs {pair.labels[1]}"
        if col.button(pair.title, key=f"compare.pair.{pair.name}", icon=":material/compare_arrows:", width="stretch",
                      disabled=bool(busy), help=f"{pair.question} Trains two runs of "
                      f"{'-'.join(map(str, a.layer_sizes))} that differ only in {differs}."):
            pressed = pair.name
        col.caption(pair.question)
    if busy:
        st.info(busy, icon=":material/hourglass_top:")
    if pressed:
        bar = st.progress(0.0, text="Starting…")
        new, why = runs.train_pair(pressed, lambda f, s: bar.progress(min(1.0, max(0.0, f)), text=s))
        bar.empty()
        st.session_state["compare.error"] = why or None
        if new:  # show the pair on every view below
            st.session_state["compare.shown"] = [r.id for r in new]
            st.session_state["compare.a"], st.session_state["compare.b"] = new[0].id, new[1].id
    if st.session_state.get("compare.error"):
        st.warning(st.session_state["compare.error"], icon=":material/warning:")
