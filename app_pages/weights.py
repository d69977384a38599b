"""Weights: first-layer templates (scrubbable through training), later layers, biases, histograms."""
import numpy as np
import streamlit as st

from nn_core import MLP
from ui import charts, state, text, thin

model, snaps = state.model(), state.snapshots()

st.title("What the network learned: its weights")
text.show("weights", "Intro")

params, label = model.params, "the current model"
if len(snaps) >= 2:
    names = ["at initialisation" if s.step == 0 else f"after epoch {s.epoch:.0f} (step {s.step:,})" for s in snaps]
    i = st.select_slider("Training snapshot", list(range(len(snaps))), value=len(snaps) - 1, key="weights.snapshot",
                         format_func=lambda k: names[k], help=text.section("weights", "Scrub"))
    params, label = snaps[i].params, names[i]
else:
    st.info(text.section("weights", "No snapshots"), icon=":material/info:")

W1 = params["W1"]
same_scale = len(snaps) >= 2 and st.toggle(
    "Same colour scale for every snapshot", value=True, key="weights.same_scale",
    help="On: colours mean the same weight value in every snapshot, so you see weights grow. "
         "Off: each snapshot uses its own range, so faint early structure is visible.")
scale_source = model.params["W1"] if same_scale else W1
zmax = float(np.percentile(np.abs(scale_source), 99.5)) or 1.0
st.subheader(f"First layer: {W1.shape[1]} templates, {label}")
units = thin.unit_window(W1.shape[1], key="weights.units")  # a big layer is drawn a block at a time
st.plotly_chart(charts.templates(W1[:, units], zmax=zmax, colorbar="weight W1", first_unit=units.start),
                **charts.PLOT, key="weights.templates")
st.caption(text.fill("weights", "Templates", zmax=zmax))

if model.L > 1:
    st.subheader("Later layers")
    st.markdown(text.section("weights", "Later"))
    cols = st.columns(min(model.L - 1, 2))
    for k, l in enumerate(range(2, model.L + 1)):
        W = params[f"W{l}"]
        with cols[k % len(cols)]:
            out = "digit" if l == model.L else f"unit of layer {l}"
            st.plotly_chart(charts.matrix(W.T, f"W{l}ᵀ: {W.shape[1]} × {W.shape[0]}", f"unit of layer {l - 1}", out,
                                          colorbar=f"weight W{l}", height=300 if l == model.L else 420),
                            **charts.PLOT, key=f"weights.W{l}")
            st.caption(text.fill("weights", "Matrix", l=l, prev=l - 1, out=out))

st.subheader("Biases")
st.markdown(text.section("weights", "Biases"))
tabs = st.tabs([f"b{l} ({params[f'b{l}'].size})" for l in range(1, model.L + 1)])
for l, tab in zip(range(1, model.L + 1), tabs):
    with tab:
        xlabel = "digit" if l == model.L else f"unit of layer {l}"
        st.plotly_chart(charts.bars(params[f"b{l}"], f"b{l}", xlabel, "bias", diverging=True),
                        **charts.PLOT, key=f"weights.b{l}")
        st.caption(text.fill("weights", "Bias chart", l=l))

st.subheader("Weight distributions, now vs at initialisation")
st.markdown(text.section("weights", "Histograms"))
start = snaps[0].params if snaps else MLP(model.layer_sizes, model.activation, model.init, model.seed).params
cols = st.columns(min(model.L, 3))
for l in range(1, model.L + 1):
    with cols[(l - 1) % len(cols)]:
        st.plotly_chart(charts.histograms(params[f"W{l}"], start[f"W{l}"], f"W{l} ({params[f'W{l}'].size:,} weights)",
                                          now_name=label),
                        **charts.PLOT, key=f"weights.hist{l}")
st.caption(text.fill("weights", "Histograms chart", init=model.init, seed=model.seed))
