"""Weights: first-layer templates (scrubbable through training), later layers, biases, histograms."""
import numpy as np
import streamlit as st

from session import state
from ui import pictures, readout, text, thin
from views.inside import units as unitview
from views.inside import weights_view
from views.shell import nav

model, snaps = state.model(), state.snapshots()

st.title("What the network learned: its weights")
text.show("weights", "Intro")

templates = st.container(key="weights.view.templates")  # the snapshot slider and the first layer
with templates:
    params, label, key = model.params, "the current model", None
    if len(snaps) >= 2:
        names = ["at initialisation" if s.step == 0 else f"after epoch {s.epoch:.0f} (step {s.step:,})" for s in snaps]
        i = st.select_slider("Training snapshot", list(range(len(snaps))), value=len(snaps) - 1, key="weights.snapshot",
                             format_func=dict(enumerate(names)).get, help=text.section("weights", "Scrub"))
        params, label, key = snaps[i].params, names[i], snaps[i].step
    else:
        st.info(text.section("weights", "No snapshots"), icon=":material/info:")
    W1 = params["W1"]
    same_scale = len(snaps) >= 2 and st.toggle(
        "Same colour scale for every snapshot", value=True, key="weights.same_scale",
        help="On: colours mean the same weight value in every snapshot, so you see weights grow. "
             "Off: each snapshot uses its own range, so faint early structure is visible.")
    scale_source = model.params["W1"] if same_scale else W1
    zmax = float(np.percentile(np.abs(scale_source), 99.5)) or 1.0
    st.header(f"First layer: {W1.shape[1]} templates, {label}")
    units = thin.unit_window(W1.shape[1], key="weights.units")  # a big layer is drawn a block at a time
    cols = int(np.ceil(np.sqrt(len(units) * 1.6)))  # a wide mosaic, like the screen
    st.html(pictures.mosaic(W1[:, units], cols, zmax, first_unit=units.start, width=min(1100, 87 * cols))
            + pictures.colorbar(zmax, "weight W1"))
    st.caption(text.fill("weights", "Templates", zmax=zmax))
    st.markdown(unitview.flat_note(model, params, key, label))  # the same units and count as on Units
    c1, c2 = st.columns([1, 2], vertical_alignment="bottom")
    unit = c1.number_input("Unit", 0, W1.shape[1] - 1, step=1, key="weights.unit",
                           help=f"A first-layer unit, 0 to {W1.shape[1] - 1} (the read-out names the unit under the pointer).")
    c2.button(f"Open unit {unit} in the Units explorer", key="weights.open_unit", icon=":material/open_in_new:",
              on_click=state.open_unit, args=(1, unit),
              help="Its weights, the test images that excite it most, its activation by digit and its outgoing weights.")
    readout.enable()  # hovering or tapping a template names its unit and pixel

with st.container(key="weights.view.later"):
    weights_view.later_layers(model, params)
    weights_view.biases(model, params)
st.header("Predict first", anchor=False)
weights_view.spread_question(model, params, snaps, label)
with st.container(key="weights.view.histograms"):
    weights_view.histograms(model, params, snaps, label)

nav.next_page("app_pages/weights.py")
