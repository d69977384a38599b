"""The guided lesson: a path of short steps through the live app, and the panel that walks it.

The path is data, assets/lesson.toml (a teacher may edit it): each step names its page (by
its title in the navigation, views/shell/nav.py), the key of the part of that page it is
about (`element`) or of a question on it (`ask`: on a class link the class poll counts its
answers), a title, two or three sentences and the one thing to do. `path()` reads and checks
it once (PathError names the step and the field).

The panel sits at the foot of the screen (st.bottom, so the page scrolls above it and never
under it, on a phone too): "Step 7 of 24", the step's words, what to do, Back / Next and
Leave the lesson. On the step's page the element is outlined (a style for its st-key-…
class) and scrolled to just below the header, once per visit (a rerun of the same step, say a
stroke on Draw, leaves the page where the student put it; a script that waits for the
element, follows the layout while pictures load, and stops as soon as the student scrolls).
On another page the panel says where the step is, with "Back to step 7". The step is in the
address (`?step=7`: a student resumes there, a teacher sends a class there; read once per
session, see `follow`); after "Leave the lesson" the sidebar offers "Back to the lesson".
Leaves out: where the session is in the lesson (session/lesson.py), the questions (ui/questions.py).
"""
from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from html import escape

import streamlit as st

from links.query import LinkKey, Refused, register
from server.resources import ASSETS
from session import lesson as place
from session import state
from ui.plaintext import quote
from views.shell import nav

PATH_FILE = ASSETS / "lesson.toml"
FIELDS = {"page", "element", "ask", "title", "text", "do"}
MAX_STEPS = 40
LIMITS = {"title": 80, "text": 600, "do": 200}  # characters: a step is short, on a phone too
KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+(\.\*)?")  # draw.top; draw.canvas.* (any key that starts so)
HIDDEN_PAGES = {"class"}  # pages without the lesson (the teacher's view)


class PathError(ValueError):
    """The lesson file says something the app cannot follow."""


@dataclass(frozen=True)
class Step:
    number: int        # 1..n
    page: nav.Lesson   # the page it happens on
    key: str           # the element (or question) it points at
    asks: bool         # the key is a question's, counted in a class poll
    title: str
    text: str          # Markdown
    do: str            # Markdown

    @property
    def prefix(self) -> bool:
        """The key ends in .*: any element whose key starts with the rest (a canvas whose key changes on Clear)."""
        return self.key.endswith(".*")

    @property
    def selector(self) -> str:
        """The CSS selector of the element: Streamlit gives it the class st-key-KEY (anything but
        letters, digits, - and _ made a -)."""
        name = "st-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.key[:-1] if self.prefix else self.key)
        return f'[class*="{name}"]' if self.prefix else f".{name}"

    def matches(self, key: str) -> bool:
        """Whether an element key is the one this step points at."""
        return key.startswith(self.key[:-1]) if self.prefix else key == self.key


def parse(text: str) -> tuple[Step, ...]:
    """The steps of a lesson file's text, checked."""
    try:
        raw = tomllib.loads(text).get("step")
    except tomllib.TOMLDecodeError as e:
        raise PathError(f"the lesson file is not valid TOML: {e}") from None
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_STEPS:
        raise PathError(f"the lesson file needs 1 to {MAX_STEPS} [[step]] tables")
    pages = {p.title: p for p in nav.LESSON}
    steps = []
    for n, s in enumerate(raw, start=1):
        where = f"step {n}"
        if not isinstance(s, dict) or set(s) - FIELDS:
            raise PathError(f"{where}: unknown fields {sorted(set(s) - FIELDS) if isinstance(s, dict) else s!r}")
        for field in ("page", "title", "text", "do"):
            if not isinstance(s.get(field), str) or not s[field].strip():
                raise PathError(f"{where}: `{field}` must be some text")
        for field, most in LIMITS.items():
            if len(s[field]) > most:
                raise PathError(f"{where}: `{field}` is {len(s[field])} characters, at most {most}")
        if s["page"] not in pages:
            raise PathError(f"{where}: no page called {s['page']!r} (pages: {', '.join(pages)})")
        if ("element" in s) == ("ask" in s):
            raise PathError(f"{where}: give either `element` or `ask`, not both or neither")
        key = s.get("element", s.get("ask"))
        if not isinstance(key, str) or not KEY.fullmatch(key):
            raise PathError(f"{where}: {key!r} is not an element key (like draw.top)")
        steps.append(Step(n, pages[s["page"]], key, "ask" in s, s["title"].strip(), " ".join(s["text"].split()),
                          " ".join(s["do"].split())))
    return tuple(steps)


