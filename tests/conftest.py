"""Shared fixtures: the bundled dataset (loaded once), small models and batches."""
from __future__ import annotations

import numpy as np
import pytest
import threadpoolctl

from devtools.paths import ASSETS
from nn_core import load_dataset

# One BLAS thread, as the app uses (server/resources.py): on two shared cores a second thread
# mostly waits for its core (the preset tests took 160 s with two threads, 57 s with one).
threadpoolctl.threadpool_limits(1, user_api="blas")


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


@pytest.fixture(scope="session")
def app_server():
    """One `streamlit run app.py` for the protocol-level tests (devtools/st_client.py), shared by
    every module that asks for it; its URL."""
    from devtools.browser import streamlit_server
    with streamlit_server() as (url, _):
        yield url
