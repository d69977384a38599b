"""Fuzzing the parts that read outside input: drawings, IDX files, model files and their headers.

The only failure allowed is a ValueError with a message; anything else (IndexError,
ZeroDivisionError, MemoryError from a lying header, ...) is a bug.
"""
import gzip
import io
import json
import struct
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nn_core import MLP, dumps_model, load_model, n_params, prepare_drawing
from nn_core.data import parse_idx, read_idx
from nn_core.files.header import CURVES, SCORES, clean_metadata, parse_header

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

dtypes = st.sampled_from([np.uint8, np.int16, np.int64, np.float32, np.float64, np.bool_])
shapes = st.one_of(hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=40),
                   st.tuples(st.integers(1, 60), st.integers(1, 60), st.sampled_from([1, 2, 3, 4, 5])))


@pytest.mark.slow  # ~3 s (make quick leaves it to test-core)
@FUZZ
@given(data=st.data(), dtype=dtypes, shape=shapes)
def test_prepare_drawing_accepts_or_explains(data, dtype, shape):
    elements = {np.bool_: st.booleans()}.get(dtype)
    if elements is None and np.dtype(dtype).kind == "f":
        width = np.dtype(dtype).itemsize * 8
        elements = st.one_of(st.floats(-300, 300, width=width), st.sampled_from([np.nan, np.inf, -np.inf]),
                             st.floats(0, 1, width=width))
    image = data.draw(hnp.arrays(dtype, shape, elements=elements))
    try:
        steps = prepare_drawing(image, crop=data.draw(st.booleans()), fit_box=data.draw(st.booleans()),
                                centre=data.draw(st.booleans()))
    except ValueError as e:
        assert str(e)
        return
    if steps is not None:
        x = steps["x"]
        assert x.shape == (784,) and x.dtype == np.float32 and np.all(np.isfinite(x))
        assert 0 <= x.min() and x.max() <= 1 and x.any()


def _idx(shape, payload: bytes) -> bytes:
    return struct.pack(">HBB", 0, 8, len(shape)) + struct.pack(f">{len(shape)}I", *shape) + payload


@FUZZ
@given(raw=st.one_of(st.binary(max_size=300),
                     st.builds(lambda shape, extra, cut: _idx(shape, bytes(int(np.prod(shape))) + extra)[:cut],
                               st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=4).map(tuple)
                               .filter(lambda s: np.prod(s, dtype=object) < 10_000),
                               st.binary(max_size=5), st.integers(0, 10_100)),
                     st.builds(lambda shape: _idx(shape, b""),  # a header promising up to 16 EB
                               st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=4).map(tuple))))
def test_idx_parser_accepts_or_explains(raw):
    try:
        a = parse_idx(raw)
    except ValueError as e:
        assert str(e)
        return
    assert a.dtype == np.uint8 and not a.flags.writeable


@FUZZ
@given(raw=st.binary(max_size=200), gz=st.booleans())
def test_idx_files_accept_or_explain(tmp_path_factory, raw, gz):
    path = tmp_path_factory.mktemp("idx") / "f.idx"
    path.write_bytes(gzip.compress(raw) if gz else raw)
    try:
        read_idx(path)
    except ValueError as e:
        assert str(e)


GOOD = dumps_model(MLP([784, 4, 10], seed=1))


@pytest.mark.slow  # ~1.5 s (make quick leaves it to test-core)
@FUZZ
@given(data=st.data())
def test_model_loader_accepts_or_explains(data):
    kind = data.draw(st.sampled_from(["random", "cut", "flip", "entries"]))
    if kind == "random":
        raw = data.draw(st.binary(max_size=400))
    elif kind == "cut":
        raw = GOOD[:data.draw(st.integers(0, len(GOOD)))]
    elif kind == "flip":
        raw = bytearray(GOOD)
        for _ in range(data.draw(st.integers(1, 8))):
            i = data.draw(st.integers(0, len(raw) - 1))
            raw[i] = data.draw(st.integers(0, 255))
        raw = bytes(raw)
    else:  # a well-formed zip whose entries are replaced by arbitrary arrays
        buf = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(GOOD)) as src, zipfile.ZipFile(buf, "w") as dst:
            for name in src.namelist():
                if data.draw(st.booleans()):
                    arr = data.draw(hnp.arrays(data.draw(st.sampled_from([np.float32, np.float64, np.int8])),
                                               hnp.array_shapes(max_dims=2, max_side=12)))
                    out = io.BytesIO()
                    np.save(out, arr)
                    dst.writestr(name, out.getvalue())
                else:
                    dst.writestr(name, src.read(name))
        raw = buf.getvalue()
    try:
        model, meta = load_model(raw)
    except ValueError as e:
        assert str(e)
        return
    assert model.layer_sizes[0] >= 1 and isinstance(meta, dict)
    assert all(np.all(np.isfinite(p)) for p in model.params.values())


