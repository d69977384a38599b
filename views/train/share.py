"""The Train page's "Share with a class" panel: a class link from the current settings, and
the teacher's own link to the class's answers.

The teacher picks the settings to fix and hide, the page the link opens (or a step of the
guided lesson) and projector mode; the link's token is made and signed by links/classroom.py.
Every student who opens the link is in one class: their answers to the lesson's questions
are counted in the class poll, which the teacher's link (/class?teacher=…) shows live.
Leaves out: reading a class link (links/classroom.py), the teacher's view (views/teacher/).
"""
from __future__ import annotations

import streamlit as st

from links.classroom import DEFAULT_EXPIRY, EXPIRY_DAYS, expiry, expiry_text, make_token, teacher_token
from links.controls import controls
from links.query import REGISTRY
from server import resources
from views.shell import lesson, widgets
from views.shell.nav import LESSON, TEACHER


def _base_url() -> str:
    """The app's address without the page ("" where the browser has not said it, as in tests)."""
    url = (st.context.url or "").split("?")[0].rstrip("/")
    for p in LESSON:
        if p.url and url.endswith("/" + p.url):
            return url[: -len(p.url) - 1]
    return url


def share_panel() -> None:
    """On the Train page: make a class link from the current settings."""
    limits = resources.limits()
    options = [c.key for c in controls(limits)]
    label = {c.key: c.label for c in controls(limits)}
    widgets.keep_valid("train.share.fixed", widgets.entries_of(options), [])
    st.multiselect("Fix and hide these settings", options, key="train.share.fixed", format_func=label.get,
                   help="Students who open the link get these settings at their current values here, without "
                        "their controls; every other setting stays theirs to change.")
    steps = {0: "no: a page of my choice"} | {s.number: f"yes, at step {s.number}: {s.title} ({s.page.title})"
                                               for s in lesson.path()}
    step = st.selectbox("Opens the guided lesson", list(steps), format_func=steps.get, key="train.share.step",
                        help="The class follows the lesson's steps (Back / Next at the foot of the screen) from "
                             "this step, on its page. Their answers to its questions are counted for your class.")
    if step:
        page = lesson.path()[step - 1].page
    else:
        pages = [p for p in LESSON]
        page = st.selectbox("Opens on", pages, index=pages.index(next(p for p in LESSON if p.url == "train")),
                            key="train.share.page", format_func=lambda p: p.title,
                            help="The page the link opens; the class settings hold on every page.")
    st.toggle("Projector mode", key="train.share.projector",
              help="The link opens with larger text and thicker lines, for the screen at the front.")
    lasts = st.selectbox("The link works for", list(EXPIRY_DAYS), index=list(EXPIRY_DAYS).index(DEFAULT_EXPIRY),
                         key="train.share.expiry",
                         help="After that day students who open it get the app without the class settings, and a "
                              "note that the link has expired. Make a new link then.")
    expires = expiry(EXPIRY_DAYS.get(lasts, EXPIRY_DAYS[DEFAULT_EXPIRY]))
    preset = st.session_state.get("preset") or "fast"
    fixed = {k: REGISTRY[k].write(st.session_state[k], limits) for k in st.session_state["train.share.fixed"]
             if k in st.session_state}
    token = make_token(preset, fixed, st.session_state["train.share.projector"], expires)
    link = f"{_base_url()}/{page.url}?lesson={token}" + (f"&step={step}" if step else "")
    st.code(link, language=None, wrap_lines=True)
    shown = ", ".join(f"{label[k].lower()} {v}" for k, v in fixed.items()) or "no setting"
    st.caption(f"Preset {preset}; fixed and hidden: {shown}; works until {expiry_text(expires)} (UTC). "
               "Copy the link with the button at its right. "
               "A student who edits the link gets the app without the class settings, never different ones.")
    st.markdown("**Your own link**: how the class answers the lesson's questions, live (keep it to yourself).")
    st.code(f"{_base_url()}/{TEACHER.url}?teacher={teacher_token(token)}", language=None, wrap_lines=True)
    st.caption("It opens your class's answers for as long as the class link works. Answers are anonymous and "
               "forgotten a few hours after the last one.")
