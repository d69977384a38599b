"""`python -m nn_core ...`: see nn_core/cli.py."""
from nn_core.cli import main

raise SystemExit(main())
