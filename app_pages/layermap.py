"""Hidden-layer map: each layer's activations of 2,000 test images on two PCA axes fitted
once, scrubbable through the run's snapshots; the user's digit marked; a selection's
average image, digit mix and members."""
import streamlit as st

from server import samples
from session import example, state
from ui import charts, text
from ui.numbers import percent
from views.inside import maps, maps_view
from views.shell import nav

model, snaps = state.model(), state.snapshots()
sample = samples.test_sample()

st.title("The hidden-layer map: where each digit lands")
text.show("layermap", "Intro")

names = maps.names(model)
default = "A1" if "A1" in names else list(names)[-1]
layer = st.selectbox("Layer", list(names), index=list(names).index(default), format_func=names.get,
                     key="layermap.layer",
                     help="A0 is the input itself; each hidden layer's activations A; the logits Z of the output "
                          "layer, before softmax.")
snapshot, when = None, "in the current model"
if len(snaps) >= 2:
    labels = ["at initialisation" if s.step == 0 else f"after epoch {s.epoch:.0f} (step {s.step:,})" for s in snaps]
    i = st.select_slider("Training snapshot", list(range(len(snaps))), value=len(snaps) - 1, key="layermap.snapshot",
                         format_func=dict(enumerate(labels)).get, help=text.section("layermap", "Scrub"))
    snapshot, when = snaps[i], labels[i]
else:
    i = -1
    st.info(text.section("layermap", "No snapshots"), icon=":material/info:")

lm = maps.layer_map(model, snaps, layer)
P = lm.points[i]  # (2000, 2)
ex = example.current()
marked = maps.project_one(model, snapshot, layer, lm, ex.x) if ex is not None else None

st.header("Predict first", anchor=False)
maps_view.overlap_question(P, sample.y, f"{names[layer]}, {when}")
with st.container(key="layermap.view.map"):
    drag = st.segmented_control("Select by", ["point", "select", "lasso"], default="select", required=True,
                                format_func={"point": "a point", "select": "a box", "lasso": "a lasso"}.get, key="layermap.drag",
                                help="A click (or tap) on one point shows that test image; a drag draws a rectangle, or "
                                     "a free shape, around the points you want. Double-click (or double-tap) the map to "
                                     "clear the selection.")
    event = st.plotly_chart(charts.layer_map(P, sample.y, f"{layer}, {when}", marked=marked,
                                             marked_name="your digit" if ex is not None and ex.source == "drawing"
                                             else "current example", ranges=lm.ranges, ids=sample.index, drag=drag),
                            key="layermap.map", on_select="rerun", selection_mode=("points", "box", "lasso"), **charts.PLOT)
    st.caption(text.fill("layermap", "Map", n=len(sample.y), layer=names[layer], when=when, kept=percent(lm.kept[i], 2),
                         fitted=percent(lm.kept[-1], 2)))
    if ex is not None:
        st.caption(text.fill("layermap", "Marked", name=ex.name))
    text.show("layermap", "PCA")

with st.container(key="layermap.view.selection"):
    st.header("What a selection holds")
    maps_view.selection(event, sample)

nav.next_page("app_pages/layermap.py")
