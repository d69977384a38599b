"""Weights: first-layer templates (scrubbable through training), later layers, biases, histograms."""
import numpy as np
import streamlit as st

from nn_core import MLP
from session import state
from ui import charts, pictures, readout, text, thin
from views.inside import units as unitview
from views.shell import nav

model, snaps = state.model(), state.snapshots()

st.title("What the network learned: its weights")
text.show("weights", "Intro")

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

if model.L > 1:
    st.header("Later layers")
    st.markdown(text.section("weights", "Later"))
    cols = st.columns(min(model.L - 1, 2))
    for k, l in enumerate(range(2, model.L + 1)):
        W = params[f"W{l}"]
        with cols[k % len(cols)]:
            out = "digit" if l == model.L else f"unit of layer {l}"
            order, xtitle = None, f"unit of layer {l - 1}"
            if l == model.L and st.toggle("Sort the units by the digit they favour", key="weights.sort",
                                          disabled=W.shape[0] * W.shape[1] > thin.MAX_SIDE ** 2,
                                          help=text.section("weights", "Sort help")):
                order, groups = unitview.by_favoured_digit(W)  # (n,) unit numbers; units per digit
                xtitle = f"unit of layer {l - 1}, grouped by favoured digit"
            shown = W.T if order is None else W.T[:, order]
            st.plotly_chart(charts.matrix(shown, f"W{l}ᵀ: {W.shape[1]} × {W.shape[0]}", xtitle, out,
                                          colorbar=f"weight W{l}", height=300 if l == model.L else 420,
                                          columns=None if order is None else order.tolist()),
                            alt=f"W{l} as a heatmap: the weight from each unit of layer {l - 1} to each {out}",
                            **charts.PLOT, key=f"weights.W{l}")
            st.caption(text.fill("weights", "Matrix", l=l, prev=l - 1, out=out))
            if order is not None:
                st.caption(text.fill("weights", "Sorted", prev=l - 1, l=l, groups=", ".join(
                    f"{d}: {n}" for d, n in enumerate(groups))))

st.header("Biases")
st.markdown(text.section("weights", "Biases"))
tabs = st.tabs([f"b{l} ({params[f'b{l}'].size})" for l in range(1, model.L + 1)])
for l, tab in zip(range(1, model.L + 1), tabs):
    with tab:
        xlabel = "digit" if l == model.L else f"unit of layer {l}"
        b = params[f"b{l}"]
        st.plotly_chart(charts.bars(b, f"b{l}", xlabel, "bias", diverging=True), **charts.PLOT, key=f"weights.b{l}",
                        alt=f"Bias b{l} of each {xlabel}: from {b.min():.3g} to {b.max():.3g}, "
                            f"{int((b > 0).sum())} of {b.size} positive")
        st.caption(text.fill("weights", "Bias chart", l=l))

st.header("Weight distributions, now vs at initialisation")
st.markdown(text.section("weights", "Histograms"))
start = snaps[0].params if snaps else MLP(model.layer_sizes, model.activation, model.init, model.seed).params
cols = st.columns(min(model.L, 3))
for l in range(1, model.L + 1):
    with cols[(l - 1) % len(cols)]:
        st.plotly_chart(charts.histograms(params[f"W{l}"], start[f"W{l}"], f"W{l} ({params[f'W{l}'].size:,} weights)",
                                          now_name=label),
                        alt=f"Histogram of the {params[f'W{l}'].size:,} weights of W{l} {label} (spread "
                            f"{params[f'W{l}'].std():.3g}) and at initialisation ({start[f'W{l}'].std():.3g})",
                        **charts.PLOT, key=f"weights.hist{l}")
st.caption(text.fill("weights", "Histograms chart", init=model.init, seed=model.seed))

nav.next_page("app_pages/weights.py")
