"""Entry point: `streamlit run app.py`.

Sets up the pages, the session's state (once, in ui.state), and the shared sidebar. The
training fragment lives here, not on the Train page, so a run keeps going while the user
looks at other pages: while a run is active it ticks every TICK_SECONDS, trains a
time-boxed chunk and refreshes the sidebar's progress.
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
    st.Page("app_pages/layermap.py", title="Layer map", icon=":material/scatter_plot:", url_path="map"),
    st.Page("app_pages/units.py", title="Units", icon=":material/neurology:", url_path="units"),
    st.Page("app_pages/lab.py", title="Break it", icon=":material/build:", url_path="break"),
    st.Page("app_pages/robust.py", title="Robustness", icon=":material/shield:", url_path="robustness"),
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
