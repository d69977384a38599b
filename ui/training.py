"""Training in the dashboard: hyperparameter widgets, controls, and the per-tick chunk.

The hyperparameter widgets are bound to the URL (`bind="query-params"`, the key is the
parameter name), so a link such as /train?preset=best&lr=0.01 reproduces a set-up. The
controls are buttons with on_click callbacks that only flip session state; the training
itself advances in `tick()`, called by the fragment in app.py every TICK_SECONDS while a
run is active, so it goes on whichever page is open. Each tick trains a time-boxed chunk.
"""
from __future__ import annotations

import dataclasses
import math
import threading

import streamlit as st

from nn_core import PRESETS, Trainer, TrainConfig

from . import memory, resources, state
from .text import quote
from .limits import Limits

CHUNK_SECONDS = 0.5   # training per tick; longer keeps more speed, shorter answers clicks sooner
TICK_SECONDS = 0.1    # fragment timer: shorter than a chunk, so the next tick is always queued
VIEW_SECONDS = 0.5    # live chart redraw period on the Train page (<= 2 redraws/s)

LR_CHOICES = [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0]
L2_CHOICES = [0.0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2]
BATCH_CHOICES = [0, 16, 32, 64, 128, 256, 512]
N_TRAIN_CHOICES = [500, 1000, 2000, 5000, 10000, 20000, 55000]
ACTIVATIONS, INITS = ["relu", "leaky_relu", "sigmoid", "tanh"], ["he", "xavier", "uniform"]
OPTIMIZERS, SCHEDULES = ["sgd", "momentum", "adam"], ["constant", "cosine"]

# URL parameter (= widget key) -> how to read it from a preset's TrainConfig.
FIELDS = {
    "hidden": lambda c: ", ".join(map(str, c.hidden)),
    "activation": lambda c: c.activation,
    "init": lambda c: c.init,
    "optimizer": lambda c: c.optimizer,
    "lr": lambda c: c.lr,
    "schedule": lambda c: c.schedule,
    "batch": lambda c: c.batch_size,
    "epochs": lambda c: c.epochs,
    "l2": lambda c: c.l2,
    "n_train": lambda c: c.n_train or 55000,
    "seed": lambda c: c.seed,
}
DEFAULT_PRESET = "fast"


def _apply_preset() -> None:
    cfg = PRESETS[st.session_state["preset"]].config
    for key, read in FIELDS.items():
        st.session_state[key] = read(cfg)


