"""Augmentation of training batches: random shift, rotation, zoom, elastic distortion and
stroke thickness (distort.py), on batch-wide image operations (warp.py)."""
from nn_core.augment.distort import Augment

__all__ = ["Augment"]
