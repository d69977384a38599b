"""Mini-batch training in small resumable pieces, recording everything a dashboard shows.

A `Trainer` owns a model, an optimizer and the position in the data. `step(n)` and
`run_for(seconds)` advance it a little and return; calling them again carries on exactly
where it stopped, so a UI can render between pieces, pause (stop calling) and resume.
Chunked and uninterrupted runs are bit-for-bit identical for one seed on one machine.
The trainer reports through `history` (and the `run()` generator); it never draws.

Per step it records loss, batch accuracy, learning rate, wall time, the RMS of each
layer's weights and gradients (per weight, so big layers do not look stronger), and the
fraction of dead hidden units (Z <= 0 for every example of the batch). Per epoch it adds
the running training loss/accuracy, validation loss/accuracy, and a bounded set of
parameter snapshots. A non-finite or exploding loss stops training and restores the last
good weights.
"""
from __future__ import annotations

import math
from array import array
import time
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np

from .config import TrainConfig
from .data import Dataset, as_float
from .losses import cross_entropy_int
from .model import MLP
from .optimizers import learning_rate, make_optimizer

FULL_BATCH_CHUNK = 2048  # full-batch steps go through the training set in chunks of this many images
GOOD_COPY_EVERY = 100  # steps between copies of known-good parameters (divergence rollback)
# A loss above max(10 ln C, 3 x the first step's) means the true class gets probability
# below ~1e-10 on average: the updates are overshooting, training has diverged. A finite
# but exploding loss is caught this way, not only NaN/inf.
DIVERGENCE_NATS_PER_CLASS_LOG = 10.0


def steps() -> array:
    """A per-step record: 8 bytes a value (a list of Python floats takes 32), nothing for the GC."""
    return array("d")


@dataclass
class History:
    """Per-step records (one entry per gradient step, as array('d')) and per-epoch lists."""

    step_loss: array = field(default_factory=steps)
    step_acc: array = field(default_factory=steps)
    step_lr: array = field(default_factory=steps)
    step_time: array = field(default_factory=steps)      # seconds of training so far
    # One flat record per layer:
    weight_rms: dict[str, array] = field(default_factory=dict)  # "W1": sqrt(mean W1^2) after each step
    grad_rms: dict[str, array] = field(default_factory=dict)    # "W1": sqrt(mean dW1^2) at each step
    dead: dict[str, array] = field(default_factory=dict)        # "Z1": fraction of units with Z1 <= 0 on the whole batch
    epoch_step: list[int] = field(default_factory=list)          # step count at each epoch end
    train_loss: list[float] = field(default_factory=list)        # running mean over the epoch
    train_acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    val_dead: dict[str, list[float]] = field(default_factory=dict)    # the same on the whole validation set
    epoch_time: list[float] = field(default_factory=list)        # seconds each epoch took

    @property
    def n_steps(self) -> int:
        return len(self.step_loss)

    def consistent(self) -> "History":
        """A copy cut to the steps and epochs that every list has reached.

        The trainer appends to several lists per step; a reader in another thread (a UI
        redrawing while training runs) may otherwise see lists of different lengths.
        Lists only grow, so cutting all to the shortest gives a coherent state.
        """
        step_lists = [self.step_loss, self.step_acc, self.step_lr, self.step_time,
                      *self.weight_rms.values(), *self.grad_rms.values(), *self.dead.values()]
        epoch_lists = [self.epoch_step, self.train_loss, self.train_acc, self.val_loss, self.val_acc,
                       self.epoch_time, *self.val_dead.values()]
        n, e = min(map(len, step_lists)), min(map(len, epoch_lists))
        cut = lambda d, k: {name: v[:k] for name, v in d.items()}  # noqa: E731
        return History(self.step_loss[:n], self.step_acc[:n], self.step_lr[:n], self.step_time[:n],
                       cut(self.weight_rms, n), cut(self.grad_rms, n), cut(self.dead, n),
                       self.epoch_step[:e], self.train_loss[:e], self.train_acc[:e], self.val_loss[:e],
                       self.val_acc[:e], cut(self.val_dead, e), self.epoch_time[:e])

    def epoch_summary(self) -> dict:
        """The per-epoch lists, JSON-ready (saved with a model)."""
        keys = ("epoch_step", "train_loss", "train_acc", "val_loss", "val_acc", "val_dead", "epoch_time")
        return {k: {n: list(v) for n, v in getattr(self, k).items()} if k == "val_dead" else list(getattr(self, k))
                for k in keys}


