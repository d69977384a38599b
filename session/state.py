"""Everything a browser session owns, under namespaced keys, initialised in one place, and
the functions through which pages change what several pages share.

model.current   the MLP every page shows (starts as the shared, read-only pretrained model)
model.info      dict: name, source, config, metrics (test_accuracy, history of epochs), and for an
                uploaded file notes (what of its header was left out or measured again)
model.snapshots parameter snapshots of its training run (empty for loaded models)
model.undo      OneStep records of the gradient steps taken on the shown model, newest last
model.test_scores  the shown model's scores on the test set (session/scores.py)
train.trainer   the Trainer of the run in progress (or finished), or None
train.running   True while the run is active (its thread trains, the fragment watches)
train.run       the Run (server/run.py) whose thread advances train.trainer, or None
class.lesson    a teacher's class link (links/classroom.py): its preset, the settings it fixes and hides
class.id, class.token  the class that link names (for the class poll) and its token, or None
answers.committed  the answers this session committed to questions (views/shell/answers.py)
lesson.*        the guided lesson: the step, whether its panel is open (session/lesson.py)
view.projector  projector mode: larger text and thicker lines (views/shell/projector.py)
train.queued    while every training slot is taken: what to start when this session's turn comes
train.error     a message for the Train page (divergence, bad settings), or None
train.notice    a success message for the Train page, or None
train.preset    the preset a run started from, or "custom" if its settings were changed
session.id      a random id: this session's slot in the server-wide training limit
train.link_notes messages about settings in the page's link that were clamped or ignored
train.preview_draw the draw number of the augmentation preview (views/train/augment_preview.py)
train.link_read whether this session's link has been read (once, by views/train/settings.py)
train.lock      held while a chunk trains or a run is replaced (reruns of a session can overlap)
upload.error, upload.ok   the outcome of the last model upload
example.*       the digit shown on Draw and Backprop (session/example.py)
nav.goto        a page a callback asked for; app.py switches to it on the next run
draw.*, backprop.*, eval.*, weights.*, train.chart.*   each page's own widgets and state
lab.*, robust.*, layermap.*, units.*  the pages that look inside (lab.result: views/inside/lab.py)
runs.kept, runs.next_id  the ended runs kept for the Compare page (session/runs.py)
pairs.job, pairs.done, pairs.note  a teaching pair training in the background (session/pairs.py)
memory.notes    what the server took back from this session when short of memory (session/holdings.py)
tiny.model, tiny.presses   the warm-up's own tiny network and its presses (session/tiny.py)

Pages write only their own keys. What several pages share changes only here (a new model:
`use_default_model`, `adopt_trained`, `adopt_uploaded`; a step on some examples:
`apply_step`, `undo_step`; a page switch asked for in a callback: `request_page`), in
session/example.py (the example shown), session/scores.py (the test-set scores), session/runs.py (the
runs kept to compare), session/pairs.py (a teaching pair in training) and session/tiny.py (the
warm-up's tiny network).
Training never replaces model.current until it finishes; then `adopt_trained` does.
Leaves out: the training controls and tick (views/train/training.py).
"""
from __future__ import annotations

import copy
import threading
import uuid
from dataclasses import dataclass

import numpy as np
import streamlit as st

from nn_core import MLP, Snapshot, Trainer, make_optimizer
from nn_core.optimizers import Optimizer
from server import budget, resources
from session import holdings, per_model, scores

budget.parts(holdings.measure, holdings.STEPS)  # what a session holds and gives back, for the server's budget
MAX_UNDO = 20  # gradient steps that Undo can take back
UNDO_BYTES = 48 * 2**20  # and no more than this in old weights and optimizer state (a session's share)

