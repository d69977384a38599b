"""MNIST-format data: read and write IDX files, hold a dataset, split off validation.

IDX is the format LeCun's MNIST ships in: a 4-byte magic number (two zero bytes, a type
code 0x08 for uint8, the number of dimensions), one big-endian uint32 per dimension, then
the raw bytes. Any directory of such files (gzipped or raw) loads, so Fashion-MNIST works
too. A file is read against the size its header declares (at most MAX_IDX_BYTES), so a
gzip bomb in a data directory costs nothing. Images stay uint8 and read-only in memory;
`as_float` turns one batch at a time into float in [0, 1]. Leaves out: downloading (the
files ship with the project) and augmentation.
"""
from __future__ import annotations

import gzip
import math
import os
import struct
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

UBYTE = 0x08
MAX_IDX_BYTES = 256 * 1024 * 1024  # per file: MNIST's largest is 47 MB, EMNIST digits' 188 MB
CHUNK = 1 << 20                    # bytes decompressed per read
FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


def parse_idx(raw: bytes, name: str = "IDX data", max_bytes: int = MAX_IDX_BYTES) -> np.ndarray:
    """Parse IDX bytes into a read-only uint8 array; any inconsistency is a ValueError."""
    shape, header = _idx_header(raw, name, max_bytes)
    n = math.prod(shape)
    if len(raw) - header != n:
        raise ValueError(f"{name}: header promises {n} bytes for shape {shape}, file holds {len(raw) - header}")
    a = np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)
    a.flags.writeable = False  # bytes-backed already; make it explicit
    return a


def _idx_header(raw: bytes, name: str, max_bytes: int) -> tuple[tuple[int, ...], int]:
    """(shape, header length) from the first bytes; refuses a size over max_bytes before any data is read."""
    if len(raw) < 4:
        raise ValueError(f"{name}: too short to be an IDX file ({len(raw)} bytes)")
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != UBYTE or not 1 <= ndim <= 4:
        raise ValueError(f"{name}: wrong magic number {raw[:4].hex()} (want 000008 + ndim, uint8 data)")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{name}: truncated header")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    n = math.prod(shape)  # Python ints: a header may promise 16 EB
    if n > max_bytes:
        raise ValueError(f"{name}: header promises {n:,} bytes for shape {shape}; at most {max_bytes:,} are read "
                         "(max_bytes)")
    return shape, header


def read_idx(path: str | os.PathLike, max_bytes: int = MAX_IDX_BYTES) -> np.ndarray:
    """A raw or gzipped IDX file as a read-only uint8 array.

    Bounded: the header is read first and its size checked against max_bytes, then exactly
    that many bytes are decompressed, a chunk at a time; a stream that holds more (a gzip
    bomb behind a small header) or less is refused without reading further.
    """
    path = Path(path)
    try:
        with open(path, "rb") as raw_file:
            gz = raw_file.read(2) == b"\x1f\x8b"  # gzip magic
            raw_file.seek(0)
            f = gzip.GzipFile(fileobj=raw_file, mode="rb") if gz else raw_file
            head = f.read(4)
            ndim = head[3] if len(head) == 4 else 0
            head += f.read(4 * ndim) if 1 <= ndim <= 4 else b""
            shape, header = _idx_header(head, str(path), max_bytes)
            n = math.prod(shape)
            data = bytearray()
            while len(data) < n:
                chunk = f.read(min(CHUNK, n - len(data)))
                if not chunk:
                    raise ValueError(f"{path}: header promises {n} bytes for shape {shape}, file holds {len(data)}")
                data += chunk
            if f.read(1):
                raise ValueError(f"{path}: holds more data than its header promises ({n:,} bytes for shape {shape})")
    except OSError as e:  # BadGzipFile is an OSError too
        raise ValueError(f"{path}: cannot read IDX file ({e.strerror or 'corrupt or truncated gzip stream'})") from None
    except (EOFError, zlib.error):
        raise ValueError(f"{path}: corrupt or truncated gzip stream") from None
    a = np.frombuffer(data, dtype=np.uint8).reshape(shape)
    a.flags.writeable = False
    return a


def write_idx(path: str | os.PathLike, a: np.ndarray) -> None:
    """Write a uint8 array as a gzipped IDX file (mtime 0: reproducible bytes), atomically."""
    a = np.ascontiguousarray(a, dtype=np.uint8)
    payload = struct.pack(">HBB", 0, UBYTE, a.ndim) + struct.pack(f">{a.ndim}I", *a.shape) + a.tobytes()
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as raw_out, gzip.GzipFile(filename="", mode="wb", fileobj=raw_out, mtime=0) as gz:
            gz.write(payload)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; these are shared assets
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


@dataclass(frozen=True)
class Dataset:
    """Train / validation / test split of an MNIST-format dataset, all uint8 and read-only.

    x_* are (n, 28, 28) uint8, y_* are (n,) uint8. Validation is held out from the end of
    the training file and used for model selection; the test set only for reporting.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    name: str = "MNIST"

    @property
    def n_classes(self) -> int:
        return int(max(self.y_train.max(), self.y_test.max())) + 1

    def subset(self, n_train: int) -> "Dataset":
        """The first n_train training images (a view, no copy); val and test unchanged."""
        if not 1 <= n_train <= len(self.y_train):
            raise ValueError(f"n_train must be in 1..{len(self.y_train)}, got {n_train}")
        return Dataset(self.x_train[:n_train], self.y_train[:n_train], self.x_val, self.y_val,
                       self.x_test, self.y_test, self.name)


def _find(directory: Path, stem: str) -> Path:
    for candidate in (directory / f"{stem}.gz", directory / stem):
        if candidate.exists():
            return candidate
    raise ValueError(f"{directory}: no {stem}[.gz] found")


def load_dataset(directory: str | os.PathLike, n_val: int = 5000, name: str | None = None) -> Dataset:
    """Load the four IDX files of an MNIST-format directory and hold out n_val for validation."""
    directory = Path(directory)
    arrays = {key: read_idx(_find(directory, stem)) for key, stem in FILES.items()}
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim != 3 or y.ndim != 1 or len(x) != len(y):
            raise ValueError(f"{directory}: {split} images {x.shape} and labels {y.shape} do not match")
    if not 0 <= n_val < len(arrays["y_train"]):
        raise ValueError(f"n_val must be in 0..{len(arrays['y_train']) - 1}, got {n_val}")
    cut = len(arrays["y_train"]) - n_val
    x, y = arrays["x_train"], arrays["y_train"]
    return Dataset(x[:cut], y[:cut], x[cut:], y[cut:], arrays["x_test"], arrays["y_test"],
                   name or directory.name)


def as_float(images: np.ndarray, dtype=np.float32) -> np.ndarray:
    """uint8 images (m, 28, 28) or (m, 784) -> float (m, 784) in [0, 1]."""
    m = images.shape[0]
    X = images.reshape(m, -1).astype(dtype)
    X *= X.dtype.type(1 / 255)  # in place: no second (m, 784) temporary
    return X
