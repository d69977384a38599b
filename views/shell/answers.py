"""Where a session's answers to the questions are kept, and counted for a class.

`ui.questions` draws a question and asks an `Answers` what the student has committed to;
this is that Answers for the running session (app.py hands `current` to the widget once).
A committed answer is kept in the session ("answers.committed": question widget key ->
choice, the last MAX_KEPT), never replaced. On a class link (links/classroom.py names the
class) an answer to one of the lesson's questions (the `ask` steps of assets/lesson.toml) is
also sent to the class poll (server/poll.py) under the question's poll id, with its words for
the teacher's view and an anonymous student id (a hash of the session's random id and the
class: no name, and nothing that links two classes). The student then sees how the class
answered so far, never before having answered. A poll that refuses (a class full, a store
that cannot be reached) costs the student nothing: the answer is kept here and a note says it
was not counted.
Leaves out: drawing the question (ui/questions.py), the store (server/poll.py) and the
teacher's view (views/teacher/).
"""
from __future__ import annotations

import hashlib
import logging

import streamlit as st

from server import poll
from ui.questions import Question
from views.shell import lesson

log = logging.getLogger(__name__)
KEY = "answers.committed"
NOTES = "answers.notes"  # widget key -> why the class poll did not count it
MAX_KEPT = 200           # committed answers a session keeps (a few bytes each)


def _student(class_id: str) -> str:
    return hashlib.sha256(f"{st.session_state['session.id']}\x1f{class_id}".encode()).hexdigest()[:16]


class SessionAnswers:
    """Answers kept in the running session (reads st.session_state when called: it may be
    handed to a fragment and used in its later reruns)."""

    def committed(self, q: Question) -> int | None:
        return st.session_state[KEY].get(q.widget_key)

    def commit(self, q: Question, choice) -> None:
        kept = st.session_state[KEY]
        if q.widget_key in kept or not isinstance(choice, int) or isinstance(choice, bool) \
                or not 0 <= choice < len(q.choices):
            return  # one answer per question; a value no radio group offered is not an answer
        kept[q.widget_key] = choice
        while len(kept) > MAX_KEPT:
            kept.pop(next(iter(kept)))
        class_id = st.session_state["class.id"]
        if class_id is None or q.key not in lesson.polled():
            return
        store = poll.store()
        why = None
        if not store.available():
            why = "The class poll is paused (its store cannot be reached): your answer is kept here, not counted."
        else:
            try:
                store.answer(class_id, q.poll_id, _student(class_id), choice, len(q.choices),
                             text=q.words(poll.MAX_TEXT))
            except poll.PollError as e:
                why = f"Not counted in the class poll: {e}."
            except Exception:  # a shared store's connection error: the lesson goes on
                log.warning("class poll: answer not counted", exc_info=True)
                why = "The class poll could not count your answer just now; it is kept here."
        if why:
            notes = st.session_state[NOTES]
            notes[q.widget_key] = why
            while len(notes) > MAX_KEPT:
                notes.pop(next(iter(notes)))

    def class_counts(self, q: Question) -> tuple[list[int] | None, str | None]:
        note = st.session_state[NOTES].get(q.widget_key)
        class_id = st.session_state["class.id"]
        if class_id is None or q.key not in lesson.polled() or note:
            return None, note
        store = poll.store()
        try:
            if not store.available() or store.answered(class_id, q.poll_id, _student(class_id)) is None:
                return None, None  # the class only after one's own answer is counted
            return store.counts(class_id, q.poll_id, len(q.choices)), None
        except Exception:
            log.warning("class poll: counts not read", exc_info=True)
            return None, "The class's answers cannot be read just now."


def current() -> SessionAnswers:
    return SessionAnswers()