DEFAULTS = {  # a value, or a factory called once per session (each session its own list, lock)
    "session.id": lambda: uuid.uuid4().hex,  # names this session's slot in the global training limit
    "model.current": None,
    "model.info": None,
    "model.snapshots": list,
    "model.undo": list,         # OneStep before each gradient step on a few examples, newest last
    "model.derived": dict,      # what pages computed from the shown model (session/per_model.py)
    "train.trainer": None,
    "train.run": None,          # the background thread advancing it (server/run.py), or None
    "train.running": False,
    "class.read": False,        # the link's class lesson is read once per session (links/classroom.py)
    "class.lesson": None,       # a teacher's class link: preset, fixed settings, projector; or None
    "class.note": None,         # why the link's lesson is not used (changed, unknown settings), or None
    "class.id": None,           # the class the link names, for the class poll (links/classroom.py), or None
    "class.token": None,        # that link's token (the teacher link is made from it), or None
    "answers.committed": dict,  # question widget key -> the choice committed (views/shell/answers.py)
    "answers.notes": dict,      # question widget key -> why the class poll did not count it
    "lesson.step": None,        # the guided lesson's step (1..n) once started (session/lesson.py), or None
    "lesson.open": False,       # its panel is shown (False after "Leave the lesson")
    "lesson.visit": 0,          # bumped by each Back, Next and return: the page scrolls to the step again
    "lesson.read": False,       # the link's step is read once per session
    "view.projector": False,    # projector mode (the sidebar's switch, views/shell/projector.py)
    "view.projector_read": False,
    "train.queued": None,       # waiting for a training slot: {"action", "config", "seconds"}, or None
    "train.error": None,
    "train.notice": None,
    "train.preset": "custom",
    "train.lock": threading.Lock,
    "train.link_notes": list,   # messages about settings in the link that were changed or ignored
    "train.preview_draw": 0,    # bumped by the preview's "New draws" button
    "train.link_read": False,   # the link is read once per session, before the Train page's widgets
    "upload.error": None,
    "upload.ok": None,
    "example.x": None,          # the digit Draw and Backprop show: see session/example.py
    "example.source": None,
    "example.index": None,
    "example.label": None,
    "example.opened": None,     # a test image another page opened: Draw shows it (session/example.py)
    "example.drawing": None,    # the last drawing, kept while a test image is shown (session/example.py)
    "example.meant": None,      # the digit a drawing was meant to be, as said on Backprop (session/example.py)
    "nav.goto": None,           # the page a callback asked for (switched to on the next run)
    "nav.goto_query": None,     # and its link's query (e.g. the lesson's step), or None
    "draw.canvas": 0,           # bumped by Clear: a new canvas key is an empty canvas
    "draw.seen": None,          # the canvas picture last read, the preprocessing strip of the
    "draw.steps": None,         # drawing and the note under the canvas (views/draw/drawing.py)
    "draw.note": None,
    "runs.kept": list,          # ended runs kept to compare (session/runs.py), oldest first
    "runs.next_id": 1,
    "pairs.job": None,          # a teaching pair training or waiting in line (session/pairs.py), or None
    "pairs.done": None,         # the ids of the last pair's kept runs, until Compare shows them
    "pairs.note": None,         # why the last pair did not start or finish, or None
    "memory.notes": list,       # what this session gave back when the server was short of memory (session/holdings.py)
    "tiny.model": None,         # the warm-up's 4-2-2 network (session/tiny.py), made on first use
    "tiny.presses": list,       # its presses, newest last (bounded)
}


def init() -> None:
    """Fill in every key this session does not have yet (called once per run by app.py)."""
    for key, value in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = value() if callable(value) else value
    if st.session_state["model.current"] is None:
        use_default_model()


@dataclass(frozen=True)
class OneStep:
    """What Undo needs to put back, and what the step was (for the before/after view)."""
    model: MLP           # the model before the step
    info: dict
    snapshots: list
    X: np.ndarray        # (m, 784) the examples it stepped on
    y: np.ndarray        # (m,) their labels
    lr: float
    steps: int = 1       # gradient steps taken by this one press, all on the same examples
    rule: str = "sgd"    # the update rule: an nn_core optimizer name
    l2: float = 0.0
    optimizer: Optimizer | None = None  # the rule's state after these steps (the next press goes on from it)

    @property
    def nbytes(self) -> int:
        state = [a for d in vars(self.optimizer).values() if isinstance(d, dict) for a in d.values()
                 if isinstance(a, np.ndarray)] if self.optimizer is not None else []  # momentum's v, Adam's m and s
        return sum(p.nbytes for p in self.model.params.values()) + sum(a.nbytes for a in state)


def _publish(model: MLP, info: dict, snapshots: list, undo: list | None = None) -> None:
    """Make `model` the one every page shows. A new model starts with nothing to undo, and
    test scores of another model are dropped (they would keep that model alive)."""
    st.session_state["model.current"] = model
    st.session_state["model.info"] = info
    st.session_state["model.snapshots"] = snapshots
    st.session_state["model.undo"] = [] if undo is None else undo
    per_model.drop_all(keep_model=model)  # what was computed from another model would keep it alive


def use_default_model() -> None:
    model, meta = resources.default_model()
    _publish(model, {"name": "Pretrained (fast preset, augmented)", "source": "assets/default_model.npz",
                     "config": meta.get("config", {}), "metrics": meta.get("metrics", {})},
             resources.default_snapshots())


def model() -> MLP:
    return st.session_state["model.current"]


def info() -> dict:
    return st.session_state["model.info"]


def snapshots() -> list[Snapshot]:
    return st.session_state["model.snapshots"]


def trainer() -> Trainer | None:
    return st.session_state["train.trainer"]


def running() -> bool:
    return bool(st.session_state["train.running"])


def queued() -> bool:
    """True while this session waits in line for a training slot (server/slots.py)."""
    return st.session_state["train.queued"] is not None


