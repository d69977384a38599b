"""The lesson's questions, asked before the chart or table that answers them: pick an answer,
press **Check**, and only then see whether it was right and a one-line why.

Built on ui/questions.py's Question (prompt, choices, answer, explanation, all computed from the
live numbers by views/backprop/checks.py). Each question is a small form: choosing an option
sends nothing; "Check" sends the choice and reveals the verdict, which stays while the question
is the same (its widget key is a fingerprint of its text and answer: after a step the next
press's question is a new one, asked afresh). The verdicts live under "backprop.checked".
Leaves out: a class poll of the answers (ui/questions.py's concern, issue 18).
"""
from __future__ import annotations

from typing import Sequence

import streamlit as st

from ui.questions import Question

CHECKED = "backprop.checked"  # {question widget key: the index checked}
KEEP = 40                     # verdicts remembered (older questions are gone from the page anyway)


def _check(q: Question) -> None:
    picked = st.session_state.get(q.widget_key)
    if picked is None:
        return
    checked = dict(st.session_state.get(CHECKED, {}))
    checked[q.widget_key] = int(picked)
    st.session_state[CHECKED] = dict(list(checked.items())[-KEEP:])


def ask(q: Question, number: int | None = None) -> bool | None:
    """One question: a radio group and a Check button; True/False once checked, None before."""
    label = f"**{number}.** {q.prompt}" if number is not None else q.prompt
    horizontal = len(q.choices) <= 4 and sum(map(len, q.choices)) <= 36
    with st.form(key=f"{q.widget_key}.form", border=False, enter_to_submit=False):
        left, right = st.columns([3, 1], vertical_alignment="bottom")  # Check beside the choices (under them on a phone)
        left.radio(label, range(len(q.choices)), index=None, key=q.widget_key, format_func=lambda i: q.choices[i],
                   horizontal=horizontal, help="Pick an answer, then press Check.")
        right.form_submit_button("Check", on_click=_check, args=(q,), help="See whether your answer is right, and why.")
    picked = st.session_state.get(CHECKED, {}).get(q.widget_key)
    if picked is None:
        return None
    right = picked == q.answer
    if right:
        st.success(f"Right: {q.choices[q.answer]}. {q.explanation}", icon=":material/check_circle:")
    else:
        st.error(f"Not quite: you said {q.choices[picked]}; the answer is {q.choices[q.answer]}. {q.explanation}",
                 icon=":material/cancel:")
    return right


def ask_all(questions: Sequence[Question], columns: int = 1, first: int = 1) -> None:
    """Several questions, numbered from `first` (a page numbers its questions through), in a
    fragment (checking one reruns only them), in up to `columns` columns on a wide screen (one
    under another on a phone)."""
    _ask_all(list(questions), columns, first)


@st.fragment
def _ask_all(questions: list[Question], columns: int, first: int) -> None:
    cols = st.columns(columns, gap="large") if columns > 1 and len(questions) > 1 else [st.container()]
    for k, q in enumerate(questions):
        with cols[k % len(cols)]:
            ask(q, first + k)
