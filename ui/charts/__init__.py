"""Chart builders: NumPy arrays in, Plotly figure out. No Streamlit here.

  spec.py    layout helpers, PLOT (how pages pass a figure to st.plotly_chart)
  lines.py   training curves (loss, accuracy, weight and gradient RMS, dead units)
  bars.py    one bar per unit or digit, panels side by side, before/after, histograms
  images.py  weight templates as one mosaic, matrices, a 28x28 input, the confusion matrix
  inside.py  a curve with its operating point, the hidden-layer map, boxes from percentiles
  compare.py several kept runs on one chart (accuracy, loss, gradient size per layer)
  svg.py     light bar charts as SVG (no Plotly), and the helpers of hand-made diagrams
  curve.py   a light line chart as SVG: curves, points, segments, arrows (Backprop's loss along a weight)

Every colour comes from ui/colors.py, one meaning each (blue and red only for a sign, orange
only for the one you selected, ...): colour-blind safe, and every chart has a legend, a colour
bar or a caption that says what its colours mean. Pages use the builders through this package
(`charts.bars(...)`); which file holds one is an implementation detail.
Leaves out: static pictures without JavaScript (ui/pictures.py).
"""
from ui.charts import compare
from ui.charts.bars import bar_panels, bars, compare_bars, histograms
from ui.charts.images import confusion, matrix, pixels, templates
from ui.charts.inside import layer_map, quantile_boxes, with_point
from ui.charts.lines import curves, downsample, ema, epoch_history, training_curves
from ui.charts.spec import PLOT

__all__ = ["compare", "PLOT", "bar_panels",
           "bars", "compare_bars", "confusion", "curves", "downsample", "ema", "epoch_history", "histograms",
           "layer_map", "matrix", "pixels", "quantile_boxes", "templates", "training_curves", "with_point"]
