"""The Backprop page's sections, one module each; the page wires them together.

  focus.py           which entries every view shows: the selected pixel, units and digit
                     (one selection drives every highlight) and the few entries beside them
  example.py         1. the picker of instructive examples; 2. what this example wants
  step.py            3. rate, rule, 1 / 10 steps, undo; before -> after; W1's change; other
                     test images
  checks.py          3. predict-then-reveal questions on the live numbers (ui/questions.py)
  chain.py, unit.py  4. the chain rule along one path, the clickable units, the selected unit
  equations_view.py  5. every equation (views/backprop/equations.py), the notation, "Show why" (why.py)
  update.py          6. the update rule in use (SGD, momentum, Adam; L2), one weight's numbers
  batch.py           7. a mini-batch: 1/m, sums over rows, averaged outer products
  pixels.py          8. one layer further: dJ/dx, and nudging the pixels towards another digit
  gradcheck.py       9. backprop against the finite difference for one weight
  images.py, svg.py, tables.py, style.py   light pictures (PNG, SVG), HTML tables, the CSS
Sections whose controls change nothing else (notation, batch size, nudge target, the
checked weight, the questions) are fragments: using them reruns only that section.
Leaves out: the page's order (app_pages/backprop.py).
"""
