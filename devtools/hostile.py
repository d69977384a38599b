"""Hostile files, crafted in code (none is stored): model files, snapshot files and MNIST
data directories that try to cost memory or time, run code, or break a page.

`MODEL_CASES` maps a name to (builder, what the refusal must say); `OVER_APP_CAPS` are real
files within the core's defaults but over the app's caps; `ACCEPTED` are files whose weights
are fine but whose metadata is not (they load, with notes); `SNAPSHOT_CASES` and `IDX_CASES`
the same for the other readers. Builders are cheap: a "1.6 GB" deflate member is one
compressed megabyte of zeros repeated (deflate blocks after a full flush do not refer back),
and `valid_file` writes a real model of any size without holding its weights; only the
bzip2 bomb takes ~1 s (built once). Used by tests/test_hostile.py, tests/test_upload.py,
tests/test_browser_hostile.py and benchmarks/bench_hostile.py.
"""
from __future__ import annotations

import binascii
import functools
import gzip
import hashlib
import io
import json
import pickle
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np

from nn_core import MLP, TrainConfig, dumps_model

GB = 1 << 30
WIDE = 1 << 19            # units: W1 of (784, WIDE) float32 is 1.5 GiB, a whole number of MiB
WIDE_BYTES = 784 * WIDE * 4
GOOD = MLP([784, 16, 10], seed=1)
BIG_OK = MLP([784, 512, 512, 512, 512, 10], seed=3)  # the largest model the default caps allow


# ------------------------------------------------------------------ building blocks
def npy(a: np.ndarray, allow_pickle: bool = False) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=allow_pickle)
    return buf.getvalue()


def npy_header(descr: str, shape: tuple, fortran: bool = False) -> bytes:
    """An .npy v1 header alone, as numpy writes it (padded to 64 bytes)."""
    text = f"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape!r}, }}"
    pad = 64 - (10 + len(text) + 1) % 64
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text) + pad + 1) + text.encode() + b" " * pad + b"\n"


def npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def arrays_of(model: MLP) -> dict:
    with np.load(io.BytesIO(dumps_model(model))) as z:
        return {k: z[k] for k in z.files}


def meta_of(model: MLP) -> dict:
    return json.loads(str(arrays_of(model)["meta"]))


def with_meta(model: MLP, text: str | None = None, **changes) -> bytes:
    """The model's file with its JSON header replaced by `text`, or changed by `changes`."""
    arrays = arrays_of(model)
    if text is None:
        text = json.dumps({**meta_of(model), **changes})
    arrays["meta"] = np.array(text)
    return npz(**arrays)


def with_arch(model: MLP, **changes) -> bytes:
    meta = meta_of(model)
    return with_meta(model, json.dumps({**meta, "architecture": {**meta["architecture"], **changes}}))


def with_members(model: MLP, **members: bytes) -> bytes:
    """The model's file with some members' raw bytes (name without .npy) replaced."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(dumps_model(model))) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            key = info.filename[:-4]
            dst.writestr(info.filename, members.pop(key) if key in members else src.read(info))
        for key, data in members.items():
            dst.writestr(f"{key}.npy", data)
    return buf.getvalue()


@functools.lru_cache(maxsize=None)
def zeros_deflate(n: int) -> bytes:
    """A raw deflate stream that inflates to n zero bytes, ~1000:1, built in milliseconds."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    mib, whole = bytes(1 << 20), n >> 20
    if not whole:
        return c.compress(bytes(n)) + c.flush()
    first = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)  # the same bytes for every further MiB
    return first + block * (whole - 1) + c.compress(bytes(n - (whole << 20))) + c.flush()


def zeros_crc(header: bytes, n: int) -> int:
    """CRC-32 of header + n zero bytes."""
    crc, mib = zlib.crc32(header), bytes(1 << 20)
    for _ in range(n >> 20):
        crc = zlib.crc32(mib, crc)
    return zlib.crc32(bytes(n & ((1 << 20) - 1)), crc)


