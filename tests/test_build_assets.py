"""scripts/build_mnist_assets.py rebuilds the bundled files byte for byte, from IDX or mnist.npz (run as
`python -m scripts.build_mnist_assets`, as its docstring says: the project root is then on the path)."""
import subprocess
import sys

import numpy as np
import pytest

from devtools.paths import ASSETS, ROOT
from nn_core import read_idx

NAMES = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz"]


def build(source, out):
    return subprocess.run([sys.executable, "-m", "scripts.build_mnist_assets", str(source), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_rebuild_from_idx_and_from_npz_is_byte_identical(tmp_path):
    r = build(ASSETS, tmp_path / "from_idx")
    assert r.returncode == 0, r.stderr
    assert r.stdout.count(" ok") == 8  # 4 arrays verified from the source, 4 after writing
    for name in NAMES:
        assert (tmp_path / "from_idx" / name).read_bytes() == (ASSETS / name).read_bytes()

    arrays = {k: read_idx(ASSETS / n) for k, n in zip(["x_train", "y_train", "x_test", "y_test"], NAMES)}
    np.savez(tmp_path / "mnist.npz", **arrays)
    r = build(tmp_path / "mnist.npz", tmp_path / "from_npz")
    assert r.returncode == 0, r.stderr
    for name in NAMES:
        assert (tmp_path / "from_npz" / name).read_bytes() == (ASSETS / name).read_bytes()


@pytest.mark.slow
def test_a_source_that_is_not_canonical_mnist_is_refused(tmp_path):
    arrays = {k: read_idx(ASSETS / n).copy() for k, n in zip(["x_train", "y_train", "x_test", "y_test"], NAMES)}
    arrays["y_test"][0] = (arrays["y_test"][0] + 1) % 10  # one label changed
    np.savez(tmp_path / "mnist.npz", **arrays)
    r = build(tmp_path / "mnist.npz", tmp_path / "out")
    assert r.returncode == 1 and "MISMATCH" in r.stdout and "refusing" in r.stderr
    assert not (tmp_path / "out").exists()
