"""Backprop: every equation of the forward and backward pass for one digit, a gradient
check, and one gradient-descent step on that digit (with undo)."""
import numpy as np
import streamlit as st

from nn_core import check_weight
from nn_core.optimizers import SGD
from ui import charts, equations, example, pictures, state, text, thin

PLOT = charts.PLOT
LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
MAX_UNDO = 20
SHOW_UNITS = 8

model = state.model()
ex = example.current_or_first_test_image()
x = ex.x.reshape(1, -1)

st.title("Backpropagation on one digit")
text.show("backprop", "Intro")

probs, cache = model.forward(x)
predicted = int(probs.argmax())
c1, c2 = st.columns([1, 3])
with c1:
    st.image(pictures.grey(ex.image, 168), width=168,
             caption=f"{ex.name.capitalize()}" + (f", labelled {ex.label}" if ex.label is not None else ""))
with c2:
    example_id = f"{ex.source}.{ex.index}" if ex.source == "test" else f"drawing.{hash(ex.x.tobytes())}"
    label = st.segmented_control(
        "The true digit", list(range(10)), default=ex.label if ex.label is not None else predicted, required=True,
        key=f"backprop.label.{example_id}",
        help="Which digit this really is. The loss, and so every gradient, depends on it: pick a wrong one to see "
             "the network pushed towards a mistake.")
    if ex.source == "drawing":
        st.caption("For a drawing, the network's own answer is chosen at first; pick the digit you meant.")
    loss = -float(np.log(max(float(probs[0, label]), 1e-300)))
    m1, m2, m3 = st.columns(3)
    m1.metric("Prediction", predicted, help="argmax of the output probabilities")
    m2.metric(f"Probability of {label}", f"{probs[0, label]:.2%}", help=f"A{model.L}[{label}]")
    m3.metric("Loss J", f"{loss:.4f}", help=f"J = −log A{model.L}[{label}], the cross-entropy for this one example")
    st.page_link("app_pages/draw.py", label="Draw another digit or choose a test image", icon=":material/draw:")

column = st.toggle("Column form (W·x, as in some source notes)", key="backprop.column", persist_state="session",
                   help="Off: row form, as this project's code computes it (Z = A·W + b, W of shape n_in × n_out). "
                        "On: column form (z = W·a + b, W of shape n_out × n_in, vectors as columns). Same numbers, "
                        "transposed.")
grads = model.backward(cache, np.array([label]))
shown = thin.layers_shown(model.L, key="backprop.all_layers")  # a deep network: the first and last layers

st.header("Forward pass")
st.markdown(text.section("backprop", "Forward"))
for eq in filter(lambda eq: shown(eq.name), equations.forward(model, cache, column)):
    st.latex(eq.tex)
    st.caption(eq.caption)

st.header("Backward pass")
st.markdown(text.section("backprop", "Backward"))
for eq in filter(lambda eq: shown(eq.name), equations.backward(model, cache, grads, label, column)):
    st.latex(eq.tex)
    st.caption(eq.caption)
    l = eq.name[-1]
    if eq.name.startswith("dZ"):
        what = "digit" if eq.name == f"dZ{model.L}" else f"unit of layer {l}"
        st.plotly_chart(charts.bars(eq.value, f"{eq.name}: the error of each {what}", what, eq.name, diverging=True,
                                    labels=[str(i) for i in range(10)] if what == "digit" else None, height=240),
                        key=f"backprop.{eq.name}", **PLOT)
        st.caption(f"{eq.name}, diverging scale centred on zero: blue positive (pushed down by a step), red "
                   "negative (pushed up).")
    elif eq.name.startswith("dW") and eq.name != "dW1":
        st.plotly_chart(charts.matrix(eq.value.T, f"{eq.name}ᵀ: {eq.value.shape[1]} × {eq.value.shape[0]}",
                                      f"unit of layer {int(l) - 1}", "digit" if int(l) == model.L else f"unit of layer {l}",
                                      colorbar=f"∂J/∂W{l}", height=300),
                        key=f"backprop.{eq.name}", **PLOT)
        st.caption(f"Every entry of {eq.name} = A{int(l) - 1}ᵀ dZ{l}, diverging scale centred on zero. Columns of "
                   f"silent units (A{int(l) - 1} = 0) are blank: they did not contribute, so they are not blamed.")
    elif eq.name.startswith("mask"):
        st.plotly_chart(charts.bars(eq.value, f"g′(Z{l})", f"unit of layer {l}", "slope", height=200),
                        key=f"backprop.{eq.name}", **PLOT)