@dataclass(frozen=True)
class Snapshot:
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
    status: str

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


def _forward_scores(model: MLP, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray, dict]:
    """One forward pass: mean cross-entropy, predicted labels (m,), and the cache."""
    probs, cache = model.forward(X, check=False)  # X comes from validated uint8 data
    return cross_entropy_int(cache[f"Z{model.L}"], y, probs), probs.argmax(axis=1), cache


def score_proba(model: MLP, images: np.ndarray, labels: np.ndarray, chunk: int = 10000) -> tuple[float, np.ndarray]:
    """Mean cross-entropy and the output probabilities (m, C) of a model on uint8 images, chunk by chunk."""
    total_loss, probs = 0.0, []
    for i in range(0, len(labels), chunk):
        y = labels[i:i + chunk]
        loss, _, cache = _forward_scores(model, as_float(images[i:i + chunk], model.dtype), y)
        total_loss += loss * len(y)
        probs.append(cache[f"A{model.L}"])
    return total_loss / len(labels), np.concatenate(probs)


def score(model: MLP, images: np.ndarray, labels: np.ndarray, chunk: int = 10000) -> tuple[float, np.ndarray]:
    """Mean cross-entropy and the predicted labels of a model on uint8 images."""
    loss, probs = score_proba(model, images, labels, chunk)
    return loss, probs.argmax(axis=1)


