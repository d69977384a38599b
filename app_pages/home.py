"""Home: what the network is, the data at a glance, and where to go next."""
import numpy as np
import streamlit as st

from nn_core import n_params
from server import resources
from session import state
from ui import colors, pictures, questions, text
from views.home import questions as home_questions
from views.shell import lesson, nav

model, data = state.model(), resources.dataset()

st.title("How a neural network learns to read handwritten digits")
text.show("home", "Intro")
st.button("Start the lesson", key="home.start", type="primary", icon=":material/school:", on_click=lesson.start,
          help=text.section("home", "Start help"))

network = st.container(key="home.view.network")
network.header("The network")
left, right = network.columns([3, 2], gap="large")
with left:
    st.image(pictures.architecture_svg(model.layer_sizes, model.activation), width="stretch",
             alt=f"Diagram of the network: layers of {', '.join(map(str, model.layer_sizes))} units from the "
                 "784 input pixels to the 10 output digits, each layer joined to the next")
    st.caption(text.fill("home", "Diagram", sizes="-".join(map(str, model.layer_sizes))))
with right:
    text.show("home", "Equations")
    st.latex(r"Z^{[l]} = A^{[l-1]}\,W^{[l]} + b^{[l]}")
    st.latex(r"A^{[0]} = X \in \mathbb{R}^{m\times 784}")
    st.latex(r"A^{[l]} = g\!\left(Z^{[l]}\right), \qquad g(z) = " + model.g.formula)
    st.latex(r"A^{[L]}_{ij} = \mathrm{softmax}(Z^{[L]})_{ij} = \frac{e^{Z^{[L]}_{ij}}}{\sum_k e^{Z^{[L]}_{ik}}}")
    text.show("home", "Equations after")
    st.latex(r"\begin{gathered}J = -\frac{1}{m}\sum_{i=1}^{m} \log A^{[L]}_{i,\,y_i}\\ dZ^{[L]} = \frac{1}{m}\left(A^{[L]} - Y\right)"
             r"\\ W \leftarrow W - \alpha\, dW\end{gathered}")  # as on Backprop and Train

sizes = model.layer_sizes
st.header("Predict first", anchor=False)
answered = questions.ask(home_questions.params_question(sizes))
with st.container(key="home.view.parameters"):
    if answered is None:  # the table would give the answer away
        st.caption(text.section("home", "Parameters after"))
    else:
        st.table([{"layer": f"{l}", "W shape": f"{sizes[l - 1]} × {sizes[l]}", "weights": sizes[l - 1] * sizes[l],
                   "biases": sizes[l], "parameters": n_params(sizes[l - 1:l + 1])} for l in range(1, model.L + 1)])
        st.caption(text.fill("home", "Parameters", n=model.n_params))

data_view = st.container(key="home.view.data")
data_view.header("The data")
with data_view:
    text.show("home", "Data")
left, right = data_view.columns([3, 2], gap="large")
with left:
    rng = np.random.default_rng(0)
    picks = np.concatenate([rng.choice(np.flatnonzero(data.y_train == d), 3, replace=False) for d in range(10)])
    picks = picks.reshape(10, 3).T.ravel()  # three rows, digits 0-9 in each
    st.image(pictures.digit_sheet(data.x_train[picks], [str(data.y_train[i]) for i in picks], cols=10),
             width="stretch", alt="Thirty training images, three of each digit 0 to 9, each with its label in a corner")
    st.caption(text.section("home", "Samples"))
with right:
    counts = {name: np.bincount(y, minlength=10) for name, y in
              (("train", data.y_train), ("validation", data.y_val), ("test", data.y_test))}
    st.table({"digit": [str(d) for d in range(10)], **{f"{k} ({v.sum():,})": [f"{c:,}" for c in v]
                                                        for k, v in counts.items()}})
    train = counts["train"]
    st.caption(text.fill("home", "Counts", most=int(train.argmax()), most_n=int(train.max()),
                         least=int(train.argmin()), least_n=int(train.min())))

with st.container(key="home.view.colours"):
    st.header("How to read the colours")
    text.show("home", "Colours")
    pictures.html(pictures.colour_legend([text.section("home", part) for part, _ in colors.LEGEND]))

with st.container(key="home.view.lesson"):
    st.header("The lesson, page by page")
    st.markdown(text.fill("home", "Lesson", steps=len(lesson.path())))
    st.button("Start the guided lesson", key="home.start_below", icon=":material/school:", on_click=lesson.start,
              help=text.section("home", "Start help"))
    nav.every_page()
    st.caption(text.section("home", "Teach"))

nav.next_page("app_pages/home.py")