@lru_cache(maxsize=1)
def path() -> tuple[Step, ...]:
    return parse(PATH_FILE.read_text(encoding="utf-8"))


def polled() -> frozenset[str]:
    """The keys of the questions the lesson asks: a class poll counts answers to these."""
    return frozenset(s.key for s in path() if s.asks)


def _read(text: str, limits) -> tuple[int, None]:
    try:
        k = int(text.strip())
    except ValueError:
        raise Refused("is not a step number") from None
    if not 1 <= k <= len(path()):
        raise Refused(f"is not a step of the lesson (1 to {len(path())})")
    return k, None


register(LinkKey("step", _read, lambda k, limits: str(k)))


# ------------------------------------------------------------------ moving along the path
def _query(k: int | None) -> dict[str, str]:
    """The link's query on the lesson's pages: the step, and a class link's token (a reload keeps the class)."""
    token = st.session_state["class.token"]
    return {**({"lesson": token} if token else {}), **({"step": str(k)} if k else {})}


def go(k: int, here: str | None = None) -> None:
    """on_click: open step k; to its page unless that is `here` (the url of the page shown)."""
    if not 1 <= k <= len(path()):
        return
    place.go(k)
    target = path()[k - 1].page
    if target.url != here:
        state.request_page(target.script, _query(k))


def start() -> None:
    """on_click: the lesson from its first step."""
    go(1)


def finish() -> None:
    place.leave()


def follow(page_url: str) -> None:
    """Every run (app.py): the link's step (once per session: open the lesson there, on its
    page); then the address says the step while the lesson is open, and keeps a class link's token."""
    if page_url in HIDDEN_PAGES:
        return
    if not place.link_read():
        text = st.query_params.get("step")
        if text is not None:
            try:
                k, _ = _read(text, None)
            except Refused as e:
                st.warning(f"The link's step={quote(text, 20)} {e}: the lesson is not opened.",
                           icon=":material/link_off:")
            else:
                place.go(k)
                target = path()[k - 1].page
                if target.url != page_url:
                    st.switch_page(target.script, query_params=_query(k))
    want = _query(place.step() if place.is_open() else None)
    if any(st.query_params.get(k) != v for k, v in want.items()):
        st.query_params.update(want)
    if "step" in st.query_params and "step" not in want:
        del st.query_params["step"]


# ------------------------------------------------------------------ the panel
def panel(page_url: str) -> None:
    """The panel at the foot of the screen while the lesson is open (app.py, every run)."""
    if page_url in HIDDEN_PAGES or not place.is_open():
        return
    steps, k = path(), place.step()
    s, n = steps[k - 1], len(steps)
    here = s.page.url == page_url
    with st.bottom:
        with st.container(key="lesson.panel"):
            if here:
                st.markdown(_words(s, k, n), unsafe_allow_html=True)
                with st.container(horizontal=True, key="lesson.buttons"):
                    st.button("Back", key="lesson.back", icon=":material/arrow_back:", disabled=k == 1, on_click=go,
                              args=(k - 1, page_url), help="The step before this one.")
                    if k < n:
                        st.button("Next", key="lesson.next", type="primary", icon=":material/arrow_forward:",
                                  on_click=go, args=(k + 1, page_url),
                                  help=f"Step {k + 1}: {steps[k].title} ({steps[k].page.title}).")
                    else:
                        st.button("Finish the lesson", key="lesson.next", type="primary", icon=":material/flag:",
                                  on_click=finish, help="Close the lesson: every page stays yours to explore.")
                    st.button("Leave the lesson", key="lesson.leave", icon=":material/close:", on_click=place.leave,
                              help="Explore on your own; “Back to the lesson” in the sidebar returns to this step.")
            else:
                st.markdown(f'<p class="nn-lesson-step">Lesson · step {k} of {n}</p><p>You are exploring. Step {k}, '
                            f'<strong>{escape(s.title)}</strong>, is on the <strong>{s.page.title}</strong> page.</p>',
                            unsafe_allow_html=True)
                with st.container(horizontal=True, key="lesson.buttons"):
                    st.button(f"Back to step {k}", key="lesson.return_here", type="primary",
                              icon=":material/undo:", on_click=go, args=(k, page_url),
                              help=f"Go to the {s.page.title} page, to the part step {k} is about.")
                    st.button("Leave the lesson", key="lesson.leave", icon=":material/close:", on_click=place.leave,
                              help="Explore on your own; “Back to the lesson” in the sidebar returns to this step.")
        if here:
            _highlight(s, place.visit())


