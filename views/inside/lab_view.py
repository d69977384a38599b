"""The Break-it page's two columns: what to break (controls that build an Edit) and what it did
(test accuracy, mistakes per digit and the current example's probabilities, before -> after),
and the edited model's download.

Leaves out: making and scoring the edited copy (lab.py).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import MLP, Edit
from server import resources
from session import example, state
from ui import charts, pictures, questions, text
from ui.numbers import change, percent
from views.inside import lab
from views.inside import questions as inside_questions
from views.shell import widgets

TEMPERATURES = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0]
MOST_ACTIVE = 5


def _switch_off_most_active(l: int) -> None:
    """on_click: add the MOST_ACTIVE most active units of layer l for the current example (read at
    click time: a callback's arguments stay with the widget, so they carry no model)."""
    model, x = state.model(), example.current_or_first_test_image().x
    _, cache = model.forward(x.reshape(1, -1))  # (1, 784) -> every layer's A
    A = cache[f"A{l}"][0]  # (n[l],)
    top = np.argsort(-A, kind="stable")[:MOST_ACTIVE]
    chosen = set(st.session_state.get(f"lab.off.{l}", [])) | {int(j) for j in top}
    st.session_state[f"lab.off.{l}"] = sorted(chosen)


def unit_question(model: MLP) -> None:
    """Predict first: switch the unit that sends most to the output off; which digit suffers most?"""
    found = lab.unit_off(model)
    if found is None:
        with st.container(key="lab.q.unit"):
            st.caption("This network has no hidden units to switch off: try the biases, weights and temperature.")
        return
    l, j, res = found
    questions.ask(inside_questions.unit_off(lab.mistakes(lab.before().confusion), res.mistakes, l, j))


def controls(model: MLP, ex) -> tuple[Edit, object]:
    """The controls (in the current column); returns the Edit they describe and an empty slot
    for the accuracy summary, close to the controls on a phone."""
    L = model.L
    st.header("What to break")
    st.caption(text.section("lab", "Controls"))
    off, no_bias, scale, noise = [], [], [], []
    names = [f"Layer {l}" if l < L else "Output" for l in range(1, L + 1)]
    for l, tab in zip(range(1, L + 1), st.tabs(names)):
        with tab:
            n = model.layer_sizes[l]
            if l < L:
                widgets.keep_valid(f"lab.off.{l}", widgets.entries_of(range(n)), [])
                units = st.multiselect(f"Units of layer {l} switched off", list(range(n)), key=f"lab.off.{l}",
                                       placeholder=f"none of its {n} units",
                                       help=f"Pick units 0 to {n - 1}. A switched-off unit sends nothing to layer "
                                            f"{l + 1}: row j of W{l + 1} is set to 0, as if its activation A{l}[j] were 0.")
                st.button(f"Switch off the {MOST_ACTIVE} most active", key=f"lab.top.{l}",
                          on_click=widgets.guarded(_switch_off_most_active), args=(l,), icon=":material/power_off:",
                          help=text.section("lab", "Most active"))
                off += [(l, int(j)) for j in units]
                st.page_link("app_pages/units.py", label="What does each unit do? The unit explorer",
                             icon=":material/neurology:")
            if st.toggle(f"Set the biases b{l} to 0", key=f"lab.nobias.{l}",
                         help=f"Every unit of this layer loses its bias: Z{l} = A{l - 1} W{l} instead of "
                              f"A{l - 1} W{l} + b{l}."):
                no_bias.append(l)
            s = st.slider(f"Multiply the weights W{l} by", 0.0, 3.0, 1.0, 0.05, key=f"lab.scale.{l}",
                          help=f"W{l} ← s·W{l}. 0 cuts the layer off entirely; above 1 every weighted sum grows.")
            r = st.slider(f"Noise added to W{l} (times its RMS)", 0.0, 2.0, 0.0, 0.05, key=f"lab.noise.{l}",
                          help=f"W{l} ← W{l} + r·rms(W{l})·N(0, 1): r = 1 adds noise as large as the typical weight.")
            if s != 1:
                scale.append((l, s))
            if r:
                noise.append((l, r))
    temperature = st.select_slider("Softmax temperature T", TEMPERATURES, value=1.0, key="lab.temperature",
                                   help=text.section("lab", "Temperature"))
    seed = st.number_input("Noise pattern", 0, 9999, 0, key="lab.seed",
                           help="The seed of the random noise: the same number always gives the same noise.")
    st.button("Reset: undo every change", key="lab.reset", on_click=lab.reset, icon=":material/restart_alt:",
              help="Put every control back: the edited copy is the model itself again.")
    summary = st.empty()  # filled in once the edited copy is scored (close to the controls on a phone)
    return Edit(tuple(off), tuple(no_bias), tuple(scale), tuple(noise), float(temperature), int(seed)), summary


def results(model: MLP, ex, edit: Edit, summary) -> None:
    """Before -> after for `edit` of `model` (in the current column), and the download."""
    data, L = resources.dataset(), model.L
    base = lab.before()
    res = lab.result(edit)
    was, now, points = change(base.accuracy, res.accuracy, 100, probability=True)
    summary.markdown(f"Test accuracy **{was} % → {now} %**")
    st.header("Before → after")
    c1, c2 = st.columns(2)
    c1.metric("Test accuracy before", f"{was} %")
    c2.metric("Test accuracy after", f"{now} %", delta=None if points == "0" else f"{points.replace('−', '-')} points", delta_color="off",
              help="Change from the model as it was, in percentage points.")
    st.caption(text.fill("lab", "Accuracy", n=len(data.y_test)))
    if edit.is_identity:
        st.info(text.section("lab", "Unchanged"), icon=":material/info:")
    else:
        st.markdown("**Changes made to the copy**\n" + "\n".join(f"- {line}" for line in edit.describe()))

    p_before = model.forward(ex.x.reshape(1, -1))[0][0]  # (1, 784) -> (1, 10)
    p_after = res.model.forward(ex.x.reshape(1, -1))[0][0]
    k0, k1 = int(p_before.argmax()), int(p_after.argmax())
    pic, bars = st.columns([1, 3])
    with pic:
        st.image(pictures.grey(ex.image, 112), width=112,
                 alt=f"The current example{f', a {ex.label}' if ex.label is not None else ''}")
        truth = f" (it is a {ex.label})" if ex.label is not None else ""
        st.markdown(f"Reads **{k0}** ({percent(p_before[k0])}) → **{k1}** ({percent(p_after[k1])}){truth}")
    with bars:
        st.plotly_chart(charts.compare_bars(p_before, p_after, "", "digit", "probability", height=260),
                        key="lab.probs", **charts.PLOT)
    st.caption(text.fill("lab", "Example", name=ex.name, L=L))
    st.page_link("app_pages/draw.py", label="Draw another digit, or pick a test image", icon=":material/draw:")
    st.plotly_chart(charts.compare_bars(lab.mistakes(base.confusion), res.mistakes, "Mistakes per digit",
                                        "true digit", "test images read wrongly", height=260),
                    key="lab.digits", **charts.PLOT)
    st.caption(text.section("lab", "Per digit"))
    sizes = "-".join(map(str, model.layer_sizes))
    config = state.info().get("config") or {}  # read here: the download callable runs outside the session
    st.download_button("Download the edited model (.npz)", lambda: lab.model_file(res, config),
                       file_name=f"mlp-{sizes}-edited.npz", mime="application/octet-stream",
                       icon=":material/download:", on_click="ignore", key="lab.download",
                       help=text.section("lab", "Download"))
