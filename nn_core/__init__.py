"""nn_core: a multilayer perceptron for MNIST in NumPy, with every intermediate exposed.

The network (model.py), its activations and softmax steps (activations.py), the loss
(losses.py), the confusion matrix (metrics.py), optimizers (optimizers.py), a resumable trainer that records what a
dashboard shows (trainer.py), hyperparameters and presets (config.py), data loading
(data.py), drawing preprocessing (preprocess.py), input gradients and nudging (saliency.py),
gradient checking (gradcheck.py), edited copies of a network (edit.py), fixed perturbations
of digits (perturb.py), answering only when sure (selective.py), PCA maps of each layer
(layermap.py), per-unit statistics (unitstats.py), model files (serialize.py, reading untrusted ones through
safe_npz.py and header.py) and the command line (cli.py). NumPy and the standard library only
(Pillow to resize drawings); no UI code.
"""
from .activations import ACTIVATIONS, get_activation, softmax, softmax_steps
from .config import PRESETS, Preset, TrainConfig, get_preset
from .data import Dataset, as_float, load_dataset, read_idx
from .edit import Edit, edited
from .gradcheck import check_gradients, check_weight, rel_error
from .losses import cross_entropy, labels_to_onehot
from .metrics import confident_mistakes, confusion_matrix, per_class_accuracy
from .model import MLP
from .optimizers import make_optimizer
from .perturb import Perturbation, perturb
from .preprocess import prepare_drawing
from .saliency import Nudge, input_gradient, nudge
from .selective import DONT_KNOW, answers, coverage_curve
from .serialize import dumps_model, load_model, load_snapshots, save_model, save_snapshots
from .trainer import History, Snapshot, Trainer, evaluate, score, score_proba

__all__ = [
    "ACTIVATIONS", "DONT_KNOW", "PRESETS", "Dataset", "Edit", "History", "MLP", "Nudge", "Perturbation", "Preset", "Snapshot", "TrainConfig", "Trainer",
    "answers", "as_float", "check_gradients", "check_weight", "confident_mistakes", "confusion_matrix", "coverage_curve", "cross_entropy", "dumps_model", "edited", "evaluate",
    "get_activation", "get_preset", "input_gradient", "labels_to_onehot", "load_dataset", "load_model", "load_snapshots",
    "make_optimizer", "nudge", "per_class_accuracy", "perturb", "save_snapshots",
    "prepare_drawing", "read_idx", "rel_error", "save_model", "score", "score_proba", "softmax", "softmax_steps",
]