def adopt_trained(t: Trainer, name: str) -> None:
    """Make a finished (or paused) run's model the one every page shows."""
    model = t.model.copy()  # the trainer may resume; the shown model must not move
    test = scores.on_test_set(model, spinner=False)  # kept: the Evaluate page needs no second pass
    _publish(model, {
        "name": name, "source": f"trained in this session ({t.step_count:,} steps)",
        "config": t.config.to_dict(),
        "metrics": {"test_accuracy": test.accuracy, "test_loss": test.loss,
                    "val_accuracy": t.history.val_acc[-1] if t.history.val_acc else None,
                    "history": t.history.epoch_summary(), "train_seconds": t.elapsed},
    }, list(t.snapshots))


def adopt_kept(model: MLP, name: str, config: dict, val_accuracy: float | None) -> None:
    """Make a run kept for comparison (session/runs.py) the one every page shows again."""
    _publish(model, {"name": name, "source": "a run kept on the Compare page", "config": config,
                     "metrics": {"val_accuracy": val_accuracy}}, [])


def adopt_uploaded(model: MLP, meta: dict, filename: str) -> None:
    _publish(model, {"name": filename, "source": "uploaded file", "config": meta.get("config", {}),
                     "metrics": meta.get("metrics", {}),
                     "notes": list(meta.get("notes", []))}, [])  # what the loader left out or measured again


# ------------------------------------------------------------------ gradient steps on a few examples
def apply_step(X: np.ndarray, y: np.ndarray, lr: float, steps: int = 1, rule: str = "sgd", l2: float = 0.0) -> None:
    """`steps` steps of the update rule `rule` (SGD: W <- W - lr * dW for every parameter), on
    the examples X (m, 784) with labels y (m,); the result becomes the shown model, and Undo
    can put the previous one back (up to MAX_UNDO presses, within UNDO_BYTES). Momentum and
    Adam go on from the state of the previous press if it used the same rule and L2."""
    X, y = np.atleast_2d(X), np.atleast_1d(np.asarray(y, np.int64))
    before, old = model(), info()
    optimizer = next_optimizer(rule, l2)
    after = before.copy()  # the pretrained default is read-only and shared: never update it in place
    for _ in range(int(steps)):
        _, cache = after.forward(X)
        optimizer.update(after.params, after.backward(cache, y), lr)
    undo = steps_to_undo() + [OneStep(before, old, snapshots(), X, y, float(lr), int(steps), rule, float(l2), optimizer)]
    while len(undo) > MAX_UNDO or (len(undo) > 1 and sum(u.nbytes for u in undo) > UNDO_BYTES):
        undo.pop(0)
    total = old.get("one_example_steps", 0) + int(steps)
    base = old.get("base_name", old["name"])
    on = "one digit" if len(y) == 1 else f"{len(y)} digits"
    _publish(after, {**old, "base_name": base, "one_example_steps": total, "metrics": {},
                     "name": f"{base} + {total} step{'s' if total > 1 else ''} on {on}"},
             snapshots(), undo)


def next_optimizer(rule: str, l2: float = 0.0) -> Optimizer:
    """The optimizer the next `apply_step` will use: a copy of the last press's if it used the
    same rule and L2 (momentum's v, Adam's m, v and t go on), else a fresh one."""
    undo = steps_to_undo()
    last = undo[-1] if undo else None
    if last is not None and last.optimizer is not None and last.rule == rule and last.l2 == float(l2):
        return copy.deepcopy(last.optimizer)
    return make_optimizer(rule, l2=l2)


def undo_step() -> None:
    """Put back the model from before the last `apply_step` (nothing happens if there is none)."""
    undo = steps_to_undo()
    if undo:
        last = undo[-1]
        _publish(last.model, last.info, last.snapshots, undo[:-1])


def steps_to_undo() -> list[OneStep]:
    """A copy of the undo stack, oldest first."""
    return list(st.session_state["model.undo"])


# ------------------------------------------------------------------ page switches from callbacks
def request_page(page: str, query: dict[str, str] | None = None) -> None:
    """Ask for another page from a widget callback (st.switch_page does not work in one),
    with `query` as its link's query (a page switch otherwise empties it)."""
    st.session_state["nav.goto"] = page
    st.session_state["nav.goto_query"] = query


def open_unit(layer: int, unit: int) -> None:
    """on_click: show this unit on the Units page (from any page that shows units)."""
    st.session_state["units.layer"], st.session_state["units.unit"] = int(layer), int(unit)
    request_page("app_pages/units.py")


def follow_page_request() -> None:
    """Called by app.py on every run: switch to a page a callback asked for, once."""
    page, query = st.session_state["nav.goto"], st.session_state["nav.goto_query"]
    if page:
        st.session_state["nav.goto"] = st.session_state["nav.goto_query"] = None
        st.switch_page(page, query_params=query)
