"""Links: what a shared address may say, and a teacher's signed class link.

  query.py      a link's query string read the way a person types it (pure, fuzzed)
  controls.py   each hyperparameter's control under the deployer's caps: what a widget and a
                link may hold
  classroom.py  class links: a signed token that fixes a preset and some settings
Imports: server/ (the caps), ui/plaintext.py and nn_core.
Leaves out: the Train page's widgets (views/train/) and the sharing panel.
"""