def _words(s: Step, k: int, n: int) -> str:
    """The step's words as HTML (the file's text is plain text). On a phone the sentences fold
    under the title (tap to read), so the page keeps most of the screen."""
    title = escape(s.title) + ("" if s.title[-1] in ".?!" else ".")
    return (f'<p class="nn-lesson-step">Lesson · step {k} of {n}</p>'
            f'<p class="nn-lesson-full"><strong>{title}</strong> {escape(s.text)}</p>'
            f'<details class="nn-lesson-short"><summary><strong>{title}</strong></summary><p>{escape(s.text)}</p></details>'
            f'<p class="nn-lesson-do"><strong>Do:</strong> {escape(s.do)}</p>'
            '<p class="nn-lesson-missing">The part of the page this step is about is not there yet: do the step '
            'before this one first.</p>')


def back_to_the_lesson() -> None:
    """In the sidebar, after the student left the lesson: the way back to the step."""
    k = place.step()
    if k is None or place.is_open():
        return
    s = path()[k - 1]
    st.button(f"Back to the lesson: step {k}", key="lesson.return", icon=":material/school:", on_click=go, args=(k,),
              help=f"{s.title} ({s.page.title} page).", width="stretch")


# The element's outline is a style on its class; the scroll is a script that runs once per
# visit (its text changes with the visit number), waits for the element (up to a minute: a
# loaded server draws a page slowly), and keeps its top below the header while the page above
# it settles (pictures, charts, a part computed later), for 30 s from when it appears (looking
# every 80 ms, every 300 ms once it has kept still for ~1 s), until the student scrolls, clicks,
# presses a key or touches the page. It marks the panel while the element has not come after 8 s.
_SCROLL = """<script>
(() => {
  const sel = %(sel)s, visit = %(visit)s;
  if (window.__nnLessonVisit === visit) return;
  window.__nnLessonVisit = visit;
  let stopped = false;
  const stop = () => { stopped = true; };
  for (const e of ['wheel', 'touchmove', 'keydown', 'pointerdown']) addEventListener(e, stop, {capture: true, passive: true, once: true});
  const t0 = performance.now();
  let last = null, still = 0, t1 = null;
  const tick = () => {
    if (stopped || window.__nnLessonVisit !== visit) return;
    const el = document.querySelector(sel);
    const panel = document.querySelector('.st-key-lesson-panel');
    if (!el) {  // not drawn yet (a slow server) or not there (the step before was not done)
      if (performance.now() - t0 > 8000 && panel) panel.dataset.missing = '1';
      if (performance.now() - t0 < 60000) setTimeout(tick, 150);
      return;
    }
    if (t1 === null) t1 = performance.now();
    if (panel) delete panel.dataset.missing;
    const top = Math.round(el.getBoundingClientRect().top);
    if (top !== last) { el.scrollIntoView({block: 'start', inline: 'nearest'}); still = 0; }
    else still += 1;
    last = Math.round(el.getBoundingClientRect().top);
    // every 80 ms until it has kept still for ~1 s, then every 300 ms: a slow server's later
    // deltas (a chart, a check computed after the rest) can still move it down within the 30 s
    if (performance.now() - t1 < 30000) setTimeout(tick, still < 12 ? 80 : 300);
  };
  tick();
})();
</script>"""


def _highlight(s: Step, visit: int) -> None:
    sel = s.selector
    css = (f"<style>{sel} {{ outline: 4px solid var(--nn-ink) !important; outline-offset: 6px; border-radius: 4px; "
           f"scroll-margin-top: 5rem; }}</style>")
    with st.container(key="lesson.highlight"):
        st.html(css + _SCROLL % {"sel": json.dumps(sel), "visit": json.dumps(f"{s.number}.{visit}")},
                unsafe_allow_javascript=True)
