"""The `fast` and `best` presets reach their accuracy targets on the real test set.

Only accuracy is asserted; their time budgets (10 s and 60 s) are measured by
benchmarks/bench_core.py, never in tests (shared machines are noisy).
"""
import pytest

from nn_core import PRESETS, Trainer, accuracy, evaluate


@pytest.mark.parametrize("name, target", [pytest.param("fast", 0.97, marks=pytest.mark.slow), pytest.param("best", 0.983, marks=pytest.mark.slow)])
def test_preset_reaches_its_accuracy(mnist, name, target):
    trainer = Trainer(PRESETS[name].config, mnist)
    for _ in trainer.run(chunk_steps=1000):
        pass
    assert trainer.status == "done"
    _, probs = evaluate(trainer.model, mnist.x_test, mnist.y_test)
    test_acc = accuracy(probs, mnist.y_test)
    assert test_acc >= target
    assert trainer.history.val_acc[-1] >= target - 0.01
