"""Predict-then-reveal questions whose answers are computed from the live numbers.

A Question is a prompt, a few choices, the index of the right one and a one-line why, all
built by the page from the numbers it is showing (the current model, example, learning
rate): "which way will W2[17, 3] move after this step?" is answered from the sign of
dW2[17, 3], not from a key written in advance. `ask` shows it as a radio group with no
choice made and a "Check my answer" button: the student commits first, and only then sees
whether it was right, and why. A committed answer stays (its radio group is then shown
locked), so a student cannot try every choice and count the last one.

    q = Question("backprop.q.w2", "Which way will W2[17, 3] move?", ("up", "down", "it stays"),
                 answer=1, explanation="dW2[17, 3] = 0.042 > 0, and a step subtracts α·dW.")
    ask(q)            # one question
    ask_all([q, ...]) # several, numbered, in a fragment (answering reruns only them)
    markup([q, ...])  # several as HTML answered in the browser (after enable_in_browser())

Who remembers a committed answer, and tells a class poll, is an `Answers` the app hands in
once (`remember_with`; views/shell/answers.py keeps them in the session and, on a class
link, counts them for the class). After a student has answered, `Answers.class_counts` may
return how the class answered so far: the widget then shows a bar per choice, the right
one green and the student's own orange. Nothing of the class is shown before.

Each question sits in a container keyed by its `key` (CSS class st-key-…), so a lesson step
can point at it. Its widgets' keys add a fingerprint of its text and answer: when the live
numbers change the question (another unit, another answer after a step), it is a new
question with nothing chosen, never an old answer judged against new numbers.
`markup` is for views redrawn on every interaction (Draw's, after each stroke): the same
questions as native radio buttons inside the view's own HTML (no widget, so answering reruns
nothing and a stroke re-renders no widget), with the verdict and the explanation written
into the page, hidden until a choice is made; a script installed once per browser tab
(`enable_in_browser`) reveals the one that applies. Nothing is sent to the server, so these
are never counted in a class poll (the lesson's questions use `ask`).
Leaves out: which questions to ask (each page builds its own, e.g. views/backprop/checks.py),
and where answers are kept (views/shell/answers.py).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from html import escape
from typing import Callable, Protocol, Sequence

import streamlit as st

from ui import markup as md
from ui.charts.svg import class_bars  # the class's answers as bars (a light chart)


@dataclass(frozen=True)
class Question:
    key: str                  # a stable name with the page's prefix, e.g. "backprop.q.w2"
    prompt: str               # Markdown
    choices: tuple[str, ...]  # what the student picks from (plain text)
    answer: int               # index of the right choice, computed from the live numbers
    explanation: str          # Markdown: why, with the numbers (one line)

    def __post_init__(self):
        if len(self.choices) < 2 or not 0 <= self.answer < len(self.choices):
            raise ValueError(f"question {self.key!r}: answer {self.answer} is not one of {len(self.choices)} choices")

    @property
    def widget_key(self) -> str:
        text = "\x1f".join((self.prompt, *self.choices, str(self.answer)))
        return f"{self.key}.{hashlib.sha1(text.encode()).hexdigest()[:10]}"

    @property
    def poll_id(self) -> str:
        """The question as a class poll counts it: its key and a fingerprint of its choices and
        answer (not of its prompt: students whose prompts quote different numbers but who pick
        from the same choices with the same answer are counted together)."""
        text = "\x1f".join((*self.choices, str(self.answer)))
        return f"{self.key}.{hashlib.sha1(text.encode()).hexdigest()[:8]}"

    def words(self, limit: int) -> str:
        """Its prompt, choices and answer as JSON of at most `limit` characters (for a teacher's
        view); a prompt that does not fit is cut and says so with an ellipsis."""
        body = {"prompt": self.prompt, "choices": list(self.choices), "answer": self.answer}
        out = json.dumps(body, ensure_ascii=False)
        if len(out) > limit:
            keep = max(0, len(self.prompt) - (len(out) - limit) - 1)
            out = json.dumps({**body, "prompt": self.prompt[:keep] + "…"}, ensure_ascii=False)
        return out if len(out) <= limit else json.dumps({"prompt": "…", "choices": [], "answer": 0})


class Answers(Protocol):
    """Where committed answers live (views/shell/answers.py: the session, and a class poll)."""

    def committed(self, q: Question) -> int | None:
        """The choice the student committed to for this very question, or None."""

    def commit(self, q: Question, choice: int) -> None:
        """Keep `choice` (a no-op once one is kept, or for a choice the question does not have)."""

    def class_counts(self, q: Question) -> tuple[list[int] | None, str | None]:
        """(how many of the class picked each choice, a note); counts only once this student
        has answered and on a class link; the note says why there are none, or None."""


class _Forgetful:
    """Answers that keep nothing (before the app has said where to keep them)."""

    def committed(self, q: Question) -> int | None:
        return None

    def commit(self, q: Question, choice: int) -> None:
        pass

    def class_counts(self, q: Question) -> tuple[list[int] | None, str | None]:
        return None, None


_source: list[Callable[[], Answers]] = [_Forgetful]


def remember_with(source: Callable[[], Answers]) -> None:
    """Where answers are kept: `source()` gives the Answers of the session running (app.py, once)."""
    _source[0] = source


def ask(q: Question, number: int | None = None, answers: Answers | None = None) -> bool | None:
    """Show one question; returns True/False once the student has committed (right or not), None before."""
    answers = answers or _source[0]()
    label = f"**{number}.** {q.prompt}" if number is not None else q.prompt
    names = dict(enumerate(q.choices))  # a dict's get, not a lambda: AppTest formats options outside the session
    horizontal = len(q.choices) <= 4 and sum(map(len, q.choices)) <= 48
    with st.container(key=q.key):
        done = answers.committed(q)
        if done is None:
            picked = st.radio(label, range(len(q.choices)), index=None, key=q.widget_key, format_func=names.get,
                              horizontal=horizontal, help="Pick an answer, then check it: the right answer, and why, "
                                                          "appear only once you have committed to yours.")
            st.button("Check my answer", key=f"{q.widget_key}.check", icon=":material/task_alt:",
                      disabled=picked is None, on_click=answers.commit, args=(q, picked),
                      help="Commits your answer (it cannot be changed afterwards) and shows whether it was right.")
            return None
        st.radio(label, range(len(q.choices)), index=done, key=f"{q.widget_key}.done", format_func=names.get,
                 horizontal=horizontal, disabled=True, help="Your committed answer.")
        right = done == q.answer
        if right:
            st.success(f"Right: {q.choices[q.answer]}. {q.explanation}", icon=":material/check_circle:")
        else:
            st.error(f"Not quite: the answer is {q.choices[q.answer]}. {q.explanation}", icon=":material/cancel:")
        counts, note = answers.class_counts(q)
        if counts is not None:
            st.html(class_bars(q.choices, counts, right=q.answer, mine=done,
                               title=f"Your class so far: {sum(counts)} answer{'s' if sum(counts) != 1 else ''}"))
        if note:
            st.caption(note)
        return right


def ask_all(questions: Sequence[Question], answers: Answers | None = None) -> None:
    """Several questions, numbered 1, 2, ..., in a fragment: answering one reruns only the
    questions, not the page around them (their numbers were computed by the page's last run)."""
    _ask_all(list(questions), answers or _source[0]())


@st.fragment
def _ask_all(questions: list[Question], answers: Answers) -> None:
    for k, q in enumerate(questions, start=1):
        ask(q, k, answers)


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
