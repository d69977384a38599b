"""nn_core: a multilayer perceptron for MNIST in NumPy, with every intermediate exposed.

The network (model.py), its activations and softmax steps (activations.py), the loss
(losses.py), scoring a labelled set (evaluate.py), the confusion matrix (metrics.py),
optimizers (optimizers.py), a resumable trainer (trainer.py) and what it records
(history.py), hyperparameters (config.py, with their specs in fields.py) and presets
(presets.py) and teaching pairs of runs one setting apart (pairs.py), a run-time estimate (estimate.py), data loading (data.py), augmentation of
training batches (augment.py, on warp.py's batch-wide image operations), drawing
preprocessing (preprocess.py), input gradients and nudging (saliency.py), gradient
checking (gradcheck.py), edited copies of a network (edit.py), fixed perturbations of
digits (perturb.py), answering only when sure (selective.py), PCA maps of each layer
(layermap.py), per-unit statistics (unitstats.py), model files (serialize.py, reading untrusted ones through
safe_npz.py and header.py) and the command line (cli.py). NumPy and the standard library
only (Pillow to resize drawings).
Leaves out: any UI code (a test checks nothing here imports Streamlit or Plotly).
"""
from nn_core.activations import ACTIVATIONS, Activation, get_activation, softmax, softmax_steps
from nn_core.config import ConfigError, TrainConfig, check_config, specs
from nn_core.data import Dataset, as_float, load_dataset, read_idx
from nn_core.evaluate import accuracy, evaluate, probabilities, rows_per_chunk
from nn_core.files.serialize import dumps_model, load_model, load_snapshots, save_model, save_snapshots
from nn_core.gradcheck import check_gradients, check_weight, loss_along, regularised_loss, rel_error
from nn_core.history import History, Progress, Snapshot
from nn_core.inside.edit import Edit, edited
from nn_core.inside.perturb import Perturbation, perturb
from nn_core.inside.saliency import Nudge, input_gradient, nudge
from nn_core.inside.selective import DONT_KNOW, answers, coverage_curve
from nn_core.losses import cross_entropy, labels_to_onehot
from nn_core.metrics import confident_mistakes, confusion_matrix, per_class_accuracy
from nn_core.model import MLP, n_params
from nn_core.optimizers import make_optimizer
from nn_core.pairs import PAIRS, Pair
from nn_core.preprocess import prepare_drawing
from nn_core.presets import PRESETS, Preset, get_preset
from nn_core.trainer import Trainer

__all__ = [
    "ACTIVATIONS", "Activation", "PRESETS", "ConfigError", "Dataset", "History", "MLP", "Nudge", "Preset", "Progress",
    "Snapshot", "TrainConfig", "Trainer", "accuracy", "as_float", "check_config", "check_gradients",
    "check_weight", "confident_mistakes", "confusion_matrix", "cross_entropy", "dumps_model", "evaluate", "probabilities", "rows_per_chunk",
    "get_activation", "get_preset", "input_gradient", "labels_to_onehot", "load_dataset", "load_model",
    "load_snapshots", "loss_along", "make_optimizer", "regularised_loss", "n_params", "nudge", "per_class_accuracy", "prepare_drawing", "read_idx",
    "rel_error", "save_model", "save_snapshots", "softmax", "softmax_steps", "specs",
    # looking inside: edited copies, perturbations, answering only when sure
    "DONT_KNOW", "Edit", "Perturbation", "answers", "coverage_curve", "edited", "perturb",
    # comparing runs
    "PAIRS", "Pair",
]
