"""Hostile files against the readers: every one is refused with a clear ValueError within a
second of CPU time, and costs its process less than 50 MB at peak. (CPU time, not wall time:
on a shared machine, or beside another test worker, the wall clock also counts the time the
child waited for a core.)

Each case runs in its own child process (devtools/hostile_worker.py: forked, peak RSS measured
from the fork, address space capped 256 MB above the start, so a regression fails with
MemoryError instead of swapping). The files are crafted in devtools/hostile.py.
"""
import io
import json
import subprocess
import sys

import numpy as np
import pytest

from devtools.hostile import (
    ACCEPTED,
    GOOD,
    IDX_CASES,
    LARGEST_READ,
    MODEL_CASES,
    OVER_APP_CAPS,
    SNAPSHOT_CASES,
    arrays_of,
    valid_file,
    write_idx_dir,
)
from devtools.paths import ROOT
from nn_core import load_model
from nn_core.files.header import TooLarge

PEAK_MB, SECONDS = 50, 1.0
APP_CAPS = {"max_hidden": 512, "max_layers": 4, "max_params": 1_195_018}  # server.limits.Limits()

pytestmark = pytest.mark.slow  # its module fixture runs every case in a child: ~5 s per worker (make quick leaves it to test-core)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Every case, each run once in its own child: {(kind, name): result}."""
    root = tmp_path_factory.mktemp("hostile")
    cases = []
    for i, (name, (build, _)) in enumerate({**MODEL_CASES, **OVER_APP_CAPS}.items()):
        path = root / f"m{i}.npz"
        path.write_bytes(build())
        caps = APP_CAPS if name in OVER_APP_CAPS else {}
        cases.append({"id": ["model", name], "kind": "model", "path": str(path), "caps": caps})
        if name in MODEL_CASES:
            cases.append({"id": ["app caps", name], "kind": "model", "path": str(path), "caps": APP_CAPS})
            cases.append({"id": ["cli", name], "kind": "cli", "path": str(path)})
    for i, (name, (build, _)) in enumerate(LARGEST_READ.items()):
        path = root / f"big{i}.npz"
        path.write_bytes(build())
        cases.append({"id": ["largest", name], "kind": "model", "path": str(path)})
    for i, (name, (build, _)) in enumerate(SNAPSHOT_CASES.items()):
        path = root / f"s{i}.npz"
        path.write_bytes(build())
        cases.append({"id": ["snapshots", name], "kind": "snapshots", "path": str(path)})
    for i, (name, (build, _)) in enumerate(IDX_CASES.items()):
        directory = write_idx_dir(root / f"idx{i}", build())
        cases.append({"id": ["dataset", name], "kind": "dataset", "path": str(directory)})
    out = subprocess.run([sys.executable, "-m", "devtools.hostile_worker"], input=json.dumps(cases),
                         capture_output=True, text=True, timeout=600, cwd=ROOT,
                         env={"OPENBLAS_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    return {tuple(r["id"]): r for r in map(json.loads, out.stdout.splitlines())}


def _refused_cheaply(r: dict, message: str) -> None:
    assert r["outcome"] in ("ValueError", "TooLarge"), r
    assert message in r["message"], r
    # a refusal that comes from failing to allocate (numpy's "Unable to allocate", under the
    # child's address-space cap) is a regression however it is worded
    assert "allocate" not in r["message"] and "memory" not in r["message"], r
    assert r["cpu_seconds"] < SECONDS, r
    assert r["peak_mb"] < PEAK_MB, r


@pytest.mark.parametrize("name", list(MODEL_CASES))
def test_a_hostile_model_file_is_refused_cheaply(results, name):
    default, app = results["model", name], results["app caps", name]
    _refused_cheaply(default, MODEL_CASES[name][1])
    # under the app's smaller caps: the same refusal, or a cap named earlier
    _refused_cheaply(app, "" if app["outcome"] == "TooLarge" else default["message"])


@pytest.mark.parametrize("name", list(OVER_APP_CAPS))
def test_a_model_over_the_deployers_caps_is_refused_cheaply(results, name):
    r = results["model", name]
    _refused_cheaply(r, "")
    assert r["outcome"] == "TooLarge"


@pytest.mark.parametrize("name", list(MODEL_CASES))
def test_the_cli_prints_one_line_and_exits_2(results, name):
    r = results["cli", name]
    assert r["outcome"] == "ok" and r["exit"] == 2, r
    lines = r["stderr"].splitlines()
    assert len(lines) == 1 and lines[0].startswith("python -m nn_core: error: ") and MODEL_CASES[name][1] in lines[0]
    assert r["peak_mb"] < PEAK_MB and r["cpu_seconds"] < SECONDS, r


@pytest.mark.parametrize("name", list(LARGEST_READ))
def test_the_largest_headers_that_are_read_are_cheap(results, name):
    r = results["largest", name]
    assert r["outcome"] == "ok" and r["cpu_seconds"] < SECONDS and r["peak_mb"] < PEAK_MB, r


@pytest.mark.parametrize("name", list(LARGEST_READ))
def test_the_largest_headers_that_are_read_keep_what_is_well_formed(name):
    build, note = LARGEST_READ[name]
    _, meta = load_model(build())
    if note:
        assert any(note in n for n in meta["notes"])
    else:
        assert meta["notes"] == [] and len(meta["metrics"]["history"]["val_dead"]["Z8"]) == 10_000


@pytest.mark.parametrize("name", list(SNAPSHOT_CASES))
def test_a_hostile_snapshots_file_is_refused_cheaply(results, name):
    _refused_cheaply(results["snapshots", name], SNAPSHOT_CASES[name][1])


@pytest.mark.parametrize("name", list(IDX_CASES))
def test_a_hostile_data_directory_is_refused_cheaply(results, name):
    _refused_cheaply(results["dataset", name], IDX_CASES[name][1])


def test_the_worker_would_catch_a_loader_that_allocates(tmp_path):
    """The harness itself: an allocation of 2 GB in a child fails under its address-space cap."""
    code = ("import devtools.hostile_worker as w, numpy as np; "
            "w._call = lambda case, data: np.ones(2**28); print(w.run_child({'id': 'x', 'kind': 'model', "
            f"'path': {str(tmp_path / 'f')!r}}}))")
    (tmp_path / "f").write_bytes(b"x")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert "'outcome': 'MemoryError'" in out.stdout, out


def test_the_entry_point_exits_2_with_one_line(tmp_path):
    path = tmp_path / "bomb.npz"
    path.write_bytes(MODEL_CASES["deflate bomb, 1.6 GB member"][0]())
    for command in ("evaluate", "predict"):
        args = [str(path)] + ([str(tmp_path / "digit.png")] if command == "predict" else [])
        out = subprocess.run([sys.executable, "-m", "nn_core", command, *args], capture_output=True, text=True,
                             cwd=ROOT, timeout=60)
        assert out.returncode == 2 and out.stderr.count("\n") == 1 and "need (784, 16)" in out.stderr, out


# ------------------------------------------------------------------ accepted, with notes
@pytest.mark.parametrize("name", list(ACCEPTED))
def test_bad_metadata_is_dropped_with_a_note_and_the_weights_load(name):
    build, note = ACCEPTED[name]
    model, meta = load_model(build())
    assert all(np.array_equal(model.params[k], GOOD.params[k]) for k in GOOD.params)
    if note is None:
        assert meta["notes"] == []
    else:
        assert any(note in n for n in meta["notes"]), meta["notes"]
    # what is kept is well-formed: the pages read these without checking again
    metrics = meta["metrics"]
    assert isinstance(metrics, dict) and isinstance(meta["config"], dict)
    acc = metrics.get("test_accuracy")
    assert acc is None or 0 <= acc <= 1
    h = metrics.get("history")
    if h is not None:
        assert len({len(h[k]) for k in ("train_loss", "val_loss", "train_acc", "val_acc")}) == 1


def test_messages_carry_no_markup_from_the_file():
    """A refusal message is shown in the page as Markdown: it never echoes the file's text."""
    for name in ("unknown activation", "path in a name", "folder entry"):
        with pytest.raises(ValueError) as e:
            load_model(MODEL_CASES[name][0]())
        assert not any(s in str(e.value) for s in ("![", "](", "<img", "../", "W1/")), str(e.value)


def test_numpys_own_compressed_files_load():
    """Deflate is accepted because np.savez_compressed writes it: such a file loads as it is."""
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays_of(GOOD))
    model, _ = load_model(buf.getvalue())
    assert all(np.array_equal(model.params[k], GOOD.params[k]) for k in GOOD.params)


def test_a_cap_is_named_with_its_limit_and_the_files_size():
    with pytest.raises(TooLarge) as e:
        load_model(valid_file([784, 600, 10]), **APP_CAPS)
    assert (e.value.cap, e.value.limit, e.value.found) == ("max_hidden", 512, 600)
    with pytest.raises(TooLarge) as e:
        load_model(valid_file([784, 300, 300, 10]), max_hidden=512, max_layers=4, max_params=200_000)
    assert (e.value.cap, e.value.limit, e.value.found) == ("max_params", 200_000, 328_810)
    model, _ = load_model(valid_file([784, 512, 512, 512, 512, 10]), **APP_CAPS)  # the largest allowed loads
    assert model.n_params == APP_CAPS["max_params"]
