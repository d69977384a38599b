"""Predict-then-reveal questions whose answers are computed from the live numbers.

A Question is a prompt, a few choices, the index of the right one and an explanation, all
built by the page from the numbers it is showing (the current model, example, learning
rate): "which way will W2[17, 3] move after this step?" is answered from the sign of
dW2[17, 3], not from a key written in advance. `ask` shows it as a radio group with no
choice made; picking one reveals at once whether it was right, and why.

    q = Question("backprop.q.w2", "Which way will W2[17, 3] move?", ("up", "down", "it stays"),
                 answer=1, explanation="dW2[17, 3] = 0.042 > 0, and a step subtracts α·dW.")
    ask(q)            # one question
    ask_all([q, ...]) # several, numbered, in a fragment (answering reruns only them)
    markup([q, ...])  # several as HTML answered in the browser (after enable_in_browser())

A question's widget key is its `key` plus a fingerprint of its text and answer: when the
live numbers change the question (another unit, another answer after a step), it is a new
question with nothing chosen, never an old answer judged against new numbers.
`markup` is for views redrawn on every interaction (Draw's, after each stroke): the same
questions as native radio buttons inside the view's own HTML (no widget, so answering reruns
nothing and a stroke re-renders no widget), with the verdict and the explanation written
into the page, hidden until a choice is made; a script installed once per browser tab
(`enable_in_browser`) reveals the one that applies. Nothing is sent to the server.
Leaves out: which questions to ask (each page builds its own, e.g. views/backprop/checks.py).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from html import escape
from typing import Sequence

import streamlit as st

from ui import markup as md


@dataclass(frozen=True)
class Question:
    key: str                  # a stable name with the page's prefix, e.g. "backprop.q.w2"
    prompt: str               # Markdown
    choices: tuple[str, ...]  # what the student picks from (plain text)
    answer: int               # index of the right choice, computed from the live numbers
    explanation: str          # Markdown: why, with the numbers

    def __post_init__(self):
        if len(self.choices) < 2 or not 0 <= self.answer < len(self.choices):
            raise ValueError(f"question {self.key!r}: answer {self.answer} is not one of {len(self.choices)} choices")

    @property
    def widget_key(self) -> str:
        text = "\x1f".join((self.prompt, *self.choices, str(self.answer)))
        return f"{self.key}.{hashlib.sha1(text.encode()).hexdigest()[:10]}"


def ask(q: Question, number: int | None = None) -> bool | None:
    """Show one question; returns True/False once answered (right or not), None before."""
    label = f"**{number}.** {q.prompt}" if number is not None else q.prompt
    picked = st.radio(label, range(len(q.choices)), index=None, key=q.widget_key,
                      format_func=lambda i: q.choices[i], horizontal=len(q.choices) <= 4 and
                      sum(map(len, q.choices)) <= 48, help="Pick an answer to see whether it is right, and why.")
    if picked is None:
        return None
    right = picked == q.answer
    if right:
        st.success(f"Right: {q.choices[q.answer]}. {q.explanation}", icon=":material/check_circle:")
    else:
        st.error(f"Not quite: the answer is {q.choices[q.answer]}. {q.explanation}", icon=":material/cancel:")
    return right


def ask_all(questions: Sequence[Question]) -> None:
    """Several questions, numbered 1, 2, ..., in a fragment: answering one reruns only the
    questions, not the page around them (their numbers were computed by the page's last run)."""
    _ask_all(list(questions))


@st.fragment
def _ask_all(questions: list[Question]) -> None:
    for k, q in enumerate(questions, start=1):
        ask(q, k)


def markup(questions: Sequence[Question], heading: str = "Check your understanding") -> str:
    """Several questions, numbered, as HTML answered in the browser (see the module's docstring):
    each a fieldset of radio buttons, the right and the wrong verdict hidden after it."""
    if not questions:
        return ""
    parts = [md.heading(heading), md.caption("Pick an answer to see whether it is right, and why.")]
    for k, q in enumerate(questions, start=1):
        name = escape(q.widget_key)
        choices = "".join(f'<label><input type="radio" name="{name}" value="{i}"> {escape(c)}</label>'
                          for i, c in enumerate(q.choices))
        right = md.inline(f"**Right:** {q.choices[q.answer]}. {q.explanation}")
        wrong = md.inline(f"**Not quite:** the answer is {q.choices[q.answer]}. {q.explanation}")
        parts.append(f'<fieldset class="nn-q" data-answer="{q.answer}"><legend><strong>{k}.</strong> '
                     f'{md.inline(q.prompt)}</legend><div class="nn-q-choices">{choices}</div>'
                     f'<div class="nn-q-verdict" role="status" aria-live="polite">'
                     f'<p class="nn-q-right" hidden>{right}</p><p class="nn-q-wrong" hidden>{wrong}</p></div></fieldset>')
    return "".join(parts)


_SCRIPT = """<script>
(() => {
  if (window.__nnQuestions) return;           // one per browser tab
  window.__nnQuestions = true;
  document.addEventListener("change", (event) => {
    const box = event.target.closest && event.target.closest("fieldset.nn-q");
    if (!box || event.target.type !== "radio") return;
    const right = event.target.value === box.dataset.answer;
    box.querySelector(".nn-q-right").hidden = !right;   // the verdicts sit in a live region: read out
    box.querySelector(".nn-q-wrong").hidden = right;
  }, true);
})();
</script>"""


def enable_in_browser() -> None:
    """Install the script that answers `markup` questions (once per page; later calls do nothing
    in the browser)."""
    st.html(_SCRIPT, unsafe_allow_javascript=True)
