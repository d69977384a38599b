"""Gradient descent in small resumable pieces, recording what a dashboard shows.

A `Trainer` owns a model, an optimizer and its place in the data. `step(n)` and
`run_for(seconds)` advance it a little and return; calling them again carries on exactly
where it stopped, so a UI can render between pieces, pause (stop calling) and resume.
Chunked and uninterrupted runs are bit-for-bit identical for one seed on one machine.
It reports through `history` (history.py) and the `run()` generator; it never draws.

There is one gradient path: a batch (a mini-batch, or the whole training set for full-
batch descent) is split into chunks of at most CHUNK images, and the gradient of the
batch's mean loss is sum_chunks (m_chunk / m) x (the chunk's mean-loss gradient). A
mini-batch is one chunk, so its step is exactly forward, backward, update.
Augmentation and dropout (config.augment, config.dropout) act on training batches only:
each chunk's images are distorted afresh (augment.py) and the forward pass drops hidden
units (model.py), each from a generator of its own seeded by config.seed, so the batch
order does not depend on them, a run is reproducible, and with both off (the default)
every number is exactly as without them. The recorded batch loss and accuracy are those
of the batches as trained on (distorted, with units dropped); validation sees clean images.
Per step it records loss, batch accuracy, learning rate, training time, the RMS of each
layer's weights and gradients, and the fraction of dead hidden units; per epoch the running
training loss/accuracy, validation loss/accuracy and dead units, and a bounded set of
parameter snapshots. A non-finite or exploding loss stops training and restores the last
good weights; an optional time limit stops it cleanly and keeps the model so far.
What a step records costs little beside the step (benchmarks/README.md). Each small NumPy
call costs a few microseconds between the matrix products, as much as the arithmetic of a
whole statistic, so a step makes few: its loss (needed at once, to catch divergence) from
the probabilities of the true classes, one column max of each hidden Z (for ReLU without
dropout a column sum of A, one BLAS call: A >= 0 sums to 0 only where every Z <= 0), and the norms of
every weight matrix and its gradient, read by the update in its own pass over them
(optimizers.py). The rest waits, as references to arrays the step made anyway (its logits,
its labels, those column maxima or sums), until the end of the call that ran it (`step`, `run_for`,
an epoch's end): then the accuracy, the dead units and the RMS values of all its steps are
computed at once and handed to the history as one block (`_publish`).
Leaves out: the math of a layer (model.py), the update rules (optimizers.py), drawing.
"""
from __future__ import annotations

import math
import time
from typing import Iterator

import numpy as np

from nn_core.config import TrainConfig
from nn_core.data import Dataset, as_float
from nn_core.evaluate import evaluate
from nn_core.history import History, Progress, Snapshot
from nn_core.losses import cross_entropy_int
from nn_core.model import MLP
from nn_core.optimizers import learning_rate, make_optimizer

__all__ = ["Trainer", "History", "Progress", "Snapshot"]

CHUNK = 2048  # images per forward/backward pass: a full-batch step of 55,000 images as float is 172 MB
RECORDS_KEPT = 256  # steps held before they go to the history in any case (a long step(n) call): ~1 MB at batch 64
GOOD_COPY_EVERY = 100  # steps between copies of known-good parameters (divergence rollback)
# A loss above max(10 ln C, 3 x the first step's) means the true class gets probability
# below ~1e-10 on average: the updates are overshooting, training has diverged. A finite
# but exploding loss is caught this way, not only NaN/inf.
DIVERGENCE_NATS_PER_CLASS_LOG = 10.0


