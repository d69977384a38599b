"""Fuzzing the parts that read outside input: drawings, IDX files, model files.

The only failure allowed is a ValueError with a message; anything else (IndexError,
ZeroDivisionError, MemoryError from a lying header, ...) is a bug.
"""
import gzip
import io
import struct
import zipfile

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nn_core import MLP, dumps_model, load_model, prepare_drawing
from nn_core.data import parse_idx, read_idx

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

dtypes = st.sampled_from([np.uint8, np.int16, np.int64, np.float32, np.float64, np.bool_])
shapes = st.one_of(hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=40),
                   st.tuples(st.integers(1, 60), st.integers(1, 60), st.sampled_from([1, 2, 3, 4, 5])))


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
