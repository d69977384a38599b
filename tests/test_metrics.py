"""Confusion matrix, per-class accuracy and confident mistakes against plain loops."""
import numpy as np
import pytest

from nn_core import confident_mistakes, confusion_matrix, per_class_accuracy


def test_confusion_matrix_counts_every_pair(rng):
    y, p = rng.integers(0, 10, 500), rng.integers(0, 10, 500)
    cm = confusion_matrix(y, p)
    expected = np.zeros((10, 10), int)
    for t, q in zip(y, p):
        expected[t, q] += 1
    np.testing.assert_array_equal(cm, expected)
    assert cm.sum() == 500 and np.trace(cm) == (y == p).sum()


def test_per_class_accuracy_is_recall_and_nan_for_absent_classes():
    cm = confusion_matrix(np.array([0, 0, 0, 1, 1]), np.array([0, 0, 1, 1, 0]), n_classes=3)
    acc = per_class_accuracy(cm)
    assert acc[0] == pytest.approx(2 / 3) and acc[1] == pytest.approx(1 / 2) and np.isnan(acc[2])


def test_confident_mistakes_are_wrong_filtered_and_sorted():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.95, 0.05], [0.3, 0.7]])
    y = np.array([1, 1, 0, 0, 0])
    assert list(confident_mistakes(probs, y)) == [0, 4, 2]
    assert list(confident_mistakes(probs, y, true_class=0)) == [4, 2]
    assert list(confident_mistakes(probs, y, predicted=0)) == [0]
    assert list(confident_mistakes(probs, y, limit=1)) == [0]
    assert len(confident_mistakes(probs, y, true_class=1, predicted=1)) == 0


@pytest.mark.parametrize("y, p, message", [
    (np.array([0, 1]), np.array([0]), "differ in length"),
    (np.array([0, 10]), np.array([0, 1]), r"0\.\.9"),
    (np.array([0.5, 1.0]), np.array([0, 1]), "integer"),
])
def test_bad_labels_are_refused(y, p, message):
    with pytest.raises(ValueError, match=message):
        confusion_matrix(y, p)
