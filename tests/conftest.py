"""Shared fixtures: the bundled dataset (loaded once), small models and batches."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
sys.path.insert(0, str(ROOT))

from nn_core import load_dataset  # noqa: E402


@pytest.fixture(scope="session")
def mnist():
    return load_dataset(ASSETS)


@pytest.fixture(scope="session")
def small_mnist(mnist):
    """2,000 training images: enough to learn something in a fraction of a second."""
    return mnist.subset(2000)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
