"""Answering only when sure (nn_core/inside/selective.py): the curve against a count at each
threshold, and what is guaranteed as the threshold rises."""
import numpy as np
import pytest

from nn_core.inside.selective import DONT_KNOW, answers, coverage_curve


@pytest.fixture
def scored(rng):
    logits = rng.standard_normal((400, 10)) * 3
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    labels = np.where(rng.random(400) < 0.7, probs.argmax(1), rng.integers(0, 10, 400))
    return probs, labels


def test_curve_matches_a_count_at_each_threshold(scored):
    probs, labels = scored
    t = np.array([0.0, 0.1, 0.3, 0.5, 0.5, 0.8, 0.95, 1.0, 1.01])
    c = coverage_curve(probs, labels, t[::-1])  # any order: sorted inside
    np.testing.assert_array_equal(c.thresholds, np.sort(t))
    for i, th in enumerate(c.thresholds):
        a = answers(probs, th)
        kept = a != DONT_KNOW
        assert c.answered[i] == kept.sum()
        assert c.coverage[i] == pytest.approx(kept.mean())
        assert c.mistakes[i] == np.sum(kept & (a != labels))
        if kept.any():
            assert c.accuracy[i] == pytest.approx(np.mean(a[kept] == labels[kept]))
        else:
            assert np.isnan(c.accuracy[i])


def test_raising_the_threshold_never_answers_more(scored):
    probs, labels = scored
    c = coverage_curve(probs, labels, np.linspace(0, 1, 101))
    assert np.all(np.diff(c.coverage) <= 0) and np.all(np.diff(c.mistakes) <= 0)
    assert c.coverage[0] == 1 and c.answered[0] == 400
    assert c.accuracy[0] == pytest.approx(np.mean(probs.argmax(1) == labels))


def test_answers_abstain_below_the_threshold():
    probs = np.array([[0.6, 0.4], [0.45, 0.55], [0.5, 0.5]])
    np.testing.assert_array_equal(answers(probs, 0.56), [0, DONT_KNOW, DONT_KNOW])
    np.testing.assert_array_equal(answers(probs, 0.5), [0, 1, 0])


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="probs"):
        coverage_curve(np.ones((3, 2)), np.ones(4, int), [0.5])
