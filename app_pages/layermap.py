"""Hidden-layer map: each layer's activations of 2,000 test images on two PCA axes fitted
once, scrubbable through the run's snapshots; the user's digit marked; a selection's
average image, digit mix and members."""
import numpy as np
import streamlit as st

from server import samples
from session import example, state
from ui import charts, pictures, text
from views.inside import maps
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

drag = st.segmented_control("Select by", ["point", "select", "lasso"], default="select", required=True,
                            format_func={"point": "a point", "select": "a box", "lasso": "a lasso"}.get, key="layermap.drag",
                            help="A click (or tap) on one point shows that test image; a drag draws a rectangle, or "
                                 "a free shape, around the points you want. Double-click (or double-tap) the map to "
                                 "clear the selection.")
event = st.plotly_chart(charts.layer_map(P, sample.y, f"{layer}, {when}", marked=marked,
                                         marked_name="your digit" if ex is not None and ex.source == "drawing"
                                         else "current example", ranges=lm.ranges, ids=sample.index, drag=drag),
                        key="layermap.map", on_select="rerun", selection_mode=("points", "box", "lasso"), **charts.PLOT)
st.caption(text.fill("layermap", "Map", n=len(sample.y), layer=names[layer], when=when, kept=lm.kept[i],
                     fitted=lm.kept[-1]))
if ex is not None:
    st.caption(text.fill("layermap", "Marked", name=ex.name))
text.show("layermap", "PCA")

st.header("What a selection holds")
rows = maps.selected_rows(event, sample.y)
if len(rows) == 0:
    st.info(text.section("layermap", "No selection"), icon=":material/ads_click:")
elif len(rows) == 1:  # a click on one point: that test image
    k, d = int(sample.index[rows[0]]), int(sample.y[rows[0]])
    one, words = st.columns([1, 4])
    one.image(pictures.grey(sample.X[rows[0]].reshape(28, 28), 140), width=140, caption=f"test image #{k:,}",
              alt=f"Test image #{k:,}, a {d}")
    with words:
        st.markdown(text.fill("layermap", "One point", k=k, d=d))
        st.button(f"Open test image #{k:,} in Draw", key="layermap.open", icon=":material/open_in_new:",
                  on_click=example.open_test_image, args=(k, "app_pages/draw.py"),
                  help="Follow it through every layer of the network, and draw beside it.")
else:
    st.markdown(text.fill("layermap", "Selection", count=len(rows)))
    mean, mix, members = st.columns([1, 2, 2])
    with mean:
        st.image(pictures.grey(sample.X[rows].mean(axis=0).reshape(28, 28), 140), width=140,
                 caption=f"average of {len(rows):,} images",
                 alt=f"The average image of the {len(rows):,} selected test images")
    with mix:
        counts = np.bincount(sample.y[rows], minlength=10)
        st.plotly_chart(charts.bars(counts, "", "true digit", "images selected", labels=[str(d) for d in range(10)],
                                    highlight=int(counts.argmax()), height=240), key="layermap.mix", **charts.PLOT)
    with members:
        few = rows[np.linspace(0, len(rows) - 1, min(12, len(rows))).astype(int)]  # spread over the selection
        images = np.round(sample.X[few].reshape(-1, 28, 28) * 255).astype(np.uint8)
        st.image(pictures.digit_sheet(images, [str(d) for d in sample.y[few]], cols=6, scale=2), width="stretch",
                 caption="test images " + ", ".join(f"#{k}" for k in sample.index[few][:6]) + ("…" if len(few) > 6 else ""),
                 alt=f"{len(few)} of the selected test images, digits " + ", ".join(str(d) for d in sample.y[few]))

nav.next_page("app_pages/layermap.py")
