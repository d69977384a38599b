"""The sidebar every page shares: the current model, and the training status."""
from __future__ import annotations

import math

import streamlit as st

from links import classroom
from session import pairs, state
from ui import metadata
from ui.numbers import percent


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "…"
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min"


def current_model() -> None:
    m, info = state.model(), state.info()
    st.markdown("#### Current model")
    metadata.show_name(info["name"])  # perhaps a stranger's file name: plain text, never Markdown
    st.markdown(f"`{'-'.join(map(str, m.layer_sizes))}` · {m.activation} · {m.n_params:,} parameters")
    acc = info.get("metrics", {}).get("test_accuracy")
    st.caption(f"Test accuracy {percent(acc)} · {info['source']}" if acc is not None else info["source"])


def training_status() -> None:
    t = state.trainer()
    st.markdown("#### Training")
    pair = pairs.job()
    if pair is not None:  # a teaching pair holds the session's slot: Train's run waits for it
        i = pair.current()
        doing = "waiting in line for a training slot" if pair.queued else \
            f"run {i + 1} of 2, step {pair.trainers[i].step_count:,} of {pair.trainers[i].total_steps:,}"
        st.caption(f"Teaching pair “{pair.pair.title}”: {doing} (see the Compare page).")
        return
    if state.queued():
        st.caption("Waiting in line for a training slot; the run starts by itself (see the Train page).")
        return
    if t is None:
        st.caption("No run yet. Start one on the Train page.")
        return
    p = t.progress()
    label = {"ready": "ready", "running": "running" if state.running() else "paused",
             "done": "finished", "diverged": "stopped: diverged", "stopped": "stopped: time limit"}[p.status]
    st.progress(p.fraction, text=f"{label} · step {p.step:,}/{p.total_steps:,}")
    val = f" · validation {percent(t.history.val_acc[-1])}" if t.history.val_acc else ""
    eta = f" · about {_duration(p.eta)} left" if state.running() else ""
    st.caption(f"epoch {p.current_epoch}/{p.epochs}{val}{eta}")


def class_lesson() -> None:
    """What a teacher's class link fixed, or why it is not used."""
    lesson, note = classroom.lesson(), st.session_state["class.note"]
    if note:
        st.warning(note, icon=":material/link_off:")
    if lesson:
        fixed = ", ".join(classroom.labels(lesson["hidden"])) or "nothing"
        st.info(f"**Class settings** from your teacher's link: preset {lesson['preset']}; fixed on the Train page: "
                f"{fixed}.", icon=":material/school:")