def raw_zip(entries: list[dict], end: dict | None = None) -> bytes:
    """A zip archive written by hand, so sizes, methods and flags can lie.

    entry: name, data (the bytes stored, already compressed), and optionally method (0),
    size (the uncompressed size declared, default len(data)), crc (default that of data),
    flags (0). end: overrides for the end record (entries, cd_size, cd_offset).
    """
    out, central = bytearray(), bytearray()
    for e in entries:
        name, data = e["name"].encode(), e["data"]
        method, flags = e.get("method", 0), e.get("flags", 0)
        size = e.get("size", len(data))
        crc = e.get("crc", binascii.crc32(data) if method == 0 else 0)
        offset = len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, method, 0, 0x21, crc, len(data) & 0xFFFFFFFF,
                           size & 0xFFFFFFFF, len(name), 0) + name + data
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, method, 0, 0x21, crc,
                               len(data) & 0xFFFFFFFF, size & 0xFFFFFFFF, len(name), 0, 0, 0, 0, 0, offset) + name
    end = {"entries": len(entries), "cd_size": len(central), "cd_offset": len(out), **(end or {})}
    n = end["entries"]
    return bytes(out + central + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, end["cd_size"],
                                             end["cd_offset"], 0))


def good_members(model: MLP = GOOD, skip: tuple = ()) -> list[dict]:
    """The model's members as raw_zip entries (stored), minus those named in skip."""
    return [{"name": f"{k}.npy", "data": npy(v)} for k, v in arrays_of(model).items() if k not in skip]


def _with_zip64_locator(blob: bytes) -> bytes:
    """A zip64 end record and locator slipped in before a plain end record: zipfile would take the
    zip64 record's sizes (here 200,000 entries in 9 MB of directory) over the plain one's."""
    at = blob.rfind(b"PK\x05\x06")
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 200_000, 200_000, 9_000_000, 0)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, at, 1)
    return blob[:at] + record + locator + blob[at:]


