"""Drawing: NumPy arrays and numbers in, something to show out. No session state here.

  colors.py    the one colour module: every colour, its one meaning, the diverging scale
  charts/      Plotly figure specs (arrays in, a figure dict out) and light SVG bar charts
  pictures.py  SVG and PNG pictures that need no JavaScript (Home, Draw, the Weights mosaic)
  readout.py   hover and tap read-outs of those pictures, computed in the browser
  tex.py       LaTeX building blocks that fit a phone; tables.py: plain HTML tables of numbers
  numbers.py   the one number formatter (three significant digits, sums that add up on screen;
               percent() for every probability and share)
  text.py      teaching text from assets/text/*.md; plaintext.py: outside text shown as text
  questions.py the predict-then-reveal question widget; thin.py: what is drawn of a big model
Imports: nn_core only (and each other). A module here reads no session state and knows no
page: whatever it shows is passed in.
Leaves out: what a session owns (session/), what the process shares (server/), links (links/)
and the parts of single pages (views/).
"""