def evaluate(model: MLP, images: np.ndarray, labels: np.ndarray, chunk: int = 10000) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of a model on uint8 images."""
    loss, pred = score(model, images, labels, chunk)
    return loss, float((pred == labels).mean())


def _dead_fraction(Z: np.ndarray) -> float:
    """Fraction of units (columns of Z) with Z <= 0 for every example: no gradient flows through them."""
    return np.count_nonzero(np.maximum.reduce(Z, axis=0) <= 0) / Z.shape[1]


def _rms(a: np.ndarray) -> float:
    v = a.ravel()
    return math.sqrt(float(v @ v) / v.size)  # a BLAS dot: cheaper than np.linalg.norm


class Trainer:
    def __init__(self, config: TrainConfig, data: Dataset, model: MLP | None = None):
        self.config = config
        self.data = data.subset(config.n_train) if config.n_train else data
        self.model = model or MLP(config.layer_sizes, config.activation, config.init, config.seed)
        if self.model.layer_sizes[0] != self.data.x_train[0].size:
            raise ValueError(f"model expects {self.model.layer_sizes[0]} inputs, images have {self.data.x_train[0].size} pixels")
        self.optimizer = make_optimizer(config.optimizer, config.l2, config.momentum)
        self.rng = np.random.default_rng([config.seed, 1])  # batch order; init uses the model's own seed
        n = len(self.data.y_train)
        self.batch_size = n if config.batch_size == 0 else min(config.batch_size, n)
        self.steps_per_epoch = math.ceil(n / self.batch_size)
        self.total_steps = self.steps_per_epoch * config.epochs
        L = self.model.L
        self._W = [f"W{l}" for l in range(1, L + 1)]
        self._dW = [f"dW{l}" for l in range(1, L + 1)]
        self._Zh = [f"Z{l}" for l in range(1, L)]  # hidden layers
        self.history = History(weight_rms={k: steps() for k in self._W}, grad_rms={k: steps() for k in self._W},
                               dead={k: steps() for k in self._Zh}, val_dead={k: [] for k in self._Zh})
        self.snapshots: list[Snapshot] = [Snapshot(0, 0.0, self._copy_params())]
        self.step_count = 0
        self.epoch = 0
        self.status = "ready"  # ready -> running -> done | diverged
        self.message = ""
        self.elapsed = 0.0  # seconds spent inside training (pauses excluded)
        self._perm: np.ndarray | None = None
        self._pos = 0
        self._epoch_loss = self._epoch_correct = 0.0
        self._epoch_start = 0.0
        self._good = self._copy_params()
        self._X_val: np.ndarray | None = None
        self._loss_limit: float | None = None  # set from the first step's loss

    # ------------------------------------------------------------------ public
    @property
    def done(self) -> bool:
        return self.status in ("done", "diverged")

    def step(self, n: int = 1) -> int:
        """Run up to n gradient steps; returns how many ran (fewer at the end of training)."""
        ran = 0
        while ran < n and not self.done:
            self._one_step()
            ran += 1
        return ran

    def run_for(self, seconds: float) -> int:
        """Run gradient steps for about `seconds` of wall time (at least one step)."""
        start, ran = time.perf_counter(), 0
        while not self.done:
            self._one_step()
            ran += 1
            if time.perf_counter() - start >= seconds:
                break
        return ran

    def run(self, chunk_steps: int = 20) -> Iterator[Progress]:
        """Train to the end, yielding progress every chunk_steps steps and at the end."""
        while not self.done:
            self.step(chunk_steps)
            yield self.progress()

    def progress(self) -> Progress:
        loss = self.history.step_loss[-1] if self.history.step_loss else math.nan
        return Progress(self.step_count, self.total_steps, self.epoch, self.config.epochs, loss, self.elapsed,
                        self.status)

    # ------------------------------------------------------------------ internals
    def _copy_params(self) -> dict[str, np.ndarray]:
        return {k: v.copy() for k, v in self.model.params.items()}

    def _next_batch(self) -> tuple[np.ndarray, np.ndarray]:
        n, B = len(self.data.y_train), self.batch_size
        if self._perm is None:
            self._perm = self.rng.permutation(n)
        idx = self._perm[self._pos:self._pos + B]
        return as_float(self.data.x_train[idx], self.model.dtype), self.data.y_train[idx]

    def _batch_gradients(self) -> tuple[float, int, int, dict, dict] | None:
        """Loss, correct count, batch size, gradients and dead-unit fractions of the next batch;
        None if the loss says training diverged (before any gradient is computed)."""
        model, L = self.model, self.model.L
        if self.batch_size == len(self.data.y_train) and self.batch_size > FULL_BATCH_CHUNK:
            return self._full_batch_gradients()
        X, y = self._next_batch()
        probs, cache = model.forward(X, check=False)  # X comes from validated uint8 data
        loss = cross_entropy_int(cache[f"Z{L}"], y, probs)
        if not self._loss_ok(loss, probs.shape[1]):
            return None
        grads = model.backward(cache, y, check=False)
        correct = np.count_nonzero(probs.argmax(axis=1) == y)
        return loss, correct, len(y), grads, {Z: _dead_fraction(cache[Z]) for Z in self._Zh}

    def _full_batch_gradients(self) -> tuple[float, int, int, dict, dict] | None:
        """The same mean gradient over the whole training set, summed chunk by chunk.

        Converting all 55,000 images to float at once would hold 172 MB per training run,
        plus every layer's Z and A for all of them; a chunk of 2,048 needs 6 MB, plus 8 MB of
        activations per 512-unit layer. The gradient of the mean loss is
        sum_chunks (m_chunk / n) * (gradient of the chunk's mean loss).
        """
        model, L, n = self.model, self.model.L, len(self.data.y_train)
        grads: dict[str, np.ndarray] = {}
        loss = 0.0
        correct = 0
        z_max = {Z: None for Z in self._Zh}  # a unit is dead if Z <= 0 for every image
        for i in range(0, n, FULL_BATCH_CHUNK):
            y = self.data.y_train[i:i + FULL_BATCH_CHUNK]
            probs, cache = model.forward(as_float(self.data.x_train[i:i + FULL_BATCH_CHUNK], model.dtype), check=False)
            w = len(y) / n
            loss += w * cross_entropy_int(cache[f"Z{L}"], y, probs)
            correct += np.count_nonzero(probs.argmax(axis=1) == y)
            for Z in self._Zh:
                m = np.maximum.reduce(cache[Z], axis=0)
                z_max[Z] = m if z_max[Z] is None else np.maximum(z_max[Z], m)
            for k, g in model.backward(cache, y, check=False).items():
                if k.startswith(("dW", "db")):
                    grads[k] = grads[k] + w * g if k in grads else w * g
        if not self._loss_ok(loss, model.layer_sizes[-1]):
            return None
        dead = {Z: np.count_nonzero(z_max[Z] <= 0) / z_max[Z].size for Z in self._Zh}
        return loss, correct, n, grads, dead

    def _loss_ok(self, loss: float, n_classes: int) -> bool:
        if self._loss_limit is None:
            self._loss_limit = max(DIVERGENCE_NATS_PER_CLASS_LOG * math.log(n_classes), 3 * loss)
        if not loss <= self._loss_limit:  # also true for NaN
            self._diverge(loss)
            return False
        return True

    def _one_step(self) -> None:
        t0 = time.perf_counter()
        if self.status == "ready":
            self.status = "running"
        model, H = self.model, self.history
        batch = self._batch_gradients()
        if batch is None:  # diverged: the last good parameters are back
            return
        if self.step_count % GOOD_COPY_EVERY == 0:
            self._good = self._copy_params()  # its loss was fine, before this step's update
        loss, correct, m, grads, dead = batch
        lr = learning_rate(self.config.schedule, self.config.lr, self.step_count, self.total_steps)
        H.step_loss.append(loss)
        H.step_acc.append(correct / m)
        H.step_lr.append(lr)
        for W, dW in zip(self._W, self._dW):
            H.grad_rms[W].append(_rms(grads[dW]))
        for Z, fraction in dead.items():
            H.dead[Z].append(fraction)
        self._epoch_loss += loss * m
        self._epoch_correct += correct

        self.optimizer.update(model.params, grads, lr)
        # Weights after this step's update, read while still in cache.
        for W in self._W:
            H.weight_rms[W].append(_rms(model.params[W]))
        self.step_count += 1
        self._pos += m
        self.elapsed += time.perf_counter() - t0
        H.step_time.append(self.elapsed)
        if self._pos >= len(self.data.y_train):
            self._end_epoch()

    def _end_epoch(self) -> None:
        t0 = time.perf_counter()
        H, n = self.history, len(self.data.y_train)
        H.train_loss.append(self._epoch_loss / n)
        H.train_acc.append(self._epoch_correct / n)
        val_loss, val_acc, val_dead = self._validate()
        for Z, fraction in val_dead.items():
            H.val_dead[Z].append(fraction)
        if len(self.data.y_val) and not val_loss <= self._loss_limit:
            self._diverge(val_loss)
            return
        H.val_loss.append(val_loss)
        H.val_acc.append(val_acc)
        H.epoch_step.append(self.step_count)
        self.epoch += 1
        self._perm, self._pos = None, 0
        self._epoch_loss = self._epoch_correct = 0.0
        self._good = self._copy_params()
        self._add_snapshot()
        self.elapsed += time.perf_counter() - t0
        H.epoch_time.append(self.elapsed - self._epoch_start)
        self._epoch_start = self.elapsed
        if self.epoch >= self.config.epochs:
            self.status = "done"
            self._release()

    def _validate(self) -> tuple[float, float, dict[str, float]]:
        """Validation loss, accuracy and dead-unit fractions, from one forward pass."""
        y = self.data.y_val
        if not len(y):
            return math.nan, math.nan, {}
        if self._X_val is None:  # converted once: 5,000 x 784 float32 is 15 MB
            self._X_val = as_float(self.data.x_val, self.model.dtype)
        loss, pred, cache = _forward_scores(self.model, self._X_val, y)
        return loss, float((pred == y).mean()), {Z: _dead_fraction(cache[Z]) for Z in self._Zh}

    def _add_snapshot(self) -> None:
        """Keep at most max_snapshots: when full, drop every other one (the first stays)."""
        self.snapshots.append(Snapshot(self.step_count, float(self.epoch), self._copy_params()))
        if len(self.snapshots) > self.config.max_snapshots:
            keep = self.snapshots[::2]
            if keep[-1] is not self.snapshots[-1]:
                keep.append(self.snapshots[-1])
            self.snapshots = keep

    def _release(self) -> None:
        """A finished run keeps its model, history and snapshots; the buffers only training
        needs go (the validation set as float is 15 MB, the optimizer state 1-2x the model)."""
        self._X_val = None
        self._good = None
        self._perm = None
        self.optimizer = make_optimizer(self.config.optimizer, self.config.l2, self.config.momentum)

    def _diverge(self, loss: float) -> None:
        self.model.params = self._good
        self.status = "diverged"
        self._release()
        self.message = (f"Training stopped at step {self.step_count}: the loss jumped to {loss:.4g} "
                        f"(above {self._loss_limit:.3g}), so the updates were overshooting. The "
                        f"learning rate {self.config.lr:g} is probably too large. The last good "
                        f"weights were restored.")
