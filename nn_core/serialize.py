"""One self-describing `.npz` file per model: weights plus a JSON header.

Arrays W1, b1, ..., WL, bL are stored as they are; the array `meta` holds a JSON string
with the format name and version, the architecture, the training config, metrics and a
SHA-256 of the weights. Loading uses `allow_pickle=False` (a file cannot run code), checks
every name, shape and value, and turns anything unexpected into a ValueError that says
what is wrong. Writes go to a temporary file that is then renamed: a crash never leaves a
half-written model behind. A run's parameter snapshots can be saved beside the model
(`save_snapshots`), so a loaded model can still be scrubbed back through its training.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import tokenize
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .model import MLP

FORMAT = "nn_core.mlp"
VERSION = 1


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


def load_snapshots(source: str | os.PathLike | bytes | BinaryIO, model: MLP) -> list:
    """Snapshots saved by `save_snapshots`, checked against the model they belong to."""
    from .history import Snapshot

    name = str(source) if isinstance(source, (str, os.PathLike)) else "snapshots file"
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    try:
        with np.load(source, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (ValueError, EOFError, OSError, zipfile.BadZipFile, zlib.error, AttributeError) as e:
        raise ValueError(f"{name}: not a readable snapshots file ({e})") from None
    if "step" not in arrays or "epoch" not in arrays or arrays["step"].shape != arrays["epoch"].shape:
        raise ValueError(f"{name}: no step/epoch index; not a snapshots file")
    shapes = {k: v.shape for k, v in model.params.items()}
    snaps = []
    for i, (step, epoch) in enumerate(zip(arrays["step"], arrays["epoch"])):
        params = {}
        for k, shape in shapes.items():
            a = arrays.get(f"s{i}.{k}")
            if a is None or a.shape != shape or a.dtype.kind != "f" or not np.all(np.isfinite(a)):
                raise ValueError(f"{name}: snapshot {i} has no valid {k} of shape {shape}")
            a = a.astype(model.dtype)
            a.flags.writeable = False
            params[k] = a
        snaps.append(Snapshot(int(step), float(epoch), params))
    if len(arrays) != 2 + len(snaps) * len(shapes):
        raise ValueError(f"{name}: unexpected arrays besides {len(snaps)} snapshots of {sorted(shapes)}")
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


ZIP_MAGIC = b"PK\x03\x04"  # every .npz is a zip archive
NPY_MAGIC = b"\x93NUMPY"


def load_model(source: str | os.PathLike | bytes | BinaryIO) -> tuple[MLP, dict]:
    """(model, meta) from a path, bytes or a binary file object; ValueError if anything is off."""
    name = str(source) if isinstance(source, (str, os.PathLike)) else "uploaded file"
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    try:
        head = _head(source)  # np.load would take anything but npz/npy for a pickle
    except FileNotFoundError:
        raise ValueError(f"{name}: no such file") from None
    except OSError as e:
        raise ValueError(f"{name}: cannot be read ({e.strerror or e})") from None
    if head.startswith(NPY_MAGIC):
        raise ValueError(f"{name}: a single .npy array, not an .npz model file")
    if not head.startswith(ZIP_MAGIC):
        raise ValueError(f"{name}: not an .npz model file (it is not a zip archive)")
    try:
        loaded = np.load(source, allow_pickle=False)
    except (ValueError, EOFError, OSError, zipfile.BadZipFile) as e:
        raise ValueError(f"{name}: not an .npz model file ({_reason(e)})") from None
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise ValueError(f"{name}: a single .npy array, not an .npz model file")
    try:
        with loaded as z:
            arrays = {k: z[k] for k in z.files}
    except (ValueError, EOFError, OSError, zipfile.BadZipFile, zlib.error, KeyError, MemoryError,
            SyntaxError, tokenize.TokenError) as e:
        # numpy parses each member's header with tokenize/ast: a damaged header raises
        # tokenize.TokenError on Python 3.12 (found by tests/test_fuzz.py), a lying one MemoryError
        raise ValueError(f"{name}: damaged or unsafe .npz file ({_reason(e)})") from None
    return _build(arrays, name)


def _head(source, n: int = 6) -> bytes:
    """The first bytes of a path or a seekable file (left where it was)."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as f:
            return f.read(n)
    pos = source.tell()
    head = source.read(n)
    source.seek(pos)
    return head


def _reason(e: Exception) -> str:
    """numpy's and zipfile's errors in a user's words (numpy's would suggest allow_pickle=True)."""
    text = str(e)
    if "pickle" in text or "Object arrays" in text:
        return "it holds pickled Python objects, which could run code when loaded: refused"
    if isinstance(e, (zipfile.BadZipFile, EOFError)) or "zip" in text.lower() or "No data left" in text:
        return "the file is cut short or is not a zip archive"
    return text


def _build(arrays: dict[str, np.ndarray], name: str) -> tuple[MLP, dict]:
    meta_arr = arrays.pop("meta", None)
    if meta_arr is None or meta_arr.shape != () or meta_arr.dtype.kind != "U":
        raise ValueError(f"{name}: no 'meta' header; not a model saved by nn_core")
    try:
        meta = json.loads(str(meta_arr))
    except json.JSONDecodeError as e:
        raise ValueError(f"{name}: the 'meta' header is not valid JSON ({e})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ValueError(f"{name}: not an {FORMAT} model file")
    version = meta.get("version")
    if not isinstance(version, int) or not 1 <= version <= VERSION:
        raise ValueError(f"{name}: format version {version!r} is not supported (this program reads 1..{VERSION})")
    arch = meta.get("architecture")
    if not isinstance(arch, dict):
        raise ValueError(f"{name}: the header has no architecture")
    try:
        model = MLP(arch["layer_sizes"], arch.get("activation", "relu"), arch.get("init", "he"),
                    int(arch.get("seed", 0)), np.dtype(arch.get("dtype", "float32")))
    except (KeyError, TypeError) as e:
        raise ValueError(f"{name}: incomplete architecture in header ({e})") from None
    except ValueError as e:
        raise ValueError(f"{name}: bad architecture in header ({e})") from None
    for k, a in arrays.items():
        if a.dtype.kind != "f":
            raise ValueError(f"{name}: array {k} has dtype {a.dtype}; model weights are floats")
    try:
        model.set_params(arrays)
    except ValueError as e:
        raise ValueError(f"{name}: {e}") from None
    if meta.get("sha256") != _weights_sha256(model.params):
        raise ValueError(f"{name}: the weights do not match the checksum in the header "
                         "(the file was modified or damaged)")
    return model, meta