st.header("dW1: what this digit would change in each template")
st.markdown(text.section("backprop", "Templates"))
dW1, W1 = grads["dW1"], model.params["W1"]
H = W1.shape[1]
k = st.slider("Units shown", 1, min(H, 32), min(SHOW_UNITS, H), key="backprop.units",
              help="The hidden units whose gradient dW1[:, j] is largest (by its norm), largest first.")
top = np.argsort(-np.linalg.norm(dW1, axis=0), kind="stable")[:k]
c1, c2 = st.columns(2)
with c1:
    st.plotly_chart(charts.templates(W1[:, top], cols=min(k, 4), title="W1[:, j]: the templates",
                                     labels=[f"unit {j}" for j in top], colorbar="weight", height=340),
                    key="backprop.W1", **PLOT)
with c2:
    st.plotly_chart(charts.templates(dW1[:, top], cols=min(k, 4), title="dW1[:, j] = xᵀ dZ1[j]: their gradients",
                                     labels=[f"unit {j}: dZ1 = {grads['dZ1'][0, j]:.4f}" for j in top],
                                     colorbar="∂J/∂W1", height=340), key="backprop.dW1", **PLOT)
st.caption("Left: the weights of each unit as 28×28. Right: ∂J/∂W1 for the same units, each the input picture "
           "times that unit's error dZ1[j] (dW1 = A0ᵀ dZ1). Both on diverging scales centred on zero, each with "
           "its own range; units ordered by ‖dW1[:, j]‖.")

st.header("Gradient check")
st.markdown(text.section("backprop", "Check"))
keys = list(model.params)
c1, c2, c3, c4 = st.columns(4)
key = c1.selectbox("Parameter", keys, key="backprop.check.param",
                   help="Which weight matrix or bias vector the checked entry belongs to.")
P, dP = model.params[key], grads[f"d{key}"]
best = np.unravel_index(int(np.abs(dP).argmax()), P.shape)  # the entry with the largest gradient
if P.ndim == 2:
    i = c2.number_input("Row i (input unit)", 0, P.shape[0] - 1, int(best[0]), key=f"backprop.check.i.{key}",
                        help=f"0 to {P.shape[0] - 1}. Starts at the entry with the largest |gradient|.")
    j = c3.number_input("Column j (unit)", 0, P.shape[1] - 1, int(best[1]), key=f"backprop.check.j.{key}",
                        help=f"0 to {P.shape[1] - 1}.")
    index = (int(i), int(j))
else:
    index = (int(c2.number_input("Entry j (unit)", 0, P.shape[0] - 1, int(best[0]), key=f"backprop.check.j.{key}",
                                 help=f"0 to {P.shape[0] - 1}.")),)
h = c4.select_slider("Step h", [1e-7, 1e-6, 1e-5, 1e-4, 1e-3], value=1e-5, key="backprop.check.h",
                     format_func=lambda v: f"{v:.0e}",
                     help="The nudge in the central difference. Too large: the curve bends; too small: rounding.")
check = check_weight(model.astype(np.float64), x.astype(np.float64), np.array([label]), key, index, h=h)
name = f"{key}[{', '.join(map(str, index))}]"
m1, m2, m3 = st.columns(3)
m1.metric(f"Backprop ∂J/∂{name}", f"{check.analytic:.6e}")
m2.metric("Finite difference", f"{check.numeric:.6e}")
m3.metric("Relative error", f"{check.rel_error:.1e}",
          help="|a − n| / (|a| + |n|): below 1e-5 they agree; near 1 backprop would be wrong.")
if check.rel_error < 1e-5:
    st.success(f"They agree: relative error {check.rel_error:.1e} < 1e-5.", icon=":material/check_circle:")
else:
    st.warning(f"Relative error {check.rel_error:.1e}. If the unit's Z is within h of 0, the ReLU kink makes "
               "the finite difference wrong, not backprop: try another entry or a smaller h.", icon=":material/warning:")


