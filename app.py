"""Entry point: `streamlit run app.py`.

Sets up the pages, the session's state (once, in session.state), and the shared sidebar. The
training fragment lives here, not on the Train page, so a run keeps going while the user
looks at other pages: while a run is active it ticks every TICK_SECONDS, tells the run
(a background thread, server/run.py) that the page is still open, refreshes the sidebar's
progress and publishes the result when the run ends. While the session waits in line for a
training slot it ticks every LINE_SECONDS to keep its place and start the run on its turn. A
teaching pair (Compare) is watched the same way (views/train/training.tick_seconds).
"""
import streamlit as st

from links import classroom
from server import budget, resources
from session import state
from ui import questions
from views.shell import answers, capacity, lesson, linknote, nav, projector, sidebar, style, widgets
from views.train import training

st.set_page_config(page_title="Neural network explainer · MNIST", page_icon="✍️", layout="wide")
resources.limit_blas_threads()
resources.tune_memory()
resources.guard_doors()  # once per process: uploads only via the uploader, odd widget values dropped, closed sessions collected, the memory budget
capacity.gate()  # a new session while the server is full: "try again in a minute", and nothing else
state.init()
questions.remember_with(answers.current)  # committed answers: kept in the session, counted for a class
classroom.read_once()  # a teacher's class link: fixed settings, projector mode
projector.read_once()

page = st.navigation(nav.pages(), expanded=nav.SHOWN)  # in the lesson's order (views/shell/nav.py); the rest behind View more
state.follow_page_request()  # a page a button's callback asked for (e.g. the Evaluate gallery's "Draw")
lesson.follow(page.url_path)  # the guided lesson: a link's ?step=k (once), then the step in the address
# Contrast, focus rings, the phone layout (assets/app.css). After the page switch above: an element
# sent before st.switch_page made the new page lose the test image it was asked to show.
style.apply()
projector.styles()  # larger text for a projector, when switched on (the switch tops the sidebar)


@st.fragment(run_every=training.tick_seconds())
def training_fragment() -> None:
    training.tick()
    sidebar.training_status()


with st.sidebar:
    projector.switch()  # first: the teacher at the front finds it at once
    lesson.back_to_the_lesson()
    sidebar.current_model()
    training_fragment()
    sidebar.class_lesson()

widgets.show_note()  # a widget value no browser would send was dropped (server/widget_values.py)
capacity.notes()  # memory this session gave back; a fresh session after a reconnect
linknote.read_once(page.url_path)  # Train settings in a link that opens another page: a note
linknote.show(page.url_path)
lesson.panel(page.url_path)  # the lesson's step at the foot of the screen, its element outlined
with budget.working():  # a few page runs at once in the process, so their temporaries stay bounded (server/budget.py)
    page.run()
