"""`python -m nn_core ...`: see nn_core/cli.py."""
from .cli import main

raise SystemExit(main())
