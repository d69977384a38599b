"""What the server process shares between every browser session.

  resources.py  the read-only dataset and pretrained model, loaded once per process
  limits.py     the deployer's caps (environment, secrets, defaults)
  slots.py      the server-wide training slots and the line of sessions waiting for one
  run.py        the background thread that trains one session's run (or its teaching pair)
  estimate.py   a run's estimated training time on this server (the cost model at its speed)
  samples.py    the fixed 2,000-image test sample that Robustness and the layer map measure on
  poll.py       the class poll: answers counted per class and question (anonymous, bounded)
  memory.py     freed memory given back to the operating system
  uploads.py    uploads only through the uploader, bounded per session, names cleaned
  sweeper.py    a slow timer: expired sessions ended, garbage collected when sessions have gone
  widget_values.py  widget values no browser would send, dropped before Streamlit reads them
Imports: nn_core only. Nothing here reads a session's state: a session's things are in session/.
Leaves out: drawing (ui/), pages and their parts (views/).
"""
