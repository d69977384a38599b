"""The Compare page's teaching pairs: a button per pair with its estimated time on this server,
the pair in training (its progress and time left, or its place in line) with Cancel, and, when
both runs have ended, those two runs chosen on every view of the page.

A pair trains in the background (session/pairs.py), so the student may leave the page: the
sidebar says how it goes, and the page shows the two runs whenever it is next open.
Leaves out: training the pair (session/pairs.py) and the views of the runs (app_pages/compare.py).
"""
from __future__ import annotations

import streamlit as st

from nn_core import PAIRS, specs
from server import estimate, resources
from session import pairs
from ui import text
from ui.numbers import duration, ordinal

PROGRESS_SECONDS = 0.5  # redraws of the progress bar while a pair trains (<= 2 a second)


def seconds(name: str) -> float:
    """The pair's estimated training time on this server: both runs, each at most its limit."""
    return sum(estimate.seconds(c, pairs.TIME_LIMIT) for c in PAIRS[name].configs())


def buttons() -> None:
    """One button per pair (disabled, with the reason, while the session trains something)."""
    fields, busy = specs(), pairs.busy()
    for col, pair in zip(st.columns(len(PAIRS)), PAIRS.values()):
        a = pair.configs()[0]
        differs = f"{fields[pair.field].label or pair.field}: {pair.labels[0]} vs {pair.labels[1]}"
        col.button(pair.title, key=f"compare.pair.{pair.name}", icon=":material/compare_arrows:", width="stretch",
                   disabled=bool(busy), on_click=pairs.start, args=(pair.name,),
                   help=f"{pair.question} Trains two runs of {'-'.join(map(str, a.layer_sizes))} that differ only in "
                        f"{differs}: about {duration(seconds(pair.name))} of training in all on this server now, in "
                        "the background (you may look at other pages meanwhile).")
        col.caption(pair.question)
    if pairs.active():
        progress()
        st.button("Cancel the pair", key="compare.pair_cancel", icon=":material/close:", on_click=pairs.cancel,
                  help="Stop training the pair (or leave the line). Its runs are not kept; nothing else changes.")
    elif busy:
        st.info(busy, icon=":material/hourglass_top:")
    note = st.session_state["pairs.note"]
    if note:
        st.warning(note, icon=":material/warning:")


@st.fragment(run_every=PROGRESS_SECONDS)
def progress() -> None:
    """The pair in training: which run, its steps, the time both still need; or its place in line."""
    j = pairs.job()
    if j is None:  # it has just ended: the session's tick reruns the whole page
        return
    if j.queued:
        place, wait = pairs.place()
        if place == 0:
            st.info("A training slot is free: your pair is starting.", icon=":material/hourglass_top:")
            return
        n = resources.limits().max_trainings
        when = f"in about {duration(wait)}" if wait >= 1 else "any moment now"
        st.info(f"Every training slot on this server is in use ({n} run{'s' if n > 1 else ''} at once, so that the "
                f"app stays quick for everyone). Your pair is **{ordinal(place)} in line**: it starts by itself "
                f"{when}. Keep this tab open (any page will do).", icon=":material/hourglass_top:")
        return
    i = j.current()
    p = j.trainers[i].progress()
    left = j.seconds_left()
    st.progress(min(1.0, p.fraction), text=f"{j.pair.title}: run {i + 1} of 2 ({j.pair.labels[i]}), step "
                f"{p.step:,} of {p.total_steps:,} · about {duration(left)} of training left")
    st.caption(text.section("compare", "Pair training"))


def chosen() -> tuple[int, ...]:
    """The two runs of a pair that has just ended (once), chosen on the page's views; else ()."""
    done = pairs.take_done()
    if len(done) == 2:
        st.session_state["compare.shown"] = list(done)
        st.session_state["compare.a"], st.session_state["compare.b"] = done
    return done