st.header("One step of gradient descent on this digit")
st.markdown(text.section("backprop", "Step"))


def _apply(x: np.ndarray, lr: float, label: int) -> None:
    current, info = state.model(), state.info()
    _, c = current.forward(x)
    new = current.copy()  # the pretrained default is read-only and shared: never update it in place
    SGD().update(new.params, current.backward(c, np.array([label])), lr)
    undo = st.session_state["backprop.undo"]
    undo.append({"model": current, "info": info, "snapshots": st.session_state["model.snapshots"],
                 "lr": lr, "label": label, "x": x})
    del undo[:-MAX_UNDO]
    steps = info.get("one_example_steps", 0) + 1
    base = info.get("base_name", info["name"])
    st.session_state["model.current"] = new
    st.session_state["model.info"] = {**info, "base_name": base, "one_example_steps": steps, "metrics": {},
                                      "name": f"{base} + {steps} step{'s' if steps > 1 else ''} on one digit"}
    st.session_state["eval.result"] = None


def _undo() -> None:
    last = st.session_state["backprop.undo"].pop()
    st.session_state["model.current"], st.session_state["model.info"] = last["model"], last["info"]
    st.session_state["model.snapshots"] = last["snapshots"]
    st.session_state["eval.result"] = None


undo = st.session_state["backprop.undo"]
c1, c2, c3 = st.columns([2, 1, 1])
lr = c1.select_slider("Learning rate η", LEARNING_RATES, value=0.1, key="backprop.lr",
                      help="How far to move against the gradient: W ← W − η·dW.")
c2.button("Apply one step", type="primary", icon=":material/arrow_downward:", on_click=_apply, args=(x, lr, label),
          key="backprop.apply", help=f"Update every weight and bias once, using only this digit labelled {label}.")
c3.button("Undo", icon=":material/undo:", on_click=_undo, disabled=not undo, key="backprop.undo_button",
          help="Put back the weights from before the last step." if undo else "No step to undo yet.")

if undo:
    last = undo[-1]
    before, after = last["model"], state.model()
    lx, ll = last["x"], last["label"]
    p0, p1 = before.forward(lx)[0][0], after.forward(lx)[0][0]
    j0, j1 = -np.log(max(float(p0[ll]), 1e-300)), -np.log(max(float(p1[ll]), 1e-300))
    same = np.array_equal(lx, x) and ll == label
    st.subheader(f"Before and after the last step (η = {last['lr']}, label {ll}"
                 + ("" if same else ", on a different digit or label than above") + ")")
    m1, m2, m3 = st.columns(3)
    m1.metric("Loss J on that digit", f"{j1:.4f}", delta=f"{j1 - j0:+.4f}", delta_color="inverse",
              help="After the step, with the change from before.")
    m2.metric(f"Probability of {ll}", f"{p1[ll]:.2%}", delta=f"{(p1[ll] - p0[ll]) * 100:+.2f} points")
    m3.metric("Steps to undo", len(undo), help=f"Up to {MAX_UNDO} steps are kept.")
    st.plotly_chart(charts.compare_bars(p0, p1, "Probabilities before and after", "digit", "probability"),
                    key="backprop.compare", **PLOT)
    st.caption(f"A{before.L} for the same digit with the weights before the step (orange) and after (blue).")
    delta = after.params["W1"] - before.params["W1"]
    moved = np.argsort(-np.linalg.norm(delta, axis=0), kind="stable")[:min(SHOW_UNITS, delta.shape[1])]
    both = np.concatenate([before.params["W1"][:, moved], after.params["W1"][:, moved]], axis=1)
    st.plotly_chart(charts.templates(both, cols=len(moved), title="Templates before (top row) and after (bottom row)",
                                     labels=[f"unit {j}, before" for j in moved] + [f"unit {j}, after" for j in moved],
                                     colorbar="weight", height=330), key="backprop.moved", **PLOT)
    st.plotly_chart(charts.templates(delta[:, moved], cols=len(moved), title="The change, after − before = −η·dW1",
                                     labels=[f"unit {j}" for j in moved], colorbar="change", height=190),
                    key="backprop.delta", **PLOT)
    st.caption("The hidden units whose templates moved most. The change is the input picture times −η·dZ1[j]: "
               "only inked pixels move. Diverging scales centred on zero; the change has its own range.")
