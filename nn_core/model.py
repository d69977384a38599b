"""A multilayer perceptron for classification, batch-first, showing its work.

Layer l (1..L) computes
    Z[l] = A[l-1] @ W[l] + b[l]      (m, n[l-1]) @ (n[l-1], n[l]) + (n[l],) -> (m, n[l])
    A[l] = g(Z[l])  for hidden layers,  A[L] = softmax(Z[L])
with A[0] = X of shape (m, 784). `forward` returns the probabilities and a cache holding
every A and Z; `backward` walks the same cache back and returns every dZ, dW, db (and dA
for hidden layers): the gradients of the MEAN cross-entropy over the batch, so the 1/m of
the textbook formulas lives in dZ[L] = (A[L] - Y) / m.
This is the only forward pass in the project: training, evaluation and every page use it.

Dropout (inverted, Srivastava et al. 2014), for training only: `forward(X, dropout=p, rng=...)`
keeps each hidden unit of each example with probability 1 - p and scales the survivors by
1 / (1 - p), so that no rescaling is needed at test time:
    D[l] = (U >= p) / (1 - p),  U ~ U(0, 1) of shape (m, n[l]);      A[l] = g(Z[l]) * D[l]
The cache then holds each mask D[l], and A[l] is the dropped-out activation the next layer
saw; `backward` sends the gradient back through the same mask, dZ[l] = dA[l] * D[l] * g'(Z[l]).
With dropout = 0 (the default) nothing is drawn and every number is as without it.
Leaves out: dropout on the inputs, batch norm, convolutions.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from nn_core.activations import get_activation, softmax
from nn_core.losses import cross_entropy, labels_to_onehot


def n_params(layer_sizes: Sequence[int]) -> int:
    """THE parameter count: weights and biases of an MLP with these layer sizes, sum over l of
    n[l-1]·n[l] + n[l] (Python ints: no overflow, whatever a file's header claims). One layer's
    count is n_params((n_in, n_out))."""
    return sum(int(a) * int(b) + int(b) for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))

INITS = ("he", "xavier", "uniform")


def init_params(layer_sizes: Sequence[int], init: str, rng: np.random.Generator, dtype) -> dict[str, np.ndarray]:
    """W[l] (n[l-1], n[l]) and b[l] (n[l],) for each layer.

    he:      W ~ N(0, 2/n_in)     keeps ReLU activations' variance steady layer to layer
    xavier:  W ~ N(0, 1/n_in)     the same for sigmoid/tanh (the form the configurable source uses)
    uniform: W, b ~ U(-0.5, 0.5)  the naive start of the column-layout source; slower to train
    """
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}; choose one of {list(INITS)}")
    params = {}
    for l, (n_in, n_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:]), start=1):
        if init == "uniform":
            W = rng.uniform(-0.5, 0.5, (n_in, n_out))
            b = rng.uniform(-0.5, 0.5, n_out)
        else:
            std = np.sqrt((2.0 if init == "he" else 1.0) / n_in)
            W = rng.standard_normal((n_in, n_out)) * std
            b = np.zeros(n_out)
        params[f"W{l}"], params[f"b{l}"] = W.astype(dtype), b.astype(dtype)
    return params


class MLP:
    """layer_sizes = (784, H1, ..., 10); hidden activation by name; softmax output."""

    def __init__(self, layer_sizes: Sequence[int], activation: str = "relu", init: str = "he",
                 seed: int = 0, dtype=np.float32, params: dict[str, np.ndarray] | None = None):
        """params: start from these weights (checked like set_params) instead of a random draw."""
        sizes = tuple(int(n) for n in layer_sizes)
        if len(sizes) < 2 or any(n < 1 for n in sizes) or any(n != s for n, s in zip(sizes, layer_sizes)):
            raise ValueError(f"layer_sizes must be >= 2 positive integers, got {list(layer_sizes)}")
        self.layer_sizes = sizes
        self.L = len(sizes) - 1  # number of weight layers (hidden layers + output)
        self.activation = activation
        self.g = get_activation(activation)
        self.init = init
        self.seed = int(seed)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        if params is None:
            self.params = init_params(sizes, init, np.random.default_rng(self.seed), self.dtype)
        else:
            self.params = {}
            self.set_params(params)

    # ----------------------------------------------------------------- structure
    @property
    def n_params(self) -> int:
        return n_params(self.layer_sizes)

    def shapes(self) -> dict[str, tuple[int, ...]]:
        """W[l]: (n[l-1], n[l]) and b[l]: (n[l],), from the layer sizes."""
        out = {}
        for l, (n_in, n_out) in enumerate(zip(self.layer_sizes[:-1], self.layer_sizes[1:]), start=1):
            out[f"W{l}"], out[f"b{l}"] = (n_in, n_out), (n_out,)
        return out

    def architecture(self) -> dict:
        return {"layer_sizes": list(self.layer_sizes), "activation": self.activation,
                "init": self.init, "seed": self.seed, "dtype": self.dtype.name}

    def __repr__(self) -> str:
        return f"MLP({'-'.join(map(str, self.layer_sizes))}, {self.activation}, {self.n_params:,} params)"

    def copy(self) -> "MLP":
        twin = object.__new__(MLP)
        twin.__dict__.update(self.__dict__)
        twin.params = {k: v.copy() for k, v in self.params.items()}
        return twin

    def astype(self, dtype) -> "MLP":
        """A copy in another float precision (float64 for gradient checks)."""
        twin = self.copy()
        twin.dtype = np.dtype(dtype)
        if twin.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {twin.dtype}")
        twin.params = {k: v.astype(twin.dtype) for k, v in self.params.items()}
        return twin

    def set_params(self, params: dict[str, np.ndarray]) -> None:
        """Replace all parameters after checking names, shapes and finiteness."""
        expected = self.shapes()
        if set(params) != set(expected):
            raise ValueError(f"parameters must be exactly {sorted(expected)}, got {sorted(params)}")
        new = {}
        for k, shape in expected.items():
            p = np.asarray(params[k])
            if p.shape != shape:
                raise ValueError(f"{k} must have shape {shape}, got {p.shape}")
            if not np.all(np.isfinite(p)):
                raise ValueError(f"{k} contains NaN or infinite values")
            new[k] = p.astype(self.dtype)
        self.params = new

    # ----------------------------------------------------------------- math
    def check_input(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.layer_sizes[0]:
            raise ValueError(f"X must have shape (m, {self.layer_sizes[0]}), got {X.shape}")
        if not np.issubdtype(X.dtype, np.number) or np.issubdtype(X.dtype, np.complexfloating):
            raise ValueError(f"X must be real numbers, got dtype {X.dtype}")
        if not np.all(np.isfinite(X)):
            raise ValueError("X contains NaN or infinite values")
        return X.astype(self.dtype, copy=False)

    def forward(self, X: np.ndarray, check: bool = True, dropout: float = 0.0,
                rng: np.random.Generator | None = None) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """probs (m, C) and the cache {A0, Z1, A1, ..., ZL, AL}; AL is probs.
        dropout = p > 0 (training only) also draws a mask D1 .. D(L-1) per hidden layer from rng."""
        A = self.check_input(X) if check else X
        if dropout:
            _check_dropout(dropout, rng)
        L, P, g = self.L, self.params, self.g
        cache = {"A0": A}
        for l in range(1, L + 1):
            Z = A @ P[f"W{l}"] + P[f"b{l}"]  # (m, n[l-1]) @ (n[l-1], n[l]) -> (m, n[l])
            A = softmax(Z) if l == L else g.forward(Z)
            if dropout and l < L:  # inverted dropout: keep with probability 1 - p, scale by 1 / (1 - p)
                D = (rng.random(A.shape, dtype=A.dtype) >= dropout).astype(A.dtype)
                D *= A.dtype.type(1 / (1 - dropout))
                A = A * D
                cache[f"D{l}"] = D
            cache[f"Z{l}"], cache[f"A{l}"] = Z, A
        return A, cache

    def backward(self, cache: dict[str, np.ndarray], y: np.ndarray, check: bool = True) -> dict[str, np.ndarray]:
        """Gradients of the mean cross-entropy: dZl, dWl, dbl for every layer, dAl for hidden ones.

        dZ[L]   = (A[L] - Y) / m                    softmax + cross-entropy, fused
        dW[l]   = A[l-1].T @ dZ[l]                  (n[l-1], m) @ (m, n[l]) -> (n[l-1], n[l])
        db[l]   = sum over the batch of dZ[l]       (n[l],)
        dA[l-1] = dZ[l] @ W[l].T                    (m, n[l]) @ (n[l], n[l-1]) -> (m, n[l-1])
        dZ[l-1] = dA[l-1] * g'(Z[l-1])              element-wise (times D[l-1] after dropout)
        y: int labels (m,) or one-hot (m, C). check=False skips validating int labels
        (the trainer's labels come from a validated dataset).
        """
        L, P, g = self.L, self.params, self.g
        AL = cache[f"A{L}"]
        m, C = AL.shape
        y = np.asarray(y)
        if y.ndim == 1 and y.dtype.kind in "iu":
            if check:
                if len(y) != m or (m and (y.min() < 0 or y.max() >= C)):
                    labels_to_onehot(y, C, m)  # raises the descriptive ValueError
            dZ = AL.copy()  # A - Y without building Y: subtract 1 at each true class
            dZ[np.arange(m), y] -= 1
        else:
            dZ = AL - labels_to_onehot(y, C, m, AL.dtype)
        dZ /= m
        grads: dict[str, np.ndarray] = {}
        for l in range(L, 0, -1):
            grads[f"dZ{l}"] = dZ
            grads[f"dW{l}"] = cache[f"A{l-1}"].T @ dZ  # (n[l-1], m) @ (m, n[l]) -> (n[l-1], n[l])
            grads[f"db{l}"] = dZ.sum(axis=0)
            if l > 1:  # dA0 (the gradient w.r.t. the pixels) is not needed for learning: skip it
                dA = dZ @ P[f"W{l}"].T  # (m, n[l]) @ (n[l], n[l-1]) -> (m, n[l-1])
                grads[f"dA{l-1}"] = dA
                D = cache.get(f"D{l-1}")
                if D is None:
                    dZ = dA * g.derivative(cache[f"Z{l-1}"], cache[f"A{l-1}"])
                else:  # A = g(Z) * D: through the mask, then g' at the activation before dropout
                    Z = cache[f"Z{l-1}"]
                    dZ = (dA * D) * g.derivative(Z, g.forward(Z))
        return grads

    def loss(self, X: np.ndarray, y: np.ndarray) -> float:
        """Mean cross-entropy over the batch, from the logits (finite for logits of +-1e4)."""
        _, cache = self.forward(X)
        Y = labels_to_onehot(y, self.layer_sizes[-1], cache["A0"].shape[0], np.float64)
        return cross_entropy(cache[f"Z{self.L}"].astype(np.float64), Y)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return self.forward(X)[0]

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.predict_proba(X).argmax(axis=1)


def _check_dropout(p: float, rng) -> None:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p < 1:
        raise ValueError(f"dropout must be a probability in [0, 1), got {p!r}")
    if not isinstance(rng, np.random.Generator):
        raise ValueError("dropout needs rng, a numpy.random.Generator (randomness is explicit)")
