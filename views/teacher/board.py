"""The teacher's board: the class's answers to the lesson's questions, live.

The page is opened by the teacher's link, `/class?teacher=…` (links/classroom.py: the class
link's token and a teacher tag, both made with the server's key); an edited or expired link
opens nothing but a note. The board is a fragment that reads the poll store
(server/poll.py) every REFRESH_SECONDS: for each lesson question (in the lesson's order)
and each version of it (students who saw different numbers picked from different choices:
each set of choices is counted apart), the question as the students saw it, how many have
answered, and a bar per choice with its count. The right answer is shown only when the
teacher asks (peer instruction: discuss first, then reveal). Nothing names a student.
Leaves out: the store and its bounds (server/poll.py).
"""
from __future__ import annotations

import json
import time

import streamlit as st

from links import classroom
from links.query import LinkKey, register
from server import poll
from ui import questions
from views.shell import lesson, nav

REFRESH_SECONDS = 3.0
KEY = "teacher.link"  # the teacher token read from the page's link (kept: the page may rerun without it)

register(LinkKey("teacher", lambda text, limits: (text[:classroom.MAX_TOKEN + 40], None), lambda v, limits: v))


def read_link() -> tuple[str, str] | None:
    """(class id, the class link's token) from the page's link (or the one read before in this
    session), or None after saying why there is no class view."""
    text = st.query_params.get("teacher")
    if text is None:
        text = st.session_state.get(KEY)
    if text is None:
        st.info("This page shows a class's answers to the lesson's questions. It opens only from a teacher's own "
                "link: make one under **Share with a class** on the Train page.", icon=":material/lock:")
        st.page_link(nav.LESSON[3].script, label="Train: Share with a class", icon=":material/share:")
        return None
    found, token, why = classroom.read_teacher(text)
    if found is None:
        st.error(why, icon=":material/link_off:")
        return None
    st.session_state[KEY] = text
    return found, token


def _base_url() -> str:
    url = (st.context.url or "").split("?")[0].rstrip("/")
    return url[: -len("/" + nav.TEACHER.url)] if url.endswith("/" + nav.TEACHER.url) else url


def class_links(token: str) -> None:
    """The students' link, at the lesson's first step or any other."""
    steps = lesson.path()
    names = {s.number: f"Step {s.number}: {s.title} ({s.page.title})" for s in steps}
    k = st.selectbox("Students' link opens the lesson at", list(names), format_func=names.get, key="teacher.step",
                     help="Send the class to a step: everyone who opens this link lands on that step, in this class.")
    page = steps[k - 1].page
    st.code(f"{_base_url()}/{page.url}?lesson={token}&step={k}", language=None, wrap_lines=True)
    st.caption("Share it with the class (students who open it are counted in this class's poll, anonymously). "
               "Keep this page's own link to yourself.")


def _order() -> dict[str, tuple[int, str]]:
    """Question key -> (its step, the step's words) for the lesson's questions."""
    return {s.key: (s.number, f"Step {s.number} · {s.page.title}: {s.title}") for s in lesson.path() if s.asks}


@st.fragment(run_every=REFRESH_SECONDS)
def board(class_id: str) -> None:
    """Every question the class has answered, in the lesson's order; refreshed by itself."""
    store = poll.store()
    if not store.available():
        st.warning("The class poll's store cannot be reached just now: answers are not being counted.",
                   icon=":material/cloud_off:")
        return
    summary, texts = store.summary(class_id), store.texts(class_id)
    reveal = st.session_state.get("teacher.reveal", False)
    st.caption(f"Updated {time.strftime('%H:%M:%S')}, every {REFRESH_SECONDS:g} s by itself. "
               f"{len(summary)} question{'s' if len(summary) != 1 else ''} answered so far.")
    if not summary:
        st.info("No answers yet. When students on the class link commit an answer to one of the lesson's "
                "questions, it is counted here.", icon=":material/hourglass_empty:")
        return
    order = _order()
    groups: dict[str, list[str]] = {}
    for poll_id in summary:
        groups.setdefault(poll_id.rsplit(".", 1)[0], []).append(poll_id)
    for key in sorted(groups, key=lambda k: (order.get(k, (999, ""))[0], k)):
        ids = groups[key]
        with st.container(border=True, key=f"teacher.q.{key}"):
            st.subheader(order.get(key, (0, f"Question {key}"))[1], anchor=False)
            for v, poll_id in enumerate(sorted(ids, key=lambda i: -sum(summary[i]))):
                counts = summary[poll_id]
                try:
                    words = json.loads(texts.get(poll_id) or "{}")
                except ValueError:
                    words = {}
                choices = [str(c) for c in words.get("choices", [])]
                if len(choices) != len(counts):
                    choices = [f"choice {i + 1}" for i in range(len(counts))]
                answer = words.get("answer") if isinstance(words.get("answer"), int) else None
                if len(ids) > 1:
                    st.markdown(f"**Version {v + 1} of {len(ids)}** (students who saw other numbers)")
                st.markdown(str(words.get("prompt", "")))
                n = sum(counts)
                st.html(questions.class_bars(choices, counts, right=answer if reveal else None,
                                             title=f"{n} answer{'s' if n != 1 else ''}"))


def controls() -> None:
    st.toggle("Show the right answers", key="teacher.reveal",
              help="Off: the bars only (let the class discuss first). On: the right choice turns green.")
