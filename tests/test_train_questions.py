"""The Train page's questions: answers computed from the settings and the history shown."""
import math

from devtools.apptest import fresh
from nn_core import TrainConfig
from views.train import questions as tq


def test_steps_per_epoch_is_the_ceiling_of_images_over_batch():
    q = tq.steps_question(TrainConfig(batch_size=64), 55_000)
    assert q.choices[q.answer] == f"{math.ceil(55_000 / 64):,}" == "860" and "859" in q.choices
    q = tq.steps_question(TrainConfig(batch_size=0), 55_000)
    assert q.choices[q.answer] == "1" and "full batch" in q.prompt
    q = tq.steps_question(TrainConfig(batch_size=100), 1_000)
    assert q.choices[q.answer] == "10" and "smaller" not in q.explanation and len(set(q.choices)) == len(q.choices)


def test_history_questions_follow_the_numbers():
    h = {"train_acc": [0.9, 0.99], "val_acc": [0.91, 0.97], "val_loss": [0.3, 0.1], "train_loss": [0.4, 0.05]}
    gap, fall = tq.gap_question(h), tq.fall_question(h)
    assert gap.choices[gap.answer] == "on the training set" and "99.00 %" in gap.explanation
    assert fall.choices[fall.answer] == "less than half of that" and "0.333" in fall.explanation
    h = {**h, "val_acc": [0.91, 0.995], "val_loss": [0.3, 0.35]}
    assert tq.gap_question(h).answer == 1 and tq.fall_question(h).answer == 2
    assert tq.gap_question({}) is None and tq.fall_question({"val_loss": [0.3]}) is None
    assert tq.fall_question({"val_loss": [0.3, float("nan")]}) is None


def test_the_train_page_asks_them_about_the_shown_model():
    at = fresh()
    at.switch_page("app_pages/train.py").run()
    labels = [r.label for r in at.radio]
    assert any("how many gradient steps is one epoch" in l for l in labels), labels
    assert any("which accuracy was higher" in l for l in labels)      # the pretrained model has a history
    steps = next(r for r in at.radio if "gradient steps" in r.label)
    right = [i for i in range(len(steps.options)) if steps.options[i] == "860"]
    assert right, steps.options
    steps.set_value(right[0] if isinstance(steps.value, int) or steps.value is None else steps.options[right[0]]).run()
    next(b for b in at.button if b.key == steps.key + ".check").click().run()  # committed, then revealed
    assert any("Right: 860" in s.value for s in at.success), [s.value for s in at.success]
