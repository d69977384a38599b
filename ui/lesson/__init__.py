"""The Backprop page's sections, one module each; the page wires them together.

  focus.py      which entries every view shows: the selected pixel, units and digit (one
                selection drives every highlight) and the few entries shown beside them
  images.py     28x28 pictures on a diverging scale as small inline PNGs, with a legend
  example.py    the picker of instructive examples, and what this example wants
  step.py       the step: rate, rule, 1 / 10 steps, undo; before -> after; W1's change;
                what it did to other test images
  chain.py      the chain rule along one path, as a picture, and the clickable units
  unit.py       everything about the selected unit in one place
  why.py        "Show why" derivations on demand
  update.py     the update rule in use (SGD, momentum, Adam; L2) with the numbers of one weight
  batch.py      a mini-batch of m examples: 1/m, sums over rows, averaged outer products
  pixels.py     one layer further: dJ/dx, and nudging the pixels towards another digit
  checks.py     predict-then-reveal questions on the live numbers (ui/questions.py)
Leaves out: the equations of one example (ui/equations.py) and the page's layout
(app_pages/backprop.py).
"""
