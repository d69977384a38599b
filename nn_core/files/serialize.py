"""One self-describing `.npz` file per model: weights plus a JSON header.

Arrays W1, b1, ..., WL, bL are stored as they are; the array `meta` holds a JSON string
with the format name and version, the architecture, the training config, metrics and a
SHA-256 of the weights. Loading treats the file as hostile: the archive is read through
safe_npz.py (no pickles; every size checked against a budget before it is decompressed),
the header through header.py (a schema and the caller's caps, before anything is built),
then every array's shape against the header, and only then the data; anything unexpected
is a ValueError that says what is wrong. Writes go to a temporary file that is then
renamed: a crash never leaves a half-written model behind. A run's parameter snapshots can
be saved beside the model (`save_snapshots`), so a loaded model can still be scrubbed back
through its training.
Leaves out: other formats (pickles, PyTorch or Keras files) and models other than nn_core's MLP.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

import numpy as np

from nn_core.files.header import FORMAT, MAX_HEADER_CHARS, VERSION, clean_metadata, parse_header
from nn_core.files.safe_npz import MAX_NPY_HEADER, NpzArchive
from nn_core.model import MLP


def _weights_sha256(params: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for k in sorted(params):
        a = np.ascontiguousarray(params[k])
        h.update(f"{k}:{a.dtype.str}:{a.shape};".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def dumps_model(model: MLP, config: dict | None = None, metrics: dict | None = None) -> bytes:
    """The .npz file's bytes (for a download button, or `save_model`)."""
    meta = {"format": FORMAT, "version": VERSION, "architecture": model.architecture(),
            "config": config or {}, "metrics": metrics or {}, "sha256": _weights_sha256(model.params)}
    buf = io.BytesIO()
    np.savez(buf, meta=np.array(json.dumps(meta, allow_nan=False)), **model.params)
    return buf.getvalue()


def save_model(path: str | os.PathLike, model: MLP, config: dict | None = None,
               metrics: dict | None = None) -> Path:
    """Write atomically: a temporary file in the same directory, then rename."""
    return _write_atomic(Path(path), dumps_model(model, config, metrics))


def save_snapshots(path: str | os.PathLike, snapshots: list) -> Path:
    """Parameter snapshots of a training run (Trainer.snapshots), for scrubbing back through it.

    Arrays: `step` (n,), `epoch` (n,), and `s{i}.{name}` for snapshot i's parameter `name`.
    """
    if not snapshots:
        raise ValueError("no snapshots to save")
    arrays = {"step": np.array([s.step for s in snapshots], np.int64),
              "epoch": np.array([s.epoch for s in snapshots], np.float64)}
    for i, snap in enumerate(snapshots):
        arrays.update({f"s{i}.{k}": v for k, v in snap.params.items()})
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return _write_atomic(Path(path), buf.getvalue())


def load_snapshots(source: str | os.PathLike | bytes | BinaryIO, model: MLP, *, max_snapshots: int = 1000,
                   max_bytes: int = 128 * 1024 * 1024) -> list:
    """Snapshots saved by `save_snapshots`, checked against the model they belong to.

    Read like a model file (nn_core/files/safe_npz.py): the index first, then each array's header
    against the model's shapes, and the data only if all of it fits in max_bytes.
    """
    from nn_core.history import Snapshot

    name = str(source) if isinstance(source, (str, os.PathLike)) else "snapshots file"
    shapes = {k: v.shape for k, v in model.params.items()}
    with NpzArchive(source, name, max_members=2 + max_snapshots * len(shapes), max_bytes=max_bytes) as z:
        if not {"step", "epoch"} <= set(z.keys):
            raise ValueError(f"{name}: no step/epoch index; not a snapshots file")
        n = z.member("step").shape
        if len(n) != 1 or z.member("epoch").shape != n or not 1 <= n[0] <= max_snapshots:
            raise ValueError(f"{name}: the step/epoch index must list 1 to {max_snapshots:,} snapshots")
        n = n[0]
        expected = {f"s{i}.{k}" for i in range(n) for k in shapes}
        if set(z.keys) != expected | {"step", "epoch"}:
            raise ValueError(f"{name}: unexpected arrays besides {n} snapshots of {sorted(shapes)}")
        step, epoch = z.read("step", ("i", "u")), z.read("epoch", ("f",))
        snaps = []
        for i in range(n):
            params = {}
            for k, shape in shapes.items():
                if z.member(f"s{i}.{k}").shape != shape:
                    raise ValueError(f"{name}: snapshot {i} has no valid {k} of shape {shape}")
            for k in shapes:
                a = z.read(f"s{i}.{k}").astype(model.dtype)
                if not np.all(np.isfinite(a)):
                    raise ValueError(f"{name}: snapshot {i} has no valid {k} (NaN or infinite values)")
                a.flags.writeable = False
                params[k] = a
            snaps.append(Snapshot(int(step[i]), float(epoch[i]), params))
    return snaps

