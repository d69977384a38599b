"""What a training run records: per-step and per-epoch series, snapshots, progress.

`History` has one writer call per block of steps (`append_steps`: the trainer hands over
the steps of each piece of training at once, `append_step` is a block of one) and one per
epoch (`append_epoch`); each writes every series of its kind and then publishes the new
length in one assignment, so a reader in another thread (a dashboard redrawing while
training runs) that calls `consistent()` always gets series of equal length.

Memory is bounded: per-step series hold at most `max_points` records. When they reach
it, neighbouring records are averaged in pairs and from then on each record averages
twice as many steps (`stride`), so the history always covers the whole run at an even
resolution and never grows past max_points x 8 bytes per series (see
benchmarks/README.md). The `step` series holds the step index each record stands for
(the mean of its steps), so charts plot against the right x. Steps not yet making up a
whole record wait in `_pending` and are published by `flush()` when the run ends.
(Averaging only the oldest half each time, the obvious alternative, lets the first
record swallow almost the whole run: 984 of 1,000 steps with 16 points.)
Per-epoch series and snapshots are small and kept whole (snapshots are bounded by the
trainer).
Leaves out: how the records are computed (trainer.py) and drawn (ui/charts.py).
"""
from __future__ import annotations

import math
import sys
from array import array
from dataclasses import dataclass
from typing import Sequence

import numpy as np

MAX_POINTS = 10_000  # per-step records kept per series (80 kB each)

STEP_KEYS = ("step", "loss", "acc", "lr", "time")  # then weight_rms/W1.., grad_rms/W1.., dead/Z1..
EPOCH_KEYS = ("epoch_step", "train_loss", "train_acc", "val_loss", "val_acc", "epoch_time")


