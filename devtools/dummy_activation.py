"""A dummy activation for the tests that prove an activation is added in one place: ELU.

Registered only by the tests (monkeypatch.setitem(ACTIVATIONS, "elu", ELU)), never by the app.
"""
import numpy as np

from nn_core import Activation

# ELU, a dummy registered only by the tests: g(z) = z for z > 0, e^z - 1 below; g'(z) = A + 1 below
ELU = Activation("elu", "ELU", lambda Z: np.where(Z > 0, Z, np.expm1(np.minimum(Z, 0))),
                 lambda Z, A: np.where(Z > 0, 1, A + 1).astype(Z.dtype),
                 r"z \text{ if } z > 0 \text{ else } e^z - 1", r"1 \text{ if } z > 0 \text{ else } g(z) + 1",
                 negative_slope=None, flat_word="saturated")
