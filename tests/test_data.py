"""The bundled MNIST is the real one, read strictly, and kept read-only."""
import gzip
import hashlib
import os
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from devtools.paths import ASSETS
from nn_core import as_float, load_dataset, read_idx
from nn_core.data import parse_idx, write_idx

SHA256 = {
    "train-images-idx3-ubyte.gz": ("741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757", (60000, 28, 28)),
    "train-labels-idx1-ubyte.gz": ("1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13", (60000,)),
    "t10k-images-idx3-ubyte.gz": ("6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161", (10000, 28, 28)),
    "t10k-labels-idx1-ubyte.gz": ("ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5", (10000,)),
}


@pytest.mark.parametrize("name", SHA256)
def test_bundled_files_are_canonical_mnist(name):
    a = read_idx(ASSETS / name)
    digest, shape = SHA256[name]
    assert a.shape == shape and a.dtype == np.uint8
    assert hashlib.sha256(a.tobytes()).hexdigest() == digest


def test_split_is_55k_5k_10k_and_read_only(mnist):
    assert (len(mnist.y_train), len(mnist.y_val), len(mnist.y_test)) == (55000, 5000, 10000)
    assert mnist.n_classes == 10
    for a in (mnist.x_train, mnist.y_train, mnist.x_val, mnist.x_test):
        assert a.dtype == np.uint8 and not a.flags.writeable
        with pytest.raises(ValueError):
            a[0] = 1
    # validation is the last 5,000 of the training file, disjoint from training
    full = read_idx(ASSETS / "train-labels-idx1-ubyte.gz")
    assert np.array_equal(mnist.y_val, full[55000:])
    assert set(np.unique(mnist.y_train)) == set(range(10))


def test_batches_become_floats_in_unit_interval(mnist):
    X = as_float(mnist.x_train[:100])
    assert X.shape == (100, 784) and X.dtype == np.float32
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_allclose(X[0] * 255, mnist.x_train[0].reshape(-1), atol=1e-4)


def test_subset_is_a_view_and_validated(mnist):
    sub = mnist.subset(100)
    assert len(sub.y_train) == 100 and np.shares_memory(sub.x_train, mnist.x_train)
    with pytest.raises(ValueError, match="n_train"):
        mnist.subset(0)
    with pytest.raises(ValueError, match="n_train"):
        mnist.subset(55001)


def _write_raw(path: Path, payload: bytes, gz: bool) -> Path:
    path.write_bytes(gzip.compress(payload) if gz else payload)
    return path


@pytest.mark.parametrize("gz", [True, False])
def test_idx_round_trip_gz_and_raw(tmp_path, gz):
    a = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / "a.gz", a)
    raw = gzip.decompress((tmp_path / "a.gz").read_bytes())
    p = _write_raw(tmp_path / ("b.gz" if gz else "b"), raw, gz)
    assert np.array_equal(read_idx(p), a)


def test_wrong_magic_names_the_file(tmp_path):
    p = _write_raw(tmp_path / "bad-idx", struct.pack(">HBB", 0, 0x0D, 1) + struct.pack(">I", 2) + b"\0" * 8, False)
    with pytest.raises(ValueError, match=r"bad-idx.*magic"):
        read_idx(p)
    p = _write_raw(tmp_path / "text.gz", b"hello, this is not IDX", True)
    with pytest.raises(ValueError, match=r"text\.gz.*magic"):
        read_idx(p)


def test_truncated_data_is_an_error_not_a_short_array(tmp_path):
    payload = struct.pack(">HBB", 0, 8, 3) + struct.pack(">3I", 10, 28, 28) + b"\1" * (10 * 784 - 1)
    p = _write_raw(tmp_path / "short-idx3-ubyte", payload, False)
    with pytest.raises(ValueError, match=r"short-idx3-ubyte.*7839"):
        read_idx(p)
    payload_long = payload + b"\1\1"
    with pytest.raises(ValueError, match="promises"):
        parse_idx(payload_long, "long")


def test_truncated_gzip_names_the_file(tmp_path):
    good = (ASSETS / "t10k-labels-idx1-ubyte.gz").read_bytes()
    p = tmp_path / "cut-labels.gz"
    p.write_bytes(good[: len(good) // 2])
    with pytest.raises(ValueError, match=r"cut-labels\.gz.*(gzip|truncated)"):
        read_idx(p)


def test_missing_file_and_mismatched_counts(tmp_path):
    with pytest.raises(ValueError, match="no train-images"):
        load_dataset(tmp_path)
    for name in SHA256:
        shutil.copy(ASSETS / name, tmp_path / name)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.zeros(9999, np.uint8))
    with pytest.raises(ValueError, match="test images"):
        load_dataset(tmp_path)


def test_any_mnist_format_directory_loads(tmp_path, rng):
    """Raw (not gzipped) files with other images load too: the loader is not MNIST-specific."""
    for stem, n in (("train-images-idx3-ubyte", 300), ("t10k-images-idx3-ubyte", 50)):
        _write_raw(tmp_path / stem, gzip.decompress(_idx_bytes(rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))), False)
    for stem, n in (("train-labels-idx1-ubyte", 300), ("t10k-labels-idx1-ubyte", 50)):
        write_idx(tmp_path / f"{stem}.gz", rng.integers(0, 10, n, dtype=np.uint8))
    d = load_dataset(tmp_path, n_val=100)
    assert (len(d.y_train), len(d.y_val), len(d.y_test)) == (200, 100, 50)


def _idx_bytes(a):
    import io
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        gz.write(struct.pack(">HBB", 0, 8, a.ndim) + struct.pack(f">{a.ndim}I", *a.shape) + a.tobytes())
    return buf.getvalue()


FASHION = Path("/usr/share/datasets/fashion-mnist")


@pytest.mark.skipif(not FASHION.exists() and not os.environ.get("CI"),
                    reason="Debian's dataset-fashion-mnist is not installed (.ci/run installs it; in CI this fails)")
def test_fashion_mnist_loads():
    d = load_dataset(FASHION)
    assert (len(d.y_train) + len(d.y_val), len(d.y_test)) == (60000, 10000)
    assert d.n_classes == 10
