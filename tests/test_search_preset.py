"""scripts/search_preset.py takes its hyperparameter options from TrainConfig's specs, as the
CLI does: every field is an option of `train` and `race`, checked and typed by its spec."""
import subprocess
import sys

import pytest

from devtools.paths import ROOT
from nn_core import PRESETS, TrainConfig
from nn_core.config import specs


def flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def test_every_config_field_is_an_option():
    r = subprocess.run([sys.executable, "-m", "scripts.search_preset", "train", "--help"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    missing = [name for name in specs() if flag(name) not in r.stdout]
    assert not missing, f"options missing from `train`: {missing}"


def test_race_takes_the_same_options():
    from scripts.search_preset import parser
    sub = next(a for a in parser()._actions if a.dest == "command").choices
    assert [a.dest for a in sub["race"]._actions if a.dest in specs()] == \
           [a.dest for a in sub["train"]._actions if a.dest in specs()] == list(specs())


def test_the_options_build_the_config_on_top_of_a_preset():
    from scripts.search_preset import config_of, parser
    args = parser().parse_args(["train", "--name", "c1", "--hidden", "64", "32", "--activation", "tanh",
                                "--batch-size", "256", "--elastic-sigma", "3", "--dropout", "0.2"])
    expected = PRESETS["best"].config.replace(hidden=(64, 32), activation="tanh", batch_size=256,
                                              elastic_sigma=3.0, dropout=0.2)
    assert config_of(args) == expected and isinstance(expected, TrainConfig)
    assert config_of(parser().parse_args(["race", "--preset", "fast"])) == PRESETS["fast"].config


@pytest.mark.parametrize("bad", [["--lr", "-1"], ["--epochs", "0"], ["--optimizer", "rmsprop"]])
def test_bad_values_are_refused_by_the_spec(bad, capsys):
    from scripts.search_preset import parser
    with pytest.raises(SystemExit):
        parser().parse_args(["train", "--name", "c1", *bad])
    assert "error" in capsys.readouterr().err
