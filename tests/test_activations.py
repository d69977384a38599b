"""Activations by their traits (nn_core/activations.py): each one's traits agree with its own
math, "flat" has one definition, the registry is the only list of activations (the config,
the command line, links and model files accept what it holds, a dummy added at run time
included), and nothing outside nn_core/activations.py chooses words by an activation's name."""
import ast
import re

import numpy as np
import pytest

from devtools.dummy_activation import ELU
from devtools.paths import ROOT
from links.controls import controls
from links.query import read_link
from nn_core import ACTIVATIONS, MLP, ConfigError, TrainConfig, dumps_model
from nn_core.activations import FLAT, NAMES, leaky_relu
from nn_core.cli import UsageError, build_parser, config_from
from nn_core.files.serialize import load_model
from server.limits import Limits


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_traits_agree_with_the_activations_own_math(name):
    g = ACTIVATIONS[name]
    assert g.name == name and g.title and g.flat_word
    z = np.linspace(-6, -0.01, 600)
    below = g.derivative(z, g.forward(z)).astype(np.float64)  # g'(z) for z < 0
    if g.negative_slope is None:
        assert np.ptp(below) > 1e-3  # changes with z
    else:
        np.testing.assert_allclose(below, g.negative_slope, atol=1e-12)
    assert g.can_die == bool(g.negative_slope is not None and np.all(below == 0))
    grid = np.linspace(-10, 10, 20_001)
    assert g.max_slope == pytest.approx(float(np.max(g.derivative(grid, g.forward(grid)))), rel=1e-6)


@pytest.mark.parametrize("slope", [0.0, 0.01, 0.05, 0.2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_unit_with_one_slope_below_zero_is_flat_exactly_where_z_is_at_most_0(slope, dtype):
    """ReLU (slope 0) and leaky ReLU, whatever its leak and the precision: the flat side is Z <= 0,
    the side the Train page's chart counts."""
    g = ACTIVATIONS["relu"] if slope == 0 else leaky_relu(slope)
    Z = np.linspace(-3, 3, 601).astype(dtype)
    np.testing.assert_array_equal(g.flat(Z, g.forward(Z)), Z <= 0)


@pytest.mark.parametrize("name, edge", [("sigmoid", 0.0025), ("tanh", 0.01)])
def test_a_saturating_unit_is_flat_where_its_slope_is_under_1_percent_of_the_largest(name, edge):
    g = ACTIVATIONS[name]
    Z = np.linspace(-12, 12, 24_001)
    slope = g.derivative(Z, g.forward(Z))
    assert g.flat_slope == pytest.approx(edge) == pytest.approx(FLAT * slope.max(), rel=1e-6)
    np.testing.assert_array_equal(g.flat(Z, g.forward(Z)), slope <= edge)
    assert g.flat(Z, g.forward(Z)).any() and not g.flat(np.zeros(1), g.forward(np.zeros(1))).any()


def test_an_activation_added_to_the_registry_is_accepted_everywhere(monkeypatch, tmp_path):
    """The config, the command line, the Train page's control, links and model files read
    ACTIVATIONS when asked: registering ELU there is all it takes (and until then it is refused)."""
    with pytest.raises(ConfigError, match="activation must be one of relu, leaky_relu, sigmoid, tanh, got 'elu'"):
        TrainConfig(activation="elu")
    with pytest.raises(UsageError, match="invalid choice: 'elu'"):
        build_parser().parse_args(["train", "--activation", "elu"])
    assert "elu" not in NAMES and read_link({"activation": ["ELU"]}, Limits()).values == {}

    monkeypatch.setitem(ACTIVATIONS, "elu", ELU)
    assert list(NAMES) == ["relu", "leaky_relu", "sigmoid", "tanh", "elu"] and "elu" in NAMES
    assert TrainConfig(activation="elu").activation == "elu"
    assert config_from(build_parser().parse_args(["train", "--activation", "elu"])).activation == "elu"
    assert next(c for c in controls(Limits()) if c.name == "activation").options[-1] == "elu"
    assert read_link({"activation": ["ELU"]}, Limits()).values == {"activation": "elu"}
    model = MLP([784, 6, 10], "elu", seed=1)
    (tmp_path / "elu.npz").write_bytes(dumps_model(model, TrainConfig(hidden=(6,), activation="elu", seed=1).to_dict()))
    loaded, _ = load_model(tmp_path / "elu.npz")
    assert loaded.g is ELU and np.array_equal(loaded.params["W1"], model.params["W1"])


def _strings(tree: ast.AST):
    """Every string constant that is not a docstring, with its line."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_page_chooses_words_by_an_activations_name():
    """Outside nn_core/activations.py, no code names an activation: the pages ask its traits
    and take its words from assets/text through ui/text.py's registry."""
    names = set(ACTIVATIONS)
    found = []
    rooms = ["app_pages", "views", "ui", "session", "server", "links"]
    for path in [ROOT / "app.py", *(p for room in rooms for p in sorted((ROOT / room).rglob("*.py")))]:
        for line, value in _strings(ast.parse(path.read_text())):
            if names & set(re.findall(r"[a-z_]+", value)):
                found.append(f"{path.relative_to(ROOT)}:{line}: {value!r}")
    assert found == []
