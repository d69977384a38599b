"""Shared fixtures: the bundled dataset (loaded once), small models and batches; training one
step per tick in AppTest; the Streamlit server and Chromium the browser tests share.

Helpers live in devtools/ (devtools/apptest.py for AppTest, devtools/browser.py for the
browser), never in a test module: no test module imports another (tests/test_boundaries.py).
"""
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


# ------------------------------------------------------------------ AppTest
@pytest.fixture
def one_step_ticks(monkeypatch):
    """Training in the ticks, not in a thread, and each tick trains exactly one step (run_for
    always does at least one): a test knows exactly how far a run got."""
    import views.train.training
    monkeypatch.setattr(views.train.training, "BACKGROUND", False)
    monkeypatch.setattr(views.train.training, "CHUNK_SECONDS", 0.0)


# ------------------------------------------------------------------ the browser
@pytest.fixture(scope="session")
def server():
    """The URL of one `streamlit run app.py` for the whole test session (for each xdist
    worker): a test that needs a server of its own (a fresh one, a memory cap, other
    settings) starts it with devtools.browser.streamlit_server."""
    from devtools.browser import streamlit_server
    with streamlit_server() as (url, _):
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, launched once for the session (each test opens its own context); a
    missing browser skips the test on a developer's machine and fails it in CI."""
    from devtools.browser import chromium, require_chromium
    require_chromium()
    with chromium() as b:
        yield b