class History:
    """Per-step records (array('d'), 8 bytes a value) and per-epoch lists of one run.

    weights: the names of the weight matrices ("W1", ...); hidden: the hidden layers'
    pre-activations ("Z1", ...), whose dead-unit fractions are recorded.
    """

    def __init__(self, weights: Sequence[str], hidden: Sequence[str], max_points: int | None = None):
        max_points = max_points or MAX_POINTS
        if max_points < 4 or max_points % 2:
            raise ValueError(f"max_points must be an even number >= 4, got {max_points}")
        self.weights, self.hidden, self.max_points = tuple(weights), tuple(hidden), max_points
        self._step_names = (*STEP_KEYS, *(f"weight_rms/{W}" for W in self.weights),
                            *(f"grad_rms/{W}" for W in self.weights), *(f"dead/{Z}" for Z in self.hidden))
        self._epoch_names = (*EPOCH_KEYS, *(f"val_dead/{Z}" for Z in self.hidden))
        self._step_index = {k: i for i, k in enumerate(self._step_names)}
        self._epoch_index = {k: i for i, k in enumerate(self._epoch_names)}
        # (length, series in name order): replaced by one assignment, so readers see a matching pair
        self._steps: tuple[int, list[array]] = (0, [array("d") for _ in self._step_names])
        self._epochs: tuple[int, list[list]] = (0, [[] for _ in self._epoch_names])
        self.stride = 1  # steps averaged into each new record
        self._pending: np.ndarray | None = None  # sums of the steps of the record being filled
        self._pending_count = 0

    # ------------------------------------------------------------------ writing
    def append_step(self, step: int, loss: float, acc: float, lr: float, time: float,
                    weight_rms: Sequence[float], grad_rms: Sequence[float], dead: Sequence[float]) -> None:
        """One gradient step: its index (1-based), batch loss and accuracy, learning rate,
        training seconds so far, and per layer the weight RMS (after the update), gradient
        RMS and dead-unit fraction, in the order of `weights` and `hidden`."""
        if not len(weight_rms) == len(grad_rms) == len(self.weights) or len(dead) != len(self.hidden):
            raise ValueError(f"one value per layer expected: {len(self.weights)} weights, {len(self.hidden)} hidden")
        self.append_steps(np.array([(step, loss, acc, lr, time, *weight_rms, *grad_rms, *dead)], np.float64))

    def append_steps(self, rows: np.ndarray) -> None:
        """k gradient steps at once: rows (k, series), each row the values of one `append_step`
        in the order of `step_names`. The records are exactly those of k calls of append_step:
        a record of `stride` steps is the sum of its rows, added in order, divided by stride."""
        rows = np.asarray(rows, np.float64)
        if rows.ndim != 2 or rows.shape[1] != len(self._step_names):
            raise ValueError(f"rows of {len(self._step_names)} values expected ({', '.join(self._step_names)}), "
                             f"got shape {rows.shape}")
        i, k = 0, len(rows)
        while i < k:
            if self._pending is not None or k - i < self.stride:  # a record of `stride` steps being filled
                take = min(self.stride - self._pending_count, k - i)
                part = rows[i:i + take] if self._pending is None else np.vstack([self._pending, rows[i:i + take]])
                self._pending, self._pending_count = np.add.reduce(part, axis=0), self._pending_count + take
                i += take
                if self._pending_count == self.stride:
                    whole, self._pending, self._pending_count = self._pending / self.stride, None, 0
                    self._publish(whole[None])
                continue
            # whole records of `stride` steps, as many as fit before the next halving (n < max_points)
            q = max(1, min((k - i) // self.stride, self.max_points - self._steps[0]))
            part = rows[i:i + q * self.stride]
            i += q * self.stride  # (before publishing: a halving doubles the stride)
            self._publish(part if self.stride == 1 else np.add.reduce(part.reshape(q, self.stride, -1), axis=1)
                          / self.stride)

    def flush(self) -> None:
        """Publish the steps waiting for a whole record (at the end of a run)."""
        if self._pending is not None:
            values = self._pending / self._pending_count
            self._pending, self._pending_count = None, 0
            self._publish(values[None], whole=False)

    def _publish(self, records: np.ndarray, whole: bool = True) -> None:
        """Append records (q, series) to every series; halve the resolution when full."""
        n, cols = self._steps
        for a, column in zip(cols, records.T):
            a.frombytes(np.ascontiguousarray(column).tobytes())
        n += len(records)
        if n >= self.max_points and whole:  # halve the resolution: pairs of records become one
            n, cols = n // 2, [self._pairs(a, n) for a in cols]  # (a partial last record is never merged:
            self.stride *= 2                                      # it would weigh too much)
        self._steps = (n, cols)  # one assignment: readers see lengths and series that match

    @staticmethod
    def _pairs(a: array, n: int) -> array:
        """Means of records (0, 1), (2, 3), ... in a NEW array (a reader may be copying the old one)."""
        v = np.frombuffer(a, np.float64, count=n // 2 * 2)
        return array("d", v.reshape(-1, 2).mean(axis=1).tobytes())

    def append_epoch(self, step: int, train_loss: float, train_acc: float, val_loss: float, val_acc: float,
                     seconds: float, val_dead: Sequence[float]) -> None:
        """One finished epoch: the step count at its end, the running training loss and
        accuracy over it, validation loss and accuracy, its duration, and per hidden layer
        the fraction of units dead on the whole validation set."""
        if len(val_dead) != len(self.hidden):
            raise ValueError(f"one dead fraction per hidden layer expected ({len(self.hidden)})")
        e, cols = self._epochs
        for c, v in zip(cols, (step, train_loss, train_acc, val_loss, val_acc, seconds, *val_dead)):
            c.append(v)
        self._epochs = (e + 1, cols)

    # ------------------------------------------------------------------ reading
    @property
    def step_names(self) -> tuple[str, ...]:
        """The per-step series in the order of a row of `append_steps`."""
        return self._step_names

    @property
    def n_steps(self) -> int:
        """Records kept (= steps run, until records start to average `stride` steps)."""
        return self._steps[0]

    @property
    def n_epochs(self) -> int:
        return self._epochs[0]

    def consistent(self) -> "History":
        """A copy of every series cut to the same published length: safe to read while the
        trainer appends. Its series can be changed without touching this history."""
        (n, cols), (e, ecols) = self._steps, self._epochs
        copy = History(self.weights, self.hidden, self.max_points)
        copy._steps = (n, [a[:n] for a in cols])
        copy._epochs = (e, [c[:e] for c in ecols])
        copy.stride = self.stride
        return copy

    def _series(self, key: str):
        n, cols = self._steps
        a = cols[self._step_index[key]]
        return a if len(a) == n else a[:n]

    def _by_layer(self, prefix: str, names: Sequence[str]) -> dict:
        return {name: self._series(prefix + name) for name in names}

    def _epoch(self, key: str) -> list:
        e, cols = self._epochs
        return cols[self._epoch_index[key]][:e]

    step = property(lambda self: self._series("step"), doc="step index of each record (1-based; averaged records: the mean)")
    step_loss = property(lambda self: self._series("loss"), doc="cross-entropy of the batch")
    step_acc = property(lambda self: self._series("acc"), doc="fraction of the batch classified right")
    step_lr = property(lambda self: self._series("lr"), doc="learning rate of the step")
    step_time = property(lambda self: self._series("time"), doc="seconds of training so far")
    weight_rms = property(lambda self: self._by_layer("weight_rms/", self.weights), doc="W: sqrt(mean W^2) after the step")
    grad_rms = property(lambda self: self._by_layer("grad_rms/", self.weights), doc="W: sqrt(mean dW^2) of the step")
    dead = property(lambda self: self._by_layer("dead/", self.hidden), doc="Z: fraction of units with Z <= 0 on the whole batch")
    epoch_step = property(lambda self: self._epoch("epoch_step"), doc="step count at each epoch end")
    train_loss = property(lambda self: self._epoch("train_loss"), doc="running mean over the epoch")
    train_acc = property(lambda self: self._epoch("train_acc"))
    val_loss = property(lambda self: self._epoch("val_loss"))
    val_acc = property(lambda self: self._epoch("val_acc"))
    epoch_time = property(lambda self: self._epoch("epoch_time"), doc="seconds each epoch took")
    val_dead = property(lambda self: {Z: self._epoch("val_dead/" + Z) for Z in self.hidden},
                        doc="Z: fraction of units dead on the whole validation set")

    def epoch_summary(self) -> dict:
        """The per-epoch series, JSON-ready (saved with a model)."""
        summary = {k: [float(v) for v in self._epoch(k)] for k in EPOCH_KEYS}
        summary["epoch_step"] = [int(v) for v in summary["epoch_step"]]
        summary["val_dead"] = {Z: list(v) for Z, v in self.val_dead.items()}
        return summary

    def nbytes(self) -> int:
        """Bytes held by the per-step series (the part that grows with the run)."""
        return sum(sys.getsizeof(a) for a in self._steps[1])


@dataclass(frozen=True)
class Snapshot:
    """A copy of every parameter at one point of training (step 0 = initialisation)."""

    step: int
    epoch: float
    params: dict[str, np.ndarray]


@dataclass(frozen=True)
class Progress:
    """What a progress bar needs, yielded by `Trainer.run`."""

    step: int
    total_steps: int
    epoch: int        # epochs completed
    epochs: int       # epochs in the run
    loss: float
    elapsed: float
    status: str       # ready, running, done, diverged, stopped (a time limit)

    @property
    def current_epoch(self) -> int:
        """The epoch under way, counting from 1 (the last one once training is over)."""
        return min(self.epoch + 1, self.epochs)

    @property
    def fraction(self) -> float:
        return self.step / self.total_steps

    @property
    def eta(self) -> float:
        return self.elapsed / self.step * (self.total_steps - self.step) if self.step else math.nan


# ------------------------------------------------------------------ a series made short enough to draw or keep
def downsample(x: np.ndarray, y: np.ndarray, max_points: int = 1500) -> tuple[np.ndarray, np.ndarray]:
    """Bucket means: at most max_points points that keep the curve's shape."""
    x, y = np.asarray(x, np.float32), np.asarray(y, np.float32)
    if len(x) != len(y):
        raise ValueError(f"x and y differ in length ({len(x)} vs {len(y)})")
    n = len(y)
    if n <= max_points:
        return x, y
    k = int(np.ceil(n / max_points))
    m = n // k * k
    xs, ys = x[:m].reshape(-1, k).mean(axis=1), y[:m].reshape(-1, k).mean(axis=1)
    if m < n:
        xs, ys = np.append(xs, x[m:].mean()), np.append(ys, y[m:].mean())
    return xs, ys


def ema(y, alpha: float) -> np.ndarray:
    """Exponential moving average, bias-corrected at the start: s[t] = sum_k (1-a)^k y[t-k] / sum_k (1-a)^k."""
    y = np.asarray(y, np.float64)
    out = np.empty_like(y)
    acc = weight = 0.0
    for i, v in enumerate(y):  # a few thousand points: a Python loop costs ~1 ms
        acc = (1 - alpha) * acc + alpha * v
        weight = (1 - alpha) * weight + alpha
        out[i] = acc / weight
    return out.astype(np.float32)