def _write_atomic(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


# What a model file may cost unless the caller says otherwise: TrainConfig's own bounds on
# width and depth, and 25 million weights (100 MB as float32), e.g. 784-4096-4096-10.
MAX_HIDDEN, MAX_LAYERS, MAX_PARAMS = 4096, 8, 25_000_000
# Zip entries listed before the header is read (at most ~1 MB of zip directory); the header
# then says exactly which arrays belong, and a model over max_layers is refused by name.
MAX_ENTRIES = 2048


def load_budget(max_layers: int, max_params: int, max_header_chars: int = MAX_HEADER_CHARS) -> int:
    """Bytes a model file may decompress to: the largest allowed weights as float64, the
    largest header (4 bytes a character, as numpy stores text), and each member's .npy header."""
    return max_params * 8 + max_header_chars * 4 + (2 * max_layers + 3) * (MAX_NPY_HEADER + 16)


def load_model(source: str | os.PathLike | bytes | BinaryIO, *, max_hidden: int = MAX_HIDDEN,
               max_layers: int = MAX_LAYERS, max_params: int = MAX_PARAMS) -> tuple[MLP, dict]:
    """(model, meta) from a path, bytes or a seekable binary file; ValueError if anything is off.

    The file may cost at most `load_budget(max_layers, max_params)` bytes, and no array is
    read before the header has been checked and the arrays' declared shapes match it (a
    hidden layer over max_hidden units, over max_layers hidden layers or over max_params
    weights and biases in all is a `TooLarge`, which names the cap). The model is built from
    the stored arrays (no random start is drawn). meta: format, version, architecture and
    sha256 as checked, plus `config`, `metrics` and `notes` from `clean_metadata`.
    """
    name = str(source) if isinstance(source, (str, os.PathLike)) else "uploaded file"
    budget = load_budget(max_layers, max_params)
    with NpzArchive(source, name, max_members=MAX_ENTRIES, max_bytes=budget) as z:
        if "meta" not in z.keys:
            raise ValueError(f"{name}: no 'meta' header; not a model saved by nn_core")
        m = z.member("meta")
        if m.dtype.kind != "U" or m.shape != ():
            raise ValueError(f"{name}: the 'meta' header is not a text; not a model saved by nn_core")
        if m.dtype.itemsize // 4 > MAX_HEADER_CHARS:
            raise ValueError(f"{name}: the header is {m.dtype.itemsize // 4:,} characters; at most "
                             f"{MAX_HEADER_CHARS:,} are read")
        text = bytes(z.read("meta", ("U",)).data).decode("utf-32-le" if m.dtype.byteorder != ">" else "utf-32-be",
                                                         "replace").rstrip("\0")
        header = parse_header(text, name, max_hidden=max_hidden, max_layers=max_layers, max_params=max_params)
        del text
        arch = header["architecture"]
        sizes = arch["layer_sizes"]
        shapes = {}
        for l in range(1, len(sizes)):
            shapes[f"W{l}"], shapes[f"b{l}"] = (sizes[l - 1], sizes[l]), (sizes[l],)
        if set(z.keys) != set(shapes) | {"meta"}:
            raise ValueError(f"{name}: parameters must be exactly {sorted(shapes)} for layer sizes {sizes}, "
                             f"got {sorted(k for k in z.keys if k != 'meta')}")
        for k, shape in shapes.items():  # every declared shape, before any weight is read
            a = z.member(k)
            if a.dtype.kind != "f":
                raise ValueError(f"{name}: array {k} has dtype {a.dtype}; model weights are floats")
            if a.shape != shape:
                raise ValueError(f"{name}: array {k} has shape {a.shape}; the header's layer sizes {sizes} "
                                 f"need {shape}")
        params = {k: z.read(k) for k in shapes}
    try:
        model = MLP(sizes, arch["activation"], arch["init"], arch["seed"], np.dtype(arch["dtype"]), params=params)
    except ValueError as e:
        raise ValueError(f"{name}: {e}") from None
    del params
    if header["sha256"] != _weights_sha256(model.params):
        raise ValueError(f"{name}: the weights do not match the checksum in the header "
                         "(the file was modified or damaged)")
    info = clean_metadata(header)
    notes = list(info.notes)
    if header["unknown"]:
        notes.append(f"{len(header['unknown'])} entries of the file's header are unknown to this program and "
                     "were ignored.")
    meta = {k: header[k] for k in ("format", "version", "architecture", "sha256")}
    meta.update(config=info.config, metrics=info.metrics, notes=notes)
    return model, meta

