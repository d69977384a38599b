"""Where this session is in the guided lesson: the step, and whether the lesson's panel is open.

lesson.step   the step (1..n) once the lesson has started, else None; kept when the student
              leaves the lesson, so "Back to the lesson" returns to it
lesson.open   the panel is shown (False before the start and after "Leave the lesson")
lesson.visit  bumped by every Back, Next, start and return: the page scrolls to the step's
              element again (a rerun of the same step leaves the page where the student put it)
lesson.read   the link's `step=k` is read once per session

Every change goes through the functions here. Leaves out: the steps themselves and the panel
(views/shell/lesson.py).
"""
from __future__ import annotations

import streamlit as st


def step() -> int | None:
    return st.session_state["lesson.step"]


def is_open() -> bool:
    return bool(st.session_state["lesson.open"]) and step() is not None


def visit() -> int:
    return int(st.session_state["lesson.visit"])


def go(k: int) -> None:
    """Open the lesson at step k (the caller checks that k is a step)."""
    st.session_state["lesson.step"] = int(k)
    st.session_state["lesson.open"] = True
    st.session_state["lesson.visit"] += 1


def leave() -> None:
    """Close the panel; the step is kept for "Back to the lesson"."""
    st.session_state["lesson.open"] = False


def link_read() -> bool:
    """True once; False the first time (the caller then reads the link's step)."""
    done = bool(st.session_state["lesson.read"])
    st.session_state["lesson.read"] = True
    return done
