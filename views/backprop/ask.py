"""The lesson's questions, asked before the chart or table that answers them: pick an answer,
press **Check my answer**, and only then see whether it was right and a one-line why.

The question widget is ui/questions.py's, the same on every page (commit, then reveal; the
committed answer is kept in the session by views/shell/answers.py and, for a lesson question
on a class link, counted in the class poll). The questions themselves (prompt, choices,
answer, explanation) are computed from the live numbers by views/backprop/checks.py; after a
step the next press's question is a new one, asked afresh. This module only lays them out:
numbered through the page, in columns on a wide screen.
Leaves out: what is asked (checks.py), where answers are kept (views/shell/answers.py).
"""
from __future__ import annotations

from typing import Sequence

import streamlit as st

from ui import questions
from ui.questions import Question


def ask(q: Question, number: int | None = None) -> bool | None:
    """One question; True/False once the student has committed, None before."""
    return questions.ask(q, number)


def ask_all(questions_: Sequence[Question], columns: int = 1, first: int = 1) -> None:
    """Several questions, numbered from `first` (a page numbers its questions through), in a
    fragment (answering one reruns only them), in up to `columns` columns on a wide screen (one
    under another on a phone)."""
    _ask_all(list(questions_), columns, first)


@st.fragment
def _ask_all(qs: list[Question], columns: int, first: int) -> None:
    cols = st.columns(columns, gap="large") if columns > 1 and len(qs) > 1 else [st.container()]
    for k, q in enumerate(qs):
        with cols[k % len(cols)]:
            questions.ask(q, first + k)
