"""The pages that look inside what was learned: Weights, Evaluate, Layer map, Units, Break it,
Robustness.

  weights_view.py, evaluate_view.py   the Weights and Evaluate pages' sections
  maps.py, maps_view.py               the layer map's numbers (once per model) and a selection
  units.py, units_view.py             every unit's statistics (once per model) and one unit's views
  lab.py, lab_view.py                 Break it: the edited copy and its scores; the two columns
  robust.py, robust_view.py           Robustness: curves (once per model) and the page's sections
What is computed once per model is kept in session/per_model.py.
Leaves out: the page scripts (app_pages/) and drawing shared by several pages (ui/).
"""
