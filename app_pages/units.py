"""Unit explorer: one hidden unit's incoming weights, the test images that excite it most,
its activation by digit, its outgoing weights, and whether it is dead."""
import streamlit as st

from server import resources
from session import example, state
from ui import text
from views.inside import lab, units_view
from views.inside import units as unitview
from views.shell import nav

model, data = state.model(), resources.dataset()
L = model.L

st.title("One unit at a time: what does it respond to?")
text.show("units", "Intro")
if L < 2:
    st.info("This network has no hidden layer: its inputs go straight to the ten digits.", icon=":material/info:")
    st.stop()


def _most_active() -> None:
    ex = example.current_or_first_test_image()
    l = st.session_state["units.layer"]
    _, cache = model.forward(ex.x.reshape(1, -1))  # (1, 784) -> every layer
    st.session_state["units.unit"] = int(cache[f"A{l}"][0].argmax())


c1, c2, c3 = st.columns([2, 2, 3], vertical_alignment="bottom")
layers = list(range(1, L))
# format_func is a dict's get, not a lambda: a lambda here would keep this page's globals (the model
# among them) alive as long as Streamlit keeps the widget's metadata.
l = c1.selectbox("Hidden layer", layers, format_func={k: f"layer {k} ({model.layer_sizes[k]} units)" for k in layers}.get,
                 key="units.layer", help="Which hidden layer the unit is in.")
n = model.layer_sizes[l]
if st.session_state.get("units.unit", 0) >= n or "units.unit" not in st.session_state:  # first visit, or a narrower layer
    st.session_state["units.unit"] = min(st.session_state.get("units.unit", 0), n - 1)
j = c2.number_input("Unit", 0, n - 1, step=1, key="units.unit", help=f"Units are numbered 0 to {n - 1}.")
c3.button("The unit most active on the current example", key="units.top", on_click=_most_active,
          icon=":material/bolt:", help="Picks the unit of this layer with the largest activation A on the example "
                                       "shown on Draw (or test image 0).")

stats = unitview.stats(model)[l]
label, sentence, warn = unitview.verdict(model.g, float(stats.flat[j]), stats.n_images)
(st.warning if warn else st.success)(f"Unit {j} of layer {l} is {label}: {sentence}",
                                     icon=":material/block:" if warn else ":material/check:")
dead = unitview.dead_units(stats)
if len(dead):
    shown = ", ".join(map(str, dead[:40])) + ("…" if len(dead) > 40 else "")
    st.caption(text.fill("units", "Dead list", count=len(dead), n=n, l=l, units=shown, word=model.g.flat_word,
                         m=f"{stats.n_images:,}"))

st.header("Predict first", anchor=False)
units_view.digit_question(stats, l, j)
with st.container(key="units.view.unit"):
    units_view.four_views(model, stats, l, j)
st.button(f"Switch unit {j} off in the Break-it lab", key="units.break", on_click=lab.open_with_unit_off, args=(l, j),
          icon=":material/build:", help="Opens the Break-it lab with this unit switched off (on a copy of the "
                                        "model), to see what the network loses without it.")

nav.next_page("app_pages/units.py")