def deflate_entry(name: str, header: bytes, zeros: int, size: int | None = None, crc: bool = False) -> dict:
    """A deflate member: an .npy header, then `zeros` zero bytes (declared size: all of it, or `size`;
    its CRC is 0, or, with crc=True, the right one)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(header) + c.flush(zlib.Z_FULL_FLUSH)
    return {"name": name, "data": head + zeros_deflate(zeros), "method": 8,
            "size": len(header) + zeros if size is None else size, "crc": zeros_crc(header, zeros) if crc else 0}


@functools.lru_cache(maxsize=None)
def bzip2_bomb(mb: int = 64) -> bytes:
    """W1.npy compressed with bzip2: mb MB of zeros in ~100 bytes (bzip2 is slow to build: ~1 s, once)."""
    header = npy_header("<f4", (784, mb * (1 << 20) // (784 * 4)))
    c = __import__("bz2").BZ2Compressor(9)
    zeros = bytes(1 << 24)
    data = c.compress(header) + b"".join(c.compress(zeros) for _ in range(mb // 16)) + c.flush()
    return raw_zip(good_members(skip=("W1",)) + [{"name": "W1.npy", "data": data, "method": 12,
                                                  "size": len(header) + (mb // 16) * (1 << 24)}])


def nested(depth: int) -> str:
    return json.dumps({**meta_of(GOOD), "config": "@"}).replace('"@"', "[" * depth + "]" * depth)


def valid_file(layer_sizes: list[int], metrics: dict | None = None, **extra) -> bytes:
    """A real model file of this size: zero weights, deflated (a few kB per MB), with the right
    checksum and CRCs, written without ever holding the weights in memory (metrics and extra
    header entries as given)."""
    shapes = {}
    for l in range(1, len(layer_sizes)):
        shapes[f"W{l}"], shapes[f"b{l}"] = (layer_sizes[l - 1], layer_sizes[l]), (layer_sizes[l],)
    sha, mib = hashlib.sha256(), bytes(1 << 20)
    for k in sorted(shapes):  # as serialize._weights_sha256 hashes them
        n = int(np.prod(shapes[k])) * 4
        sha.update(f"{k}:<f4:{shapes[k]};".encode())
        for _ in range(n >> 20):
            sha.update(mib)
        sha.update(bytes(n & ((1 << 20) - 1)))
    meta = {"format": "nn_core.mlp", "version": 1, "config": {}, "metrics": metrics or {}, "sha256": sha.hexdigest(),
            "architecture": {"layer_sizes": list(layer_sizes), "activation": "relu", "init": "he", "seed": 0,
                             "dtype": "float32"}, **extra}
    return raw_zip([{"name": "meta.npy", "data": npy(np.array(json.dumps(meta)))}] + [
        deflate_entry(f"{k}.npy", npy_header("<f4", shape), int(np.prod(shape)) * 4, crc=True)
        for k, shape in shapes.items()])


# ------------------------------------------------------------------ model files: refused
MODEL_CASES: dict[str, tuple] = {
    # zip bombs and lying sizes
    "deflate bomb, 1.6 GB member": (lambda: raw_zip(good_members(skip=("W1",)) + [
        deflate_entry("W1.npy", npy_header("<f4", (784, WIDE)), WIDE_BYTES)]), "need (784, 16)"),
    "deflate bomb, 1.6 GB member and header": (lambda: raw_zip([
        deflate_entry("W1.npy", npy_header("<f4", (784, WIDE)), WIDE_BYTES),
        {"name": "meta.npy", "data": npy(np.array(json.dumps({**meta_of(GOOD), "architecture": {
            **meta_of(GOOD)["architecture"], "layer_sizes": [784, WIDE, 10]}})))},
    ]), "524,288 units in a hidden layer"),
    "deflate bomb in the header, 1 GB of text": (lambda: raw_zip(good_members(skip=("meta",)) + [
        deflate_entry("meta.npy", npy_header("<U268435456", ()), GB)]), "at most 4,000,000 are read"),
    "header of 2**29 characters": (lambda: raw_zip(good_members(skip=("meta",)) + [
        deflate_entry("meta.npy", npy_header("<U536870912", ()), 2 * GB)]), "data type"),
    "deflate stream longer than the zip says": (lambda: raw_zip(good_members(skip=("W1",)) + [
        deflate_entry("W1.npy", npy_header("<f4", (784, 16)), GB, size=128 + 784 * 16 * 4)]), "damaged"),
    "zip size larger than the .npy header": (lambda: raw_zip(good_members(skip=("W1",)) + [
        deflate_entry("W1.npy", npy_header("<f4", (784, 16)), GB)]), "its header promises"),
    "bzip2 bomb, 64 MB member": (bzip2_bomb, "compressed with bzip2"),
    "LZMA member": (lambda: raw_zip(good_members(skip=("W1",)) + [
        {"name": "W1.npy", "data": b"\x00" * 64, "method": 14}]), "compressed with LZMA"),
    "60,000 entries": (lambda: raw_zip([{"name": f"e{i:05d}.npy", "data": b""} for i in range(60_000)]),
                       "60,000 entries"),
    "end record hides the directory's size": (lambda: raw_zip(
        good_members(), end={"cd_size": 5_000_000}), "5.0 MB of directory"),
    "zip64 end record": (lambda: raw_zip(good_members(), end={"entries": 0xFFFF}), "zip64"),
    "zip64 locator behind a plain end record": (lambda: _with_zip64_locator(raw_zip(good_members())), "zip64"),
    "entry twice": (lambda: raw_zip(good_members() + good_members()[:1]), "appears twice"),
    "encrypted entry": (lambda: raw_zip([{**e, "flags": 1} for e in good_members()]), "encrypted"),
    "folder entry": (lambda: raw_zip(good_members() + [{"name": "W1/", "data": b""}]), "not a plain NAME.npy"),
    "path in a name": (lambda: raw_zip(good_members(skip=("meta",)) + [
        {"name": "../meta.npy", "data": npy(arrays_of(GOOD)["meta"])}]), "not a plain NAME.npy"),
    "cut in half": (lambda: dumps_model(GOOD)[:len(dumps_model(GOOD)) // 2], "cut short"),
    "not a zip": (lambda: b"just some text, not a model", "not a zip archive"),
    "empty file": (lambda: b"", "not a zip archive"),
    "empty zip": (lambda: raw_zip([]), "holds no arrays"),
    "a bare .npy": (lambda: npy(np.zeros(3)), "single .npy"),
    "a pickle": (lambda: pickle.dumps({"W1": np.zeros(3)}), "not a zip archive"),
    # members that are not plain arrays
    "pickle member": (lambda: with_members(GOOD, meta=pickle.dumps({"format": "nn_core.mlp"})), "not an .npy array"),
    "object array": (lambda: with_members(GOOD, b1=npy(np.array([{"a": 1}], dtype=object), True)), "pickled"),
    "structured dtype": (lambda: with_members(GOOD, b1=npy(np.zeros(16, [("a", "<f4")]))), "data type"),
    "text weights": (lambda: with_members(GOOD, b1=npy(np.array(["x"] * 16))), "model weights are floats"),
    "integer weights": (lambda: with_members(GOOD, b1=npy(np.zeros(16, np.int64))), "dtype int64"),
    "NaN weights": (lambda: with_members(GOOD, b1=npy(np.full(16, np.nan, np.float32))), "NaN"),
    "an extra member": (lambda: with_members(GOOD, W9=npy(np.zeros(3, np.float32))), "parameters must be exactly"),
    "a missing member": (lambda: raw_zip(good_members(skip=("b2",))), "parameters must be exactly"),
    "wrong shape": (lambda: with_members(GOOD, W2=npy(np.zeros((16, 9), np.float32))), "array W2 has shape (16, 9)"),
    "tampered weights": (lambda: with_members(GOOD, b1=npy(np.ones(16, np.float32))), "checksum"),
    ".npy header of 65,535 bytes": (lambda: with_members(GOOD, b1=b"\x93NUMPY\x01\x00\xff\xff" + b" " * 65535),
                                    "65,535-byte header"),
    ".npy header nested 2,000 deep": (lambda: with_members(GOOD, b1=b"\x93NUMPY\x01\x00" + struct.pack(
        "<H", 4000) + b"(" * 2000 + b")" * 2000), "malformed .npy header"),
    ".npy header that lies about the shape": (lambda: with_members(GOOD, b1=npy_header("<f4", (10 ** 12,))),
                                              "its header promises"),
    # headers that used to build huge random weights or overflow
    "layer_sizes [784, 300000, 10]": (lambda: with_arch(GOOD, layer_sizes=[784, 300_000, 10]),
                                      "300,000 units in a hidden layer"),
    "layer_sizes [784, 1e10, 10]": (lambda: with_arch(GOOD, layer_sizes=[784, 1e10, 10]), "whole numbers"),
    "layer_sizes with Infinity": (lambda: with_arch(GOOD, layer_sizes=[784, float("inf"), 10]), "whole numbers"),
    "seed Infinity": (lambda: with_arch(GOOD, seed=float("inf")), "seed"),
    "seed 10**5000": (lambda: with_meta(GOOD, json.dumps(meta_of(GOOD)).replace('"seed": 1', '"seed": 1' + "0" * 5000)),
                      "not valid JSON"),
    "300 hidden layers of one unit": (lambda: with_arch(GOOD, layer_sizes=[784] + [1] * 300 + [10]),
                                      "300 hidden layers"),
    "a billion inputs": (lambda: with_arch(GOOD, layer_sizes=[10 ** 9, 1, 10]), "weights and biases"),
    "784-20000-10, a real file": (lambda: valid_file([784, 20_000, 10]), "20,000 units in a hidden layer"),
    # JSON that recurses, floods or is not a header
    "JSON nested 200,000 levels": (lambda: with_meta(GOOD, nested(200_000)), "lists or objects"),
    "JSON of 5 million characters": (lambda: with_meta(GOOD, json.dumps({**meta_of(GOOD), "pad": "x" * 5_000_000})),
                                     "at most 4,000,000 are read"),
    "JSON of 300,000 values": (lambda: with_meta(GOOD, json.dumps({**meta_of(GOOD), "pad": [0] * 300_000})),
                               "values"),
    "JSON that is a list": (lambda: with_meta(GOOD, "[1, 2, 3]"), "not an nn_core.mlp"),
    "JSON that is not JSON": (lambda: with_meta(GOOD, "{oops"), "not valid JSON"),
    "no header": (lambda: raw_zip(good_members(skip=("meta",))), "no 'meta'"),
    "header as numbers": (lambda: with_members(GOOD, meta=npy(np.zeros(3, np.float32))), "not a text"),
    "another program's file": (lambda: with_meta(GOOD, json.dumps({"format": "keras"})), "not an nn_core.mlp"),
    "future version": (lambda: with_meta(GOOD, version=99), "version 99"),
    "version as text": (lambda: with_meta(GOOD, version="1"), "not a number"),
    "unknown activation": (lambda: with_arch(GOOD, activation="![x](http://127.0.0.1:9/a.png)"), "unknown activation"),
    "unknown architecture entry": (lambda: with_arch(GOOD, evil=True), "unknown entries"),
    "no checksum": (lambda: with_meta(GOOD, sha256=None), "checksum"),
}

# Refused by the app's caps (4 hidden layers of at most 512), loaded by the core's defaults
OVER_APP_CAPS: dict[str, tuple] = {
    "784-600-10, over max_hidden": (lambda: valid_file([784, 600, 10]), "at most 512 units in a hidden layer; "
                                                                         "the file has 600"),
    "five hidden layers, over max_layers": (lambda: valid_file([784, 32, 32, 32, 32, 32, 10]),
                                            "at most 4 hidden layers; the file has 5"),
}

def _long_history(epochs: int, hidden: int) -> dict:
    rng = np.random.default_rng(0)
    curve = lambda: rng.random(epochs).tolist()  # noqa: E731  (17-digit floats, as a real run writes)
    return {"epoch_step": list(range(1, epochs + 1)), "train_loss": curve(), "val_loss": curve(),
            "train_acc": curve(), "val_acc": curve(), "epoch_time": curve(),
            "val_dead": {f"Z{l}": curve() for l in range(1, hidden + 1)}}


# The most a header may cost: read in full (under the core's default caps), and still cheap
LARGEST_READ: dict[str, tuple] = {
    "the CLI's longest history: 10,000 epochs, 8 hidden layers": (lambda: valid_file(
        [784] + [16] * 8 + [10], {"history": _long_history(10_000, 8)}), None),
    "a header of 249,000 short texts, 4 million characters": (lambda: valid_file(
        [784, 16, 10], pad=["abcdefghijkl"] * 249_000), "unknown to this program"),
}

# Good weights, bad metadata: loaded, and each bad part dropped with a note
ACCEPTED: dict[str, tuple] = {
    "metrics as a list": (lambda: with_meta(GOOD, metrics=[0.9, 0.1]), "scores are not a table"),
    "metrics as a string": (lambda: with_meta(GOOD, metrics="97 %"), "scores are not a table"),
    "metrics as null": (lambda: with_meta(GOOD, metrics=None), None),
    "test accuracy as text": (lambda: with_meta(GOOD, metrics={"test_accuracy": "97 %"}), "test accuracy"),
    "test accuracy 5": (lambda: with_meta(GOOD, metrics={"test_accuracy": 5.0}), "test accuracy"),
    "config.lr NaN": (lambda: with_meta(GOOD, config={**TrainConfig(hidden=(16,)).to_dict(), "lr": float("nan")}),
                      "training settings are not valid"),
    "config for another network": (lambda: with_meta(GOOD, config=TrainConfig(hidden=(64,)).to_dict()),
                                   "different network"),
    "config as a list": (lambda: with_meta(GOOD, config=[1, 2]), "training settings are not valid"),
    "history with missing series": (lambda: with_meta(GOOD, metrics={"test_accuracy": 0.9, "history": {
        "val_acc": [0.8, 0.9], "train_loss": [0.5, 0.3]}}), "history is incomplete"),
    "history of unequal lengths": (lambda: with_meta(GOOD, metrics={"history": {
        "train_loss": [0.5, 0.3], "val_loss": [0.4], "train_acc": [0.8, 0.9], "val_acc": [0.8, 0.9]}}),
                                   "history is incomplete"),
    "history with NaN": (lambda: with_meta(GOOD, metrics={"history": {
        "train_loss": [float("nan")], "val_loss": [0.4], "train_acc": [0.8], "val_acc": [0.8]}}),
                         "history is incomplete"),
    "markup in every text": (lambda: with_meta(GOOD, config={"activation": "<img src=x onerror=alert(1)>"},
                                               metrics={"![x](http://127.0.0.1:9/m.png)": 1}), "not valid"),
}

# Snapshot files for GOOD (nn_core.load_snapshots)
SNAPSHOT_CASES: dict[str, tuple] = {
    "snapshot deflate bomb, 1.6 GB member": (lambda: raw_zip([
        {"name": "step.npy", "data": npy(np.array([0]))}, {"name": "epoch.npy", "data": npy(np.array([0.0]))},
        *[{"name": f"s0.{k}.npy", "data": npy(v)} for k, v in GOOD.params.items() if k != "W1"],
        deflate_entry("s0.W1.npy", npy_header("<f4", (784, WIDE)), WIDE_BYTES)]), "no valid W1"),
    "a million snapshots": (lambda: raw_zip([{"name": "step.npy", "data": npy_header("<i8", (10 ** 6,))},
                                             {"name": "epoch.npy", "data": npy_header("<f8", (10 ** 6,))}]),
                            "its header promises"),
    "2,000 snapshots declared": (lambda: npz(step=np.zeros(2000, np.int64), epoch=np.zeros(2000)), "1 to 1,000"),
    "snapshot pickle": (lambda: pickle.dumps([1, 2]), "not a zip archive"),
}


# MNIST directories (nn_core.load_dataset): a gzip bomb behind each file's small header
def _idx(shape, payload: bytes = b"") -> bytes:
    return struct.pack(">HBB", 0, 8, len(shape)) + struct.pack(f">{len(shape)}I", *shape) + payload


def _gzip_bomb(shape, zeros: int) -> bytes:
    """gzip of an IDX header followed by `zeros` zero bytes (concatenated gzip members)."""
    body = zeros_deflate(zeros)
    member = (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + body
              + struct.pack("<2L", 0, zeros & 0xFFFFFFFF))  # its CRC is wrong: a reader never gets that far
    return gzip.compress(_idx(shape), mtime=0) + member


IDX_CASES: dict[str, tuple] = {
    "gzip bomb, 2 GB behind a small header": (lambda: {"train-images-idx3-ubyte.gz": _gzip_bomb((10, 28, 28), 2 * GB)},
                                              "more data than its header promises"),
    "IDX header promising 16 EB": (lambda: {"train-images-idx3-ubyte.gz": gzip.compress(
        _idx((2 ** 32 - 1, 2 ** 32 - 1, 2 ** 32 - 1)))}, "at most 268,435,456 are read"),
    "gzip cut short": (lambda: {"train-images-idx3-ubyte.gz": gzip.compress(_idx((10, 28, 28), np.random.default_rng(
        0).integers(0, 256, 7840, dtype=np.uint8).tobytes()))[:-40]}, "corrupt or truncated"),
}


def write_idx_dir(directory: Path, files: dict[str, bytes]) -> Path:
    """A data directory: the hostile files, and small valid files for the others."""
    from nn_core.data import FILES
    directory.mkdir(parents=True, exist_ok=True)
    small = {"x_train": _idx((10, 28, 28), bytes(7840)), "y_train": _idx((10,), bytes(10)),
             "x_test": _idx((10, 28, 28), bytes(7840)), "y_test": _idx((10,), bytes(10))}
    for key, stem in FILES.items():
        name = f"{stem}.gz"
        (directory / name).write_bytes(files.get(name) or gzip.compress(small[key], mtime=0))
    return directory
