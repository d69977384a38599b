"""The pages in the order of the lesson, and the links that follow it.

Home -> Draw (one example, forward) -> Tiny network (one step on a network you can see whole)
-> Backprop (one example, one step) -> Train (many steps) -> Weights -> Evaluate, then Backprop,
deeper (every equation, the update rules, a mini-batch, the pixels, a gradient check: a
tutorial's worth), the pages that look inside (Layer map, Units, Break it, Robustness) and
Compare (runs side by side): a student meets a gradient on one digit before the dashboard full
of them. `pages()` builds the navigation in this order, Home lists every
page with the one line it teaches, and each page ends with a link to the next. The teacher's
view of a class (app_pages/teacher.py, /class?teacher=…) is a page too, left out of the menu:
only a teacher's link opens it.
Leaves out: what the pages show, and the guided lesson's path through them (lesson.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui import text


@dataclass(frozen=True)
class Lesson:
    script: str    # app_pages/NAME.py
    title: str     # in the navigation
    icon: str
    url: str       # the page's path in a link ("" for Home)
    teaches: str   # the part of assets/text/nav.md with its one line


LESSON = [
    Lesson("app_pages/home.py", "Home", ":material/home:", "", "home"),
    Lesson("app_pages/draw.py", "Draw", ":material/draw:", "draw", "draw"),
    Lesson("app_pages/tiny.py", "Tiny network", ":material/hub:", "tiny", "tiny"),
    Lesson("app_pages/backprop.py", "Backprop", ":material/undo:", "backprop", "backprop"),
    Lesson("app_pages/train.py", "Train", ":material/model_training:", "train", "train"),
    Lesson("app_pages/weights.py", "Weights", ":material/grid_view:", "weights", "weights"),
    Lesson("app_pages/evaluate.py", "Evaluate", ":material/fact_check:", "evaluate", "evaluate"),
    Lesson("app_pages/backprop_deeper.py", "Backprop, deeper", ":material/functions:", "backprop-deeper",
           "backprop_deeper"),
    Lesson("app_pages/layermap.py", "Layer map", ":material/scatter_plot:", "map", "layermap"),
    Lesson("app_pages/units.py", "Units", ":material/neurology:", "units", "units"),
    Lesson("app_pages/lab.py", "Break it", ":material/build:", "break", "lab"),
    Lesson("app_pages/robust.py", "Robustness", ":material/shield:", "robustness", "robust"),
    Lesson("app_pages/compare.py", "Compare", ":material/compare_arrows:", "compare", "compare"),
]


SHOWN = 7  # pages the sidebar lists before "View 6 more": the lesson itself (Home to Evaluate)
TEACHER = Lesson("app_pages/teacher.py", "Your class's answers", ":material/groups:", "class", "")


def pages() -> list:
    """st.Page objects in the lesson's order (Home the default), and the teacher's view, hidden."""
    return [st.Page(p.script, title=p.title, icon=p.icon, default=not p.url, **({"url_path": p.url} if p.url else {}))
            for p in LESSON] + [st.Page(TEACHER.script, title=TEACHER.title, icon=TEACHER.icon, url_path=TEACHER.url,
                                        visibility="hidden")]


def by_url(url: str) -> Lesson | None:
    return next((p for p in LESSON if p.url == url), None)


def every_page() -> None:
    """Home's map of the lesson: a link to each page and the one thing it teaches."""
    for p in LESSON[1:]:
        st.page_link(p.script, label=f"{p.title}: {text.section('nav', p.teaches + ' title')}", icon=p.icon)
        st.caption(text.section("nav", p.teaches))


def next_page(script: str) -> None:
    """Every page's foot: the link to the page after `script` in the lesson (none after the last)."""
    i = next(i for i, p in enumerate(LESSON) if p.script == script)
    if i + 1 < len(LESSON):
        st.divider()
        p = LESSON[i + 1]
        st.page_link(p.script, label=f"Next: {p.title}, {text.section('nav', p.teaches + ' title').lower()}",
                     icon=":material/arrow_forward:")
        st.caption(text.section("nav", p.teaches))