# ------------------------------------------------------------------ the model header (nn_core/files/header.py)

CAPS = {"max_hidden": 512, "max_layers": 4, "max_params": 1_195_018}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=30)
HEADER = json.loads(str(np.load(io.BytesIO(GOOD))["meta"]))
PATHS = [("format",), ("version",), ("sha256",), ("architecture",), ("architecture", "layer_sizes"),
         ("architecture", "layer_sizes", 1), ("architecture", "activation"), ("architecture", "seed"),
         ("architecture", "dtype"), ("config",), ("config", "lr"), ("config", "hidden"), ("metrics",),
         ("metrics", "test_accuracy"), ("metrics", "history"), ("metrics", "history", "val_acc"),
         ("metrics", "history", "val_dead"), ("metrics", "steps"), ("extra",)]


def _set(d, path, value):
    """A copy of the header with the value at path replaced (making the containers on the way)."""
    d = json.loads(json.dumps(d))
    node = d
    for key, following in zip(path[:-1], path[1:]):
        want = list if isinstance(following, int) else dict
        if not isinstance(node.get(key), want):
            node[key] = [0, 0, 0] if want is list else {}
        node = node[key]
    if isinstance(node, list) and not node:
        node.append(value)
    elif isinstance(node, list):
        node[path[-1] % len(node)] = value
    else:
        node[path[-1]] = value
    return d


def _well_formed(meta) -> None:
    """What the pages rely on without checking again."""
    assert isinstance(meta.config, dict) and isinstance(meta.metrics, dict)
    assert all(isinstance(n, str) and n for n in meta.notes)
    for key, value in meta.metrics.items():
        if key in SCORES:
            _, lo, hi = SCORES[key]
            assert value is None or (isinstance(value, (int, float)) and lo <= value <= hi and value == value)
    h = meta.metrics.get("history")
    if h is not None:
        lengths = {len(h[k]) for k in CURVES}
        assert len(lengths) == 1 and all(np.isfinite(v) for k in CURVES for v in h[k])
        assert all(len(s) in lengths for s in h.get("val_dead", {}).values())
    assert set(meta.metrics) <= set(SCORES) | {"history"}
    if meta.config:
        from nn_core import TrainConfig
        assert TrainConfig.from_dict(meta.config).to_dict() == meta.config


@pytest.mark.slow  # ~4 s (make quick leaves it to test-core)
@FUZZ
@given(changes=st.lists(st.tuples(st.sampled_from(PATHS), json_values), min_size=1, max_size=4))
def test_header_validation_accepts_or_explains(changes):
    header = HEADER
    for path, value in changes:
        header = _set(header, path, value)
    try:
        parsed = parse_header(json.dumps(header), "f", **CAPS)
    except ValueError as e:
        assert str(e).startswith("f: ")
        return
    sizes = parsed["architecture"]["layer_sizes"]
    assert all(type(n) is int and n >= 1 for n in sizes) and len(sizes) - 2 <= CAPS["max_layers"]
    assert max(sizes[1:-1], default=0) <= CAPS["max_hidden"] and n_params(sizes) <= CAPS["max_params"]
    _well_formed(clean_metadata(parsed))


@pytest.mark.slow  # ~1.7 s (make quick leaves it to test-core)
@FUZZ
@given(text=st.one_of(st.text(max_size=300), st.builds(lambda d: "[" * d + "]" * d, st.integers(0, 5000)),
                      st.builds(json.dumps, json_values)))
def test_header_text_accepts_or_explains(text):
    try:
        parse_header(text, "f", **CAPS)
    except ValueError as e:
        assert str(e).startswith("f: ")


@pytest.mark.slow  # ~2 s (make quick leaves it to test-core)
@FUZZ
@given(config=json_values, metrics=json_values, hidden=st.integers(0, 4))
def test_metadata_is_kept_well_formed_or_dropped_with_a_note(config, metrics, hidden):
    header = {"architecture": {"layer_sizes": [784] + [16] * hidden + [10], "activation": "relu", "init": "he"},
              "config": config, "metrics": metrics}
    meta = clean_metadata(header)
    _well_formed(meta)
    # cleaning what was kept changes nothing and needs no note
    again = clean_metadata({**header, "config": meta.config, "metrics": meta.metrics})
    assert again.config == meta.config and again.metrics == meta.metrics and again.notes == ()
