"""Adding an activation is two edits: its function, derivative and traits in
nn_core/activations.py (here: ELU, registered in ACTIVATIONS by the test and nowhere else in
the code), and its words in assets/text (here: appended to a copy of the files). Then every
page of the navigation (views/shell/nav.py) renders a model that uses it, with ELU's own
words wherever the words depend on the activation, and Train trains it."""
import base64
import shutil

import pytest

from devtools.apptest import button, figures, fresh, texts, tiny_training, use_model
from devtools.dummy_activation import ELU
from nn_core import ACTIVATIONS, MLP
from ui import text
from views.shell import nav

# The words an engineer adding ELU writes: one part per entry of ui/text.py PER_ACTIVATION.
ELU_WORDS = {
    ("draw", "Layer elu"): "Right: A{l} = elu(Z{l}), Z where Z > 0 and e^Z − 1 (down to −1) elsewhere: "
                           "{nonpositive} of {n} units are on ELU's curved side for this input.",
    ("equations", "dZ elu"): "Every unit passes some gradient back: dA{l} times ELU's slope at Z{l}, 1 where "
                             "Z{l} > 0 and A + 1 = e^Z below.",
    ("equations", "slope elu"): "ELU's slope at each unit of layer {l}: 1 where Z{l} > 0, A + 1 = e^Z elsewhere.",
    ("backprop", "Why slope elu"): "elu(z) = e^z − 1 for z ≤ 0 has the slope e^z = A + 1: close to 0 far below "
                                   "zero, where an ELU unit is {word}.",
    ("backprop", "Check differs elu"): "Relative error {error:.1e}. ELU bends at 0: try another entry.",
    ("train", "Dead elu"): "No dead-units chart for ELU: its slope below zero changes with Z, so Z ≤ 0 on every "
                           "example says nothing about learning.",
    ("units", "Flat elu"): "Z far below zero on every one of the {m} test images, where ELU's slope e^Z is under "
                           "1 % of its largest: such a unit is {word} and barely learns.",
    ("units", "Some elu"): "on ELU's steep side on {on} of the {m} test images, {word} on {off}.",
}


@pytest.fixture
def elu(monkeypatch, tmp_path):
    """ELU in the registry, and a copy of assets/text with its words."""
    monkeypatch.setitem(ACTIVATIONS, "elu", ELU)
    words = tmp_path / "text"
    shutil.copytree(text.TEXT, words)
    for (file, part), body in ELU_WORDS.items():
        with open(words / f"{file}.md", "a", encoding="utf-8") as f:
            f.write(f"\n## {part}\n{body}\n")
    monkeypatch.setattr(text, "TEXT", words)
    text.load.cache_clear()
    yield
    text.load.cache_clear()


def test_the_words_written_for_elu_are_all_it_needs(elu):
    assert text.missing() == []
    assert set(ELU_WORDS) == {(f, p) for f, p in text.registered() if p.endswith(" elu")}


def _words(at) -> str:
    """The page's text, one space between words (Markdown wraps lines)."""
    return " ".join(" ".join(str(getattr(e, "value", "")) for kind in (at.caption, at.markdown, at.warning,
                                                                       at.success, at.info) for e in kind).split())


@pytest.mark.slow  # eleven pages: ~11 s on the shared machine
def test_every_page_renders_an_elu_model_in_its_own_words(elu):
    at = fresh()
    model = MLP([784, 16, 12, 10], "elu", seed=2)
    model.params["b1"][3] = -1e3  # unit 3 of layer 1 far below zero on every image: saturated
    use_model(at, model)
    for page in nav.LESSON:
        at.switch_page(page.script).run()
        assert not at.exception, (page.script, at.exception)
        assert at.title, page.script
        words = _words(at)
        if page.title == "Draw":
            at.segmented_control(key="draw.source").set_value("test").run()
            assert not at.exception, at.exception
            assert "units are on ELU's curved side for this input" in _words(at)
        elif page.title == "Backprop":
            assert "ELU's slope at Z1, 1 where Z1 > 0 and A + 1 = e^Z below" in words
            assert any(e.label.endswith("the slope g′ of elu") for e in at.expander)
        elif page.title == "Weights":
            assert "Saturated units, the current model: 1 of 16** (3), the units the Units page calls saturated: " \
                   "Z far below zero on every one of the 10,000 test images, where ELU's slope" in words
        elif page.title == "Units":
            at.number_input(key="units.unit").set_value(3).run()
            assert "Unit 3 of layer 1 is saturated: Z far below zero on every one of the 10,000 test images" \
                   in _words(at)
            at.number_input(key="units.unit").set_value(0).run()
            assert "Unit 0 of layer 1 is alive: on ELU's steep side on" in _words(at)
        elif page.title == "Home":  # the network diagram, an SVG image
            svg = base64.b64decode(at.get("image")[0].proto.imgs[0].url.split(",", 1)[1]).decode()
            assert "hidden A1 (elu)" in svg and "hidden A2 (elu)" in svg
    assert at.session_state["model.current"] is model


def test_train_trains_an_elu_network_and_says_why_it_has_no_dead_units_chart(elu, one_step_ticks):  # noqa: F811
    at = tiny_training(fresh(), epochs=1, activation="elu")
    at.run()
    assert not at.exception, at.exception
    button(at, "Pause").click().run()
    assert at.session_state["train.trainer"].model.g is ELU
    titles = [f["layout"]["title"]["text"] for f in figures(at)]
    assert "Accuracy" in titles and not any("hidden units" in t for t in titles)
    assert "No dead-units chart for ELU: its slope below zero changes with Z" in texts(at.info)
