"""Backprop: every equation of the forward and backward pass for one digit, a gradient
check, and one gradient-descent step on that digit (with undo)."""
import numpy as np
import streamlit as st

from nn_core import check_weight
from ui import charts, equations, example, pictures, state, text

LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
SHOW_UNITS = 8
DIGITS = [str(i) for i in range(10)]

model = state.model()
g = model.activation
ex = example.current_or_first_test_image()
x = ex.x.reshape(1, -1)  # (784,) -> (1, 784): a batch of one

st.title("Backpropagation on one digit")
text.show("backprop", "Intro")

probs, cache = model.forward(x)
predicted = int(probs.argmax())
c1, c2 = st.columns([1, 3])
with c1:
    st.image(pictures.grey(ex.image, 168), width=168, alt=f"The digit on this page: {ex.name}",
             caption=f"{ex.name.capitalize()}" + (f", labelled {ex.label}" if ex.label is not None else ""))
with c2:
    example_id = f"{ex.source}.{ex.index}" if ex.source == "test" else f"drawing.{hash(ex.x.tobytes())}"
    label = st.segmented_control(
        "The true digit", list(range(10)), default=ex.label if ex.label is not None else predicted, required=True,
        key=f"backprop.label.{example_id}",
        help="Which digit this really is. The loss, and so every gradient, depends on it: pick a wrong one to see "
             "the network pushed towards a mistake.")
    if ex.source == "drawing":
        st.caption(text.section("backprop", "Drawing label"))
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


def units_of(l: int) -> str:
    return "digit" if l == model.L else f"unit of layer {l}"


def backward_chart(eq: equations.Equation) -> None:
    """The chart under a backward equation: dZ as bars, dW (beyond the first layer) as a matrix, g'(Z) as bars."""
    l = eq.layer
    if eq.kind == "dZ":
        st.plotly_chart(charts.bars(eq.value, f"{eq.name}: the error of each {units_of(l)}", units_of(l), eq.name,
                                    diverging=True, labels=DIGITS if l == model.L else None, height=240),
                        key=f"backprop.{eq.name}", **charts.PLOT)
        st.caption(text.fill("backprop", "dZ chart", name=eq.name))
    elif eq.kind == "dW" and l > 1:
        rows, cols = eq.value.shape
        st.plotly_chart(charts.matrix(eq.value.T, f"{eq.name}ᵀ: {cols} × {rows}", units_of(l - 1), units_of(l),
                                      colorbar=f"∂J/∂W{l}", height=300), key=f"backprop.{eq.name}", **charts.PLOT)
        facts = {"name": eq.name, "l": l, "prev": l - 1}
        st.caption(text.fill("backprop", "dW chart", **facts) + " " + text.fill("backprop", f"dW chart {g}", **facts))
    elif eq.kind == "slope":
        st.plotly_chart(charts.bars(eq.value, f"g′(Z{l})", units_of(l), "slope", height=200),
                        key=f"backprop.{eq.name}", **charts.PLOT)


st.header("Forward pass")
st.markdown(text.section("backprop", "Forward"))
for eq in equations.forward(model, cache, column):
    st.latex(eq.tex)
    st.caption(eq.caption)

st.header("Backward pass")
st.markdown(text.section("backprop", "Backward"))
for eq in equations.backward(model, cache, grads, label, column):
    st.latex(eq.tex)
    st.caption(eq.caption)
    backward_chart(eq)

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
                    key="backprop.W1", **charts.PLOT)
with c2:
    st.plotly_chart(charts.templates(dW1[:, top], cols=min(k, 4), title="dW1[:, j] = xᵀ dZ1[j]: their gradients",
                                     labels=[f"unit {j}: dZ1 = {grads['dZ1'][0, j]:.4f}" for j in top],
                                     colorbar="∂J/∂W1", height=340), key="backprop.dW1", **charts.PLOT)
st.caption(text.section("backprop", "Templates chart"))

st.header("Gradient check")
st.markdown(text.section("backprop", "Check"))
c1, c2, c3, c4 = st.columns(4)
key = c1.selectbox("Parameter", list(model.params), key="backprop.check.param",
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
    st.success(text.fill("backprop", "Check agrees", error=check.rel_error), icon=":material/check_circle:")
else:
    st.warning(text.fill("backprop", f"Check differs {g}", error=check.rel_error), icon=":material/warning:")

st.header("One step of gradient descent on this digit")
st.markdown(text.section("backprop", "Step"))
undo = state.steps_to_undo()
c1, c2, c3 = st.columns([2, 1, 1])
lr = c1.select_slider("Learning rate η", LEARNING_RATES, value=0.1, key="backprop.lr",
                      help="How far to move against the gradient: W ← W − η·dW.")
c2.button("Apply one step", type="primary", icon=":material/arrow_downward:", on_click=state.apply_step,
          args=(x, np.array([label]), lr), key="backprop.apply",
          help=f"Update every weight and bias once, using only this digit labelled {label}.")
c3.button("Undo", icon=":material/undo:", on_click=state.undo_step, disabled=not undo, key="backprop.undo",
          help="Put back the weights from before the last step." if undo else "No step to undo yet.")

if undo:
    last = undo[-1]
    before, after = last.model, model
    ll = int(last.y[0])
    p0, p1 = before.forward(last.X)[0][0], after.forward(last.X)[0][0]
    j0, j1 = -np.log(max(float(p0[ll]), 1e-300)), -np.log(max(float(p1[ll]), 1e-300))
    same = np.array_equal(last.X, x) and ll == label
    st.subheader(f"Before and after the last step (η = {last.lr}, label {ll}"
                 + ("" if same else ", on a different digit or label than above") + ")")
    m1, m2, m3 = st.columns(3)
    m1.metric("Loss J on that digit", f"{j1:.4f}", delta=f"{j1 - j0:+.4f}", delta_color="inverse",
              help="After the step, with the change from before.")
    m2.metric(f"Probability of {ll}", f"{p1[ll]:.2%}", delta=f"{(p1[ll] - p0[ll]) * 100:+.2f} points")
    m3.metric("Steps to undo", len(undo), help=f"Up to {state.MAX_UNDO} steps are kept.")
    st.plotly_chart(charts.compare_bars(p0, p1, "Probabilities before and after", "digit", "probability"),
                    key="backprop.compare", **charts.PLOT)
    st.caption(text.fill("backprop", "Compare chart", L=before.L))
    delta = after.params["W1"] - before.params["W1"]
    moved = np.argsort(-np.linalg.norm(delta, axis=0), kind="stable")[:min(SHOW_UNITS, delta.shape[1])]
    both = np.concatenate([before.params["W1"][:, moved], after.params["W1"][:, moved]], axis=1)
    st.plotly_chart(charts.templates(both, cols=len(moved), title="Templates before (top row) and after (bottom row)",
                                     labels=[f"unit {j}, before" for j in moved] + [f"unit {j}, after" for j in moved],
                                     colorbar="weight", height=330), key="backprop.moved", **charts.PLOT)
    st.plotly_chart(charts.templates(delta[:, moved], cols=len(moved), title="The change, after − before = −η·dW1",
                                     labels=[f"unit {j}" for j in moved], colorbar="change", height=190),
                    key="backprop.delta", **charts.PLOT)
    st.caption(text.section("backprop", "Moved chart"))
