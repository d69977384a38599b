"""Entry point: `streamlit run app.py`.

Sets up the pages, the session's state (once, in ui.state), and the shared sidebar. The
training fragment lives here, not on the Train page, so a run keeps going while the user
looks at other pages: while a run is active it ticks every TICK_SECONDS, tells the run
(a background thread, ui/run.py) that the page is still open, refreshes the sidebar's
progress and publishes the result when the run ends.
"""
import streamlit as st

from ui import resources, sidebar, state, training

st.set_page_config(page_title="Neural network explainer · MNIST", page_icon="✍️", layout="wide")
resources.limit_blas_threads()
resources.tune_memory()
state.init()

page = st.navigation([
    st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("app_pages/train.py", title="Train", icon=":material/model_training:", url_path="train"),
    st.Page("app_pages/weights.py", title="Weights", icon=":material/grid_view:", url_path="weights"),
    st.Page("app_pages/draw.py", title="Draw", icon=":material/draw:", url_path="draw"),
    st.Page("app_pages/backprop.py", title="Backprop", icon=":material/undo:", url_path="backprop"),
    st.Page("app_pages/evaluate.py", title="Evaluate", icon=":material/fact_check:", url_path="evaluate"),
])
state.follow_page_request()  # a page a button's callback asked for (e.g. the Evaluate gallery's "Draw")


@st.fragment(run_every=training.TICK_SECONDS if state.running() else None)
def training_fragment() -> None:
    training.tick()
    sidebar.training_status()


with st.sidebar:
    sidebar.current_model()
    training_fragment()

page.run()