class Trainer:
    def __init__(self, config: TrainConfig, data: Dataset, model: MLP | None = None,
                 time_limit: float | None = None):
        """time_limit: seconds of training after which the run stops, keeping its model."""
        self.config, self.time_limit = config, time_limit
        self.data = data.subset(config.n_train) if config.n_train else data
        self.model = model or MLP(config.layer_sizes, config.activation, config.init, config.seed)
        if self.model.layer_sizes[0] != self.data.x_train[0].size:
            raise ValueError(f"model expects {self.model.layer_sizes[0]} inputs, images have {self.data.x_train[0].size} pixels")
        self.optimizer = make_optimizer(config.optimizer, config.l2, config.momentum)
        self.rng = np.random.default_rng([config.seed, 1])  # batch order; init uses the model's own seed
        self._augment = config.augment if config.augment.active else None
        self._aug_rng = np.random.default_rng([config.seed, 2])   # distortions of each batch
        self._drop_rng = np.random.default_rng([config.seed, 3])  # dropout masks
        self.n = len(self.data.y_train)
        self.batch_size = self.n if config.batch_size == 0 else min(config.batch_size, self.n)
        self.steps_per_epoch = math.ceil(self.n / self.batch_size)
        self.total_steps = self.steps_per_epoch * config.epochs
        L = self.model.L
        self._W = [f"W{l}" for l in range(1, L + 1)]
        self._Zh = [f"Z{l}" for l in range(1, L)]  # hidden layers
        self._ZL = f"Z{L}"
        self._dP = [f"d{k}" for k in self.model.params]  # the gradients an update needs: dW1, db1, ...
        self._sizes = np.array([self.model.params[W].size for W in self._W], np.float64)  # weights per layer
        self._units = np.array(self.model.layer_sizes[1:-1], np.float64)                 # units per hidden layer
        self._rows = np.arange(min(self.batch_size, CHUNK))  # row indices of a chunk, for the true classes
        self._Ah = [f"A{l}" for l in range(1, L)]
        self._sum_tops = self.model.g.name == "relu" and not config.dropout  # (see _gradient)
        self._ones = np.ones(len(self._rows), self.model.dtype)
        # Steps not yet in the history (see _publish): per step its numbers, its chunks' logits
        # and labels, and per hidden layer one number per unit, > 0 if and only if the unit's Z
        # was > 0 for some image of the batch (the max of Z over the batch, or the sum of ReLU's A).
        self._records: list[float] = []
        self._logits: list[np.ndarray] = []
        self._labels: list[np.ndarray] = []
        self._tops: list[list[np.ndarray]] = []
        self.history = History(self._W, self._Zh)
        self.snapshots: list[Snapshot] = [Snapshot(0, 0.0, self._copy_params())]
        self.step_count = self.epoch = 0
        self.status = "ready"  # ready -> running -> done | diverged | stopped
        self.message = ""
        self.elapsed = 0.0  # seconds spent inside training (pauses excluded)
        self._perm: np.ndarray | None = None
        self._pos = 0
        self._epoch_loss = self._epoch_correct = 0.0
        self._epoch_start = 0.0
        self._good: dict[str, np.ndarray] | None = self._copy_params()
        self._loss_limit: float | None = None  # set from the first step's loss

    # ------------------------------------------------------------------ public
    @property
    def done(self) -> bool:
        return self.status in ("done", "diverged", "stopped")

    def step(self, n: int = 1) -> int:
        """Run up to n gradient steps; returns how many ran (fewer at the end of training).
        Every step is in the history when it returns."""
        ran = 0
        while ran < n and not self.done:
            self._one_step()
            ran += 1
        self._publish()
        return ran

    def run_for(self, seconds: float) -> int:
        """Run gradient steps for about `seconds` of wall time (at least one step)."""
        start, ran = time.perf_counter(), 0
        while not self.done:
            self._one_step()
            ran += 1
            if time.perf_counter() - start >= seconds:
                break
        self._publish()
        return ran

    def run(self, chunk_steps: int = 20) -> Iterator[Progress]:
        """Train to the end, yielding progress every chunk_steps steps and at the end."""
        while not self.done:
            self.step(chunk_steps)
            yield self.progress()

    def progress(self) -> Progress:
        loss = self.history.step_loss[-1] if self.history.n_steps else math.nan
        return Progress(self.step_count, self.total_steps, self.epoch, self.config.epochs, loss, self.elapsed,
                        self.status)

    def stop(self, message: str) -> None:
        """End the run now, keeping the model as it is (a usable result) and saying why."""
        if self.done:
            return
        self._publish()
        self.status, self.message = "stopped", message
        if self.snapshots[-1].step != self.step_count:
            self._add_snapshot()
        self._release()

    # ------------------------------------------------------------------ one step
    def _copy_params(self) -> dict[str, np.ndarray]:
        return {k: v.copy() for k, v in self.model.params.items()}

    def _batch(self) -> np.ndarray | slice:
        """The rows of the next batch: all of them in order (full batch), or the next
        slice of this epoch's permutation."""
        if self.batch_size == self.n:
            return slice(0, self.n)
        if self._perm is None:
            self._perm = self.rng.permutation(self.n)
        return self._perm[self._pos:self._pos + self.batch_size]

    def _gradient(self, rows: np.ndarray | slice, m: int):
        """Mean loss, gradients {dW, db}, per hidden layer the max of Z over the batch (or the
        sum of ReLU's A: > 0 exactly where the max is; the chunks' are combined by max), summed
        over chunks of the batch (one chunk for a mini-batch), each weighted by its share of
        the batch; and each chunk's logits and labels (for the accuracy, see _publish)."""
        model, x, labels, ZL = self.model, self.data.x_train, self.data.y_train, self._ZL
        loss, grads, z_max, logits, truth = 0.0, None, None, [], []
        for i in range(0, m, CHUNK):
            part = slice(rows.start + i, min(rows.start + i + CHUNK, rows.stop)) if isinstance(rows, slice) \
                else rows[i:i + CHUNK]
            y = labels[part]
            c = len(y)
            probs, cache = model.forward(self._inputs(x[part]), check=False, dropout=self.config.dropout,
                                         rng=self._drop_rng)  # (c, 784) -> (c, C)
            w = c / m
            loss += w * cross_entropy_int(cache[ZL], y, probs, self._rows[:c])
            if self._sum_tops:  # ReLU, no dropout: A = max(Z, 0) >= 0 sums to 0 over the batch only if every Z <= 0
                ones = self._ones[:c]
                tops = [ones @ cache[A] for A in self._Ah]  # (c,) @ (c, n_l) -> (n_l,): one BLAS call per layer
            else:
                tops = [np.maximum.reduce(cache[Z], axis=0) for Z in self._Zh]  # (n_l,) a unit is dead if <= 0
            logits.append(cache[ZL])
            truth.append(y)
            g = model.backward(cache, y, check=False)
            if grads is None:  # the first (for a mini-batch, the only) chunk
                grads = g if w == 1 else {k: w * g[k] for k in self._dP}
                z_max = tops
                continue
            for k in self._dP:
                grads[k] += w * g[k]
            z_max = [np.maximum(a, b) for a, b in zip(z_max, tops)]
        return loss, grads, z_max, logits, truth

    def _inputs(self, images: np.ndarray) -> np.ndarray:
        """uint8 images (c, 28, 28) -> float (c, 784) in [0, 1], distorted when augmenting."""
        if self._augment is None:
            return as_float(images, self.model.dtype)
        X = self._augment(images, self._aug_rng)  # float32 (c, 784)
        return X if self.model.dtype == X.dtype else X.astype(self.model.dtype)

    def _one_step(self) -> None:
        t0 = time.perf_counter()
        if self.status == "ready":
            self.status = "running"
        rows = self._batch()
        m = self.n if isinstance(rows, slice) else len(rows)
        loss, grads, z_max, logits, truth = self._gradient(rows, m)
        if not self._loss_ok(loss):  # diverged: the last good parameters are back
            return
        if self.step_count % GOOD_COPY_EVERY == 0:
            self._keep_good()  # its loss was fine, before this step's update
        lr = learning_rate(self.config.schedule, self.config.lr, self.step_count, self.total_steps)
        squares: list[float] = []  # per layer ||dW||^2, then ||W||^2 after the update: read in the update's pass
        self.optimizer.update(self.model.params, grads, lr, squares)
        self.step_count += 1
        self._pos += m
        self._epoch_loss += loss * m
        self.elapsed += time.perf_counter() - t0
        self._records += (self.step_count, loss, m, lr, self.elapsed, *squares)
        self._tops.append(z_max)
        self._logits += logits
        self._labels += truth
        if self._pos >= self.n:
            self._end_epoch()
        elif len(self._tops) >= RECORDS_KEPT:
            self._publish()
        if self.time_limit is not None and self.elapsed >= self.time_limit and not self.done:
            self.stop(f"Training stopped after {self.elapsed / 60:.1f} min at step {self.step_count:,} of "
                      f"{self.total_steps:,}: the time limit of a run. The model so far is kept.")

    def _publish(self) -> None:
        """The steps run since the last call, into the history as one block. A step's numbers
        (step, loss, m, lr, time, ||dW1||^2, ||W1||^2, ...) and what it kept become: step,
        loss, accuracy (its logits' argmax against its labels, over all its chunks), lr,
        time, per layer the weight RMS sqrt(||W||^2 / size) and gradient RMS, and per hidden
        layer the fraction of units whose Z was <= 0 for every image of the batch."""
        k = len(self._tops)
        if not k:
            return
        t0 = time.perf_counter()  # (training time: counted in `elapsed`, like the steps)
        L = len(self._W)
        R = np.array(self._records, np.float64).reshape(k, 5 + 2 * L)
        m = R[:, 2]
        hits = np.concatenate(self._logits).argmax(axis=1) == np.concatenate(self._labels)  # (sum of m,)
        firsts = np.concatenate(([0], np.cumsum(m[:-1]))).astype(np.intp)  # each step's first row
        correct = np.add.reduceat(hits, firsts, dtype=np.int64)  # (k,)
        dead = [np.add.reduce(np.stack([z[j] for z in self._tops]) <= 0, axis=1) for j in range(L - 1)]
        self._records, self._logits, self._labels, self._tops = [], [], [], []
        self._epoch_correct += int(np.add.reduce(correct))
        squares = R[:, 5:]
        self.history.append_steps(np.column_stack([
            R[:, 0], R[:, 1], correct / m, R[:, 3], R[:, 4],
            np.sqrt(squares[:, 1::2] / self._sizes), np.sqrt(squares[:, 0::2] / self._sizes),
            *(d / n for d, n in zip(dead, self._units))]))
        self.elapsed += time.perf_counter() - t0

    def _keep_good(self) -> None:
        """Copy the parameters into the rollback copy (its arrays reused: no allocation)."""
        good, params = self._good, self.model.params
        if good is None or good.keys() != params.keys() or any(good[k].shape != v.shape or good[k].dtype != v.dtype
                                                              for k, v in params.items()):
            self._good = self._copy_params()
            return
        for k, v in params.items():
            np.copyto(good[k], v)

    def _loss_ok(self, loss: float) -> bool:
        if self._loss_limit is None:
            self._loss_limit = max(DIVERGENCE_NATS_PER_CLASS_LOG * math.log(self.model.layer_sizes[-1]), 3 * loss)
        if not loss <= self._loss_limit:  # also true for NaN
            self._diverge(loss)
            return False
        return True

    # ------------------------------------------------------------------ epochs
    def _end_epoch(self) -> None:
        self._publish()  # the epoch's steps before its record
        t0 = time.perf_counter()
        val_loss, val_acc, val_dead = self._validate()
        if len(self.data.y_val) and not val_loss <= self._loss_limit:
            self._diverge(val_loss)  # nothing of this epoch is recorded: every series stays in step
            return
        self.epoch += 1
        self._perm, self._pos = None, 0
        self._keep_good()
        self._add_snapshot()
        self.elapsed += time.perf_counter() - t0
        H = self.history
        H.append_epoch(self.step_count, self._epoch_loss / self.n, self._epoch_correct / self.n, val_loss, val_acc,
                       self.elapsed - self._epoch_start, val_dead)
        self._epoch_loss = self._epoch_correct = 0.0
        self._epoch_start = self.elapsed
        if self.epoch >= self.config.epochs:
            self.status = "done"
            self._release()

    def _validate(self) -> tuple[float, float, list[float]]:
        """Validation loss, accuracy and dead-unit fractions, from one pass of `evaluate`."""
        y = self.data.y_val
        if not len(y):
            return math.nan, math.nan, [math.nan] * len(self._Zh)
        z_max: list[np.ndarray] = []

        def keep_max(cache: dict) -> None:
            tops = [np.maximum.reduce(cache[Z], axis=0) for Z in self._Zh]
            z_max[:] = tops if not z_max else [np.maximum(a, b) for a, b in zip(z_max, tops)]

        loss, probs = evaluate(self.model, self.data.x_val, y, each_cache=keep_max)
        acc = float(np.count_nonzero(probs.argmax(axis=1) == y)) / len(y)
        return loss, acc, [np.count_nonzero(z <= 0) / z.size for z in z_max]

    def _add_snapshot(self) -> None:
        """Keep at most max_snapshots: when full, drop every other one (the first stays)."""
        self.snapshots.append(Snapshot(self.step_count, self.step_count / self.steps_per_epoch, self._copy_params()))
        if len(self.snapshots) > self.config.max_snapshots:
            keep = self.snapshots[::2]
            if keep[-1] is not self.snapshots[-1]:
                keep.append(self.snapshots[-1])
            self.snapshots = keep

    def _release(self) -> None:
        """A finished run keeps its model, history and snapshots; the buffers only training
        needs go (the rollback copy, the optimizer state of 1-2x the model)."""
        self._good = None
        self._perm = None
        self._publish()
        self.history.flush()
        self.optimizer = make_optimizer(self.config.optimizer, self.config.l2, self.config.momentum)

    def _diverge(self, loss: float) -> None:
        self.model.params = self._good
        self.status = "diverged"
        self._release()
        self.message = (f"Training stopped at step {self.step_count}: the loss jumped to {loss:.4g} "
                        f"(above {self._loss_limit:.3g}), so the updates were overshooting. The "
                        f"learning rate {self.config.lr:g} is probably too large. The last good "
                        f"weights were restored.")
