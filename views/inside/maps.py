"""The hidden-layer map's numbers: PCA axes of each layer fitted once per model on the fixed
sample (server/samples.py), every snapshot of the run projected on those axes, shared axis
ranges, and what a selection of points holds.

Axes are fitted on the shown (final) model's activations, so the map shows the structure
the network ended with; earlier snapshots are projected on the same axes, and a point
moving between snapshots means that image's activations moved. Kept in the session under
"layermap.maps" for the model they belong to (one (2000, 2) float32 array per snapshot and
layer: 16 KB each). Leaves out: the chart (ui/charts/inside.py) and the controls (the page).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core import MLP, Snapshot
from nn_core.inside.layermap import Axes, fit_axes, layer_names, layer_output
from server.samples import test_sample
from session import per_model


@dataclass
class LayerMap:
    axes: Axes
    points: dict[int, np.ndarray]   # snapshot number (-1: the shown model) -> (2000, 2)
    kept: dict[int, float]          # the same -> share of that snapshot's own spread the two axes keep
    ranges: tuple | None = None     # ((x0, x1), (y0, y1)) over every snapshot, once all are projected


def _snapshot_model(model: MLP, snap: Snapshot) -> MLP:
    twin = model.copy()
    twin.params = dict(snap.params)  # read only: never changed, so no copy
    return twin


def _maps(model: MLP) -> dict[str, LayerMap]:
    return per_model.get("layermap.maps", model, dict)  # filled layer by layer


def layer_map(model: MLP, snapshots: list[Snapshot], layer: str) -> LayerMap:
    """The map of `layer` (a name of nn_core.inside.layermap.layer_names) with every snapshot projected."""
    maps = _maps(model)
    if layer not in maps:
        X = test_sample().X
        A = layer_output(model, X, layer)  # (2000, n), a chunk of rows at a time
        axes = fit_axes(A)
        maps[layer] = LayerMap(axes, {-1: axes.project(A)}, {-1: axes.captured(A)})
    lm = maps[layer]
    if lm.ranges is None:
        for i, snap in enumerate(snapshots):
            if i not in lm.points:
                A = layer_output(_snapshot_model(model, snap), test_sample().X, layer)  # (2000, n)
                lm.points[i], lm.kept[i] = lm.axes.project(A), lm.axes.captured(A)
        every = np.concatenate(list(lm.points.values()))  # (2000 * k, 2)
        lo, hi = np.percentile(every, 0.5, axis=0), np.percentile(every, 99.5, axis=0)
        pad = 0.06 * np.maximum(hi - lo, 1e-6)
        lm.ranges = ((float(lo[0] - pad[0]), float(hi[0] + pad[0])), (float(lo[1] - pad[1]), float(hi[1] + pad[1])))
    return lm


def project_one(model: MLP, snapshot: Snapshot | None, layer: str, lm: LayerMap, x: np.ndarray) -> np.ndarray:
    """(2,) where one input x (784,) lands on the map, through the snapshot's weights (or the model's)."""
    net = model if snapshot is None else _snapshot_model(model, snapshot)
    return lm.axes.project(layer_output(net, x.reshape(1, -1), layer))[0]  # (1, n) -> (2,)


def names(model: MLP) -> dict[str, str]:
    """Layer name -> what the control says."""
    out = {}
    for name in layer_names(model):
        if name == "A0":
            out[name] = "A0: the 784 pixels"
        elif name.startswith("Z"):
            out[name] = f"{name}: the 10 logits"
        else:
            out[name] = f"{name}: hidden layer {name[1:]} ({model.layer_sizes[int(name[1:])]} units)"
    return out


def selected_rows(event, labels: np.ndarray) -> np.ndarray:
    """Rows of the sample picked in a chart selection: trace d holds the sample's digit-d rows
    in order, so point i of trace d is row flatnonzero(labels == d)[i]. Points of other traces
    (the marked drawing) are ignored."""
    points = []
    try:
        points = event["selection"]["points"] or []
    except (KeyError, TypeError):
        pass
    members = [np.flatnonzero(labels == d) for d in range(10)]
    rows = []
    for p in points:
        c, i = p.get("curve_number"), p.get("point_index", p.get("point_number"))
        if isinstance(c, int) and isinstance(i, int) and 0 <= c < 10 and 0 <= i < len(members[c]):
            rows.append(members[c][i])
    return np.unique(np.asarray(rows, np.int64))
