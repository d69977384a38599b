"""What one browser session owns: its state, the current example, scores, kept runs.

  state.py     every key of a session, initialised in one place; the shown model, a gradient
               step and its undo, page switches asked for in callbacks
  example.py   the digit Draw and Backprop show: a drawing or a test image
  scores.py    the shown model's test-set scores, one pass per model
  runs.py      the runs a session keeps to compare (bounded)
  pairs.py     a teaching pair trained in the background, in the line, like any run
  tiny.py      the warm-up's own 4-2-2 network on 2x2 strokes, its presses and their undo
Pages write only their own widget keys; what several pages share changes through here.
Imports: server/ and nn_core. Nothing here draws.
Leaves out: the pages' widgets (views/, app_pages/) and what the process shares (server/).
"""