def parse_hidden(text: str, limits: Limits = Limits()) -> tuple[int, ...]:
    """'128, 64' -> (128, 64), with a message a student understands when it is not valid."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    if not parts:
        raise ValueError("Enter at least one hidden layer size, e.g. 128 or 128, 64.")
    try:
        sizes = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"Hidden layer sizes must be whole numbers separated by commas, got {quote(text)}.") from None
    if len(sizes) > limits.max_layers:
        raise ValueError(f"At most {limits.max_layers} hidden layers here, got {len(sizes)}.")
    if any(not 1 <= s <= limits.max_hidden for s in sizes):
        raise ValueError(f"Each hidden layer needs 1 to {limits.max_hidden} units here, got "
                         f"{quote(', '.join(map(str, sizes)))}.")
    return sizes


def _nearest(options: list[float], value: float, log: bool) -> float:
    key = (lambda o: abs(math.log(o) - math.log(value))) if log and value > 0 else (lambda o: abs(o - value))
    candidates = [o for o in options if o > 0] if log and value > 0 else options
    return min(candidates, key=key)


def check_link(limits: Limits) -> list[str]:
    """Settings in the page's link that the widgets would drop without a word.

    Streamlit ignores a bound widget's URL value that is not one of its options or is out
    of its range. Here numbers are moved to the nearest allowed value (and the widget set
    to it), anything else is refused; each case gets a message. Runs before the widgets.
    """
    q, notes = st.query_params, []
    choices = {"lr": (LR_CHOICES, True), "l2": (L2_CHOICES, True), "batch": (BATCH_CHOICES, False),
               "n_train": (n_train_choices(limits), False)}
    ranges = {"epochs": (1, limits.max_epochs), "seed": (0, 2**31 - 1)}
    names = {"preset": list(PRESETS), "activation": ACTIVATIONS, "init": INITS, "optimizer": OPTIMIZERS,
             "schedule": SCHEDULES}
    for key in [k for k in q if k in choices or k in ranges or k in names]:
        raw = q[key]
        if key in names:
            if raw not in names[key]:
                notes.append(f"The link's {key}={quote(raw)} is not one of {', '.join(names[key])}: ignored.")
            continue
        try:
            value = float(raw)
            if not math.isfinite(value):
                raise ValueError
        except ValueError:
            notes.append(f"The link's {key}={quote(raw)} is not a number: ignored.")
            continue
        if key in ranges:
            lo, hi = ranges[key]
            new = int(min(max(round(value), lo), hi))
            if new == value:
                continue
        else:
            options, log = choices[key]
            if value in options:
                continue
            new = _nearest(options, value, log)
        st.session_state[key] = new
        notes.append(f"The link's {key}={quote(raw)} is not allowed here: using {new:g}, the nearest allowed value.")
    return notes


def n_train_choices(limits: Limits) -> list[int]:
    allowed = [n for n in N_TRAIN_CHOICES if n <= limits.max_train]
    return allowed or [min(N_TRAIN_CHOICES)]


def hyperparameter_widgets() -> TrainConfig | None:
    """Draw the controls; return the TrainConfig they describe (None, with a message, if invalid)."""
    d = PRESETS[DEFAULT_PRESET].config
    limits = resources.limits()
    st.session_state["train.link_notes"] += check_link(limits)
    for note in st.session_state["train.link_notes"]:
        st.warning(note, icon=":material/link:")
    st.selectbox("Preset", list(PRESETS), index=list(PRESETS).index(DEFAULT_PRESET), key="preset",
                 format_func=lambda n: PRESETS[n].title, on_change=_apply_preset, bind="query-params",
                 help="Start from the network of one of the source documents, or from our fast/best set-ups. "
                      "Choosing a preset fills in every setting below; change any of them afterwards.")
    st.caption(PRESETS[st.session_state["preset"]].description)
    hidden = st.text_input("Hidden layer sizes", value=FIELDS["hidden"](d), key="hidden", bind="query-params",
                           help="Units in each hidden layer, separated by commas: `128` is one hidden layer, "
                                "`128, 64` two. Input (784 pixels) and output (10 digits) are fixed.")
    c1, c2 = st.columns(2)
    c1.selectbox("Activation g", ACTIVATIONS, key="activation", bind="query-params",
                 help="The non-linearity after each hidden layer's weighted sum: A = g(Z). Without one, "
                      "stacked layers collapse into a single linear map.")
    c2.selectbox("Initialisation", INITS, key="init", bind="query-params",
                 help="He: W ~ N(0, 2/n_in), suited to ReLU. Xavier: N(0, 1/n_in), for sigmoid/tanh. "
                      "Uniform: U(-0.5, 0.5), the naive start of the column-layout source document.")
    c1.selectbox("Optimizer", OPTIMIZERS, index=2, key="optimizer", bind="query-params",
                 help="SGD: W ← W − α·dW. Momentum: follow a running sum of past gradients. "
                      "Adam: per-weight step sizes from running gradient statistics.")
    c2.selectbox("Schedule", SCHEDULES, index=1, key="schedule", bind="query-params",
                 help="Constant keeps α fixed; cosine lowers it smoothly to 1 % of α by the last step.")
    st.select_slider("Learning rate α", LR_CHOICES, value=d.lr, key="lr", bind="query-params",
                     help="Step size along the negative gradient. Too small: slow. Too large (try 10): "
                          "the loss explodes and training stops, keeping the last good weights.")
    c1, c2 = st.columns(2)
    c1.selectbox("Batch size m", BATCH_CHOICES, index=BATCH_CHOICES.index(d.batch_size), key="batch",
                 bind="query-params", format_func=lambda b: "full batch" if b == 0 else str(b),
                 help="Examples averaged into each gradient step. Full batch uses every training image "
                      "for each step, as two of the source documents do.")
    c2.number_input("Epochs", 1, limits.max_epochs, value=min(d.epochs, limits.max_epochs), key="epochs",
                    bind="query-params", help=f"Passes over the training set (at most {limits.max_epochs} here).")
    st.select_slider("L2 penalty λ", L2_CHOICES, value=d.l2, key="l2", bind="query-params",
                     format_func=lambda v: "off" if v == 0 else f"{v:g}",
                     help="Adds λ/2·‖W‖² to the loss, i.e. λ·W to each weight gradient: keeps weights small.")
    # (no thousands separator: a bound widget puts its displayed label in the URL)
    n_choices = n_train_choices(limits)
    st.select_slider("Training images", n_choices, value=n_choices[-1], key="n_train", bind="query-params",
                     help="How many of the 55,000 training images to learn from (5,000 more are held out "
                          "for validation, 10,000 for the test)."
                          + ("" if n_choices[-1] >= 55000 else f" This server allows up to {n_choices[-1]:,}."))
    st.number_input("Seed", 0, 2**31 - 1, value=d.seed, key="seed", bind="query-params",
                    help="Fixes the initial weights and the order of the batches: same seed, same run.")
    try:
        n_train = st.session_state["n_train"]
        return TrainConfig(hidden=parse_hidden(hidden, limits), activation=st.session_state["activation"],
                           init=st.session_state["init"], optimizer=st.session_state["optimizer"],
                           lr=float(st.session_state["lr"]), schedule=st.session_state["schedule"],
                           batch_size=int(st.session_state["batch"]), epochs=int(st.session_state["epochs"]),
                           l2=float(st.session_state["l2"]), n_train=0 if n_train >= 55000 else int(n_train),
                           seed=int(st.session_state["seed"]))
    except ValueError as e:
        st.error(str(e))
        return None


# ------------------------------------------------------------------ controls (on_click callbacks)
def _lock() -> threading.Lock:
    return st.session_state["train.lock"]


def _busy_message() -> str:
    n = resources.limits().max_trainings
    return (f"The server is busy: {n} training run{'s are' if n > 1 else ' is'} already going (this server allows "
            f"{n} at once, so that the app stays quick for everyone). Try again shortly; your settings are kept.")


def start(config: TrainConfig) -> None:
    slots, sid = resources.training_slots(), st.session_state["session.id"]
    if not slots.acquire(sid):
        st.session_state["train.error"] = _busy_message()
        return
    n_params = sum(a * b + b for a, b in zip(config.layer_sizes[:-1], config.layer_sizes[1:]))
    config = dataclasses.replace(config, max_snapshots=resources.limits().max_snapshots(n_params))
    with _lock():
        st.session_state["train.trainer"] = Trainer(config, resources.dataset())
        preset = st.session_state.get("preset", DEFAULT_PRESET)
        same = dataclasses.replace(PRESETS[preset].config, max_snapshots=config.max_snapshots) == config
        st.session_state["train.preset"] = preset if same else "custom"
        st.session_state["train.running"] = True
        st.session_state["train.error"] = None
        st.session_state["train.notice"] = None
        st.session_state["train.link_notes"] = []


def pause() -> None:
    st.session_state["train.running"] = False
    resources.training_slots().release(st.session_state["session.id"])


def resume() -> None:
    t = state.trainer()
    if t is None or t.done:
        return
    if not resources.training_slots().acquire(st.session_state["session.id"]):
        st.session_state["train.error"] = _busy_message()
        return
    st.session_state["train.error"] = None
    st.session_state["train.running"] = True


def reset() -> None:
    with _lock():
        st.session_state["train.trainer"] = None
        st.session_state["train.running"] = False
        st.session_state["train.error"] = None
        st.session_state["train.notice"] = None
    resources.training_slots().release(st.session_state["session.id"])
    memory.release()


def use_paused_model() -> None:
    t = state.trainer()
    if t is not None and t.step_count:
        state.adopt_trained(t, f"{_run_name(t)} (paused at step {t.step_count:,})")
        st.session_state["train.notice"] = "The paused model is now the one every page shows."


def _run_name(t: Trainer) -> str:
    preset = st.session_state["train.preset"]
    return f"{'-'.join(map(str, t.model.layer_sizes))} {t.config.activation} ({preset})"


# ------------------------------------------------------------------ the tick
def tick() -> None:
    """Advance the active run by one time-boxed chunk; on the last one, publish the result."""
    t = state.trainer()
    if t is None or not state.running():
        return
    lock = _lock()
    if not lock.acquire(blocking=False):  # an overlapping rerun of this session is training
        return
    try:
        resources.training_slots().renew(st.session_state["session.id"])
        t.run_for(CHUNK_SECONDS)
        finished = t.done
        if finished:
            st.session_state["train.running"] = False
            resources.training_slots().release(st.session_state["session.id"])
            if t.status == "diverged":
                st.session_state["train.error"] = t.message
            else:
                state.adopt_trained(t, _run_name(t))
                st.session_state["train.notice"] = (
                    f"Training finished: test accuracy {state.info()['metrics']['test_accuracy']:.2%}. "
                    "This model is now the one every page shows.")
    finally:
        lock.release()
    if finished:
        # st.rerun raises; a traceback kept by the runtime would keep this frame, and with it
        # the whole finished run, alive (measured: ~20 MB per run): drop the reference first.
        del t
        memory.release()  # the run's batches and activations are garbage now
        st.rerun()  # a full rerun removes the fragment timers and refreshes the page
