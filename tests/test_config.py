"""TrainConfig is the one place hyperparameters are defined: the CLI, the dashboard's
widgets and the link keys follow from it, and untrusted dicts become a config or a list
of problems, never an exception other than ValueError."""
import json
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from links.controls import controls
from links.query import read_link, train_keys
from nn_core import ConfigError, TrainConfig, check_config, specs
from nn_core.cli import UsageError, build_parser, config_from
from nn_core.fields import Spec, param, parse_number
from server.limits import Limits


@dataclass(frozen=True)
class WithSmoothing(TrainConfig):
    """A copy of the config with one more hyperparameter, declared the only way there is."""
    smoothing: float = param(0.0, Spec(
        "float", "Fraction of the target probability spread over the other digits.", label="Label smoothing",
        lo=0, hi=0.9, widget="steps", steps=(0.0, 0.1, 0.2, 0.5), zero="off", link="smoothing"))


def test_a_new_field_appears_in_the_command_line_the_widgets_and_the_link():
    parser = build_parser(WithSmoothing)
    config = config_from(parser.parse_args(["train", "--preset", "best", "--smoothing", "0.2", "--epochs", "3"]),
                         WithSmoothing)
    assert isinstance(config, WithSmoothing) and config.smoothing == 0.2
    assert config.epochs == 3 and config.hidden == (512, 256)  # the preset's, and the option's
    train = next(a for a in parser._actions if a.dest == "command").choices["train"]
    assert "Fraction of the target probability" in train.format_help()
    with pytest.raises(UsageError, match="smoothing must be in"):
        parser.parse_args(["train", "--smoothing", "2"])
    assert "--smoothing" not in build_parser().format_help() + next(
        a for a in build_parser()._actions if a.dest == "command").choices["train"].format_help()

    assert [c.label for c in controls(Limits(), WithSmoothing)][-1] == "Label smoothing"
    keys = train_keys(WithSmoothing)
    reading = read_link({"smoothing": ["0.3"], "lr": ["1e-3"]}, Limits(), keys)
    assert reading.values["smoothing"] == 0.2 and reading.values["lr"] == 0.001
    assert reading.notes == ["The link's smoothing=`0.3` is not one of the values offered: using 0.2, the nearest "
                             "allowed value."]
    assert read_link({"smoothing": ["off"]}, Limits(), keys).values["smoothing"] == 0.0
    assert "smoothing" in read_link({"smoothing": ["0.5"]}, Limits()).notes[0]  # unknown to the real config
    assert WithSmoothing.from_dict(config.to_dict()) == config


def test_every_field_has_a_spec_with_help_and_its_default_is_valid():
    for name, spec in specs().items():
        assert spec.help.endswith(".") and spec.problem(name, getattr(TrainConfig(), name)) is None, name
        if spec.widget:
            assert spec.label and spec.link, name


@pytest.mark.parametrize("d, problem", [
    ([1, 2], "must be a JSON object"),
    ({"lr": float("nan")}, "lr must be a finite number, got nan"),
    ({"lr": 10**400}, "lr must be in (0, 100]"),
    ({"epochs": 5.0}, "epochs must be a whole number"),
    ({"epochs": True}, "epochs must be a whole number"),
    ({"hidden": [128.0]}, "hidden sizes must be whole numbers"),
    ({"hidden": "128"}, "hidden must be 1 to 8 sizes"),
    ({"hidden": list(range(1, 10**5))}, "hidden must be 1 to 8 sizes"),
    ({"activation": ["relu"]}, "activation must be one of relu, leaky_relu, sigmoid, tanh"),
    ({"seed": 2**32}, "seed must be in 0..4294967295"),
    ({"learning_rate": 0.1, 3: 4}, "unknown config keys"),
])
def test_untrusted_dicts_become_a_list_of_problems(d, problem):
    config, problems = check_config(d)
    assert config is None and any(problem in p for p in problems), problems
    with pytest.raises(ConfigError) as e:
        TrainConfig.from_dict(d)
    assert e.value.problems == problems and isinstance(e.value, ValueError)


def test_every_problem_is_reported_at_once():
    _, problems = check_config({"lr": 0, "epochs": 0, "optimizer": "rmsprop"})
    assert len(problems) == 3


def test_a_saved_config_round_trips_through_json():
    c = TrainConfig(hidden=(64, 32), lr=1, momentum=0.5)
    assert c.lr == 1.0 and isinstance(c.lr, float)
    assert TrainConfig.from_dict(json.loads(json.dumps(c.to_dict()))) == c


@pytest.mark.parametrize("text, value", [("10", 10.0), ("10.0", 10.0), ("1e-3", 0.001), (" 2 ", 2.0), ("1_000", 1000.0)])
def test_numbers_are_read_as_typed(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "1e309", "-1e400", "", "abc", "1,5", "0x10"])
def test_other_texts_are_not_numbers(text):
    with pytest.raises(ValueError):
        parse_number(text)


json_values = st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner,
                                                                                       max_size=5), max_leaves=20)
config_like = st.dictionaries(st.sampled_from([*specs(), "other"]), json_values, max_size=8)


@pytest.mark.slow  # ~2.4 s (make quick leaves it to test-core)
@settings(max_examples=150, deadline=None)
@given(d=st.one_of(config_like, json_values))
def test_check_config_accepts_or_explains_anything(d):
    config, problems = check_config(d)
    if config is None:
        assert problems and all(isinstance(p, str) and len(p) < 600 for p in problems)
    else:
        assert problems == [] and TrainConfig.from_dict(config.to_dict()) == config
