"""`python -m nn_core`: train, evaluate, predict, and one-line errors with exit code 2."""
import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from devtools.paths import ASSETS, ROOT


def run(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "nn_core", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.slow  # ~2.5 s (make quick leaves it to test-core)
def test_train_json_and_save(tmp_path):
    out = tmp_path / "m.npz"
    r = run("train", "--preset", "fast", "--hidden", "32", "16", "--epochs", "2", "--n-train", "3000",
            "--optimizer", "momentum", "--lr", "0.05", "--batch-size", "50", "--seed", "3",
            "--save", str(out), "--save-snapshots", str(tmp_path / "snaps.npz"), "--json")
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout.strip().splitlines()[-1])
    for key in ("test_accuracy", "val_accuracy", "train_seconds", "epoch_seconds", "params"):
        assert key in result
    assert result["params"] == 784 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10
    assert len(result["epoch_seconds"]) == 2 and result["status"] == "done"
    assert result["config"]["optimizer"] == "momentum" and result["config"]["hidden"] == [32, 16]
    assert 0.5 < result["test_accuracy"] <= 1 and out.exists()
    assert result["snapshots"] == 3 and (tmp_path / "snaps.npz").exists()  # the start and 2 epochs

    r = run("evaluate", str(out), "--json")
    assert r.returncode == 0, r.stderr
    ev = json.loads(r.stdout)
    assert ev["test_accuracy"] == pytest.approx(result["test_accuracy"])
    assert len(ev["per_class_accuracy"]) == 10


def test_predict_reads_a_drawing(tmp_path, mnist):
    digit = np.kron(mnist.x_test[0], np.ones((8, 8), np.uint8))  # a 7, drawn big
    canvas = np.full((300, 300), 255, np.uint8)
    canvas[20:244, 50:274] = 255 - digit  # dark ink on white paper
    Image.fromarray(canvas).save(tmp_path / "seven.png")
    r = run("predict", str(ASSETS / "default_model.npz"), str(tmp_path / "seven.png"), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["prediction"] == int(mnist.y_test[0]) == 7
    assert sum(out["probabilities"]) == pytest.approx(1, abs=1e-4)


@pytest.mark.parametrize("args, match", [
    (["train", "--lr", "-1"], "lr must be"),
    (["train", "--activation", "swish"], "invalid choice"),
    (["train", "--preset", "huge"], "invalid choice"),
    (["train", "--epochs", "0"], "epochs must be in 1..10000, got 0"),
    (["train", "--epochs", "2.5"], "'2.5' is not a whole number"),
    (["train", "--lr", "inf"], "'inf' is not a finite number"),
    (["train", "--lr", "1e309"], "not a finite number"),
    (["train", "--seed", "nan"], "not a finite number"),
    (["train", "--hidden", "abc"], "'abc' is not a number"),
    (["train", "--hidden", "1", "2", "3", "4", "5", "6", "7", "8", "9"], "hidden must be 1 to 8 sizes"),
    (["train", "--save", "nn_core/cli.py/m.npz"], "cannot write nn_core/cli.py/m.npz: no directory"),
    (["train", "--save", "nn_core"], "it is a directory"),
    (["train", "--save", "/proc/m.npz"], "cannot write /proc/m.npz: could not create a file"),
    (["train", "--hidden", "4096", "4096", "4096", "--save", "big.npz"], "model files hold at most 25,000,000"),
    (["train", "--bogus"], "unrecognized"),
    (["frobnicate"], "invalid choice"),
    ([], "required"),
    (["evaluate", "no-such-model.npz"], "no such file"),
    (["evaluate", "assets/t10k-labels-idx1-ubyte.gz"], "not an .npz"),
    (["predict", "assets/default_model.npz", "nn_core/cli.py"], "not a readable image"),
])
def test_bad_arguments_give_one_line_and_exit_2(args, match):
    r = run(*args)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and match in lines[0] and "Traceback" not in r.stderr


def test_corrupt_data_directory_is_a_clear_error(tmp_path):
    (tmp_path / "train-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03garbage")
    r = run("--data", str(tmp_path), "train", "--epochs", "1")
    assert r.returncode == 2 and "train-images" in r.stderr and "Traceback" not in r.stderr


def test_numbers_are_read_as_people_type_them(tmp_path):
    r = run("train", "--hidden", "16,8", "--epochs", "1e0", "--lr", "1e-2", "--n-train", "600", "--seed", "7.0",
            "--momentum", "0.5", "--optimizer", "momentum", "--json")
    assert r.returncode == 0, r.stderr
    config = json.loads(r.stdout.strip().splitlines()[-1])["config"]
    assert config["hidden"] == [16, 8] and config["epochs"] == 1 and config["lr"] == 0.01
    assert config["seed"] == 7 and config["momentum"] == 0.5


@pytest.mark.slow  # ~1.7 s (make quick leaves it to test-core)
def test_evaluate_on_a_test_set_without_one_class_writes_strict_json(tmp_path, mnist):
    """A class with no test images has no accuracy: null, not NaN (which is not JSON)."""
    from nn_core.data import FILES, write_idx
    keep = mnist.y_test != 3
    for key in ("x_train", "y_train"):
        (tmp_path / f"{FILES[key]}.gz").symlink_to(ASSETS / f"{FILES[key]}.gz")
    write_idx(tmp_path / f"{FILES['x_test']}.gz", mnist.x_test[keep][:500])
    write_idx(tmp_path / f"{FILES['y_test']}.gz", mnist.y_test[keep][:500])
    r = run("--data", str(tmp_path), "evaluate", str(ASSETS / "default_model.npz"), "--json")
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout, parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))
    per_class = result["per_class_accuracy"]
    assert per_class[3] is None and all(0.8 < a <= 1 for c, a in enumerate(per_class) if c != 3)
    r = run("--data", str(tmp_path), "evaluate", str(ASSETS / "default_model.npz"))
    assert "3:no images" in r.stdout
