"""Gradient-descent update rules, each with one method: `update(params, grads, lr)`.

    SGD:       W <- W - lr * dW
    momentum:  v <- mu * v + dW;            W <- W - lr * v
    Adam:      m <- b1 m + (1-b1) dW;  s <- b2 s + (1-b2) dW^2
               m_hat = m / (1-b1^t);  s_hat = s / (1-b2^t)   (bias corrections, t = 1, 2, ...)
               W <- W - lr * m_hat / (sqrt(s_hat) + eps)     (Kingma & Ba 2015, Algorithm 1)
L2 regularisation adds lam * W to each weight gradient (not to biases): the gradient of
(lam/2) ||W||^2. Optimizer state is keyed like the parameters. Updates are in place, so
a caller that needs the old values (undo, snapshots) copies first.
Leaves out: RMSprop, Nesterov, gradient clipping, and saving optimizer state (a resumed
run keeps its optimizer in memory; a model file holds only the weights).
"""
from __future__ import annotations

import math

import numpy as np

OPTIMIZERS = ("sgd", "momentum", "adam")
SCHEDULES = ("constant", "cosine")
# Running averages decay geometrically (m <- 0.9 m): left alone, the entries of weights
# whose gradient has gone quiet (pixels that are seldom inked) sink into float32's
# subnormal range (< 1.2e-38), where CPU arithmetic is 10-100x slower. Measured: 3.5 % of
# Adam's W1 averages were subnormal after 800 steps of `fast`, and an update of such an
# array took 10x as long. Every FLUSH_EVERY updates, entries below TINY are set to 0: an
# entry that small moves its weight by less than lr * 1e-30 / eps, about 1e-25. Nothing.
FLUSH_EVERY = 50
TINY = 1e-30


class Optimizer:
    """Holds the running state of one rule; `update` applies it to every parameter in place."""

    def __init__(self, l2: float = 0.0):
        self.l2 = float(l2)
        self.t = 0  # number of updates applied

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray], lr: float,
               squares: list[float] | None = None) -> None:
        """One step of every parameter. squares: a list to which, for each weight matrix W (in
        the order of params), ||dW||^2 before the step and ||W||^2 after it are appended, read
        next to the step's own reads of dW and W (a trainer's RMS curves)."""
        self.t += 1
        l2, step = self.l2, self._step
        for key, P in params.items():
            g = grads["d" + key]
            if key[0] != "W":  # a bias: no penalty, nothing measured
                step(key, P, g, lr)
                continue
            if squares is not None:
                squares.append(float(np.vdot(g, g)))  # ||dW||^2: a BLAS dot of the flat array, no temporary
            step(key, P, g + l2 * P if l2 else g, lr)  # (a new array: the caller's gradient stays as it was)
            if squares is not None:
                squares.append(float(np.vdot(P, P)))  # ||W||^2 after the step
        if self.t % FLUSH_EVERY == 0:
            for a in self._averages():
                np.copyto(a, 0, where=np.abs(a) < TINY)

    def _averages(self) -> list[np.ndarray]:
        """The running averages this optimizer keeps (flushed of subnormal-bound entries)."""
        return []

    def _step(self, key: str, P: np.ndarray, g: np.ndarray, lr: float) -> None:
        """Update one parameter P in place by gradient g with step size lr."""
        raise NotImplementedError


class SGD(Optimizer):
    def _step(self, key, P, g, lr):
        P -= lr * g  # W <- W - lr dW


class Momentum(Optimizer):
    def __init__(self, mu: float = 0.9, l2: float = 0.0):
        super().__init__(l2)
        self.mu = mu
        self.v: dict[str, np.ndarray] = {}

    def _step(self, key, P, g, lr):
        v = self.v.get(key)
        if v is None:
            v = self.v[key] = np.zeros_like(P)
        v *= self.mu
        v += g
        P -= lr * v

    def _averages(self):
        return list(self.v.values())


class Adam(Optimizer):
    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8, l2: float = 0.0):
        super().__init__(l2)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m: dict[str, np.ndarray] = {}
        self.s: dict[str, np.ndarray] = {}
        # One scratch array per parameter for the step's temporaries (g^2, the ratio, ...): Adam's
        # step would otherwise allocate five arrays the size of the parameter.
        self._scratch: dict[str, np.ndarray] = {}
        self._rate, self._eps = math.sqrt(1 - beta2) / (1 - beta1), eps * math.sqrt(1 - beta2)  # step t's (see update)

    def update(self, params, grads, lr, squares=None):
        # The bias corrections of step t as scalars, so that m and s need no corrected copies:
        #   lr m_hat / (sqrt(s_hat) + eps) = lr (c1 / c2) m / (sqrt(s) + eps / c2),
        # with c1 = 1 / (1 - b1^t) and c2 = 1 / sqrt(1 - b2^t): the formula as written, exactly.
        # (Folding only the rate, lr c1 / c2, and keeping eps would make the effective eps
        # eps c2: 31x eps at t = 1, which changes the step of a gradient near eps.)
        t = self.t + 1
        self._rate = 1 / (1 - self.beta1 ** t) * math.sqrt(1 - self.beta2 ** t)  # c1 / c2
        self._eps = self.eps * math.sqrt(1 - self.beta2 ** t)                     # eps / c2
        super().update(params, grads, lr, squares)

    def _step(self, key, P, g, lr):
        if key not in self.m:
            self.m[key], self.s[key] = np.zeros_like(P), np.zeros_like(P)
        m, s = self.m[key], self.s[key]
        tmp = self._scratch.get(key)
        if tmp is None or tmp.shape != P.shape or tmp.dtype != P.dtype:
            tmp = self._scratch[key] = np.empty_like(P)
        m *= self.beta1
        m += np.multiply(g, 1 - self.beta1, out=tmp)      # m <- b1 m + (1 - b1) g
        s *= self.beta2
        np.multiply(g, g, out=tmp)
        s += np.multiply(tmp, 1 - self.beta2, out=tmp)    # s <- b2 s + (1 - b2) g^2
        np.sqrt(s, out=tmp)
        tmp += self._eps
        np.divide(m, tmp, out=tmp)
        P -= np.multiply(tmp, lr * self._rate, out=tmp)   # W <- W - lr m_hat / (sqrt(s_hat) + eps)

    def _averages(self):
        return [*self.m.values(), *self.s.values()]


def make_optimizer(name: str, l2: float = 0.0, momentum: float = 0.9) -> Optimizer:
    if name == "sgd":
        return SGD(l2=l2)
    if name == "momentum":
        return Momentum(mu=momentum, l2=l2)
    if name == "adam":
        return Adam(l2=l2)
    raise ValueError(f"unknown optimizer {name!r}; choose one of {list(OPTIMIZERS)}")


def learning_rate(schedule: str, lr: float, step: int, total_steps: int, lr_min_ratio: float = 0.01) -> float:
    """Learning rate at a step (0-based). cosine: lr -> lr * lr_min_ratio along half a cosine."""
    if schedule == "constant":
        return lr
    if schedule == "cosine":
        progress = min(step / max(total_steps - 1, 1), 1.0)
        lo = lr * lr_min_ratio
        return lo + 0.5 * (lr - lo) * (1 + math.cos(math.pi * progress))
    raise ValueError(f"unknown schedule {schedule!r}; choose one of {list(SCHEDULES)}")
