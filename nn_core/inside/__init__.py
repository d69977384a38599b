"""Looking inside a trained network: input gradients and nudges (saliency.py), edited copies
(edit.py), fixed perturbations of digits (perturb.py), answering only when sure
(selective.py), PCA maps of each layer (layermap.py), per-unit statistics (unitstats.py)."""
