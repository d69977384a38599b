"""Run hostile cases, each in its own child process, with a cap on its address space.

    python -m devtools.hostile_worker < cases.json     (one JSON result per line on stdout)

This process imports nn_core once, then forks one child per case; a fresh fork starts with
its peak RSS (VmHWM) reset, so `peak_mb` is what that case alone added. Before the call,
the child reads its file (an upload arrives as bytes) and limits its address space to
LIMIT_MB above what it has mapped, so a regression that would allocate gigabytes fails
with MemoryError here instead of swapping. Case kinds: "model" (load_model, with `caps`),
"snapshots" (load_snapshots for a 784-16-10 model), "dataset" (load_dataset of a
directory), "cli" (`python -m nn_core evaluate FILE`, in-process, stderr captured).
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import sys
import time
from pathlib import Path

import nn_core  # noqa: F401  (imported before forking: every child has it)
from nn_core import cli

LIMIT_MB = 256


def _status() -> dict[str, int]:
    """VmRSS, VmHWM (peak RSS), VmSize of this process, in kB."""
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "VmSize"):
                out[key] = int(value.split()[0])
    return out


def _call(case: dict, data: bytes | None):
    kind = case["kind"]
    if kind == "model":
        return nn_core.load_model(data, **case.get("caps", {}))
    if kind == "snapshots":
        return nn_core.load_snapshots(data, case["model"])
    if kind == "dataset":
        return nn_core.load_dataset(case["path"], n_val=1)
    if kind == "cli":
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = cli.main(["evaluate", case["path"]])
        return {"exit": code, "stderr": err.getvalue()}
    raise ValueError(f"unknown kind {kind}")


def run_child(case: dict) -> dict:
    if case["kind"] == "snapshots":
        case["model"] = nn_core.MLP([784, 16, 10], seed=1)
    data = Path(case["path"]).read_bytes() if case["kind"] in ("model", "snapshots") else None
    before = _status()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, ((before["VmSize"] + LIMIT_MB * 1024) * 1024, hard))
    start, start_cpu = time.perf_counter(), time.process_time()
    result = {"id": case["id"], "outcome": "ok", "message": ""}
    try:
        value = _call(case, data)
        if case["kind"] == "cli":
            result.update(value)
    except BaseException as e:  # noqa: BLE001  (what escaped is the finding)
        result.update(outcome=type(e).__name__, message=str(e)[:500])
    result["seconds"] = time.perf_counter() - start
    result["cpu_seconds"] = time.process_time() - start_cpu  # what the case cost, however busy the machine
    result["peak_mb"] = (_status()["VmHWM"] - before["VmRSS"]) / 1024
    return result


def main() -> None:
    for case in json.load(sys.stdin):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                out = json.dumps(run_child(case)).encode()
            except BaseException as e:  # noqa: BLE001
                out = json.dumps({"id": case["id"], "outcome": f"worker: {type(e).__name__}: {e}"}).encode()
            with os.fdopen(w, "wb") as f:
                f.write(out)
            os._exit(0)
        os.close(w)
        with os.fdopen(r, "rb") as f:
            out = f.read()
        _, status = os.waitpid(pid, 0)
        if not out:
            out = json.dumps({"id": case["id"], "outcome": f"child died (status {status})"}).encode()
        sys.stdout.write(out.decode() + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
